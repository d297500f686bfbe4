"""Issue 15: the 旗县区 of an imported company is checked against the controlled list (core.regions): an old
spelling is recorded under the standard name (and said so), an unknown one is refused at its cell."""

from excel_support import put, save, template

from core.excel.reader import read_workbook
from core.uscc import check_character


def code(n: int) -> str:
    first17 = f"9115072{n:02d}MA0Q1234"[:17]
    return first17 + check_character(first17)


def workbook(tmp_path, counties):
    wb = template(2026)
    for n, (city, county) in enumerate(counties, 1):
        put(
            wb["企业信息"],
            {"统一社会信用代码": code(n), "企业名称": f"测试{n}号科技有限公司", "所属盟市": city, "旗县区": county},
        )
    return save(wb, tmp_path / "企业.xlsx")


def test_old_spellings_are_recorded_under_the_standard_name(tmp_path):
    data = read_workbook(
        workbook(
            tmp_path,
            [
                ("呼伦贝尔市", "莫旗"),
                ("通辽市", "扎旗"),
                ("兴安盟", "扎旗"),
                ("呼伦贝尔市", "海拉尔区"),
                ("呼伦贝尔市", ""),
            ],
        )
    )
    assert [c.county for c in data.companies] == ["莫力达瓦达斡尔族自治旗", "扎鲁特旗", "扎赉特旗", "海拉尔区", ""]
    notes = [(n.sheet, n.rows, n.text) for n in data.notes]
    assert notes == [
        ("企业信息", (2,), "旗县区“莫旗”按标准名称记为“莫力达瓦达斡尔族自治旗”"),
        ("企业信息", (3,), "旗县区“扎旗”按标准名称记为“扎鲁特旗”"),
        ("企业信息", (4,), "旗县区“扎旗”按标准名称记为“扎赉特旗”"),
    ]


def test_an_unknown_county_is_refused_by_sheet_row_and_column(tmp_path):
    import pytest

    from core.excel.problems import WorkbookError

    with pytest.raises(WorkbookError) as caught:
        read_workbook(workbook(tmp_path, [("呼伦贝尔市", "海拉尔区"), ("呼伦贝尔市", "昆都仑区")]))
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.header, problem.value) == (
        "企业信息",
        3,
        "D",
        "旗县区",
        "昆都仑区",
    )
    assert problem.reason.startswith("“昆都仑区”不是呼伦贝尔市的旗县区（可填：")
    assert problem.reason.endswith("；“昆都仑区”属于包头市，请核对盟市")
