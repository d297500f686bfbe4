"""Every cell of every workbook the program writes is written here.

Text is text
------------
openpyxl makes a formula of any str that starts with "=" (and an error value
of "#N/A" and its kind). A company name, a bank branch or a batch name typed
as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would then run in the finance
clerk's Excel. Here every str is written as a string cell (an inline string),
whatever it starts with; numbers stay numbers and dates stay dates.

Excel, WPS and LibreOffice show a string cell as text and never evaluate it.
But when a clerk edits such a cell (F2, Enter) the program parses it again,
and text starting with = + - @ (or their full-width forms, after blanks, or
after a tab or line break) turns into a formula. Those cells also get the
cell-format flag ``quotePrefix`` (Excel's own mark for "typed with a leading
apostrophe", shown nowhere in the cell) and the text number format "@", which
Excel, WPS and LibreOffice all honour for what is typed into a cell, and which
survives a re-save by LibreOffice (it drops quotePrefix). No visible
apostrophe is added (OWASP's advice for CSV files, which have no cell types):
it would change the name or account a bank clerk copies.

Fast
----
A :class:`~core.excel.styles.Style` gets its number in a workbook's style
table once; each cell then takes that number (openpyxl's font, fill and
border assignment compared fonts a million times for a 10,000-company
batch). Big sheets are written by :class:`StreamRows`: each row becomes XML
at once, kept in a temporary file and put into the saved workbook where
openpyxl wrote the sheet's empty cell table; openpyxl still writes all the
rest (styles, widths, merged ranges, frozen panes, print setup), so a sheet
looks as it did. :class:`CellRows` writes the same rows as openpyxl cells,
for a workbook looked at in memory (the ``build_*`` functions) or one that
already holds cells (the error workbook's marked copy).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Border
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.cell_range import CellRange

from core.excel.files import ExportError, save_workbook
from core.excel.styles import DATE_FORMAT, TEXT_FORMAT, Style

FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
_LEADING_BLANKS = " \t\r\n\u3000\u00a0"
_RISKY_HEADS = FORMULA_SIGNS | frozenset(_LEADING_BLANKS)
CELL_CHARS = 32_767  # Excel's limit for one cell
_TIME_FORMATS = ((dt.datetime, "yyyy-mm-dd h:mm:ss"), (dt.date, DATE_FORMAT), (dt.time, "h:mm:ss"))  # as openpyxl
_PLAIN = Style()


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula if a clerk typed it into a cell.

    A leading tab or line break counts by itself: programs that drop it see the sign behind.
    """
    if text[:1] in ("\t", "\r", "\n"):
        return True
    return text.lstrip(_LEADING_BLANKS)[:1] in FORMULA_SIGNS


def _check_text(text: str, ws, row: int, col: int) -> None:
    problem = None
    if len(text) > CELL_CHARS:
        problem = f"超过Excel单元格上限（{CELL_CHARS}个字符）"
    elif ILLEGAL_CHARACTERS_RE.search(text):
        problem = "含有Excel不能保存的控制字符，请在程序中改正后重新导出"
    if problem:
        shown = ILLEGAL_CHARACTERS_RE.sub("?", text[:30])
        raise ExportError(f"工作表“{ws.title}”{get_column_letter(col)}{row}单元格（“{shown}”）{problem}")


def _finite(value, ws, row: int, col: int):
    if isinstance(value, (float, Decimal)) and not math.isfinite(value):
        raise ExportError(f"工作表“{ws.title}”{get_column_letter(col)}{row}单元格的数值无效：{value}")
    return value


class StyleTable:
    """Each Style's entry in one workbook's style table, made once."""

    def __init__(self):
        self._arrays: dict = {}
        self._numbers: dict = {}
        self._guarded: dict = {}
        self._dated: dict = {}

    def guarded(self, style: Style | None) -> Style:
        """``style`` with quotePrefix and the text format "@": the cell stays text when a clerk edits it."""
        found = self._guarded.get(style)
        if found is None:
            found = self._guarded[style] = (style or _PLAIN).but(quote_prefix=True, number_format=TEXT_FORMAT)
        return found

    def dated(self, style: Style | None, value) -> Style:
        """``style``, with a date or time format when it has none (a date must not show as a number)."""
        if style is not None and style.number_format:
            return style
        key = (style, type(value))
        found = self._dated.get(key)
        if found is None:
            fmt = next(f for kind, f in _TIME_FORMATS if isinstance(value, kind))
            found = self._dated[key] = (style or _PLAIN).but(number_format=fmt)
        return found

    def array(self, style: Style, ws):
        """openpyxl's style array for ``style`` (copy it before giving it to a cell)."""
        found = self._arrays.get(style)
        if found is None:
            probe = Cell(ws)
            if style.font is not None:
                probe.font = style.font
            if style.fill is not None:
                probe.fill = style.fill
            if style.border is not None:
                probe.border = style.border
            if style.alignment is not None:
                probe.alignment = style.alignment
            if style.number_format is not None:
                probe.number_format = style.number_format
            if style.quote_prefix:
                probe.quotePrefix = True
            found = self._arrays[style] = probe._style
        return found

    def number(self, style: Style, ws) -> int:
        """The style's index in the workbook's cell formats (the ``s`` of a cell)."""
        found = self._numbers.get(style)
        if found is None:
            probe = Cell(ws, style_array=copy(self.array(style, ws)))
            found = self._numbers[style] = probe.style_id
        return found


