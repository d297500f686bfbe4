"""Look inside a workbook file before any XML of it is parsed, and refuse hostile ones.

A .xlsx is a zip of XML parts. Before openpyxl sees the file this module

- sniffs the first bytes: a PDF, a web page, a CSV, an old .xls or an
  encrypted workbook (both Compound File containers) each get their own message;
- reads the zip directory only: too many parts, a part that would unpack to
  too much (declared size, and the compression ratio a zip bomb needs),
  encrypted entries, unusual compression;
- streams every XML part through a byte check that refuses DOCTYPE and ENTITY
  declarations (billion laughs, external entities) and giant text runs, and
  counts what really comes out of the decompressor;
- parses each worksheet with a pull parser that keeps one row in memory, to
  count the rows that hold values (and stop at the row limit), and to find
  merged cells and formulas without a cached value, which openpyxl's read-only
  mode cannot tell apart from empty cells.

The result, :class:`PackageScan`, tells the reader which sheets exist and how
far to read each one.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

from core.excel.problems import WorkbookRefused

MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576


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
    rows: int = 20_000  # rows holding values, per sheet
    columns: int = 256
    text_run: int = 1 * MB  # bytes of text between two tags in a sheet or shared-string part
    cell_chars: int = 32_767  # Excel's own limit for one cell
    problems: int = 1000  # stop listing after this many


DEFAULT_LIMITS = Limits()


@dataclass
class SheetScan:
    name: str
    part: str
    state: str = "visible"
    kind: str = "worksheet"  # worksheet | chartsheet | other
    value_rows: int = 0  # rows with at least one value or formula
    last_row: int = 0  # the last such row
    max_column: int = 0  # the right-most column holding a value
    too_many_rows: bool = False
    merges: list = field(default_factory=list)  # "A2:B3"
    formulas_without_value: list = field(default_factory=list)  # (row, column number)


@dataclass
class PackageScan:
    path: Path
    size: int
    sha256: str
    sheets: list  # SheetScan, in workbook order

    def sheet(self, name: str) -> SheetScan | None:
        return next((s for s in self.sheets if s.name == name), None)


# --------------------------------------------------------------- messages

_SAVE_AS = "请在Excel或WPS中打开后“另存为”Excel工作簿（*.xlsx）再导入"


def _refuse(reason: str, name: str):
    raise WorkbookRefused(reason, name)


# --------------------------------------------------------------- sniffing

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_not_zip(head: bytes, path: Path, name: str) -> None:
    """Refuse a file that is not a zip, with the best guess of what it is."""
    if head.startswith(_CFB_MAGIC):
        data = path.read_bytes()  # bounded by Limits.file_bytes, checked before
        if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
            _refuse("文件设置了打开密码（已加密），无法读取。请在Excel中打开，于“文件→信息→保护工作簿”中清除密码，"
                    "另存为.xlsx后再导入", name)
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
    b"|".join([rb"<!DOCTYPE", rb"<!ENTITY"]
              + [re.escape(s.encode(enc)) for s in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
                 for enc in ("utf-16-le", "utf-16-be")]),
    re.IGNORECASE,
)
_TAIL = 16  # longest forbidden pattern (utf-16 "<!ENTITY") minus one, rounded up
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 20


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str, limits: Limits,
            text_run: bool = False):
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
                    _refuse(f"文件中的部件“{info.filename}”解压后超过{limit // MB} MB，文件过大或是恶意构造的，拒绝读取", name)
                window = tail + chunk
                if _FORBIDDEN.search(window):
                    _refuse(f"文件中的部件“{info.filename}”含有DOCTYPE/ENTITY声明，正常的Excel工作簿不会有，"
                            "疑似恶意构造（XML炸弹），拒绝读取", name)
                tail = window[-_TAIL:]
                if text_run:
                    run = _text_run(chunk, run, limits.text_run, info.filename, name)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        _refuse(f"文件已损坏（部件“{info.filename}”无法解压或校验不符），请重新保存或向企业重新索要", name)


def _count_tag(chunk: bytes, tag: bytes) -> int:
    """Start tags ``<tag`` in a chunk (a tag cut at a chunk edge may be missed; with a namespace
    prefix the closing tags count too, which only makes the limit stricter)."""
    return sum(chunk.count(opener + tag + end) for opener in (b"<", b":") for end in (b">", b" ", b"/"))


def _text_run(chunk: bytes, run: int, limit: int, part: str, name: str) -> int:
    pieces = chunk.split(b"<")
    if len(pieces) == 1:
        run += len(chunk)
    else:
        run += len(pieces[0])
        if run <= limit and len(pieces) > 2:
            run = max(run, max(map(len, pieces[1:-1])))
        if run <= limit:
            run = len(pieces[-1])
    if run > limit:
        _refuse(f"文件中有超长文字（部件“{part}”中一段文字超过{limit // MB} MB；Excel单元格最多32767个字），"
                "疑似恶意构造，拒绝读取", name)
    return run


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
    digest = hashlib.sha256()
    with path.open("rb") as f:
        head = f.read(8192)
        digest.update(head)
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    if not head.startswith(_ZIP_MAGICS):
        _sniff_not_zip(head, path, name)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        _refuse("文件已损坏，不是完整的Excel工作簿，请重新保存或向企业重新索要", name)
    with zf:
        sheets = _scan_zip(zf, name, limits)
    return PackageScan(path, size, digest.hexdigest(), sheets)


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
            _refuse(f"文件中的部件“{info.filename}”压缩比异常（{ratio}倍，解压后约{info.file_size // MB} MB），"
                    "疑似“压缩炸弹”，拒绝读取", name)
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
    sheets = []
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
    for info in infolist:
        part = info.filename
        if part in checked or not part.lower().endswith(_XML_SUFFIXES):
            continue
        scan = sheet_parts.get(part)
        if scan is not None:
            _scan_sheet(zf, info, scan, name, limits)
        elif part.lower().endswith("sharedstrings.xml"):
            count = 0
            for chunk in _stream(zf, info, limits.shared_strings_bytes, name, limits, text_run=True):
                count += _count_tag(chunk, b"si")
                if count > limits.shared_strings:
                    _refuse(f"文件中的文字条目过多（超过{limits.shared_strings}条），一个申报批次用不到这么多，"
                            "疑似恶意构造，拒绝读取", name)
        elif part.lower().endswith("styles.xml"):
            count = 0
            for chunk in _stream(zf, info, limits.styles_bytes, name, limits):
                count += _count_tag(chunk, b"xf")
                if count > limits.cell_formats:
                    _refuse(f"文件中的单元格格式过多（超过{limits.cell_formats}种，超出Excel本身的上限），"
                            "疑似恶意构造，拒绝读取", name)
        else:
            for _ in _stream(zf, info, limits.part_bytes, name, limits):
                pass
    return sheets


def _scan_sheet(zf, info, scan: SheetScan, name: str, limits: Limits) -> None:
    """Count value rows, find merged cells and formulas without a cached value.

    Every element is dropped from the tree as soon as it ends, so memory stays
    at one element path whatever the size of the sheet.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    local: dict[str, str] = {}  # "{namespace}c" -> "c"
    row_no = col_no = xml_rows = 0
    row_has_value = cell_v = cell_f = cell_is = False
    cell_t = None
    try:
        for chunk in _stream(zf, info, limits.sheet_bytes, name, limits, text_run=True):
            parser.feed(chunk)
            for event, elem in parser.read_events():
                tag = local.get(elem.tag)
                if tag is None:
                    tag = local[elem.tag] = _local(elem.tag)
                if event == "start":
                    stack.append(elem)
                    if tag == "c":
                        col_no = _column_of(elem.get("r"), col_no + 1)
                        cell_t = elem.get("t")
                        cell_v = cell_f = cell_is = False
                    elif tag == "row":
                        r = elem.get("r")
                        row_no = int(r) if r and r.isdigit() else row_no + 1
                        col_no = 0
                        xml_rows += 1
                        if xml_rows > EXCEL_MAX_ROWS or row_no > EXCEL_MAX_ROWS:
                            _refuse(f"工作表“{scan.name}”的行数超出Excel的上限，文件是恶意构造或已损坏的", name)
                    continue
                stack.pop()
                if tag == "v":
                    # an empty <v/> is a cached value only for a formula giving text
                    cell_v = bool(elem.text) or cell_t == "str"
                elif tag == "f":
                    cell_f = True
                elif tag == "is":
                    cell_is = True
                elif tag == "c":
                    if cell_v or cell_f or cell_is:
                        row_has_value = True
                        if col_no > scan.max_column:
                            scan.max_column = col_no
                            if col_no > limits.columns:
                                _refuse(f"工作表“{scan.name}”在第{limits.columns}列之后还有数据，申报模板用不到这么多列，"
                                        "请删除多余的列后再导入", name)
                        if cell_f and not cell_v and len(scan.formulas_without_value) < limits.problems:
                            scan.formulas_without_value.append((row_no, col_no))
                elif tag == "row":
                    if row_has_value:
                        scan.value_rows += 1
                        scan.last_row = row_no
                        row_has_value = False
                        if scan.value_rows > limits.rows:
                            scan.too_many_rows = True
                            return
                elif tag == "mergeCell":
                    if len(scan.merges) < limits.problems:
                        scan.merges.append(elem.get("ref", ""))
                if stack:
                    elem.clear()
                    stack[-1].remove(elem)
        parser.close()
    except ET.ParseError as exc:
        _refuse(f"文件已损坏（工作表“{scan.name}”不是有效的XML，{_at(exc)}）", name)


_COORD = re.compile(r"([A-Z]{1,3})(\d+)")


def _column_of(ref, default: int) -> int:
    if not ref:
        return default
    m = _COORD.match(ref)
    if not m:
        return default
    n = 0
    for ch in m[1]:
        n = n * 26 + ord(ch) - 64
    return n
