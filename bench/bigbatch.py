"""A filled batch workbook of N companies (default 10,000) for the GUI benchmarks.

Every company has an HTE recognition claim; half also have two years of R&D
history with an R&D post-subsidy claim and a tech-SME registration claim.
Companies are spread over 呼伦贝尔市, 包头市 and 通辽市. The file is cached in
the system temp folder by N.

    python bench/bigbatch.py [N] [-o FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.excel.files import save_workbook  # noqa: E402
from core.excel.layout import normalize_header  # noqa: E402
from core.excel.template import build_template  # noqa: E402
from core.uscc import check_character  # noqa: E402

CITIES = (("呼伦贝尔市", "海拉尔区", "150702"), ("包头市", "昆都仑区", "150203"), ("通辽市", "科尔沁区", "150502"))
SIZES = ("小微企业", "中型企业", "大型企业")


def uscc(n: int, admin: str) -> str:
    first17 = f"91{admin}MA{n:07d}"[:17]
    return first17 + check_character(first17)


def _writer(ws):
    cols = {normalize_header(c.value): c.column for c in ws[1] if c.value}
    width = max(cols.values())

    def add(values: dict) -> None:
        row = [None] * width
        for header, value in values.items():
            row[cols[normalize_header(header)] - 1] = value
        ws.append(row)

    return add


def build(n: int, path: Path) -> Path:
    wb = build_template(award_year=2026, batch_name=f"{n}家企业基准批次")
    companies = _writer(wb["企业信息"])
    recognitions = _writer(wb["申报-认定、获批"])
    sme = _writer(wb["申报-科技型中小企业入库"])
    rd_claims = _writer(wb["申报-研发投入后补助申请"])
    rd = _writer(wb["历史-研发投入"])
    for i in range(n):
        city, county, admin = CITIES[i % len(CITIES)]
        code = uscc(i + 1, admin)
        companies(
            {
                "统一社会信用代码": code,
                "企业名称": f"{city[:-1]}基准{i + 1:05d}号科技有限公司",
                "所属盟市": city,
                "旗县区": county,
                "企业规模": SIZES[i % 3],
                "开户行": "中国工商银行股份有限公司",
                "账号": f"0607{i + 1:015d}",
            }
        )
        recognitions(
            {
                "统一社会信用代码": code,
                "认定类别": "高新技术企业",
                "级别": "国家级",
                "认定/获批日期": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "证书或文件编号": f"GR2026{i + 1:08d}",
            }
        )
        if i % 2 == 0:
            sme({"统一社会信用代码": code, "入库年度": 2026})
            rd({"统一社会信用代码": code, "年度": 2024, "研发费用（元）": 1_000_000 + i, "享受研发费用加计扣除": "是"})
            rd(
                {
                    "统一社会信用代码": code,
                    "年度": 2025,
                    "研发费用（元）": 1_500_000 + 7 * i,
                    "享受研发费用加计扣除": "是",
                }
            )
            rd_claims({"统一社会信用代码": code, "研发投入所属年度": 2025})
    return save_workbook(wb, path)


def big_workbook(n: int = 10_000) -> Path:
    """The cached workbook of ``n`` companies (built on first use)."""
    path = Path(tempfile.gettempdir()) / f"kjjb-bench-{n}.xlsx"
    if not path.exists():
        build(n, path)
    return path


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("n", nargs="?", type=int, default=10_000)
    p.add_argument("-o", "--output")
    a = p.parse_args()
    out = build(a.n, Path(a.output)) if a.output else big_workbook(a.n)
    print(out)
