"""A worksheet as built for export, as an HTML table: what 打印预览 shows and prints.

The table is read from the openpyxl cells themselves (not from the records the
sheet was built from), so the preview holds exactly the workbook's rows, totals
and 大写金额 line. Merged ranges become colspan/rowspan, bold and centred cells
keep their look, numbers are formatted as their number format says, column
widths are the sheet's, in proportion. The rows Excel repeats on every printed
page (``print_title_rows``) become the header of each page's table: given the
rows that start a page (chosen by the GUI, which can measure), the body is cut
into one table per page, so no row is split. The HTML is the subset
QTextDocument understands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
PAPER_MM = {9: (210, 297), 8: (297, 420)}  # openpyxl paperSize -> (width, height) portrait: A4, A3
MM_PER_PX = 25.4 / 96
BORDER_CSS = "border: 1px solid #808080;"


def cell_text(cell) -> str:
    """The text Excel shows for ``cell``: money with thousands separators and two decimals, dates as dates."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = cell.number_format or "General"
    if isinstance(value, (int, float, Decimal)):
        if fmt in ("General", "@") or "0" not in fmt:
            return str(value)
        section = fmt.split(";")[0]
        decimals = section.split(".", 1)[1].count("0") if "." in section else 0
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # as Excel shows it
        return f"{number:{',' if ',' in section else ''}.{decimals}f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _extent(ws: Worksheet) -> tuple[int, int]:
    """(last row, last column) to show: the print area when one is set, else every cell written."""
    area = ws.print_area
    if area:
        ref = area[0] if isinstance(area, (list, tuple)) else str(area)
        last = ref.split("!")[-1].split(",")[0].split(":")[-1].replace("$", "")
        letters = "".join(ch for ch in last if ch.isalpha())
        digits = "".join(ch for ch in last if ch.isdigit())
        if letters and digits:
            from openpyxl.utils import column_index_from_string

            return int(digits), column_index_from_string(letters)
    return ws.max_row, ws.max_column


def _title_rows(ws: Worksheet) -> tuple[int, int] | None:
    """The rows printed on every page ("3:3" -> (3, 3)), or None."""
    rows = ws.print_title_rows
    if not rows:
        return None
    first, _, last = str(rows).split("!")[-1].replace("$", "").partition(":")
    try:
        return int(first), int(last or first)
    except ValueError:
        return None


