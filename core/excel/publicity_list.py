"""公示名单 (publicity list): company, code, item, basis and amount of each award line; no bank details."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from core.excel import styles as st
from core.excel.export_common import (
    NOTE,
    _checked,
    _item,
    _marks,
    _print_setup,
    _provisional_guard,
    _repeated,
    _row_styles,
    _table,
    _title,
    _total_styles,
    check_total,
    left_out_note,
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
) -> Workbook:
    """公示名单: company, code, item, basis and amount; no bank details. ``contact_unit`` (the bureau) and
    ``contact`` (联系人、电话) fill the objection sentence; blank, it keeps spaces to write them in by hand."""
    book = Book(stream=False)
    _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact)
    return book.wb


def write_publicity_list(
    batch: BatchRecord,
    lines: list[LineRecord],
    path,
    *,
    include_provisional: bool = False,
    left_out: int = 0,
    contact_unit: str = "",
    contact: str = "",
) -> Path:
    with Book(stream=True) as book:
        _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact)
        return book.save(path)


def _publicity(
    book: Book, batch, lines, include_provisional, left_out: int = 0, contact_unit: str = "", contact: str = ""
) -> None:
    lines = _checked(batch, lines)
    if not lines:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成公示名单")
    provisional = _provisional_guard(lines, include_provisional, "公示")
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
    _title(
        sheet,
        f"{batch.name} {PUBLICITY_TITLE}" + _marks(batch, provisional),
        f"兑现年度：{batch.award_year}年度",
        "单位：元",
        last_col,
    )
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(last_col, money_cols=(6,), center_cols=(1,), text_cols=(3,))
    r = 3
    running = ZERO
    repeated = _repeated(lines)
    for i, line in enumerate(lines, 1):
        r += 1
        values = [i, line.company_name, line.uscc, _item(line, repeated), line.basis, line.amount]
        running += line.amount
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    total = check_total(running, lines)
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
    if left_out:
        r += 1
        sheet.row(r, [left_out_note(left_out)], NOTE, height=30, merge=[(1, last_col)])
    sheet.ws.freeze_panes = "A4"
    _print_setup(sheet.ws, "3:3", last_col, r)
