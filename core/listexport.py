"""导出当前列表: a table as the clerk sees it (its columns, its order, its filter) saved as a workbook.

Every cell goes through core.excel.writer, so a company name typed as
``=HYPERLINK(...)`` stays text in Excel. Values are written as shown.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl.utils import get_column_letter

from core.excel.styles import BODY_FONT, BORDER, HEADER, LEFT, TITLE_FONT, Style
from core.excel.writer import Book

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BODY = Style(BODY_FONT, None, BORDER, LEFT)
TITLE = Style(TITLE_FONT)
STREAM_FROM = 2000  # rows: bigger lists are streamed to disk as they are written


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters, not empty."""
    return (_SHEET_FORBIDDEN.sub("_", title).strip("'") or "列表")[:31]


def write_list(
    path, title: str, headers: list[str], rows, note: str = "", exported_at: dt.datetime | None = None
) -> Path:
    """Write ``rows`` (lists of cell texts under ``headers``) with a title line and a note; returns the path."""
    rows = [["" if v is None else v for v in row] for row in rows]
    when = (exported_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    with Book(stream=len(rows) >= STREAM_FROM) as book:
        sheet = book.sheet(sheet_title(title))
        sheet.row(1, [title], TITLE)
        sheet.row(2, [f"{note}　导出时间：{when}　共{len(rows)}行".lstrip("　")])
        sheet.row(3, list(headers), HEADER)
        for r, row in enumerate(rows, 4):
            sheet.row(r, row, BODY)
        ws = sheet.ws
        for col, header in enumerate(headers, 1):
            longest = max([len(str(header))] + [len(str(row[col - 1])) for row in rows[:200] if col <= len(row)])
            ws.column_dimensions[get_column_letter(col)].width = min(max(8, longest * 2 + 2), 60)
        ws.freeze_panes = "A4"
        return book.save(path)
