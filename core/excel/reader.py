"""Read a filled batch workbook into ImportData, checking every cell first.

``read_workbook`` either returns a complete :class:`~core.records.ImportData`
or raises :class:`~core.excel.problems.WorkbookError` listing every problem
found (sheet, row, column letter and header, the value, a Chinese reason),
so a clerk fixes the workbook once instead of once per error. Nothing is
half-imported: the store receives ImportData only when there are no problems.

Hostile files are refused by :mod:`core.excel.package` before any cell is
read; python-calamine then parses the very bytes that were checked and hashed,
only as far as the last row that holds a value. What calamine cannot see comes
from the package scan: formulas without a cached value, error cells, merged
cells, and what is hidden. Hidden rows, columns and sheets holding data are
refused, because the clerk cannot see what would be imported; so are text
cells with bidi or control characters (:mod:`core.text`, which also puts every
text in one normal form), non-finite numbers, and text longer than the
database column it is stored in.

Numbers: calamine gives every number cell as a float parsed (correctly
rounded) from the decimal text in the file, as openpyxl did. Money takes the
shortest decimal that reads back as that float (``Decimal(repr(x))``), which is
the text Excel wrote for any amount of up to 15 significant digits, so
1234567.89 is exactly Decimal("1234567.89"); see :mod:`core.excel.cells`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from core.excel.cells import BLANK_CHARS, blank, converter, to_int
from core.excel.layout import (
    BATCH_NAME_LABEL,
    BATCH_SHEET,
    BATCH_YEAR_LABEL,
    COMPANIES_SHEET,
    ERRORS_SHEET,
    LISTS_SHEET,
    NOTES_SHEET,
    REMARK_HEADER,
    Column,
    SheetLayout,
    match_header,
    normalize_header,
    workbook_layout,
)
from core.excel.import_rows import KnownUscc, _column_index, _Records, _Row, column_letter
from core.excel.package import DEFAULT_LIMITS, Limits, PackageScan, SheetScan, inspect_package
from core.excel.problems import Problem, WorkbookError, WorkbookRefused, show_value
from core.progress import Cancelled, never, no_report
from core.records import ImportData
from core.text import TextError, clean_text
from core.vocabulary import FieldError, FieldSpec, Vocabulary, load_vocabulary

HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 200  # rows between progress reports and cancel checks
_YEAR_SPEC = FieldSpec("award_year", "year", BATCH_YEAR_LABEL, True)
BATCH_INFO_ROWS = 50  # the 批次信息 labels are looked for in these rows
NOT_READ_SHEETS = (NOTES_SHEET, LISTS_SHEET, ERRORS_SHEET)  # template sheets the reader never reads
HIDDEN_ROW = (
    "此行被隐藏（或行高接近0），其中的数据在Excel中看不到，不能导入；"
    "请在Excel中取消隐藏{filter}，核对这一行后再导入，不需要的行请删除"
)
HIDDEN_COLUMN = (
    "此列被隐藏（或列宽接近0），其中的数据在Excel中看不到，不能导入；"
    "请在Excel中取消隐藏该列，核对后再导入，不需要的内容请删除"
)


def read_workbook(
    path,
    award_year: int | None = None,
    batch_name: str | None = None,
    known_uscc: KnownUscc | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress=no_report,
    cancel=never,
) -> ImportData:
    """Parse and check the workbook at ``path``.

    ``award_year`` and ``batch_name`` override the 批次信息 sheet. ``known_uscc``
    says whether the store already has a company, so history and claims may
    name companies that are not on the 企业信息 sheet.
    """
    path = Path(path)
    scan = inspect_package(path, limits)
    for s in scan.sheets:
        if s.too_many_rows:
            raise WorkbookRefused(
                f"工作表“{s.name}”有超过{limits.rows}行数据，一个申报批次用不到这么多行；"
                "请检查是否误把其他数据粘贴进来，或分成几批导入"
                "（确需一次导入更多行的，可由管理员提高“每表导入行数上限”）",
                path.name,
            )
    vocab = vocabulary or load_vocabulary()
    reader = _WorkbookReader(path, scan, vocab, limits, known_uscc)
    reader.progress, reader.cancel = progress, cancel
    return reader.read(award_year, batch_name)


@dataclass
class _Columns:
    """What a sheet's header row says about its columns."""

    # (index from 0, key, Column, its converter, header as written, text limit) of each recognised column
    cells: list
    letters: dict  # key -> column letter
    headers: dict  # key -> header as written
    watched: list  # indices from 0 of the columns a data row is looked for in (recognised or unlabeled)
    unlabeled: list  # column numbers with no recognisable header (remark columns are not among them)
    hidden: list  # column numbers hidden or (almost) zero wide, remark columns left out
    complete: bool  # every required column is there
    reported: set = field(default_factory=set)  # unlabeled or hidden columns already reported

    @property
    def headers_by_index(self) -> dict:
        return {i + 1: header for i, _, _, _, header, _ in self.cells}


