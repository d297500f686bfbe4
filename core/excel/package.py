"""Look inside a workbook file before any cell of it is read, and refuse hostile ones.

A .xlsx is a zip of XML parts. The file is read into memory once (its size is
checked first); the checks below, the sha256 the import log keeps and the cell
reader (python-calamine, :mod:`core.excel.reader`) all see those same bytes.
Before any cell is read this module

- sniffs the first bytes: a PDF, a web page, a CSV, an old .xls or an
  encrypted workbook (both Compound File containers) each get their own message;
- reads the zip directory only: too many parts, a part that would unpack to
  too much (declared size, and the compression ratio a zip bomb needs),
  encrypted entries, unusual compression;
- streams every XML part through a byte check that refuses DOCTYPE and ENTITY
  declarations (billion laughs, external entities) and giant text runs, and
  counts what really comes out of the decompressor;
- reads each worksheet once, keeping no tree: it counts the rows that hold
  values (and stops at the row limit), and notes what the cell reader cannot
  see: merged cells, formulas without a cached value, error cells, hidden
  rows and columns and an autofilter. Plain rows (the template's, Excel's)
  are read with a few regular expressions per megabyte (:class:`_QuickRows`),
  as the cell reader parses the sheet anyway; anything else in a sheet sends
  it to one expat pass over the whole part, as every sheet took before.

The result, :class:`PackageScan`, tells the reader which sheets exist, how far
to read each one and what is hidden in it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

from core.excel.problems import WorkbookRefused

MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
MIN_ROW_HEIGHT = 3.0  # points: a lower row shows nothing of its text, so it counts as hidden
MIN_COLUMN_WIDTH = 0.5  # characters: a narrower column counts as hidden


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold before it is refused. Generous for a batch of
    a few hundred companies, far below what would hurt a clerk's PC."""

    file_bytes: int = 50 * MB
    members: int = 2000
    part_bytes: int = 32 * MB  # any XML part but worksheets and shared strings (unpacked)
    control_bytes: int = 4 * MB  # workbook.xml and relationship parts, read whole
    shared_strings_bytes: int = 32 * MB
    shared_strings: int = 250_000  # distinct texts; openpyxl holds them all in memory
    styles_bytes: int = 8 * MB
    cell_formats: int = 65_000  # Excel itself allows 64,000 cell formats
    sheet_bytes: int = 256 * MB
    total_bytes: int = 1024 * MB
    ratio: int = 200  # unpacked : packed, checked for parts larger than ratio_floor
    ratio_floor: int = 4 * MB
    sheets: int = 100
    rows: int = 20_000  # a sheet's values must end by this row (the store setting import.max_rows raises it)
    columns: int = 256
    cells_per_row: int = 64  # the data area (last row x last column holding a value) is at most rows x this
    text_run: int = 1 * MB  # bytes of text between two tags in a sheet or shared-string part
    cell_chars: int = 32_767  # Excel's own limit for one cell
    problems: int = 1000  # stop listing after this many


DEFAULT_LIMITS = Limits()
ROWS_SETTING = "import.max_rows"  # store setting: a bureau's own row limit per sheet (main.py import-limit)
ROWS_RANGE = (1_000, 200_000)  # what the setting may be; docs/excel.md gives the memory each needs


def limits_for_rows(rows: int, base: Limits = DEFAULT_LIMITS) -> Limits:
    """``base`` with its row limit set to ``rows``, and the shared-string limits grown in proportion
    (more rows hold more distinct names and accounts); never below ``base``."""
    grown = max(rows, base.rows)
    return dataclasses.replace(
        base,
        rows=rows,
        shared_strings=base.shared_strings * grown // base.rows,
        shared_strings_bytes=base.shared_strings_bytes * grown // base.rows,
    )


def import_limits(setting=None) -> Limits:
    """The limits of an import: the defaults, with the row limit of the store setting ``import.max_rows``.

    ``setting`` is ``Store.setting`` (key, default) -> text or None. A stored
    value that is not a whole number within ROWS_RANGE is ignored (the command
    that sets it refuses such values).
    """
    text = setting(ROWS_SETTING, None) if setting is not None else None
    if text is None:
        return DEFAULT_LIMITS
    try:
        rows = int(text)
    except (TypeError, ValueError):
        return DEFAULT_LIMITS
    return limits_for_rows(rows) if ROWS_RANGE[0] <= rows <= ROWS_RANGE[1] else DEFAULT_LIMITS


