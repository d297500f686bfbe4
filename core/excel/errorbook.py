"""The 错误清单 workbook a clerk gets back when an import is refused.

With the source workbook it is a copy of it with every bad cell shaded red
and commented with the reason, the sheets with problems marked red, and a
错误清单 sheet in front that lists each problem with a link to its cell. When
the file itself was refused (not a workbook, hostile, too big), no problem
points into it, it holds more than COPY_ROWS rows or it cannot be opened,
only the 错误清单 sheet is written: copying a huge file would cost the clerk
minutes and hundreds of megabytes for a list that says it all.

The copy holds the values the import read (formulas give way to the values
Excel saved for them), so nothing in it can run when it is opened; text
that looks like a formula is kept as text when edited (see core.excel.writer).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from core.excel import styles as st
from core.excel.files import save_workbook
from core.excel.layout import ERRORS_SHEET
from core.excel.package import inspect_package
from core.excel.problems import Problem, WorkbookRefused
from core.excel.styles import Style
from core.excel.writer import CellRows, Cells

_HEADERS = ("序号", "工作表", "单元格", "行", "列标题", "填写内容", "问题说明")
_WIDTHS = (6, 26, 8, 6, 22, 28, 80)
COPY_ROWS = 20_000  # rows holding values, all sheets together: a bigger source gets the list alone
_TITLE = Style(st.SECTION_FONT)
_CENTER = Style(st.BODY_FONT, None, st.BORDER, st.CENTER)
_LEFT = Style(st.BODY_FONT, None, st.BORDER, st.LEFT)
_LINK = _CENTER.but(font=st.Font(name=st.FONT_NAME, color="0563C1", underline="single"))
_ROW = (_CENTER, _CENTER, _CENTER, _CENTER, _LEFT, _LEFT.but(number_format=st.TEXT_FORMAT), _LEFT)
_LINKED_ROW = _ROW[:2] + (_LINK,) + _ROW[3:]


def error_workbook_path(source) -> Path:
    """Where the import command puts the 错误清单 of ``source``: beside it."""
    source = Path(source)
    return source.with_name(f"{source.stem}_错误清单.xlsx")


def write_error_workbook(problems: list[Problem], path, source=None) -> Path:
    """Write the problems to ``path``: a marked copy of ``source`` when it can be opened safely."""
    wb, too_big = _open_copy(source, problems) if source is not None else (None, False)
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)
    elif ERRORS_SHEET in wb.sheetnames:
        wb.remove(wb[ERRORS_SHEET])
    cells = Cells(wb)
    for ws in wb.worksheets:
        cells.guard(ws)
    linked = _mark_cells(wb, problems)
    _list_sheet(wb, cells, problems, linked, too_big)
    return save_workbook(wb, path)


def _open_copy(source, problems: list[Problem]):
    """(the source to mark, False), or (None, whether it was left out for its size)."""
    if not any(p.sheet for p in problems):
        return None, False
    try:
        scan = inspect_package(source)
    except WorkbookRefused:
        return None, False
    if any(s.too_many_rows for s in scan.sheets) or sum(s.value_rows for s in scan.sheets) > COPY_ROWS:
        return None, True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load_workbook(source, data_only=True), False
        except Exception:  # a file openpyxl cannot open fully: the list alone still helps
            return None, False


def _mark_cells(wb, problems: list[Problem]) -> set:
    """Shade and comment every cell a problem points at; returns the problems that have a cell."""
    reasons: dict[tuple[str, str], list[str]] = {}
    for p in problems:
        if p.sheet in wb.sheetnames:
            wb[p.sheet].sheet_properties.tabColor = "FF0000"
            if p.cell:
                reasons.setdefault((p.sheet, p.cell), []).append(p.reason)
    linked = set()
    for (sheet, coord), texts in reasons.items():
        cell = wb[sheet][coord]
        try:
            cell.fill = st.ERROR_FILL
            cell.font = st.ERROR_FONT
            comment = Comment("\n".join(texts), "导入检查")
            comment.width, comment.height = 300, 60 + 30 * len(texts)
            cell.comment = comment
        except AttributeError:  # inside a merged range: only the list shows it
            continue
        linked.add((sheet, coord))
    return linked


def _list_sheet(wb, cells: Cells, problems: list[Problem], linked: set, too_big: bool) -> None:
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    ws.sheet_properties.tabColor = "FF0000"
    rows = CellRows(cells, ws)
    title = f"导入检查发现{len(problems)}处问题，数据没有导入。请按下表逐项修改原工作簿后重新导入。"
    if too_big:
        title += f"原工作簿超过{COPY_ROWS}行，未附带标注副本，请按“工作表”“单元格”两列查找。"
    rows.row(1, [title], _TITLE, height=24, merge=[(1, len(_HEADERS))])
    rows.row(3, _HEADERS, st.HEADER)
    for col, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, p in enumerate(problems, 1):
        r = 3 + i
        values = (i, p.sheet or "（整个文件）", p.cell or p.column, p.row, p.header, p.value, p.reason)
        link = (p.sheet, p.cell) in linked
        rows.row(r, values, _LINKED_ROW if link else _ROW, height=st.row_height(values, _WIDTHS))
        if link:
            quoted = p.sheet.replace("'", "''")
            ws.cell(r, 3).hyperlink = Hyperlink(ref=f"C{r}", location=f"'{quoted}'!{p.cell}", display=p.cell)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
