"""公示名单 (publicity list): company, code, item, basis and amount of each award line; no bank details."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from core.excel import styles as st
from core.excel.export_common import (
    NOTE,
    DraftLines,
    Drafts,
    _item,
    _marks,
    _print_setup,
    _repeated,
    _row_styles,
    _table,
    _title,
    _total_styles,
    by_company,
    left_out_note,
    printed,
)
from core.excel.files import ExportError
from core.excel.writer import Book
from core.money import ZERO
from core.records import BatchRecord, LineRecord

PUBLICITY_TITLE = "拟兑现奖补名单（公示）"


def build_publicity_list(
    batch: BatchRecord,
    lines: list[LineRecord],
    *,
    include_provisional: bool = False,
    left_out: int = 0,
    contact_unit: str = "",
    contact: str = "",
    leave_out_drafts: bool = False,
) -> Workbook:
    """公示名单: company, code, item, basis and amount; no bank details. ``contact_unit`` (the bureau) and
    ``contact`` (联系人、电话) fill the objection sentence; blank, it keeps spaces to write them in by hand."""
    book = Book(stream=False)
    _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact, leave_out_drafts)
    return book.wb


def write_publicity_list(
    batch: BatchRecord,
    lines: Iterable[LineRecord],
    path,
    *,
    include_provisional: bool = False,
    left_out: int = 0,
    contact_unit: str = "",
    contact: str = "",
    leave_out_drafts: bool = False,
) -> Path:
    """``lines``: a list, or the lines in print order as a paper read hands them over (never kept whole: the file
    is kept only once the last has come); ``leave_out_drafts``: leave out the lines computed under a draft, and
    say how many below the total (added to ``left_out``)."""
    with Book(stream=True) as book:
        _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact, leave_out_drafts)
        return book.save(path)


def _publicity(
    book: Book,
    batch,
    lines,
    include_provisional,
    left_out: int = 0,
    contact_unit: str = "",
    contact: str = "",
    leave_out_drafts: bool = False,
) -> None:
    drafts = Drafts(lines) if leave_out_drafts else None
    if drafts is not None:
        lines = drafts.kept()
    headers = [
        ("序号", 6),
        ("企业名称", 30),
        ("统一社会信用代码", 22),
        ("奖补项目", 32),
        ("政策依据", 48),
        ("金额（元）", 16),
    ]
    last_col = len(headers)
    sheet = book.sheet("公示名单")

    def title(provisional: bool) -> None:
        sheet.hold(2)  # rows 1 and 2 are written again when the lines make it a 测算稿
        _title(
            sheet,
            f"{batch.name} {PUBLICITY_TITLE}" + _marks(batch, provisional),
            f"兑现年度：{batch.award_year}年度",
            "单位：元",
            last_col,
        )

    title(False)
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(last_col, money_cols=(6,), center_cols=(1,), text_cols=(3,))
    r = 3
    total = ZERO
    drafts_seen = DraftLines()
    for company_lines in by_company(printed(batch, lines)):
        repeated = _repeated(company_lines)
        for line in company_lines:
            r += 1
            values = [r - 3, line.company_name, line.uscc, _item(line, repeated), line.basis, line.amount]
            total += line.amount
            drafts_seen.add(line)
            sheet.row(r, values, styles, height=st.row_height(values, widths))
    if r == 3:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成公示名单")
    if drafts_seen.guard(include_provisional, "公示"):
        title(True)
    r += 1
    sheet.row(
        r,
        ["合计", None, None, None, None, total],
        _total_styles(last_col, money_cols=(6,), center_cols=(1,)),
        merge=[(1, 5)],
    )
    r += 2
    unit = contact_unit.strip() or "　　　　　　　　"
    reach = contact.strip().rstrip("。") or "联系电话：　　　　　　　　"
    sheet.row(
        r,
        [f"公示期：　　　　年　　月　　日至　　　　年　　月　　日。公示期内如有异议，请向{unit}反映，{reach}。"],
        NOTE,
        height=36,
        merge=[(1, last_col)],
    )
    left_out += drafts.count if drafts is not None else 0
    if left_out:
        r += 1
        sheet.row(r, [left_out_note(left_out)], NOTE, height=30, merge=[(1, last_col)])
    sheet.ws.freeze_panes = "A4"
    _print_setup(sheet.ws, "3:3", last_col, r)
