"""How the 错误清单 workbook is written: a marked copy only when it helps and costs little, and nothing in it runs."""

import pytest
from openpyxl import load_workbook

from core.excel import errorbook
from core.excel.errorbook import write_error_workbook
from core.excel.layout import COMPANIES_SHEET, ERRORS_SHEET
from core.excel.package import inspect_package
from core.excel.problems import Problem, WorkbookError
from core.excel.reader import read_workbook
from excel_support import formula_elements, put, save, template, uscc


def _source(tmp_path, rows: int = 1, formula: str | None = None):
    wb = template(2026)
    for i in range(rows):
        put(
            wb[COMPANIES_SHEET],
            {"统一社会信用代码": uscc(i + 1), "企业名称": f"测试{i + 1}号有限公司", "所属盟市": "呼伦贝尔市"},
        )
    if formula:
        wb[COMPANIES_SHEET]["B2"] = formula  # openpyxl writes a formula with no saved value
    return save(wb, tmp_path / "源.xlsx")


def test_the_copy_holds_the_values_the_import_read_never_a_formula(tmp_path):
    source = _source(tmp_path, formula='=HYPERLINK("http://x","点我")')
    assert formula_elements(source)
    with pytest.raises(WorkbookError) as err:
        read_workbook(source)
    assert any(p.cell == "B2" for p in err.value.problems)
    out = write_error_workbook(err.value.problems, tmp_path / "清单.xlsx", source=source)
    assert formula_elements(out) == []
    wb = load_workbook(out)
    assert COMPANIES_SHEET in wb.sheetnames and wb[COMPANIES_SHEET]["B2"].comment is not None
    assert wb[COMPANIES_SHEET]["A2"].value == uscc(1)


def test_no_copy_when_the_whole_file_was_refused(tmp_path):
    source = _source(tmp_path)
    refused = [Problem("", None, "", "", "", "工作表“企业信息”有超过20000行数据")]
    wb = load_workbook(write_error_workbook(refused, tmp_path / "清单.xlsx", source=source))
    assert wb.sheetnames == [ERRORS_SHEET]
    assert "未附带标注副本" not in wb[ERRORS_SHEET]["A1"].value


def test_no_copy_of_a_source_with_more_rows_than_the_limit_and_the_list_says_so(tmp_path, monkeypatch):
    source = _source(tmp_path, rows=3)
    problem = [Problem(COMPANIES_SHEET, 3, "B", "企业名称", "测试2号有限公司", "名称有误")]
    rows = sum(s.value_rows for s in inspect_package(source).sheets)  # the template's own rows count too
    monkeypatch.setattr(errorbook, "COPY_ROWS", rows)
    wb = load_workbook(write_error_workbook(problem, tmp_path / "小.xlsx", source=source))
    assert COMPANIES_SHEET in wb.sheetnames
    monkeypatch.setattr(errorbook, "COPY_ROWS", rows - 1)
    wb = load_workbook(write_error_workbook(problem, tmp_path / "大.xlsx", source=source))
    assert wb.sheetnames == [ERRORS_SHEET]
    assert f"原工作簿超过{rows - 1}行，未附带标注副本" in wb[ERRORS_SHEET]["A1"].value
    assert wb[ERRORS_SHEET]["C4"].value == "B3" and wb[ERRORS_SHEET]["C4"].hyperlink is None
