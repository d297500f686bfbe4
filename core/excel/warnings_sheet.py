"""企业提示: the results workbook's sheet of the members' warnings, the sentences a clerk checks before approval.

A company whose only output is a warning (the overpaid-as-new note of core.engine.overpaid, a refusal of an
earlier batch) has no award line, so only this sheet puts it on the auditor's paper.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.excel import styles as st
from core.excel.export_common import _print_setup, _row_styles, _table, _title
from core.records import BatchRecord, CompanyWarning

SHEET = "企业提示"
NONE_TEXT = "本批次没有需要核实的提示。"
HEADERS = [("序号", 6), ("企业名称", 30), ("统一社会信用代码", 22), ("提示", 80)]


def warnings_sheet(sheet, batch: BatchRecord, warnings: Iterable[CompanyWarning]) -> int:
    """Write one row per warning as they come (never all held); the number written. With none, the sheet's first
    row under the header says so."""
    last_col = len(HEADERS)
    _title(sheet, f"{batch.name} 企业提示", f"兑现年度：{batch.award_year}年度", "请逐条核实", last_col)
    _table(sheet, 3, HEADERS)
    widths = [w for _, w in HEADERS]
    styles = _row_styles(last_col, center_cols=(1,), text_cols=(3,))  # wrapped, centred vertically as the names
    r = 3
    for r, (name, uscc, text) in enumerate(warnings, 4):
        values = [r - 3, name, uscc, text]
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    count = r - 3
    if not count:
        r = 4
        sheet.row(r, [NONE_TEXT] + [None] * (last_col - 1), [styles[1]] * last_col, merge=[(1, last_col)])
    sheet.ws.freeze_panes = "C4"
    _print_setup(sheet.ws, "3:3", last_col, r)
    return count