@dataclass
class SheetScan:
    name: str
    part: str
    state: str = "visible"  # visible | hidden | veryHidden
    kind: str = "worksheet"  # worksheet | chartsheet | other
    value_rows: int = 0  # rows with at least one value or formula
    last_row: int = 0  # the last such row
    max_column: int = 0  # the right-most column holding a value
    too_many_rows: bool = False  # values beyond Limits.rows (the scan stopped there)
    merges: list = field(default_factory=list)  # "A2:B3"
    formulas_without_value: list = field(default_factory=list)  # (row, column number)
    errors: dict = field(default_factory=dict)  # (row, column number) -> "#DIV/0!", cells of type error
    hidden_rows: set = field(default_factory=set)  # rows holding values that are hidden or (almost) zero high
    columns: list = field(default_factory=list)  # (first, last, hidden) of each <col> within Limits.columns
    columns_hidden_by_default: bool = False  # the sheet's default column width is (almost) zero
    filtered: bool = False  # the sheet has an autofilter (its filtered-out rows are hidden rows)
    rows_hidden_by_default: bool = False  # the sheet's default row height is (almost) zero
    format_hidden: dict = field(default_factory=dict)  # (row, column number) -> NumberFormat that may show nothing

    @property
    def hidden(self) -> bool:
        return self.state != "visible"

    def column_hidden(self, column: int) -> bool:
        """Whether the column is hidden or (almost) zero wide."""
        for first, last, hidden in self.columns:
            if first <= column <= last:
                return hidden
        return self.columns_hidden_by_default


@dataclass
class PackageScan:
    path: Path
    size: int
    sha256: str
    sheets: list  # SheetScan, in workbook order
    data: bytes = b""  # the file as it was checked and hashed; the reader parses these bytes

    def sheet(self, name: str) -> SheetScan | None:
        return next((s for s in self.sheets if s.name == name), None)


# --------------------------------------------------------------- messages

_SAVE_AS = "请在Excel或WPS中打开后“另存为”Excel工作簿（*.xlsx）再导入"


def _refuse(reason: str, name: str) -> NoReturn:
    raise WorkbookRefused(reason, name)


# --------------------------------------------------------------- sniffing

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_not_zip(head: bytes, data: bytes, name: str) -> None:
    """Refuse a file that is not a zip, with the best guess of what it is."""
    if head.startswith(_CFB_MAGIC):
        if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
            _refuse(
                "文件设置了打开密码（已加密），无法读取。请在Excel中打开，于“文件→信息→保护工作簿”中清除密码，"
                "另存为.xlsx后再导入",
                name,
            )
        if _utf16("WordDocument") in data:
            _refuse("这是旧版Word文档（.doc），不是Excel工作簿", name)
        _refuse("这是旧版Excel 97-2003格式（.xls）的文件，本程序只读取.xlsx。" + _SAVE_AS, name)
    if head.startswith(b"%PDF"):
        _refuse("这是PDF文件（扩展名被改成了Excel），不是Excel工作簿，请向企业索要Excel格式的申报表", name)
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in text[:512]:
        _refuse("这是网页（HTML）格式的文件，只是扩展名为Excel。" + _SAVE_AS, name)
    if text.startswith(b"<?xml"):
        _refuse("这是XML文件（可能是“XML电子表格2003”格式），不是.xlsx工作簿。" + _SAVE_AS, name)
    if text.startswith(b"{\\rtf"):
        _refuse("这是RTF文档，不是Excel工作簿", name)
    if b"\x00" not in head[:4096]:
        for enc in ("utf-8", "gb18030"):
            try:
                head[:4096].decode(enc)
            except UnicodeDecodeError:
                continue
            if b"," in head or b"\t" in head or b"\n" in head:
                _refuse("这是文本（CSV）文件，不是Excel工作簿。" + _SAVE_AS, name)
            break
    _refuse("不是Excel工作簿（.xlsx）文件，无法识别文件内容", name)


def _sniff_zip_kind(names: set, name: str) -> None:
    if "mimetype" in names and any(n.startswith("content.xml") for n in names):
        _refuse("这是OpenDocument表格（.ods）文件。" + _SAVE_AS, name)
    if "word/document.xml" in names:
        _refuse("这是Word文档（.docx），不是Excel工作簿", name)
    if "ppt/presentation.xml" in names:
        _refuse("这是PowerPoint演示文稿（.pptx），不是Excel工作簿", name)
    if "xl/workbook.bin" in names:
        _refuse("这是Excel二进制工作簿（.xlsb），本程序只读取.xlsx。" + _SAVE_AS, name)
    if "[Content_Types].xml" not in names:
        _refuse("不是Excel工作簿：压缩包中没有Office文档结构（可能是普通的zip压缩包）", name)


# --------------------------------------------------------------- byte checks

