"""The 申报模板: the workbook a bureau sends to companies and reads back.

Everything comes from :func:`core.excel.layout.workbook_layout`: a sheet per
record kind and per claim type, headers in Chinese (required ones shaded and
commented), drop-down lists of the vocabulary's Chinese labels, text format
for codes and account numbers, a frozen header row, and a 填表说明 sheet that
explains every column with an example.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import styles as st
from core.excel.files import save_workbook
from core.excel.layout import (
    ACCOUNT,
    BATCH_NAME_LABEL,
    BATCH_SHEET,
    BATCH_YEAR_LABEL,
    COMPANY_NAME,
    LISTS_SHEET,
    NOTES_SHEET,
    PHONE,
    USCC,
    SheetLayout,
    workbook_layout,
)
from core.excel.styles import Style
from core.excel.writer import Cells
from core.vocabulary import Vocabulary, load_vocabulary

TEMPLATE_ROWS = 2000  # rows that get drop-down lists and formats
BOOL_LIST = '"是,否"'
_BATCH_HEAD = Style(st.HEADER_FONT, st.HEADER_FILL, st.BORDER, st.LEFT)
_BATCH_LABEL = Style(st.HEADER_FONT, None, st.BORDER, st.LEFT)
_BATCH_VALUE = Style(st.BODY_FONT, None, st.BORDER, st.LEFT)
_REQUIRED_HEAD = Style(st.HEADER_FONT, st.REQUIRED_FILL, st.BORDER, st.CENTER)
_TITLE = Style(st.TITLE_FONT)
_SECTION = Style(st.SECTION_FONT)
_NUMBER = Style(alignment=st.CENTER)
_NOTE = Style(alignment=st.LEFT)
_SHEET = Style(st.BOLD_FONT)
_CENTER_TEXT = Style(st.BODY_FONT, None, st.BORDER, st.CENTER, st.TEXT_FORMAT)
_LEFT_TEXT = Style(st.BODY_FONT, None, st.BORDER, st.LEFT, st.TEXT_FORMAT)

GENERAL_NOTES = (
    "本工作簿由“科技创新奖补计算器”生成，用于企业申报和旗县区、盟市科技局汇总导入。",
    "请不要修改工作表名称和列标题；列的先后顺序可以调整，用不到的选填列可以删除，用不到的工作表可以留空或删除。",
    "每个工作表第一行是标题，从第二行起每行填写一条记录，中间可以有空行。橙色标题的列必须填写。",
    "“统一社会信用代码”是企业的唯一标识：历史记录和申报事项表中的代码，必须在“企业信息”表中出现（或已在系统中登记过）。",
    "金额以元为单位，可带千分位逗号（如1,234.50），精确到分；如要按万元填写，把该列标题中的“（元）”改为“（万元）”。",
    "日期可写作2025-11-20、2025/11/20或2025年11月20日，也可以直接输入Excel日期。",
    "带下拉箭头的列请从列表中选择；“是/否”列填“是”或“否”。",
    "请不要合并单元格；尽量不用公式，必须使用时请保存前确认已计算出结果。",
    "导入时程序检查全部内容：有问题时不导入任何数据，并生成“错误清单”工作簿，逐个标出有问题的单元格和原因。",
)


def build_template(vocab: Vocabulary | None = None, award_year: int | None = None, batch_name: str = "") -> Workbook:
    """The template as an openpyxl Workbook (the sample script fills it before saving)."""
    vocab = vocab or load_vocabulary()
    layout = workbook_layout(vocab)
    wb = Workbook()
    cells = Cells(wb)
    notes = wb.active
    notes.title = NOTES_SHEET
    _batch_sheet(wb, cells, award_year, batch_name)
    lists = _lists_sheet(wb, cells, vocab)
    for sheet in layout:
        _data_sheet(wb, cells, sheet, lists)
    _notes_sheet(cells, notes, layout)
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.active = 0
    return wb


def write_template(path, vocab: Vocabulary | None = None, award_year: int | None = None, batch_name: str = "") -> Path:
    return save_workbook(build_template(vocab, award_year, batch_name), path)


def _batch_sheet(wb: Workbook, cells: Cells, award_year, batch_name) -> None:
    ws = wb.create_sheet(BATCH_SHEET)
    rows = [
        ("项目", "内容", "说明"),
        (BATCH_YEAR_LABEL, award_year, "兑现奖补的年度（4位年份）。导入时也可以在程序中指定"),
        (BATCH_NAME_LABEL, batch_name or None, "如“2026年第一批科技奖补”。不填时按文件名命名"),
    ]
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cells.put(ws, r, c, value, _BATCH_HEAD if r == 1 else _BATCH_LABEL if c == 1 else _BATCH_VALUE)
    ws["B2"].number_format = "0"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 56
    _landscape(ws)
    dv = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="兑现年度",
        error="请填写4位年份，如2026",
    )
    ws.add_data_validation(dv)
    dv.add("B2")


def _lists_sheet(wb: Workbook, cells: Cells, vocab: Vocabulary) -> dict:
    """A hidden sheet holding each enumeration's labels; returns enum -> defined name."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    names = {}
    for col, (enum, values) in enumerate(vocab.enums.items(), 1):
        letter = get_column_letter(col)
        cells.put(ws, 1, col, enum)
        for row, label in enumerate(values.values(), 2):
            cells.put(ws, row, col, label)
        name = f"list_{enum}"
        ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        names[enum] = name
        ws.column_dimensions[letter].width = 30
    return names


