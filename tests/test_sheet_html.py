"""打印预览's HTML of the 资金拨付明细表 and 公示名单: the workbook's own cells, merged, aligned and formatted."""

import dataclasses
import re
from decimal import Decimal
from html import unescape

import pytest

from core.excel.disbursement_sheet import build_disbursement_sheet
from core.excel.publicity_list import build_publicity_list
from core.excel.reader import read_workbook
from core.excel.sheethtml import cell_text, column_percents, sheet_html, workbook_html
from core.paths import RESOURCES
from excel_support import batch_record, engine_lines

SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"
BUDGET = "2060499 其他技术研究与开发支出"


@pytest.fixture(scope="module")
def final_lines(policies):
    """The sample batch's lines as if its draft were in force (the payable sheet refuses provisional lines)."""
    return [dataclasses.replace(l, provisional=False) for l in engine_lines(read_workbook(SAMPLE), policies)]


def _cells(html: str) -> list[str]:
    """The text of every <td>, in order."""
    return [unescape(re.sub(r"<[^>]+>", "\n", m)).strip() for m in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def _table_rows(ws):
    """(company, amount cell, words) of each payment row of the sheet, read from the workbook's cells."""
    rows = []
    for r in range(4, ws.max_row + 1):
        if not isinstance(ws.cell(r, 1).value, int):
            break
        rows.append((ws.cell(r, 2).value, ws.cell(r, 8), ws.cell(r, 9).value))
    return rows


def test_disbursement_html_holds_every_row_company_amount_and_the_total_in_words(final_lines):
    wb = build_disbursement_sheet(batch_record(), final_lines, budget_subject=BUDGET)
    ws = wb["资金拨付明细表"]
    html = sheet_html(ws)
    cells = _cells(html)
    rows = _table_rows(ws)
    assert len(rows) == len(final_lines)
    text = "\n".join(cells)
    for company, amount, words in rows:
        assert company in cells
        assert f"{Decimal(str(amount.value)):,.2f}" in cells  # as Excel shows #,##0.00
        assert words in cells
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    total, total_words = ws.cell(total_row, 8).value, ws.cell(total_row, 9).value
    assert Decimal(str(total)) == sum(l.amount for l in final_lines)
    assert f"{Decimal(str(total)):,.2f}" in cells and total_words in cells
    # the total's words come after every row's, where the workbook has them
    assert text.rindex(total_words) > text.index(rows[-1][2])
    assert ws["A1"].value in cells and BUDGET in cells
    assert any(c.startswith("经办人") for c in cells)


def test_merged_cells_become_spans_and_look_follows_the_cells(final_lines):
    ws = build_disbursement_sheet(batch_record(), final_lines)["资金拨付明细表"]
    html = sheet_html(ws)
    last_col = ws.max_column
    # the title row spans the whole width, bold and centred
    title = re.search(r'<td[^>]*colspan="(\d+)"[^>]*style="([^"]*)">' + re.escape(ws["A1"].value), html)
    assert title and int(title.group(1)) == last_col
    assert "font-weight: bold" in title.group(2) and "text-align: center" in title.group(2)
    # 合计 spans the columns before the amount (merged A:G in the workbook)
    assert re.search(r'colspan="7"[^>]*>合计<', html)
    # money right-aligned
    amount = cell_text(ws.cell(4, 8))
    assert re.search(r'text-align: right;[^"]*">' + re.escape(amount) + "<", html)
    # header row 3 is printed on every page: it is the <thead> of the table
    head = re.search(r"<thead>(.*?)</thead>", html, flags=re.S).group(1)
    assert _cells(head) == [ws.cell(3, c).value for c in range(1, last_col + 1)]
    # no cell shows twice: a merge's covered cells are left out
    assert sum(int(n) for n in re.findall(r'colspan="(\d+)"', head)) == 0
    assert html.count("<td") < ws.max_row * last_col


def test_column_widths_are_in_proportion_to_the_sheet():
    from openpyxl import Workbook

    ws = Workbook().active
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 30
    assert column_percents(ws, 2) == [25.0, 75.0]
    ws["A1"], ws["B1"] = "甲", "乙"
    assert 'width="25.0%"' in sheet_html(ws) and 'width="75.0%"' in sheet_html(ws)


def test_cell_text_as_excel_shows_it():
    from openpyxl import Workbook

    ws = Workbook().active
    ws["A1"] = Decimal("1234567.5")
    ws["A1"].number_format = "#,##0.00"
    ws["A2"] = 12
    ws["A3"] = "<a&b>"
    ws["A4"] = 0.125  # Excel shows halves rounded away from zero
    ws["A4"].number_format = "0.00"
    assert [cell_text(ws[f"A{i}"]) for i in (1, 2, 3, 4)] == ["1,234,567.50", "12", "<a&b>", "0.13"]
    assert "&lt;a&amp;b&gt;" in sheet_html(ws)


def test_publicity_html_has_its_rows_total_and_no_bank_details(final_lines):
    wb = build_publicity_list(batch_record(), final_lines, contact_unit="包头市科学技术局")
    ws = wb["公示名单"]
    cells = _cells(workbook_html(wb, "Noto Sans CJK SC"))
    names = [ws.cell(r, 2).value for r in range(4, 4 + len(final_lines))]
    assert all(n in cells for n in names)
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert cell_text(ws.cell(total_row, 6)) in cells
    assert any("包头市科学技术局" in c for c in cells)
    assert not any(l.bank_account in cells for l in final_lines)


def test_every_sheet_of_an_adjustment_starts_on_a_new_page():
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "一"
    wb.create_sheet("二")["A1"] = "二"
    html = workbook_html(wb, "宋体")
    assert html.count("page-break-before: always") == 1 and "font-family: '宋体'" in html


def test_print_scale_shrinks_a_fit_to_width_sheet_as_excel_does(final_lines):
    """The disbursement sheet without 预算科目: nine columns 6+24+21+22+23+24+36+15+28 = 199 characters, which Excel
    prints as 199×7 + 9×5 = 1438 px at 96 dpi = 380.47 mm; landscape A4 less 0.4 in margins each side is
    297 − 20.32 = 276.68 mm, so the sheet is shrunk to 276.68 / 380.47 ≈ 0.7272 and 11 pt prints as 8.0 pt."""
    from core.excel.sheethtml import print_scale

    ws = build_disbursement_sheet(batch_record(), final_lines)["资金拨付明细表"]
    assert print_scale(ws) == pytest.approx(276.68 / (1438 * 25.4 / 96), abs=1e-4)
    assert "font-size: 8.0pt" in sheet_html(ws)
    assert "font-size: 11.0pt" in sheet_html(ws, scale=1.0)


def test_breaks_cut_the_body_into_a_table_per_page_each_under_the_header(final_lines):
    ws = build_disbursement_sheet(batch_record(), final_lines)["资金拨付明细表"]
    header = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    html = sheet_html(ws, breaks=[10, 20])
    tables = re.findall(r"<table[^>]*>(.*?)</table>", html, flags=re.S)
    assert len(tables) == 4  # the title rows above, then rows 4-9, 10-19, 20-end
    for table in tables[1:]:
        assert _cells(re.search(r"<thead>(.*?)</thead>", table, flags=re.S).group(1)) == header
    firsts = [_cells(re.search(r"<tbody>(.*?)</tbody>", t, flags=re.S).group(1))[0] for t in tables[1:]]
    assert firsts == [str(ws.cell(r, 1).value) for r in (4, 10, 20)]
    assert html.count("page-break-before: always") == 2  # before the second and third pages' tables
    # every row is still there once, in order
    assert _cells(html).count(ws.cell(4, 2).value) == _cells(sheet_html(ws)).count(ws.cell(4, 2).value)
    assert len(_cells(html)) == len(_cells(sheet_html(ws))) + 2 * len(header)