_FORBIDDEN = re.compile(
    b"|".join(
        [rb"<!DOCTYPE", rb"<!ENTITY"]
        + [
            re.escape(s.encode(enc))
            for s in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
            for enc in ("utf-16-le", "utf-16-be")
        ]
    ),
    re.IGNORECASE,
)
_TAIL = 16  # longest forbidden pattern (utf-16 "<!ENTITY") minus one, rounded up
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 20


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str, limits: Limits, text_run: bool = False):
    """Yield the part's bytes in chunks, refusing forbidden declarations and oversize output."""
    total, tail, run = 0, b"", 0
    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    _refuse(
                        f"文件中的部件“{info.filename}”解压后超过{limit // MB} MB，文件过大或是恶意构造的，拒绝读取",
                        name,
                    )
                window = tail + chunk
                if (b"<!" in window or b"<\x00!" in window) and _FORBIDDEN.search(window):
                    _refuse(
                        f"文件中的部件“{info.filename}”含有DOCTYPE/ENTITY声明，正常的Excel工作簿不会有，"
                        "疑似恶意构造（XML炸弹），拒绝读取",
                        name,
                    )
                tail = window[-_TAIL:]
                if text_run:
                    run = _text_run(chunk, run, limits.text_run, info.filename, name)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        _refuse(f"文件已损坏（部件“{info.filename}”无法解压或校验不符），请重新保存或向企业重新索要", name)


def _count_tag(chunk: bytes, tag: bytes) -> int:
    """Start tags ``<tag`` in a chunk (a tag cut at a chunk edge may be missed; with a namespace
    prefix the closing tags count too, which only makes the limit stricter)."""
    return sum(chunk.count(opener + tag + end) for opener in (b"<", b":") for end in (b">", b" ", b"/"))


def _text_run(chunk: bytes, run: int, limit: int, part: str, name: str) -> int:
    """The run of text (bytes without a "<") reaching the end of ``chunk``, refusing any longer than ``limit``."""
    first = chunk.find(b"<")
    if first < 0:
        run += len(chunk)
    else:
        run += first
        if run <= limit and _may_hold_run(chunk, first, limit):
            run = max(run, max(map(len, chunk[first + 1 :].split(b"<")[:-1]), default=0))
        if run <= limit:
            run = len(chunk) - chunk.rfind(b"<") - 1
    if run > limit:
        _refuse(
            f"文件中有超长文字（部件“{part}”中一段文字超过{limit // MB} MB；Excel单元格最多32767个字），"
            "疑似恶意构造，拒绝读取",
            name,
        )
    return run