class Cells:
    """Writes the cells of one openpyxl workbook: text as text, each style looked up once."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.styles = StyleTable()

    def put(self, ws, row: int, col: int, value, style: Style | None = None) -> Cell:
        """Write one cell: a str is always a string cell, never a formula or an error value."""
        cell = ws.cell(row, col)
        if isinstance(value, str):
            _check_text(value, ws, row, col)
            if looks_like_formula(value):
                style = self.styles.guarded(style)
            cell.value = value
            cell.data_type = "s"
        else:
            cell.value = _finite(value, ws, row, col)
            if style is not None and isinstance(value, (dt.date, dt.time)):
                style = self.styles.dated(style, value)
        if style is not None:
            cell._style = copy(self.styles.array(style, ws))
        return cell

    def guard(self, ws) -> int:
        """Keep every text cell of ``ws`` that looks like a formula text when edited; returns how many.

        For sheets this program did not write cell by cell (a copy of a clerk's workbook).
        """
        count = 0
        for cell in list(ws._cells.values()):  # the cells that exist (iter_rows would make the empty ones)
            if cell.data_type == "s" and isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.quotePrefix = True
                cell.number_format = TEXT_FORMAT
                count += 1
        return count


def _styles_for(values, styles) -> list:
    if styles is None or isinstance(styles, Style):
        return [styles] * len(values)
    if len(styles) != len(values):
        raise ValueError(f"{len(values)} values but {len(styles)} styles")
    return styles


class CellRows:
    """Rows of a sheet written as openpyxl cells."""

    def __init__(self, cells: Cells, ws):
        self.cells = cells
        self.ws = ws

    def row(self, r: int, values, styles=None, *, height: float | None = None, merge=()) -> None:
        """Write row ``r``: ``styles`` is one Style for all values or one per value (None: unstyled).

        ``merge`` lists (first, last) column spans of this row to merge. A None value with
        a style is an empty cell with that look (borders of a total row); with no style, no cell.
        """
        put, ws = self.cells.put, self.ws
        for col, (value, style) in enumerate(zip(values, _styles_for(values, styles)), 1):
            if value is not None or style is not None:
                put(ws, r, col, value, style)
        for first, last in merge:
            ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
        if height is not None:
            ws.row_dimensions[r].height = height

    def hold(self, rows: int) -> None:
        """Nothing to do: a cell can be written again (:meth:`StreamRows.hold`)."""


_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")  # to refuse or to escape in XML text
_XML_BLANKS = frozenset(" \t\r\n")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_FLUSH_ROWS = 500


def _number(value) -> str:
    return "%.16g" % value  # as openpyxl writes numbers


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class StreamRows:
    """Rows of a sheet written as XML into a temporary file, and put into the workbook when it is saved.

    Rows must come in order. The sheet's openpyxl worksheet (``ws``) holds no
    cells; widths, frozen panes, print setup and merged ranges are set on it.
    """

    def __init__(self, cells: Cells, ws):
        self.cells = cells
        self.ws = ws
        self._file = tempfile.TemporaryFile()
        self._pending: list[str] = []
        self._last_row = 0
        self._first_row = self._min_col = self._max_col = 0
        self._letters = [""]
        self._attrs: dict = {None: ""}  # Style -> ' s="n"'
        self._shapes: dict = {}  # a row's styles -> each cell's XML but its row number and value (_shapes_of)
        self._merged: dict = {}
        self._held: dict[int, str] = {}  # rows 1..hold(rows) as XML, kept to be written again
        self._hold_to = 0

    def _style_attr(self, style: Style | None) -> str:
        attr = self._attrs.get(style)
        if attr is None:
            if style is None:  # (kept in _attrs as "")
                return ""
            attr = self._attrs[style] = f' s="{self.cells.styles.number(style, self.ws)}"'
        return attr

    def hold(self, rows: int) -> None:
        """Keep rows 1..``rows`` in memory, so that they can be written again once the rows below are written
        (a title that names what only the last line tells: a sheet written as its lines are read)."""
        if rows <= self._hold_to:
            return
        if self._last_row > self._hold_to:
            raise ValueError(f"rows up to {rows} held after row {self._last_row} was written")
        self._hold_to = rows

    def row(self, r: int, values, styles=None, *, height: float | None = None, merge=()) -> None:
        """As :meth:`CellRows.row`; ``r`` must be greater than the last row written, or a held row (:meth:`hold`)."""
        held = r <= self._hold_to
        if r <= self._last_row and not (held and r in self._held):
            raise ValueError(f"row {r} written after row {self._last_row}")
        self._last_row = max(self._last_row, r)
        styles = _styles_for(values, styles)
        if merge:
            values, styles = list(values), list(styles)
            for first, last in merge:
                self._merge(r, first, last, values, styles)
        key = tuple(styles)
        shapes = self._shapes.get(key)
        if shapes is None:
            shapes = self._shapes[key] = self._shapes_of(key)
        row_no = str(r)
        # Text a cell cannot hold as it is (control characters, XML's own signs, too long) is rare: one look
        # over the row's text finds whether any cell needs the careful way.
        texts = [v for v in values if type(v) is str]
        careful = bool(texts) and (_SPECIAL.search("".join(texts)) is not None or max(map(len, texts)) > CELL_CHARS)
        parts: list[str] = []
        append = parts.append
        first = last = 0
        for col, (value, shape) in enumerate(zip(values, shapes), 1):
            kind = type(value)
            if value is None:
                if shape[1] is None:
                    continue
                append(f"{shape[0]}{row_no}{shape[1]}")
            elif kind is str:
                if not value:
                    append(f"{shape[0]}{row_no}{shape[4]}")
                elif careful or value[0] in _RISKY_HEADS or value[-1] in _XML_BLANKS:
                    append(self._cell(r, col, value, styles[col - 1]))
                else:
                    append(f"{shape[0]}{row_no}{shape[2]}{value}</t></is></c>")
            elif kind is Decimal and value.is_finite() or kind is int:
                append(f"{shape[0]}{row_no}{shape[3]}{'%.16g' % value}</v></c>")  # as _number
            else:
                append(self._cell(r, col, value, styles[col - 1]))
            if not first:
                first = col
            last = col
        if first:
            self._first_row = min(self._first_row or r, r)
            self._min_col = min(self._min_col or first, first)
            self._max_col = max(self._max_col, last)
        if held:
            self._held.pop(r, None)
        if parts or height is not None:
            ht = "" if height is None else f' ht="{_number(height)}" customHeight="1"'
            xml = f'<row r="{r}"{ht}>{"".join(parts)}</row>'
            if held:
                self._held[r] = xml
                return
            self._pending.append(xml)
            if len(self._pending) >= _FLUSH_ROWS:
                self._flush()

    def _shapes_of(self, styles: tuple) -> list:
        """Each cell's XML around its row number and value, made once per row of styles: (before the row
        number, an empty cell's rest (None: no cell, for a value None without a style), a text cell's rest up to
        its text, a number cell's rest up to its value, an empty text cell's rest)."""
        letters = self._letters
        while len(letters) <= len(styles):
            letters.append(get_column_letter(len(letters)))
        shapes = []
        for col, style in enumerate(styles, 1):
            attr = self._style_attr(style)
            empty = None if style is None else f'"{attr}/>'
            text, number, blank = f'"{attr} t="inlineStr"><is><t>', f'"{attr} t="n"><v>', f'"{attr} t="inlineStr"/>'
            shapes.append((f'<c r="{letters[col]}', empty, text, number, blank))
        return shapes

    def _cell(self, r: int, col: int, value, style: Style | None) -> str:
        """One cell's XML, every case (a value in a column with no style, text to escape or to guard, a date)."""
        table, ws, letters = self.cells.styles, self.ws, self._letters
        while len(letters) <= col:
            letters.append(get_column_letter(len(letters)))
        ref = f"{letters[col]}{r}"
        if isinstance(value, str):
            if not value:
                return f'<c r="{ref}"{self._style_attr(style)} t="inlineStr"/>'
            if value[0] in _RISKY_HEADS and looks_like_formula(value):
                style = table.guarded(style)
            if len(value) > CELL_CHARS or _SPECIAL.search(value) is not None:
                _check_text(value, ws, r, col)
                value = _xml_text(value)
            space = ' xml:space="preserve"' if value[0] in _XML_BLANKS or value[-1] in _XML_BLANKS else ""
            return f'<c r="{ref}"{self._style_attr(style)} t="inlineStr"><is><t{space}>{value}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{self._style_attr(style)} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float, Decimal)):
            _finite(value, ws, r, col)
            return f'<c r="{ref}"{self._style_attr(style)} t="n"><v>{_number(value)}</v></c>'
        if isinstance(value, (dt.date, dt.time)):
            style = table.dated(style, value)
            return f'<c r="{ref}"{self._style_attr(style)} t="n"><v>{_number(to_excel(value))}</v></c>'
        raise TypeError(f"cannot write {type(value).__name__} to a cell")

    def _merge(self, r: int, first: int, last: int, values: list, styles: list) -> None:
        """Merge columns first..last of row r, as openpyxl's merge_cells would.

        The covered cells lose their value and look, and keep the edges of the first
        cell's border (openpyxl's MergedCellRange), so Excel draws the range's frame.
        """
        self.ws.merged_cells.add(CellRange(min_col=first, min_row=r, max_col=last, max_row=r))
        while len(values) < last:
            values.append(None)
            styles.append(None)
        start, end = styles[first - 1], styles[last - 1] if values[last - 1] is not None or styles[last - 1] else None
        key = (start, end, last - first)
        found = self._merged.get(key)
        if found is None:
            found = self._merged[key] = self._merged_styles(start, end, last - first)
        styles[first - 1] = found[0]
        for i, style in enumerate(found[1], first):
            values[i] = None
            styles[i] = style

    @staticmethod
    def _merged_styles(start: Style | None, end: Style | None, covered: int):
        border = start.border if start is not None and start.border is not None else Border()
        if end is not None:
            end_border = end.border or Border()
            joined = border + Border(right=end_border.right, bottom=end_border.bottom)
            if joined != border:
                start, border = (start or _PLAIN).but(border=joined), joined
        out = []
        for n in range(1, covered + 1):
            edges = Border()
            touched = False
            for name in ("top", "bottom") + (("right",) if n == covered else ()):
                side = getattr(border, name)
                if side is not None and side.style is not None:
                    edges = edges + Border(**{name: side})
                    touched = True
            out.append(Style(border=edges) if touched else None)
        return start, out

    def _flush(self) -> None:
        if self._pending:
            self._file.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()

    def splice(self, frame: bytes, out) -> None:
        """Write this sheet's XML to ``out``: openpyxl's ``frame`` with these rows as its cell table."""
        self._flush()
        found = _SHEET_DATA.search(frame)
        if found is None:
            raise ExportError(f"工作表“{self.ws.title}”无法写入：工作簿结构异常")
        head, tail = frame[: found.start()], frame[found.end() :]
        if self._first_row:
            ref = (
                f"{get_column_letter(self._min_col)}{self._first_row}:"
                f"{get_column_letter(self._max_col)}{self._last_row}"
            )
            head = _DIMENSION.sub(f'<dimension ref="{ref}"/>'.encode(), head, count=1)
        out.write(head)
        out.write(b"<sheetData>")
        out.write("".join(self._held[r] for r in sorted(self._held)).encode("utf-8"))
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)
        out.write(b"</sheetData>")
        out.write(tail)

    def close(self) -> None:
        self._file.close()


class Book:
    """A workbook being written: sheets streamed to disk (``stream=True``) or kept as openpyxl cells."""

    def __init__(self, *, stream: bool):
        self.wb = Workbook()
        self.cells = Cells(self.wb)
        self._stream = stream
        self._fresh = True
        self._streamed: list[StreamRows] = []

    def sheet(self, title: str):
        """A new sheet (the workbook's first sheet the first time) and its row writer."""
        if self._fresh:
            ws, self._fresh = self.wb.active, False
            ws.title = title
        else:
            ws = self.wb.create_sheet(title)
        if not self._stream:
            return CellRows(self.cells, ws)
        rows = StreamRows(self.cells, ws)
        self._streamed.append(rows)
        return rows

    def save(self, path) -> Path:
        return save_workbook(self.wb, path, streamed=self._streamed)

    def close(self) -> None:
        for rows in self._streamed:
            rows.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
