"""The few cell styles the workbooks share, and row heights for wrapped text."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
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


@dataclass(frozen=True, eq=False)
class Style:
    """A cell's whole look, made once and given to every cell that wears it.

    Compared and hashed by identity, so finding its number in a workbook's
    style table costs a dictionary look-up, not a comparison of fonts.
    """

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None
    quote_prefix: bool = False  # Excel keeps the cell text when a clerk edits it

    def but(self, **changes) -> Style:
        return dataclasses.replace(self, **changes)


HEADER = Style(HEADER_FONT, HEADER_FILL, BORDER, CENTER)


def text_lines(text, width: float, display_width=None) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide (CJK counts double)."""
    per_line = max(width - 1.5, 1)
    text = str(text)
    if 2 * len(text) <= per_line and "\n" not in text:  # fits whatever its characters
        return 1
    if display_width is None:
        from core.excel.layout import display_width
    return sum(max(1, math.ceil(display_width(part) / per_line)) for part in text.split("\n"))


def row_height(values, widths, line: float = 15.0) -> float:
    """A row's height for its wrapped text: Excel does not grow the rows a program writes."""
    return lines_height(row_lines(values, widths), line)


def lines_height(lines: int, line: float = 15.0) -> float:
    """The height of a row ``lines`` lines high (Excel's most: 409 points)."""
    return min(409, line * lines + 3)


def row_lines(values, widths, lines: int = 1) -> int:
    """The most lines any of ``values`` takes in its column (``widths``), at least ``lines``."""
    for value, width in zip(values, widths):
        if type(value) is not str:
            if value is None or isinstance(value, (int, float, Decimal)):
                continue
            value = str(value)
        # one line: at most two columns a character, or ASCII at one (text_lines, without measuring it)
        if (len(value) if value.isascii() else 2 * len(value)) <= width - 1.5 and "\n" not in value:
            continue
        found = _wrapped_lines(value, width)
        if found > lines:
            lines = found
    return lines


@functools.lru_cache(maxsize=4096)
def _wrapped_lines(text: str, width: float) -> int:
    """text_lines, remembered: a sheet repeats its long texts (a rule's summary, a policy's title) on many rows."""
    if "\n" in text:
        return text_lines(text, width, _display_width())
    return max(1, math.ceil(_display_width()(text) / max(width - 1.5, 1)))  # text_lines of one line


@functools.cache
def _display_width():
    """core.excel.layout.display_width, imported when first needed (layout imports much this module need not)."""
    from core.excel.layout import display_width

    return display_width