def _may_hold_run(chunk: bytes, start: int, limit: int) -> bool:
    """Whether some block of ``limit // 2`` bytes after ``start`` has no "<": a run longer than
    ``limit`` always covers one whole block, so when every block has a "<" there is none."""
    step = max(limit // 2, 1)
    for at in range(start, len(chunk) - step + 1, step):
        if chunk.find(b"<", at, at + step) < 0:
            return True
    return False


def _read_small(zf, info, name, limits) -> bytes:
    return b"".join(_stream(zf, info, limits.control_bytes, name, limits))


def _xml(data: bytes, part: str, name: str) -> ET.Element:
    try:
        return ET.fromstring(data)  # DOCTYPE already refused by _stream
    except ET.ParseError as exc:
        _refuse(f"文件已损坏（部件“{part}”不是有效的XML，{_at(exc)}）", name)


def _at(exc: ET.ParseError) -> str:
    line, column = getattr(exc, "position", (0, 0))
    return f"出错位置：第{line}行第{column}列"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(elem: ET.Element, local: str):
    for k, v in elem.attrib.items():
        if _local(k) == local:
            return v
    return None


# --------------------------------------------------------------- the package


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for p in PurePosixPath(base_dir, target).parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p not in (".", ""):
            parts.append(p)
    return "/".join(parts)


def _rels(zf, infos, part: str, name: str, limits: Limits) -> dict:
    """rId -> (type suffix, target part) from the relationships of ``part``."""
    d = PurePosixPath(part)
    rel_part = str(d.parent / "_rels" / (d.name + ".rels")) if str(d.parent) != "." else f"_rels/{d.name}.rels"
    info = infos.get(rel_part)
    if info is None:
        return {}
    root = _xml(_read_small(zf, info, name, limits), rel_part, name)
    base = str(d.parent) if str(d.parent) != "." else ""
    out = {}
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id")] = (rel.get("Type", "").rpartition("/")[2], _resolve(base, rel.get("Target", "")))
    return out


def inspect_package(path, limits: Limits = DEFAULT_LIMITS) -> PackageScan:
    """Check the file at ``path`` and scan its sheets, or raise WorkbookRefused."""
    path = Path(path)
    name = path.name
    if not path.exists():
        _refuse(f"找不到文件：{path}", name)
    if path.is_dir():
        _refuse(f"“{path}”是文件夹，不是Excel工作簿", name)
    size = path.stat().st_size
    if size == 0:
        _refuse("文件是空的（0字节），可能没有保存完整", name)
    if size > limits.file_bytes:
        _refuse(f"文件过大（{size / MB:.1f} MB），申报工作簿一般只有几百KB，上限为{limits.file_bytes // MB} MB", name)
    try:
        with path.open("rb") as f:
            data = f.read(size + 1)
            if len(data) > size:  # it grew since it was measured: read on, but never past the limit
                data += f.read(limits.file_bytes + 1 - len(data))
    except OSError as exc:
        _refuse(f"无法读取文件：{exc.strerror or exc}", name)
    if len(data) > limits.file_bytes:
        _refuse(f"文件过大，上限为{limits.file_bytes // MB} MB", name)
    if not data:
        _refuse("文件是空的（0字节），可能没有保存完整", name)
    head = data[:8192]
    if not head.startswith(_ZIP_MAGICS):
        _sniff_not_zip(head, data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _refuse("文件已损坏，不是完整的Excel工作簿，请重新保存或向企业重新索要", name)
    with zf:
        sheets = _scan_zip(zf, name, limits)
    return PackageScan(path, len(data), hashlib.sha256(data).hexdigest(), sheets, data)


def _scan_zip(zf: zipfile.ZipFile, name: str, limits: Limits) -> list:
    infolist = zf.infolist()
    if len(infolist) > limits.members:
        _refuse(f"文件中的部件过多（{len(infolist)}个，上限{limits.members}个），疑似恶意构造，拒绝读取", name)
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in infolist:
        if info.filename in infos:
            _refuse(f"文件结构异常：部件“{info.filename}”出现了两次，拒绝读取", name)
        infos[info.filename] = info
    _sniff_zip_kind(set(infos), name)
    total = 0
    for info in infolist:
        if info.flag_bits & 0x1:
            _refuse("文件中的内容经过加密（设置了密码），无法读取。请取消密码后另存为.xlsx", name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _refuse(f"文件使用了Excel不会使用的压缩方式（部件“{info.filename}”），拒绝读取", name)
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            _refuse(
                f"文件中的部件“{info.filename}”压缩比异常（{ratio}倍，解压后约{info.file_size // MB} MB），"
                "疑似“压缩炸弹”，拒绝读取",
                name,
            )
    if total > limits.total_bytes:
        _refuse(f"文件解压后共约{total // MB} MB，超过上限{limits.total_bytes // MB} MB，拒绝读取", name)

    # The control parts: which part is the workbook, and which parts are its sheets.
    root_rels = _rels(zf, infos, "", name, limits) if "_rels/.rels" in infos else {}
    wb_part = next((t for kind, t in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml")
    if wb_part.endswith(".bin"):
        _refuse("这是Excel二进制工作簿（.xlsb），本程序只读取.xlsx。" + _SAVE_AS, name)
    if wb_part not in infos:
        _refuse("不是Excel工作簿：找不到工作簿主体（xl/workbook.xml），文件可能已损坏", name)
    wb_root = _xml(_read_small(zf, infos[wb_part], name, limits), wb_part, name)
    wb_rels = _rels(zf, infos, wb_part, name, limits)
    sheets: list[SheetScan] = []
    for elem in wb_root.iter():
        if _local(elem.tag) != "sheet":
            continue
        if len(sheets) >= limits.sheets:
            _refuse(f"工作表过多（超过{limits.sheets}个），拒绝读取", name)
        kind, target = wb_rels.get(_attr(elem, "id"), ("", ""))
        sheet_kind = kind if kind in ("worksheet", "chartsheet") else "other"
        if sheet_kind == "worksheet" and target not in infos:
            _refuse(f"文件已损坏：工作表“{elem.get('name')}”的数据部件缺失", name)
        sheets.append(SheetScan(elem.get("name", ""), target, elem.get("state", "visible"), sheet_kind))

    sheet_parts = {s.part: s for s in sheets if s.kind == "worksheet"}
    checked = {"_rels/.rels", wb_part}
    styles_part = next((t for kind, t in wb_rels.values() if kind == "styles"), None)
    hiding: dict[int, NumberFormat] = {}
    for info in sorted(infolist, key=lambda i: i.filename != styles_part):  # the sheets need the styles' formats
        part = info.filename
        if part in checked or not part.lower().endswith(_XML_SUFFIXES):
            continue
        scan = sheet_parts.get(part)
        if scan is not None:
            _scan_sheet(zf, info, scan, name, limits, hiding)
        elif part == styles_part:
            hiding = _scan_styles(zf, info, name, limits)
        elif part.lower().endswith("sharedstrings.xml"):
            count = 0
            for chunk in _stream(zf, info, limits.shared_strings_bytes, name, limits, text_run=True):
                count += _count_tag(chunk, b"si")
                if count > limits.shared_strings:
                    _refuse(
                        f"文件中的文字条目过多（超过{limits.shared_strings}条），一个申报批次用不到这么多，"
                        "疑似恶意构造，拒绝读取",
                        name,
                    )
        elif part.lower().endswith("styles.xml"):
            _count_formats(zf, info, name, limits)
        else:
            for _ in _stream(zf, info, limits.part_bytes, name, limits):
                pass
    return sheets


def _count_formats(zf, info, name: str, limits: Limits) -> list:
    """The part's bytes, refusing more cell formats than Excel allows."""
    count, chunks = 0, []
    for chunk in _stream(zf, info, limits.styles_bytes, name, limits):
        count += _count_tag(chunk, b"xf")
        if count > limits.cell_formats:
            _refuse(
                f"文件中的单元格格式过多（超过{limits.cell_formats}种，超出Excel本身的上限），疑似恶意构造，拒绝读取",
                name,
            )
        chunks.append(chunk)
    return chunks


@dataclass(frozen=True)
class NumberFormat:
    """A custom number format with an empty section (``;;;`` shows nothing at all, ``0;-0;;@`` hides zeros).

    ``empty`` says, for each of its sections (positive; negative; zero; text),
    whether it shows nothing; ``conditional`` formats (``[>100]``) choose their
    section by condition, so any empty one may hide the value.
    """

    code: str
    empty: tuple
    conditional: bool

    def hides(self, value) -> bool:
        """Whether a cell holding ``value`` shows nothing of it. A zero shown blank (the common
        "hide zeros" format) is not counted: a blank and a zero mean the same to a clerk."""
        if isinstance(value, bool) or value is None or value == "" or value == 0:
            return False
        if isinstance(value, str):
            return len(self.empty) >= 4 and self.empty[3]
        if self.conditional:
            return any(self.empty[:3])
        if isinstance(value, (int, float)) and value < 0 and len(self.empty) > 1:
            return self.empty[1]
        return self.empty[0]  # a positive number, or a date or time (a positive number in Excel)


def _scan_styles(zf, info, name: str, limits: Limits) -> dict[int, NumberFormat]:
    """The workbook's cell formats (counted and limited) -> those whose number format may show nothing."""
    root = _xml(b"".join(_count_formats(zf, info, name, limits)), info.filename, name)
    codes: dict[int, str] = {}
    xfs = []
    for elem in root.iter():
        tag = _local(elem.tag)
        if tag == "numFmt":
            fid = elem.get("numFmtId", "")
            if fid.isdigit():
                codes[int(fid)] = elem.get("formatCode", "")
        elif tag == "cellXfs":
            xfs = [x for x in elem if _local(x.tag) == "xf"]
    hiding = {}
    for index, xf in enumerate(xfs):
        code = codes.get(int(number)) if (number := xf.get("numFmtId") or "").isdigit() else None
        if code is not None and ";" in code:
            fmt = _number_format(code)
            if any(fmt.empty):
                hiding[index] = fmt
    return hiding


def _number_format(code: str) -> NumberFormat:
    """Split a format code into its sections, noting which show nothing (only blanks, padding, colours)."""
    sections, visible, conditional = [], False, False
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == ";":
            sections.append(not visible)
            visible = False
        elif ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            visible |= bool(code[i + 1 : end].strip())
            i = end
        elif ch in "\\*":  # an escaped character, or a fill character repeated across the cell
            i += 1
            visible |= i < len(code) and not code[i].isspace()
        elif ch == "_":  # padding as wide as the next character: shows nothing
            i += 1
        elif ch == "[":
            end = code.find("]", i + 1)
            end = len(code) if end < 0 else end
            inner = code[i + 1 : end]
            conditional |= inner[:1] in ("<", ">", "=")
            visible |= inner.startswith("$") and bool(inner[1:].split("-")[0])  # [$¥-804] shows ¥
            i = end
        elif not ch.isspace():
            visible = True
        i += 1
    sections.append(not visible)
    return NumberFormat(code, tuple(sections[:4]), conditional)


_SHEET_TAGS = frozenset(("row", "mergeCell", "col", "sheetFormatPr", "autoFilter"))


class _Stop(Exception):
    """Raised from inside the parser when the sheet has shown enough to be refused."""


def _scan_sheet(zf, info, scan: SheetScan, name: str, limits: Limits, hiding: dict | None = None) -> None:
    """Fill ``scan`` from a worksheet part: the quick way (:class:`_QuickRows`) when the sheet's rows are plain,
    else (or when the quick way meets anything else) one expat pass over the whole part."""
    chunks = _stream(zf, info, limits.sheet_bytes, name, limits, text_run=True)
    if not hiding:
        try:
            _expat_scan(_QuickRows(scan, name, limits).outline(chunks), scan, name, limits, quick=True)
            return
        except _Fallback:
            vars(scan).update(vars(SheetScan(scan.name, scan.part, scan.state, scan.kind)))
            chunks = _stream(zf, info, limits.sheet_bytes, name, limits, text_run=True)
    _expat_scan(chunks, scan, name, limits, hiding)


def _expat_scan(chunks, scan: SheetScan, name: str, limits: Limits, hiding: dict | None = None, quick=False) -> None:
    """One expat pass over a worksheet part's ``chunks``, filling ``scan``; nothing but the current row is kept.

    The handlers only look at start tags (and at the text of the few cells
    whose value the cell reader cannot tell apart from a blank: formulas and
    errors), which keeps the pass at about a third of a second for 10,000
    companies. A cell holds a value when it has a <v>, <is> or <f> child.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    names: dict[str, str] = {}  # "x:row" -> "row"
    row = col = xml_rows = 0
    row_valued = row_hidden = cell_valued = False
    cell_t = None
    cell_f = False
    special = False  # the current cell is a formula or an error: its <v> text is captured
    captured: list | None = None
    max_value_column = limits.columns
    cell_format = None  # the NumberFormat of the current cell when it may show nothing

    def finish_cell():
        nonlocal special, captured
        text = "".join(captured).strip() if captured else ""
        parser.CharacterDataHandler = None
        captured = None
        special = False
        if cell_t == "e":
            scan.errors[(row, col)] = text[:40]
        elif cell_f and not text and cell_t != "str" and len(scan.formulas_without_value) < limits.problems:
            scan.formulas_without_value.append((row, col))  # an empty <v/> holds a value only for a text formula

    def finish_row():
        nonlocal row_valued
        if not row_valued:
            return
        row_valued = False
        scan.value_rows += 1
        scan.last_row = row
        if row_hidden:
            scan.hidden_rows.add(row)
        if row > limits.rows:
            scan.too_many_rows = True
            raise _Stop()
        if row * scan.max_column > limits.rows * limits.cells_per_row:
            _refuse_area(scan, row, limits, name)

    def start(tag, attrs):
        nonlocal row, col, xml_rows, row_valued, row_hidden, cell_valued, cell_t, cell_f, special, captured, cell_format
        kind = names.get(tag)
        if kind is None:
            kind = names[tag] = tag.rpartition(":")[2]
        if captured is not None:
            parser.CharacterDataHandler = None  # only the text directly in <v> counts
        if kind == "c":
            if special:
                finish_cell()
            col = _column_of(attrs.get("r"), col + 1)
            cell_t = attrs.get("t")
            cell_valued = cell_f = False
            special = cell_t == "e"
            if hiding:
                style = attrs.get("s")
                cell_format = hiding.get(int(style)) if style and style.isdigit() else None
        elif kind == "v" or kind == "is" or kind == "f":
            if not cell_valued:
                cell_valued = row_valued = True
                if cell_format is not None and len(scan.format_hidden) < limits.problems:
                    scan.format_hidden[(row, col)] = cell_format
                if col > scan.max_column:
                    scan.max_column = col
                    if col > max_value_column:
                        _refuse_columns(scan, limits, name)
            if kind == "f":
                cell_f = special = True
            elif kind == "v" and special:
                captured = []
                parser.CharacterDataHandler = captured.append
        elif kind not in _SHEET_TAGS:
            return
        elif kind == "row":
            if special:
                finish_cell()
            finish_row()
            r = attrs.get("r")
            row = int(r) if r and r.isdigit() else row + 1
            col = 0
            xml_rows += 1
            if xml_rows > EXCEL_MAX_ROWS or row > EXCEL_MAX_ROWS:
                _refuse_excel_rows(scan, name)
            height = attrs.get("ht")
            row_hidden = _true(attrs.get("hidden")) or (
                _number(height, MIN_ROW_HEIGHT) < MIN_ROW_HEIGHT if height is not None else scan.rows_hidden_by_default
            )
        elif kind == "mergeCell":
            if len(scan.merges) < limits.problems:
                scan.merges.append(attrs.get("ref", ""))
        elif kind == "col":
            _column_element(scan, attrs, limits, name)
        elif kind == "sheetFormatPr":
            scan.columns_hidden_by_default = _number(attrs.get("defaultColWidth"), 8.43) < MIN_COLUMN_WIDTH
            scan.rows_hidden_by_default = (
                _true(attrs.get("customHeight")) and _number(attrs.get("defaultRowHeight"), 15) < MIN_ROW_HEIGHT
            )
        elif kind == "autoFilter":
            scan.filtered = True

    parser.StartElementHandler = start
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        if special:
            finish_cell()
        finish_row()
    except _Stop:
        return
    except expat.ExpatError as exc:
        if quick:  # the outline's positions are not the file's: the full pass names where the error is
            raise _Fallback() from None
        _refuse(f"文件已损坏（工作表“{scan.name}”不是有效的XML，出错位置：第{exc.lineno}行第{exc.offset + 1}列）", name)


class _Fallback(Exception):
    """The quick way met what only the full expat pass reads: the sheet is scanned again that way."""


_ROW_TAG = re.compile(rb'<row\s+r="(\d+)"((?:\s+[A-Za-z_][\w.:-]*="[^"<>&]*")*)\s*(/?)>')
_ATTR = re.compile(rb'\s([A-Za-z_][\w.:-]*)="([^"]*)"')
_VALUE = re.compile(rb"<(?:v|is)[\s/>]")
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^<>]*><(?:v|is)[\s/>]')
_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:")


def _plain(piece: bytes) -> bool:
    """No comment, CDATA or processing instruction, namespace prefix, formula, error cell or "hidden"."""
    return not (
        b"<!" in piece
        or b"<?" in piece
        or b"hidden" in piece
        or b't="e"' in piece
        or _FORMULA.search(piece)
        or _PREFIXED.search(piece)
    )


_SHEET_DATA, _SHEET_DATA_END = b"<sheetData", b"</sheetData"
_QUICK_ROW_BYTES = 4 * _CHUNK  # the longest row the quick way holds whole


class _QuickRows:
    """The rows of a worksheet read with a few regular expressions over each megabyte instead of an expat
    handler per element (a tenth of the time: the cell reader parses the sheet anyway).

    ``outline`` passes the part on to the expat pass without the inside of <sheetData>, so expat still reads
    (and checks) the columns, merged cells and autofilter around it, while the rows are read here. Only plain
    rows are read this way: every <row> with its number first and attributes in double quotes without
    markup characters, every <v> and <is> the first child of a <c> with such attributes and a reference.
    Anything else (comments, CDATA, prefixes, formulas, error cells, "hidden", a number format that may
    hide its value, a value outside a row, a part that is not well-formed) raises _Fallback before the sheet
    is trusted: what is kept is then what the full pass reads.
    """

    def __init__(self, scan: SheetScan, name: str, limits: Limits):
        self.scan, self.name, self.limits = scan, name, limits
        self.xml_rows = 0

    def outline(self, chunks):
        """The part's chunks as expat is to read them, the rows read on the way."""
        buffer = b""
        chunks = iter(chunks)
        for chunk in chunks:  # up to <sheetData>
            buffer += chunk
            at = buffer.find(_SHEET_DATA)
            close = buffer.find(b">", at) if at >= 0 else -1
            if close < 0:
                keep = max(len(buffer) - len(_SHEET_DATA), 0) if at < 0 else at
                yield buffer[:keep]
                buffer = buffer[keep:]
                continue
            yield buffer[:at]
            if buffer[close - 1 : close] == b"/":  # <sheetData/>: no rows
                yield buffer[at:]
                yield from chunks
                return
            buffer = buffer[close + 1 :]
            break
        else:
            yield buffer  # no <sheetData> (or one with a prefix): expat reads it all
            return
        while True:
            end = buffer.find(_SHEET_DATA_END)
            close = buffer.find(b">", end) if end >= 0 else -1
            if close >= 0:
                self._rows(buffer[:end])
                yield b"<sheetData/>" + buffer[close + 1 :]
                yield from chunks
                return
            cut = buffer.rfind(b"<row") if end < 0 else -1
            if cut > 0:
                self._rows(buffer[:cut])
                buffer = buffer[cut:]
            elif len(buffer) > _QUICK_ROW_BYTES:
                raise _Fallback()  # a row this long is left to the full pass, which streams it
            chunk = next(chunks, None)
            if chunk is None:
                raise _Fallback()  # the part ends inside <sheetData>: the full pass says where
            buffer += chunk

    def _rows(self, piece: bytes) -> None:
        """Complete rows (in the first piece, after what follows <sheetData>).

        A value is placed by its cell's reference, as the cell reader places it: the rows holding values are
        the rows those references name, each of which must have its <row> element (whose height says whether
        it is hidden).
        """
        if not _plain(piece):
            raise _Fallback()
        rows = _ROW_TAG.findall(piece)  # (number, other attributes, "/" of an empty row)
        cells = _VALUED_CELL.findall(piece)  # (column letters, row number)
        if len(rows) != piece.count(b"<row") or len(cells) != len(_VALUE.findall(piece)):
            raise _Fallback()
        first = piece.find(b"<row")
        if _VALUE.search(piece, 0, first if first >= 0 else len(piece)):
            raise _Fallback()  # a value before any row
        scan, limits, name = self.scan, self.limits, self.name
        self.xml_rows += len(rows)
        numbers = {int(number) for number, _, _ in rows}
        if self.xml_rows > EXCEL_MAX_ROWS or numbers and max(numbers) > EXCEL_MAX_ROWS:
            _refuse_excel_rows(scan, name)
        if not cells:
            return
        valued = {int(number) for number in {number for _, number in cells}}
        if not valued <= numbers or scan.rows_hidden_by_default:
            raise _Fallback()
        widest = max(_column_of(letters.decode("ascii"), 0) for letters in {letters for letters, _ in cells})
        if widest > scan.max_column:
            scan.max_column = widest
            if widest > limits.columns:
                _refuse_columns(scan, limits, name)
        last = max(valued)
        if last > limits.rows:  # as the full pass, which stops at the first row beyond the limit
            last = min(number for number in valued if number > limits.rows)
            valued = {number for number in valued if number <= last}
        for number, attrs, _ in rows:
            if attrs:
                given = _ATTR.findall(attrs)
                height = dict(given).get(b"ht")
                if len(dict(given)) != len(given) or b"r" in dict(given):
                    raise _Fallback()  # an attribute given twice: not well-formed
                if height is not None and _number(height.decode("ascii", "replace"), MIN_ROW_HEIGHT) < MIN_ROW_HEIGHT:
                    if int(number) in valued:
                        scan.hidden_rows.add(int(number))
        scan.value_rows += len(valued)
        scan.last_row = max(scan.last_row, last)
        if last > limits.rows:
            scan.too_many_rows = True
            raise _Stop()
        if last * scan.max_column > limits.rows * limits.cells_per_row:
            _refuse_area(scan, last, limits, name)


def _refuse_columns(scan: SheetScan, limits: Limits, name: str) -> NoReturn:
    _refuse(
        f"工作表“{scan.name}”在第{limits.columns}列之后还有数据，申报模板用不到这么多列，请删除多余的列后再导入",
        name,
    )


def _refuse_excel_rows(scan: SheetScan, name: str) -> NoReturn:
    _refuse(f"工作表“{scan.name}”的行数超出Excel的上限，文件是恶意构造或已损坏的", name)


def _refuse_area(scan: SheetScan, row: int, limits: Limits, name: str) -> NoReturn:
    _refuse(
        f"工作表“{scan.name}”的数据区域过大（到第{row}行、第{scan.max_column}列），"
        "申报模板用不到这么大的表格，请删除多余的行和列后再导入",
        name,
    )


def _column_element(scan: SheetScan, attrs: dict, limits: Limits, name: str) -> None:
    """A <col> element: the columns it covers, and whether they are hidden or (almost) zero wide."""
    if len(scan.columns) >= EXCEL_MAX_COLUMNS:
        _refuse(f"工作表“{scan.name}”的列定义超出Excel的上限，文件是恶意构造或已损坏的", name)
    first, last = _number(attrs.get("min"), 0), _number(attrs.get("max"), 0)
    if not 1 <= first <= last or first > limits.columns:
        return
    hidden = _true(attrs.get("hidden")) or (
        "width" in attrs and _number(attrs.get("width"), MIN_COLUMN_WIDTH) < MIN_COLUMN_WIDTH
    )
    scan.columns.append((int(first), int(min(last, limits.columns)), hidden))


def _true(value) -> bool:
    """An xsd:boolean attribute ("1", "true", with blanks around) that is set."""
    return value is not None and value.strip() in ("1", "true")


def _number(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


EXCEL_MAX_COLUMNS = 16_384
_LETTERS: dict[str, int] = {}  # "AB" -> 28


def _column_of(ref, default: int) -> int:
    """The column number of a cell reference such as ``AB12`` (``default`` when it has none)."""
    if not ref:
        return default
    letters = ref.rstrip("0123456789")
    n = _LETTERS.get(letters)
    if n is None:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isupper() and letters.isalpha()):
            return default
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _LETTERS[letters] = n
    return n
