"""Write the two sample official lists in resources/samples/ (made up, shaped like published ones).

    python -m scripts.make_list_samples

- 科技型中小企业入库名单样例.xlsx: with 统一社会信用代码, grouped under 盟市 headings (import with --kind tech_sme
  --date 2026-06-30);
- 高新技术企业认定名单样例.xlsx: only names and certificate numbers, as the 认定报备 lists are published (import
  with --kind high_tech --date 2026-11-18).
Companies are those of 申报样例.xlsx, plus one not in it, a near name (内蒙古…), a branch and spelling variants.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.uscc import check_character

OUT = Path(__file__).resolve().parent.parent / "resources" / "samples"
TECH_SME = "科技型中小企业入库名单样例.xlsx"
HIGH_TECH = "高新技术企业认定名单样例.xlsx"


def _uscc(first17: str) -> str:
    return first17 + check_character(first17)


def _sheet(title: str, headers: list[str], rows: list, widths: list[int]):
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for i, w in enumerate(widths):
        ws.column_dimensions["ABCDEFG"[i]].width = w
    return wb


def tech_sme_rows() -> list:
    return [
        ["一、呼伦贝尔市"],
        [1, "呼伦贝尔北疆乳业科技有限公司", "91150702MAAKD60002", "2026150702A0001234"],
        [2, "呼伦贝尔草原绿源生物科技有限公司", "91150702MAQTM6001U", "2026150702A0001301"],
        [3, "扎兰屯市岭南农畜产品检测有限公司", "91150783MA4JF7004P", "2026150783A0000045"],
        [4, "陈巴尔虎旗草原智慧牧业有限公司", "91150725MAT03900AM", "2026150725A0000012"],
        ["二、包头市"],
        [5, "包头市九原储能技术有限公司", "91150207MA37DA00FH", "2026150207A0000233"],
        [6, "包头东河石墨烯新材料有限公司", "91150202MAHEMA00G3", "2026150202A0000101"],
        [7, "包头市北方测控仪器有限公司", _uscc("91150207MA0LNT001"), "2026150207A0000301"],
    ]


def high_tech_rows() -> list:
    return [
        [1, "呼伦贝尔北疆乳业科技有限公司", "GR202615000101"],
        [2, "呼伦贝尔草原绿源生物科技有限公司", "GR202615000233"],
        [3, "内蒙古包头青山氢能科技有限公司", "GR202615000678"],
        [4, "包头市昆仑重型装备制造有限责任公司", "GR202615000702"],
        [5, "包头市九原储能技术有限公司稀土高新区分公司", "GR202615000715"],
        [6, "通辽市 玉米生物化工科技有限公司", "GR202615000789"],
        [7, "通辽市新能源装备有限公司", "GR202615000801"],
    ]


def main() -> None:
    wb = _sheet(
        "内蒙古自治区2026年第一批入库科技型中小企业名单（样例）",
        ["序号", "企业名称", "统一社会信用代码", "入库登记编号"],
        tech_sme_rows(),
        [6, 40, 24, 24],
    )
    wb.save(OUT / TECH_SME)
    wb = _sheet(
        "内蒙古自治区2026年第一批认定报备高新技术企业名单（样例）",
        ["序号", "企业名称", "证书编号"],
        high_tech_rows(),
        [6, 44, 20],
    )
    wb.save(OUT / HIGH_TECH)
    print(f"已写入 {OUT / TECH_SME}、{OUT / HIGH_TECH}")


if __name__ == "__main__":
    main()