class _WorkbookReader:
    def __init__(self, path: Path, scan: PackageScan, vocab: Vocabulary, limits: Limits, known_uscc: KnownUscc | None):
        self.path, self.scan, self.vocab, self.limits = path, scan, vocab, limits
        self.known = known_uscc
        self.layout = workbook_layout(vocab)
        self.problems: list[Problem] = []
        self.truncated = False
        self.progress, self.cancel = no_report, never
        self.rows_total = self.rows_before = 0  # rows of the sheets to read; rows of the sheets read so far
        self.text_limits = _text_limits()
        self.usccs: dict[str, str] = {}  # codes found valid, shared by the sheets' converters

    def _advance(self, rows: int, sheet: str) -> None:
        if self.cancel():
            raise Cancelled()
        done = min(self.rows_before + rows, self.rows_total)
        self.progress(done, self.rows_total, f"正在读取“{sheet}”：{done:,}/{self.rows_total:,}行")

    # ------------------------------------------------------------ problems

    def problem(self, sheet: str, row: int | None, col: int | None, header: str, value, reason: str) -> None:
        if len(self.problems) >= self.limits.problems:
            self.truncated = True
            return
        letter = column_letter(col) if col else ""
        self.problems.append(Problem(sheet, row, letter, header, show_value(value), reason))

    def at(self, row: _Row, key: str, reason: str, shown=None) -> None:
        """A problem at the cell of ``key`` in ``row`` (or at the row when the column is absent).

        ``shown`` is what the cell holds when calamine cannot say (an error value).
        """
        letter = row.letters.get(key, "")
        col = _column_index(letter) if letter else None
        header = row.headers.get(key) or next((c.header for c in row.sheet.columns if c.key == key), "")
        self.problem(row.sheet.name, row.number, col, header, shown if shown is not None else row.raw(key), reason)
        row.failed = True

    # ------------------------------------------------------------ the workbook

    def read(self, award_year, batch_name) -> ImportData:
        name = self.path.name
        try:
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_filelike(io.BytesIO(self.scan.data))
        except BaseException as exc:  # calamine raises its own kinds on malformed parts
            _reraise_unless_parser_error(exc)
            raise WorkbookRefused(
                f"文件已损坏或格式不受支持，无法打开（技术信息：{exc.__class__.__name__}）", name
            ) from None
        try:
            sheets = self._match_sheets()
            year, bname = self._batch_info(wb, sheets.get(BATCH_SHEET), award_year, batch_name)
            records = _Records(self, ImportData(name, self.scan.sha256, year or 0, bname))
            self.rows_total = sum(sheets[s.name].last_row for s in self.layout if s.name in sheets)
            for layout in self.layout:  # 企业信息 first: the other sheets are checked against its companies
                actual = sheets.get(layout.name)
                if actual is None:
                    if layout.name == COMPANIES_SHEET:
                        self.problem(
                            COMPANIES_SHEET, None, None, "", None, "缺少工作表“企业信息”，请使用本程序生成的申报模板"
                        )
                    continue
                count = 0
                for row in self._read_sheet(wb, layout, actual):
                    records.add(layout, row)
                    count += 1
                if actual.hidden and count:
                    self._hidden_sheet(actual, f"其中有{count}行数据")
                self.rows_before += actual.last_row
                self._advance(0, layout.name)
        except (WorkbookError, Cancelled):
            raise
        except BaseException as exc:
            _reraise_unless_parser_error(exc)
            raise WorkbookRefused(f"文件已损坏，读取时出错（技术信息：{exc.__class__.__name__}）", name) from None
        finally:
            wb.close()
        data = records.finish()
        order = {s.name: i for i, s in enumerate(self.scan.sheets)}
        self.problems.sort(
            key=lambda p: (
                order.get(p.sheet, -1) if p.sheet else -2,
                p.row or 0,
                _column_index(p.column) if p.column else 0,
            )
        )
        if self.truncated:
            self.problems.append(Problem("", None, "", "", "", f"问题过多，只列出前{self.limits.problems}处"))
        if self.problems:
            raise WorkbookError(self.problems, name)
        return data

    def _hidden_sheet(self, scan: SheetScan, what: str) -> None:
        how = "深度隐藏（只能用宏取消隐藏）" if scan.state == "veryHidden" else "隐藏"
        self.problem(
            scan.name,
            None,
            None,
            "",
            None,
            f"工作表被{how}，{what}；隐藏的数据在Excel中看不到，不能导入。"
            "请在Excel中取消隐藏该工作表，核对其中的数据后再导入，不需要的请删除",
        )

    def _match_sheets(self) -> dict[str, SheetScan]:
        """Layout name -> scanned sheet, matching names loosely; unknown sheets with data are problems."""
        wanted = {normalize_header(s.name): s.name for s in self.layout}
        for fixed in (NOTES_SHEET, BATCH_SHEET, LISTS_SHEET, ERRORS_SHEET):
            wanted[normalize_header(fixed)] = fixed
        found: dict[str, SheetScan] = {}
        for s in self.scan.sheets:
            key = wanted.get(normalize_header(s.name))
            if key is not None and s.kind == "worksheet" and key not in found:
                found[key] = s
            elif s.kind == "worksheet" and s.value_rows and s.hidden:
                self._hidden_sheet(s, "它不是申报模板中的工作表，其中的数据不会被导入")
            elif s.kind == "worksheet" and s.value_rows:
                self.problem(
                    s.name,
                    None,
                    None,
                    "",
                    None,
                    "无法识别的工作表（不是申报模板中的工作表），其中的数据不会被导入；"
                    "请把数据移到模板中对应的工作表，或删除该表",
                )
        if not any(k in found for k in (s.name for s in self.layout)):
            raise WorkbookRefused(
                "这不是本程序的申报模板：找不到“企业信息”等工作表。请先用“生成申报模板”得到模板，按模板填写后再导入",
                self.path.name,
            )
        return found

    def _batch_info(self, wb, scan: SheetScan | None, award_year, batch_name):
        year_cell = name_cell = None
        if scan is not None and scan.last_row:
            for r, values in _sheet_rows(wb, scan, self.path.name, BATCH_INFO_ROWS):
                values = [self._clean(BATCH_SHEET, r, c, v) for c, v in enumerate(values[:2], 1)]
                label = normalize_header(values[0]) if values and not blank(values[0]) else ""
                if label not in (BATCH_YEAR_LABEL, BATCH_NAME_LABEL) or len(values) < 2:
                    continue
                if not blank(values[1]) and (r in scan.hidden_rows or scan.column_hidden(2)):
                    self.problem(
                        BATCH_SHEET,
                        r,
                        2,
                        label,
                        values[1],
                        HIDDEN_ROW.format(filter="") if r in scan.hidden_rows else HIDDEN_COLUMN,
                    )
                if label == BATCH_YEAR_LABEL:
                    year_cell = (r, values[1])
                else:
                    name_cell = (r, values[1])
            if scan.hidden and any(c and not blank(c[1]) for c in (year_cell, name_cell)):
                self._hidden_sheet(scan, "其中填写了兑现年度或批次名称")
        if award_year is None:
            if year_cell is None or blank(year_cell[1]):
                row = year_cell[0] if year_cell else None
                self.problem(
                    BATCH_SHEET,
                    row,
                    2 if row else None,
                    BATCH_YEAR_LABEL,
                    None,
                    "未填写兑现年度：请在“批次信息”表中填写，或导入时指定年度",
                )
            else:
                try:
                    award_year = to_int(year_cell[1], _YEAR_SPEC, self.vocab)
                except FieldError as exc:
                    self.problem(BATCH_SHEET, year_cell[0], 2, BATCH_YEAR_LABEL, year_cell[1], str(exc))
        elif isinstance(award_year, bool) or not isinstance(award_year, int) or not 2000 <= award_year <= 2100:
            self.problem("", None, None, BATCH_YEAR_LABEL, award_year, "指定的兑现年度不合理")
            award_year = None
        limit = self.text_limits.get(("batch", "name"))
        if batch_name:  # given to the command or typed on the import screen: the same checks as a cell
            try:
                batch_name = clean_text(batch_name).strip()
            except TextError as exc:
                self.problem("", None, None, BATCH_NAME_LABEL, batch_name, f"指定的批次名称{exc}")
            if limit and len(batch_name) > limit:
                self.problem(
                    "",
                    None,
                    None,
                    BATCH_NAME_LABEL,
                    batch_name,
                    f"指定的批次名称过长（{len(batch_name)}字，最多{limit}字）",
                )
        elif name_cell is not None and not blank(name_cell[1]):
            value = name_cell[1]
            batch_name = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
            if limit and len(batch_name) > limit:
                self.problem(
                    BATCH_SHEET,
                    name_cell[0],
                    2,
                    BATCH_NAME_LABEL,
                    batch_name,
                    f"批次名称过长（{len(batch_name)}字，最多{limit}字）",
                )
        if not batch_name:
            batch_name = f"{award_year or ''}年度 {self.path.stem}".strip()
        return award_year, batch_name

    def _clean(self, sheet: str, row: int, col: int, value):
        """A cell's value in normal form (see _normal); a refused one is a problem and reads as blank."""
        try:
            return _normal(value, self.limits.cell_chars)
        except FieldError as exc:
            self.problem(sheet, row, col, "", value, str(exc))
            return ""

    # ------------------------------------------------------------ one sheet

    def _read_sheet(self, wb, layout: SheetLayout, scan: SheetScan):
        if not scan.last_row:
            return
        columns = None
        special_rows = {r for cells in (scan.formulas_without_value, scan.errors, scan.format_hidden) for r, _ in cells}
        for number, values in _sheet_rows(wb, scan, self.path.name):
            if number % PROGRESS_EVERY == 0:
                self._advance(number, layout.name)
            if columns is None:
                columns = self._header(layout, scan, number, values)
                if columns is None and number >= HEADER_SEARCH_ROWS:
                    self.problem(
                        layout.name,
                        None,
                        None,
                        "",
                        None,
                        f"前{HEADER_SEARCH_ROWS}行中找不到标题行（第一行应为“统一社会信用代码”等列标题）",
                    )
                    return
                continue
            if number in special_rows or _has_data(values, columns.watched):
                yield self._data_row(layout, scan, columns, number, values, number in special_rows)

    def _header(self, layout: SheetLayout, scan: SheetScan, number: int, values) -> _Columns | None:
        """The sheet's columns when row ``number`` is its header row, else None (blank, or a title above)."""
        values = [self._clean(layout.name, number, c, v) for c, v in enumerate(values, 1)]
        if not _looks_like_header(layout, values):
            return None
        mapping, ignored = self._headers(layout, number, values)
        keys = {c.key for c, _, _ in mapping.values()}
        self._merges(layout, scan, number)
        if number in scan.hidden_rows:
            self.problem(layout.name, number, None, "", None, "标题行被隐藏：" + _hidden_row_reason(scan))
        kind = layout.claim_type or layout.kind
        unlabeled = [c for c in range(1, scan.max_column + 1) if c not in mapping and c not in ignored]
        return _Columns(
            cells=[
                (
                    idx - 1,
                    column.key,
                    column,
                    converter(column, unit, self.vocab, header, self.usccs),
                    header,
                    self.text_limits.get((kind, column.key)),
                )
                for idx, (column, unit, header) in sorted(mapping.items())
            ],
            letters={column.key: column_letter(idx) for idx, (column, _, _) in mapping.items()},
            headers={column.key: header for column, _, header in mapping.values()},
            watched=sorted(c - 1 for c in (*mapping, *unlabeled)),
            unlabeled=unlabeled,
            hidden=[c for c in range(1, scan.max_column + 1) if c not in ignored and scan.column_hidden(c)],
            complete=all(c.key in keys for c in layout.columns if c.spec.required),
        )

    def _data_row(
        self, layout: SheetLayout, scan: SheetScan, cols: _Columns, number: int, values, special: bool
    ) -> _Row:
        """One row below the header, every cell checked and converted; its problems recorded."""
        row = _Row(layout, number, letters=cols.letters, headers=cols.headers, cells=values, failed=not cols.complete)
        width = len(values)
        if number in scan.hidden_rows:  # shown with what the row holds, so the clerk can tell which it is
            held = " ".join(str(show_value(v)) for v in values if not blank(v))
            self.problem(layout.name, number, None, "", held, _hidden_row_reason(scan))
            row.failed = True
        for idx in cols.hidden:
            if idx <= width and not blank(values[idx - 1]):
                row.failed = True
                if idx not in cols.reported:
                    cols.reported.add(idx)
                    self.problem(
                        layout.name, number, idx, cols.headers_by_index.get(idx, ""), values[idx - 1], HIDDEN_COLUMN
                    )
        for idx in cols.unlabeled:
            if (
                idx <= width
                and idx not in cols.reported
                and (
                    not blank(values[idx - 1])
                    or special
                    and ((number, idx) in scan.errors or (number, idx) in scan.formulas_without_value)
                )
            ):
                cols.reported.add(idx)
                self.problem(
                    layout.name,
                    number,
                    idx,
                    "",
                    values[idx - 1],
                    "此列没有可识别的列标题，数据无法导入；请补上模板中的列标题或删除该列的内容",
                )
        out, cell_chars = row.values, self.limits.cell_chars
        for i, key, column, convert, header, limit in cols.cells:
            value = values[i] if i < width else ""
            if special and self._special_cell(row, key, (number, i + 1), value, scan):
                continue
            if value.__class__ is str:  # most cells: the checks of _normal and blank without their calls
                if value:
                    if len(value) > cell_chars or not (value.isascii() and value.isprintable()):
                        try:
                            value = _normal(value, cell_chars)
                        except FieldError as exc:
                            self.at(row, key, str(exc))
                            continue
                    if not value.strip(BLANK_CHARS):
                        value = ""
            elif isinstance(value, float) and not math.isfinite(value):
                try:
                    _normal(value, cell_chars)
                except FieldError as exc:
                    self.at(row, key, str(exc))
                    continue
            if value == "" or value is None:
                out[key] = None
                if column.spec.required:
                    self.at(row, key, "必填项未填写")
                elif column.spec.default is not None:
                    out[key] = column.spec.default
                continue
            try:
                out[key] = value = convert(value)
            except FieldError as exc:
                self.at(row, key, str(exc))
                continue
            if limit and isinstance(value, str) and len(value) > limit:
                self.at(row, key, f"“{header}”过长（{len(value)}字，最多{limit}字）")
        if not row.failed:
            row.cells = None  # 400,000 rows at 100,000 companies: the checked values are enough from here on
        return row

    def _special_cell(self, row: _Row, key: str, cell: tuple[int, int], value, scan: SheetScan) -> bool:
        """A problem when the cell is a formula without a result or an error value (calamine reads both as
        blank), or its number format shows nothing of its value (``;;;``)."""
        if cell in scan.formulas_without_value:
            self.at(
                row,
                key,
                "公式没有计算结果（文件不是在Excel中保存的，或未重新计算），"
                "请在Excel中打开、确认显示出结果后保存，或直接填写数值",
            )
            return True
        if cell in scan.errors:
            self.at(row, key, f"单元格是错误值“{scan.errors[cell]}”（公式计算出错），请改正", shown=scan.errors[cell])
            return True
        number_format = scan.format_hidden.get(cell)
        if number_format is not None and number_format.hides(value):
            self.at(
                row,
                key,
                f"单元格的数字格式（{number_format.code}）使其中的内容在Excel中不显示，不能导入；"
                "请把单元格格式改为“常规”，核对后再导入",
            )
            return True
        return False

    def _headers(self, layout: SheetLayout, number: int, values):
        mapping: dict[int, tuple[Column, str, str]] = {}
        ignored: set[int] = set()
        seen: dict[str, int] = {}
        for idx, text in enumerate(values, 1):
            if blank(text):
                continue
            text = str(text)
            if normalize_header(text) == REMARK_HEADER:
                ignored.add(idx)
                continue
            for column in layout.columns:
                unit = match_header(column, text)
                if unit is not None:
                    break
            else:
                expected = "、".join(c.header for c in layout.columns if c.header != REMARK_HEADER)
                self.problem(layout.name, number, idx, text, None, f"无法识别的列标题，本表可用的列标题为：{expected}")
                ignored.add(idx)
                continue
            if column.key in seen:
                self.problem(
                    layout.name, number, idx, text, None, f"列标题重复（与{column_letter(seen[column.key])}列相同）"
                )
                ignored.add(idx)
                continue
            if column.key == "remark":
                ignored.add(idx)
                continue
            seen[column.key] = idx
            mapping[idx] = (column, unit, text.strip())
        for column in layout.columns:
            if column.spec.required and column.key not in seen:
                self.problem(layout.name, number, None, column.header, None, f"缺少必填列“{column.header}”")
        return mapping, ignored

    def _merges(self, layout: SheetLayout, scan: SheetScan, header_row: int) -> None:
        if not scan.merges:
            return
        from openpyxl.utils import range_boundaries  # the import command does not load openpyxl otherwise

        for ref in scan.merges:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            if max_row is None or max_row < header_row:
                continue  # a title above the table
            where = "标题行" if min_row <= header_row else "数据区"
            self.problem(
                layout.name,
                max(min_row, header_row),
                min_col,
                "",
                None,
                f"{where}不能合并单元格（{ref}），请取消合并并在每一行分别填写",
            )


