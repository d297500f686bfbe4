"""The 错误清单 workbook a clerk gets back when an import is refused.

With the source workbook it is a copy of it with every bad cell shaded red
and commented with the reason, the sheets with problems marked red, and a
错误清单 sheet in front that lists each problem with a link to its cell. When
the file itself was refused (not a workbook, hostile, too many rows), cannot
be opened or is too big to copy, only the 错误清单 sheet is written.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink

from core.excel import styles as st
from core.excel.files import save_workbook
from core.excel.layout import ERRORS_SHEET
from core.excel.package import inspect_package
from core.excel.problems import Problem, WorkbookRefused

_HEADERS = ("序号", "工作表", "单元格", "行", "列标题", "填写内容", "问题说明")
_WIDTHS = (6, 26, 8, 6, 22, 28, 80)


def error_workbook_path(source) -> Path:
    """Where the import command puts the 错误清单 of ``source``: beside it."""
    source = Path(source)
    return source.with_name(f"{source.stem}_错误清单.xlsx")


def write_error_workbook(problems: list[Problem], path, source=None) -> Path:
    """Write the problems to ``path``: a marked copy of ``source`` when it can be opened safely."""
    wb = _open_copy(source) if source is not None else None
    if wb is None:
        wb = Workbook()
        wb.remove(wb.active)
    elif ERRORS_SHEET in wb.sheetnames:
        wb.remove(wb[ERRORS_SHEET])
    linked = _mark_cells(wb, problems)
    _list_sheet(wb, problems, linked)
    return save_workbook(wb, path)


def _open_copy(source):
    """The source workbook opened in full for marking, or None when it is refused or too big to copy.

    Beyond DEFAULT_LIMITS.rows rows in a sheet (a bureau may import more, see
    import.max_rows) openpyxl would take minutes and gigabytes to copy it; the
    list alone names every cell.
    """
    try:
        scan = inspect_package(source)
    except WorkbookRefused:
        return None
    if any(s.too_many_rows for s in scan.sheets):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load_workbook(source)
        except Exception:  # a file openpyxl cannot open fully: the list alone still helps
            return None


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


def _list_sheet(wb, problems: list[Problem], linked: set) -> None:
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    ws.sheet_properties.tabColor = "FF0000"
    title = ws.cell(1, 1, f"导入检查发现{len(problems)}处问题，数据没有导入。请按下表逐项修改原工作簿后重新导入。")
    title.font = st.SECTION_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_HEADERS))
    ws.row_dimensions[1].height = 24
    for col, (text, width) in enumerate(zip(_HEADERS, _WIDTHS), 1):
        cell = ws.cell(3, col, text)
        cell.font, cell.fill, cell.border, cell.alignment = st.HEADER_FONT, st.HEADER_FILL, st.BORDER, st.CENTER
        ws.column_dimensions[cell.column_letter].width = width
    for i, p in enumerate(problems, 1):
        r = 3 + i
        values = (i, p.sheet or "（整个文件）", p.cell or p.column, p.row, p.header, p.value, p.reason)
        for col, value in enumerate(values, 1):
            cell = ws.cell(r, col, value)
            cell.border = st.BORDER
            cell.font = st.BODY_FONT
            cell.alignment = st.LEFT if col > 4 else st.CENTER
            if col == 6:
                cell.number_format = st.TEXT_FORMAT
        st.fit_height(ws, r, values, _WIDTHS)
        if (p.sheet, p.cell) in linked:
            link = ws.cell(r, 3)
            quoted = p.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{p.cell}", display=p.cell)
            link.font = st.Font(name=st.FONT_NAME, color="0563C1", underline="single")
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