def _data_sheet(wb: Workbook, cells: Cells, sheet: SheetLayout, lists: dict) -> None:
    ws = wb.create_sheet(sheet.name)
    last = TEMPLATE_ROWS + 1
    for col, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(col)
        cell = cells.put(ws, 1, col, column.header, _REQUIRED_HEAD if column.spec.required else st.HEADER)
        tip = column.note + (f"\n示例：{column.example}" if column.example else "")
        comment = Comment(tip, "科技创新奖补计算器")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        dim = ws.column_dimensions[letter]
        dim.width = column.width
        kind = column.type
        if kind in (USCC, ACCOUNT, PHONE, COMPANY_NAME, "text"):
            dim.number_format = st.TEXT_FORMAT
        elif kind == "date":
            dim.number_format = st.DATE_FORMAT
        elif kind == "money":
            dim.number_format = st.YUAN_FORMAT
        elif kind in ("year", "int"):
            dim.number_format = "0"
        rng = f"{letter}2:{letter}{last}"
        if column.spec.enum:
            dv = DataValidation(
                type="list",
                formula1=lists[column.spec.enum],
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="请从下拉列表中选择",
            )
        elif kind == "bool":
            dv = DataValidation(
                type="list",
                formula1=BOOL_LIST,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="请填“是”或“否”",
            )
        elif kind == "year":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="1990",
                formula2="2100",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="请填写4位年份，如2025",
            )
        elif kind == USCC:
            dv = DataValidation(
                type="textLength",
                operator="equal",
                formula1="18",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="统一社会信用代码应为18位",
            )
        else:
            dv = None
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(rng)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "B2"
    _landscape(ws)
    ws.print_title_rows = "1:1"


def _landscape(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _height(text: str, width: float) -> float:
    return 15.0 * st.text_lines(text or "", width) + 3


def _notes_sheet(cells: Cells, ws, layout: list[SheetLayout]) -> None:
    widths = {"A": 8, "B": 30, "C": 8, "D": 70, "E": 28}
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    cells.put(ws, 1, 1, "科技创新奖补申报表　填表说明", _TITLE)
    ws.merge_cells("A1:E1")
    row = 3
    cells.put(ws, row, 1, "一、总体要求", _SECTION)
    row += 1
    merged_width = sum(widths[c] for c in "BCDE")
    for i, text in enumerate(GENERAL_NOTES, 1):
        cells.put(ws, row, 1, f"{i}.", _NUMBER)
        cells.put(ws, row, 2, text, _NOTE)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        ws.row_dimensions[row].height = _height(text, merged_width)
        row += 1
    row += 1
    cells.put(ws, row, 1, "二、各工作表的列", _SECTION)
    row += 1
    for sheet in layout:
        row += 1
        cells.put(ws, row, 1, f"工作表“{sheet.name}”：{sheet.description}", _SHEET)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        row += 1
        for col, title in enumerate(("列", "列标题", "必填", "填写说明", "示例"), 1):
            cells.put(ws, row, col, title, st.HEADER)
        for i, column in enumerate(sheet.columns, 1):
            row += 1
            values = (
                get_column_letter(i),
                column.header,
                "是" if column.spec.required else "",
                column.note,
                column.example,
            )
            for col, value in enumerate(values, 1):
                cells.put(ws, row, col, value, _CENTER_TEXT if col in (1, 3) else _LEFT_TEXT)
            ws.row_dimensions[row].height = max(_height(column.note, widths["D"]), _height(column.example, widths["E"]))
        row += 1
    ws.sheet_view.showGridLines = False
    _landscape(ws)