def _has_data(values, watched) -> bool:
    """Whether any of the ``watched`` cells (indices from 0) is not blank."""
    width = len(values)
    for i in watched:
        if i < width:
            v = values[i]
            if v != "" and not blank(v):
                return True
    return False


def _hidden_row_reason(scan: SheetScan) -> str:
    return HIDDEN_ROW.format(filter="（该表设置了筛选的，请清除筛选）" if scan.filtered else "")


def _looks_like_header(layout: SheetLayout, values) -> bool:
    """Whether a row holds at least one of the sheet's column headers."""
    for value in values:
        if isinstance(value, str) and not blank(value):
            if any(match_header(column, value) is not None for column in layout.columns):
                return True
    return False


def _sheet_rows(wb, scan: SheetScan, source: str, last: int | None = None):
    """(row number, the row's values from column A) for the rows up to the sheet's last value row.

    calamine gives a blank cell as "" and an error cell as "". The scan has
    already counted every cell that holds a value, so a sheet reaching beyond
    it means the two parsers disagree about the file: it is refused.
    """
    sheet = wb.get_sheet_by_name(scan.name)
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return
    if end[0] >= scan.last_row or end[1] >= scan.max_column:
        raise WorkbookRefused(
            f"文件结构异常：工作表“{scan.name}”中的数据与检查结果不一致，文件可能是恶意构造的，拒绝读取", source
        )
    pad = [""] * start[1]
    last = min(last or scan.last_row, scan.last_row)
    for number, values in enumerate(sheet.iter_rows(), 1):
        if number > last:
            break
        yield number, (pad + values if pad else values)


