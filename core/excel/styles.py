"""The few cell styles the workbooks share, and row heights for wrapped text."""
from __future__ import annotations

import math
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT_NAME = "宋体"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(name=FONT_NAME, bold=True, size=11)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16)
SUBTITLE_FONT = Font(name=FONT_NAME, size=11)
BODY_FONT = Font(name=FONT_NAME, size=11)
BOLD_FONT = Font(name=FONT_NAME, bold=True, size=11)
SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12, color="1F4E78")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(name=FONT_NAME, color="9C0006", size=11)
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


def text_lines(text, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide (CJK counts double)."""
    from core.excel.layout import display_width

    per_line = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(part) / per_line)) for part in str(text).split("\n"))


def fit_height(ws, row: int, values, widths, line: float = 15.0) -> None:
    """Set a row's height for its wrapped text: Excel does not grow the rows a program writes."""
    lines = max([1] + [text_lines(v, w) for v, w in zip(values, widths)
                       if v is not None and not isinstance(v, (int, float, Decimal))])
    ws.row_dimensions[row].height = min(409, line * lines + 3)