def _spans(ws: Worksheet) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """({top-left (row, col): (rowspan, colspan)}, the cells a merge covers besides its top-left)."""
    starts, covered = {}, set()
    for rng in ws.merged_cells.ranges:
        starts[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    return starts, covered


def column_percents(ws: Worksheet, last_col: int) -> list[float]:
    """Each column's share of the page width (in per cent), in proportion to its width in the sheet."""
    widths = _widths(ws, last_col)
    whole = sum(widths)
    return [100 * w / whole for w in widths]


def column_mm(width: float) -> float:
    """A column ``width`` characters wide as Excel prints it (its pixels at 96 dpi: 7 a character, 5 of padding)."""
    return (width * 7 + 5) * MM_PER_PX


def paper_mm(ws: Worksheet) -> tuple[float, float]:
    """(width, height) of the sheet's paper as it is turned for printing, A4 when not set."""
    width, height = PAPER_MM.get(int(ws.page_setup.paperSize or 9), PAPER_MM[9])
    return (height, width) if ws.page_setup.orientation == "landscape" else (width, height)


def print_scale(ws: Worksheet) -> float:
    """How much Excel shrinks the sheet to print it: a sheet set to fit one page wide is scaled to the paper's
    width between the margins; 1 when it fits already or is not set to fit."""
    setup = ws.sheet_properties.pageSetUpPr
    if not (setup is not None and setup.fitToPage and ws.page_setup.fitToWidth == 1):
        return 1.0
    last_row, last_col = _extent(ws)
    sheet = sum(column_mm(w) for w in _widths(ws, last_col))
    usable = paper_mm(ws)[0] - 25.4 * ((ws.page_margins.left or 0) + (ws.page_margins.right or 0))
    return min(1.0, usable / sheet) if sheet > 0 else 1.0


def _widths(ws: Worksheet, last_col: int) -> list[float]:
    widths = []
    for col in range(1, last_col + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        widths.append(dim.width if dim is not None and dim.width else DEFAULT_WIDTH)
    return widths


def _cell_style(cell, numeric: bool, scale: float = 1.0, measuring: bool = False) -> str:
    css = []
    font = cell.font
    if font is not None:
        if font.b:
            css.append("font-weight: bold;")
        if font.sz:
            css.append(f"font-size: {float(font.sz) * scale:.1f}pt;")
        color = getattr(font.color, "rgb", None) if font.color is not None else None
        if isinstance(color, str) and len(color) >= 6 and color[-6:] != "000000":
            css.append(f"color: #{color[-6:]};")
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        rgb = getattr(fill.fgColor, "rgb", None)
        if isinstance(rgb, str) and len(rgb) >= 6:
            css.append(f"background-color: #{rgb[-6:]};")
    if cell.border is not None and cell.border.left is not None and cell.border.left.style:
        css.append(BORDER_CSS)
    if numeric or cell.number_format == "@":  # an amount, a code or an account number is read whole
        css.append("white-space: nowrap;")
    align = cell.alignment.horizontal if cell.alignment is not None else None
    if align in (None, "general"):
        align = "right" if numeric else "left"
    css.append(f"text-align: {'justify' if align == 'justify' else align};")
    valign = cell.alignment.vertical if cell.alignment is not None else None
    css.append(f"vertical-align: {'top' if valign == 'top' or measuring else 'middle'};")
    return " ".join(css)


def _row_html(ws, r: int, last_col: int, percents, starts, covered, scale: float, measuring: bool) -> str:
    cells = []
    for c in range(1, last_col + 1):
        if (r, c) in covered:
            continue
        rowspan, colspan = starts.get((r, c), (1, 1))
        colspan = min(colspan, last_col - c + 1)
        cell = ws.cell(r, c)
        numeric = isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool)
        attrs = f' width="{sum(percents[c - 1 : c - 1 + colspan]):.1f}%"'
        if colspan > 1:
            attrs += f' colspan="{colspan}"'
        if rowspan > 1:
            attrs += f' rowspan="{rowspan}"'
        text = escape(cell_text(cell)).replace("\n", "<br/>")
        cells.append(f'<td{attrs} style="{_cell_style(cell, numeric, scale, measuring)}">{text}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


@dataclass(frozen=True)
class SheetRows:
    """How a sheet's rows are set: those above the print title rows as a table of their own, the title rows as the
    header of every page's table, and the rows below them (sheet row numbers). No title rows: all are ``body``."""

    above: tuple[int, ...]
    head: tuple[int, ...]
    body: tuple[int, ...]

    @property
    def tables(self) -> int:
        return 2 if self.above else 1


def sheet_rows(ws: Worksheet) -> SheetRows:
    last_row, _ = _extent(ws)
    titles = _title_rows(ws)
    if titles is None or titles[1] > last_row:
        return SheetRows((), (), tuple(range(1, last_row + 1)))
    first, last = titles
    return SheetRows(tuple(range(1, first)), tuple(range(first, last + 1)), tuple(range(last + 1, last_row + 1)))


def _table(rows_html: list[str], head_html: list[str] | None = None, new_page: bool = False) -> str:
    head = f"<thead>{''.join(head_html)}</thead>" if head_html else ""
    brk = " page-break-before: always;" if new_page else ""
    return (
        f'<table width="100%" cellspacing="0" cellpadding="3" style="border-collapse: collapse;{brk}">'
        f"{head}<tbody>{''.join(rows_html)}</tbody></table>"
    )


def sheet_html(
    ws: Worksheet, scale: float | None = None, *, breaks=(), new_page: bool = False, measuring: bool = False
) -> str:
    """The worksheet ``ws`` as HTML tables (no <html> around), set as :func:`sheet_rows` says.

    Font sizes are multiplied by ``scale``, by default the sheet's own :func:`print_scale`, so the page holds what
    Excel's would. ``breaks``: body rows that start a printed page; the body is cut there into tables of their own,
    each with the title rows as its header, so no row is split across pages. ``new_page``: the sheet starts on a
    new page. ``measuring``: every cell's text at its top (row heights unchanged), so a row's top can be read
    from any cell of it, to choose the breaks.
    """
    if scale is None:
        scale = print_scale(ws)
    last_row, last_col = _extent(ws)
    if last_row < 1 or last_col < 1:
        return ""
    percents = column_percents(ws, last_col)
    starts, covered = _spans(ws)
    rows = {r: _row_html(ws, r, last_col, percents, starts, covered, scale, measuring) for r in range(1, last_row + 1)}
    plan = sheet_rows(ws)
    parts = [_table([rows[r] for r in plan.above], new_page=new_page)] if plan.above else []
    head = [rows[r] for r in plan.head]
    cuts = [i for i, r in enumerate(plan.body) if r in set(breaks) and i > 0]
    for n, (a, b) in enumerate(zip([0] + cuts, cuts + [len(plan.body)])):
        parts.append(_table([rows[r] for r in plan.body[a:b]], head, new_page=bool(n) or (new_page and not plan.above)))
    return "".join(parts)


def workbook_html(wb, font_family: str = "", breaks=None, *, measuring: bool = False) -> str:
    """Every sheet of ``wb`` as one HTML document, each sheet starting on a new page; ``breaks``: for each sheet
    the rows that start a page (see :func:`sheet_html`)."""
    family = f"font-family: '{escape(font_family)}';" if font_family else ""
    body = "".join(
        sheet_html(ws, breaks=breaks[i] if breaks else (), new_page=i > 0, measuring=measuring)
        for i, ws in enumerate(wb.worksheets)
    )
    return f'<html><head><meta charset="utf-8"/></head><body style="{family} font-size: 10pt;">{body}</body></html>'