def _reraise_unless_parser_error(exc: BaseException) -> None:
    """Let through what is not the parser failing on the file: interrupts, cancelling, our own refusals.

    A panic inside calamine's Rust code reaches Python as pyo3's PanicException, which is not an
    Exception; it is a broken file like any other.
    """
    if isinstance(exc, (WorkbookError, Cancelled)):
        raise exc
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _normal(value, cell_chars: int):
    """A cell's value with its text in the one normal form (core.text), or FieldError.

    Refused: text longer than an Excel cell holds, text with bidi or control
    characters, and numbers that are not finite (NaN, INF: Excel never writes
    them, calamine reads them from a forged <v>nan</v>).
    """
    if isinstance(value, str):
        if not value:
            return value
        if len(value) > cell_chars:
            raise FieldError(f"文字过长（{len(value)}字，Excel单元格最多{cell_chars}字）")
        try:
            return clean_text(value)
        except TextError as exc:
            raise FieldError(str(exc)) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(
            "单元格中的数值无效（不是有限的数），Excel本身不会保存这样的数，文件可能被其他程序改动过；"
            "请重新填写该单元格"
        )
    return value


def _text_limits() -> dict[tuple[str, str], int]:
    """(sheet kind or claim type, field) -> the length of the database column the text is stored in."""
    from core.store.validate import TEXT_COLUMNS

    return {key: length for key, column in TEXT_COLUMNS.items() if (length := getattr(column.type, "length", None))}
