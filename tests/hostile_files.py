"""Hostile and broken files for the workbook reader, made on the fly (none is committed).

Each maker takes the folder to write into and a clean template file to start
from, and returns the path of the file it made. ``HOSTILE`` maps a case name
to (maker, the words the refusal must contain). scripts/measure_hostile.py
uses the same makers to report time and peak memory.
"""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cfb(names: list[str]) -> bytes:
    """A Compound File header and one directory sector naming ``names`` (what .xls and encrypted files are)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = struct.pack("<H", 0x3E)
    header[26:28] = struct.pack("<H", 3)
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)
    directory = bytearray()
    for name in ["Root Entry"] + names:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(512 - len(directory) % 512)
    return bytes(header) + bytes(directory) + os.urandom(2048)


def _copy(template: Path, out: Path, replace=None, add=None, drop=(), writers=None) -> Path:
    """Copy the template's zip; ``writers`` maps a part to a function writing it to a file object."""
    replace, add, writers = replace or {}, add or {}, writers or {}
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            if name in drop:
                continue
            if name in writers:
                with zout.open(name, "w", force_zip64=True) as f:
                    writers[name](f)
            else:
                zout.writestr(name, replace.get(name, zin.read(info)))
        for name, data in add.items():
            zout.writestr(name, data)
    return out


def companies_part(template: Path) -> str:
    import re

    with zipfile.ZipFile(template) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="企业信息"[^>]*r:id="([^"]+)"', wb)[1]
    rel = re.search(r'<Relationship[^>]*Id="' + rid + r'"[^>]*/>', rels)[0]
    target = re.search(r'Target="([^"]+)"', rel)[1]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _sheet_xml(rows_xml: str) -> bytes:
    return (f'<worksheet xmlns="{SHEET_NS}"><sheetData>{rows_xml}</sheetData></worksheet>').encode()


_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>企业名称</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>所属盟市</t></is></c></row>'
)


# ---------------------------------------------------------------- makers


def random_bytes(d: Path, t: Path) -> Path:
    p = d / "随机字节.xlsx"
    p.write_bytes(os.urandom(64 * 1024))
    return p


def pdf_renamed(d, t):
    p = d / "申报表.xlsx"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + os.urandom(4096))
    return p


def xls_binary(d, t):
    p = d / "旧版.xlsx"
    p.write_bytes(_cfb(["Workbook", "\x05SummaryInformation"]))
    return p


def encrypted(d, t):
    p = d / "加密.xlsx"
    p.write_bytes(_cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]))
    return p


def zip_bomb(d, t):
    """A 200 MB sheet of one repeated byte packed into ~200 KB (compression ratio ~1000)."""
    part = companies_part(t)

    def write(f):
        f.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
        block = b" " * (1 << 20)
        for _ in range(200):
            f.write(block)
        f.write(b"</sheetData></worksheet>")

    return _copy(t, d / "压缩炸弹.xlsx", writers={part: write})


def lying_sizes(d, t):
    """A sheet whose zip directory declares 1,000 bytes but which unpacks to ~3 MB."""
    part = companies_part(t)
    rows = "".join(f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>企业{r}</t></is></c></row>' for r in range(2, 40000))
    out = _copy(t, d / "大小作假.xlsx", replace={part: _sheet_xml(_HEADER_ROW + rows)})
    data = bytearray(out.read_bytes())
    name = part.encode()
    # local file header: size at offset 22, name at 30; central directory: size at 24, name at 46
    i = data.find(b"PK\x03\x04")
    while i >= 0:
        n = struct.unpack("<H", data[i + 26 : i + 28])[0]
        if data[i + 30 : i + 30 + n] == name:
            data[i + 22 : i + 26] = struct.pack("<I", 1000)
        i = data.find(b"PK\x03\x04", i + 4)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack("<H", data[i + 28 : i + 30])[0]
        if data[i + 46 : i + 46 + n] == name:
            data[i + 24 : i + 28] = struct.pack("<I", 1000)
        i = data.find(b"PK\x01\x02", i + 4)
    out.write_bytes(bytes(data))
    return out


def billion_laughs(d, t):
    part = companies_part(t)
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(lol)}]>'
        f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    return _copy(t, d / "XML炸弹.xlsx", replace={part: xml.encode()})


def external_entity(d, t):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    return _copy(t, d / "外部实体.xlsx", add={"xl/sharedStrings.xml": xml.encode()})


def utf16_doctype(d, t):
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    return _copy(t, d / "UTF16声明.xlsx", add={"customXml/item1.xml": b"\xff\xfe" + xml.encode("utf-16-le")})


def million_rows(d, t):
    part = companies_part(t)

    def write(f):
        f.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode() + _HEADER_ROW.encode())
        chunk = []
        for r in range(2, 1_000_002):
            chunk.append(f'<row r="{r}"><c r="B{r}"><v>{r}</v></c></row>')
            if len(chunk) == 50_000:
                f.write("".join(chunk).encode())
                chunk = []
        f.write("".join(chunk).encode())
        f.write(b"</sheetData></worksheet>")

    return _copy(t, d / "一百万行.xlsx", writers={part: write})


def huge_string(d, t):
    part = companies_part(t)
    import random

    rnd = random.Random(1)
    # 4.5 MB of UTF-8 in one cell, random enough not to trip the compression-ratio check first
    text = "".join(map(chr, (rnd.randrange(0x4E00, 0x9FA5) for _ in range(1_500_000))))
    rows = _HEADER_ROW + f'<row r="2"><c r="B2" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return _copy(t, d / "超长文字.xlsx", replace={part: _sheet_xml(rows)})


def too_many_sheets(d, t):
    from openpyxl import Workbook

    wb = Workbook()
    for i in range(150):
        wb.create_sheet(f"表{i}")
    p = d / "工作表过多.xlsx"
    wb.save(p)
    return p


def too_many_parts(d, t):
    return _copy(t, d / "部件过多.xlsx", add={f"xl/media/pad{i}.bin": b"x" for i in range(3000)})


def empty_file(d, t):
    p = d / "空文件.xlsx"
    p.write_bytes(b"")
    return p


def html_disguised(d, t):
    p = d / "网页.xlsx"
    p.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>企业</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return p


def csv_disguised(d, t):
    p = d / "文本.xlsx"
    p.write_text("统一社会信用代码,企业名称\n91150702MA0N8XKQ26,甲公司\n", encoding="utf-8")
    return p


def docx_disguised(d, t):
    p = d / "文档.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return p


def plain_zip(d, t):
    p = d / "压缩包.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    return p


def truncated(d, t):
    p = d / "不完整.xlsx"
    data = t.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def zip_encrypted_entry(d, t):
    out = _copy(t, d / "压缩加密.xlsx")
    data = bytearray(out.read_bytes())
    i = data.find(b"PK\x01\x02")
    while i >= 0:  # set the "encrypted" flag bit in every central directory entry
        data[i + 8] |= 1
        i = data.find(b"PK\x01\x02", i + 4)
    out.write_bytes(bytes(data))
    return out


def duplicate_parts(d, t):
    part = companies_part(t)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _copy(t, d / "重复部件.xlsx", add={part: _sheet_xml(_HEADER_ROW)})


def broken_xml(d, t):
    part = companies_part(t)
    return _copy(
        t, d / "XML损坏.xlsx", replace={part: b'<worksheet xmlns="' + SHEET_NS.encode() + b'"><sheetData><row>'}
    )


def too_many_columns(d, t):
    part = companies_part(t)
    rows = _HEADER_ROW + '<row r="2"><c r="ZZ2" t="inlineStr"><is><t>x</t></is></c></row>'
    return _copy(t, d / "列过多.xlsx", replace={part: _sheet_xml(rows)})


def ods_disguised(d, t):
    p = d / "表格.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return p


def xlsb_disguised(d, t):
    p = d / "二进制.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.bin"/></Relationships>',
        )
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return p


HOSTILE = {
    "random_bytes": (random_bytes, "不是Excel工作簿"),
    "pdf_renamed": (pdf_renamed, "这是PDF文件"),
    "xls_binary": (xls_binary, "旧版Excel 97-2003格式（.xls）"),
    "encrypted": (encrypted, "设置了打开密码"),
    "zip_bomb": (zip_bomb, "压缩炸弹"),
    "lying_sizes": (lying_sizes, "文件已损坏"),
    "billion_laughs": (billion_laughs, "DOCTYPE/ENTITY"),
    "external_entity": (external_entity, "DOCTYPE/ENTITY"),
    "utf16_doctype": (utf16_doctype, "DOCTYPE/ENTITY"),
    "million_rows": (million_rows, "超过20000行数据"),
    "huge_string": (huge_string, "超长文字"),
    "too_many_sheets": (too_many_sheets, "工作表过多"),
    "too_many_parts": (too_many_parts, "部件过多"),
    "empty_file": (empty_file, "文件是空的"),
    "html_disguised": (html_disguised, "网页（HTML）"),
    "csv_disguised": (csv_disguised, "文本（CSV）"),
    "docx_disguised": (docx_disguised, "Word文档"),
    "plain_zip": (plain_zip, "普通的zip压缩包"),
    "truncated": (truncated, "文件已损坏"),
    "zip_encrypted_entry": (zip_encrypted_entry, "加密"),
    "duplicate_parts": (duplicate_parts, "出现了两次"),
    "broken_xml": (broken_xml, "不是有效的XML"),
    "too_many_columns": (too_many_columns, "列之后还有数据"),
    "ods_disguised": (ods_disguised, "OpenDocument表格（.ods）"),
    "xlsb_disguised": (xlsb_disguised, "（.xlsb）"),
}

# The ones worth timing: each would hurt a naive reader.
HEAVY = (
    "zip_bomb",
    "lying_sizes",
    "billion_laughs",
    "million_rows",
    "huge_string",
    "too_many_sheets",
    "too_many_parts",
)


def _with_part(template: Path, out: Path, part: str, content_type: str, rel_type: str, write) -> Path:
    """The template plus one more workbook part (shared strings, ...) wired into the package."""
    with zipfile.ZipFile(template) as z:
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    if f'PartName="/{part}"' not in ct:
        ct = ct.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    if part.rpartition("/")[2] not in rels:
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdX" Type="{rel_type}" Target="{part.removeprefix("xl/")}"/></Relationships>',
        )
    out = _copy(
        template,
        out,
        replace={"[Content_Types].xml": ct.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
        drop={part},
    )
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z, z.open(part, "w") as f:
        write(f)
    return out


def many_shared_strings(d, t):
    """300,000 tiny shared strings: 5 MB packed, but millions of Python objects for a naive reader."""
    n = 300_000

    def write(f):
        f.write(f'<sst xmlns="{SHEET_NS}" count="{n}" uniqueCount="{n}">'.encode())
        f.write(b"".join(b"<si><t>%d</t></si>" % j for j in range(n)))
        f.write(b"</sst>")

    return _with_part(
        t,
        d / "文字条目过多.xlsx",
        "xl/sharedStrings.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings",
        write,
    )


def many_cell_formats(d, t):
    """100,000 cell formats (Excel allows 64,000); each becomes objects in openpyxl."""
    n = 100_000

    def write(f):
        f.write(
            f'<styleSheet xmlns="{SHEET_NS}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            f'<borders count="1"><border/></borders><cellXfs count="{n}">'.encode()
        )
        f.write(b"".join(b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="%d"/>' % i for i in range(n)))
        f.write(b"</cellXfs></styleSheet>")

    return _with_part(
        t,
        d / "格式过多.xlsx",
        "xl/styles.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
        write,
    )


HOSTILE["many_shared_strings"] = (many_shared_strings, "文字条目过多")
HOSTILE["many_cell_formats"] = (many_cell_formats, "单元格格式过多")
HEAVY = HEAVY + ("many_shared_strings", "many_cell_formats")


# ---------------------------------------------------------------- hidden and forged content
#
# Workbooks that are well-formed and would be imported, but hold something the
# clerk cannot see or that displays as something else. Each is refused cell by
# cell: FORGED maps a case to (maker, [(sheet, row, column letter or "", words)]).

CONTRACT = "申报-技术合同（技术交易后补助）"
TALENT = "申报-柔性引进高端人才"
A_USCC, B_USCC = "91150702MA0N8XKQ26", "91150203MA0N8XKQ2X"  # check characters worked out below


def _uscc(first17: str) -> str:
    from core.uscc import check_character

    return first17 + check_character(first17)


def filled(t: Path):
    """The template with two companies and one technology contract: a workbook that imports cleanly."""
    from openpyxl import load_workbook

    wb = load_workbook(t)
    a, b = _uscc(A_USCC[:17]), _uscc(B_USCC[:17])
    _append(
        wb["企业信息"],
        {
            "统一社会信用代码": a,
            "企业名称": "呼伦贝尔甲科技有限公司",
            "所属盟市": "呼伦贝尔市",
            "开户行": "中国工商银行海拉尔支行",
            "账号": "0607002201201234567",
            "联系人": "王丽",
        },
    )
    _append(wb["企业信息"], {"统一社会信用代码": b, "企业名称": "包头乙新材料有限公司", "所属盟市": "包头市"})
    _append(
        wb[CONTRACT],
        {
            "统一社会信用代码": a,
            "合同登记编号": "2026150701000021",
            "合同登记日期": "2026-03-18",
            "技术交易额（元）": 6000000,
            "已获自治区技术交易后补助": "否",
        },
    )
    return wb


def _append(ws, values: dict) -> int:
    from core.excel.layout import normalize_header

    cols = {normalize_header(c.value): c.column for c in ws[1] if c.value}
    row = max((c.row for col in ws.iter_cols(max_col=len(cols)) for c in col if c.value is not None), default=1) + 1
    for header, value in values.items():
        ws.cell(row, cols[normalize_header(header)], value)
    return row


def _saved(wb, out: Path) -> Path:
    wb.save(out)
    return out


def _patched(path: Path, sheet: str, edit) -> Path:
    """Rewrite one sheet's XML with ``edit(text) -> text`` (for what openpyxl will not write)."""
    import re

    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb)[1]
    target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels) or re.search(
        r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels
    )
    part = target[1].lstrip("/") if target[1].startswith("/") else "xl/" + target[1]
    with zipfile.ZipFile(path) as z:
        text = z.read(part).decode()
    out = path.with_name("改-" + path.name)
    return _copy(path, out, replace={part: edit(text).encode()})


def _cell(ref: str, xml: str):
    """An edit putting ``xml`` in place of the cell ``ref`` (which must exist)."""
    import re

    def edit(text):
        new, n = re.subn(r'<c r="' + ref + r'"[^>]*?(/>|>.*?</c>)', lambda _: xml, text, count=1)
        assert n == 1, ref
        return new

    return edit


def hidden_row(d, t):
    """The issue's case: a second contract of 9,000,000 on a hidden row."""
    wb = filled(t)
    ws = wb[CONTRACT]
    r = _append(
        ws,
        {
            "统一社会信用代码": ws["A2"].value,
            "合同登记编号": "2026150701000099",
            "合同登记日期": "2026-05-01",
            "技术交易额（元）": 9000000,
            "已获自治区技术交易后补助": "否",
        },
    )
    ws.row_dimensions[r].hidden = True
    return _saved(wb, d / "隐藏行.xlsx")


def filtered_row(d, t):
    """An autofilter that filters out the second company (Excel marks such rows hidden)."""
    wb = filled(t)
    ws = wb["企业信息"]
    ws.auto_filter.ref = "A1:K3"
    ws.auto_filter.add_filter_column(2, ["呼伦贝尔市"])
    ws.row_dimensions[3].hidden = True
    return _saved(wb, d / "筛选.xlsx")


def zero_height_row(d, t):
    """A row one point high (openpyxl does not write a zero height, so the XML is edited)."""
    path = _saved(filled(t), d / "行高为零.xlsx")
    return _patched(path, "企业信息", lambda x: x.replace('<row r="3">', '<row r="3" ht="1" customHeight="1">'))


def hidden_column(d, t):
    wb = filled(t)
    wb[CONTRACT].column_dimensions["E"].hidden = True
    return _saved(wb, d / "隐藏列.xlsx")


def zero_width_column(d, t):
    path = _saved(filled(t), d / "列宽为零.xlsx")
    return _patched(
        path,
        "企业信息",
        lambda x: x.replace(
            '<col width="22" customWidth="1" style="13" min="8" max="8"',
            '<col width="0" customWidth="1" style="13" min="8" max="8"',
        ),
    )


def hidden_claim_sheet(d, t):
    wb = filled(t)
    wb[CONTRACT].sheet_state = "hidden"
    return _saved(wb, d / "隐藏工作表.xlsx")


def very_hidden_claim_sheet(d, t):
    wb = filled(t)
    wb[CONTRACT].sheet_state = "veryHidden"
    return _saved(wb, d / "深度隐藏工作表.xlsx")


def very_hidden_other_sheet(d, t):
    wb = filled(t)
    ws = wb.create_sheet("附表")
    ws.append(["统一社会信用代码", "金额"])
    ws.append([wb["企业信息"]["A2"].value, 9000000])
    ws.sheet_state = "veryHidden"
    return _saved(wb, d / "深度隐藏附表.xlsx")


def hidden_batch_sheet(d, t):
    wb = filled(t)
    wb["批次信息"]["B3"] = "2026年第一批"
    wb["批次信息"].sheet_state = "hidden"
    return _saved(wb, d / "隐藏批次信息.xlsx")


def format_hides_amount(d, t):
    """The amount cell formatted ;;; : Excel shows an empty cell, the file holds 6,000,000."""
    wb = filled(t)
    wb[CONTRACT]["E2"].number_format = ";;;"
    return _saved(wb, d / "格式隐藏.xlsx")


def right_to_left_name(d, t):
    wb = filled(t)
    wb["企业信息"]["B2"] = "\u202e司公甲试测"  # displays as 测试甲公司
    return _saved(wb, d / "文字方向.xlsx")


def isolate_in_account(d, t):
    wb = filled(t)
    wb["企业信息"]["H2"] = "0607002201\u2066201234567\u2069"
    return _saved(wb, d / "账号方向控制.xlsx")


def control_character(d, t):
    """A bell character, written the way Excel escapes it (_x0007_)."""
    path = _saved(filled(t), d / "控制字符.xlsx")
    return _patched(path, "企业信息", _cell("I2", '<c r="I2" t="inlineStr"><is><t>王_x0007_丽</t></is></c>'))


def tag_characters(d, t):
    """Invisible Unicode tag characters smuggling text after a name."""
    wb = filled(t)
    wb["企业信息"]["B3"] = "包头乙新材料有限公司" + "".join(chr(0xE0000 + ord(c)) for c in "pay 6222")
    return _saved(wb, d / "标签字符.xlsx")


def nan_amount(d, t):
    path = _saved(filled(t), d / "非数.xlsx")
    return _patched(path, CONTRACT, _cell("E2", '<c r="E2"><v>NaN</v></c>'))


def infinite_amount(d, t):
    path = _saved(filled(t), d / "无穷大.xlsx")
    return _patched(path, CONTRACT, _cell("E2", '<c r="E2"><v>1E+400</v></c>'))


def long_name(d, t):
    wb = filled(t)
    wb["企业信息"]["B3"] = "包头" + "乙" * 199 + "公司"  # 203 characters; companies.name holds 200
    return _saved(wb, d / "名称过长.xlsx")


def long_person_id(d, t):
    wb = filled(t)
    _append(
        wb[TALENT],
        {
            "统一社会信用代码": wb["企业信息"]["A2"].value,
            "人才身份证号或编号": "P" * 61,
            "人才姓名": "张三",
            "申报日期": "2026-04-01",
            "上年度在本市纳税劳动报酬（元）": 300000,
        },
    )
    return _saved(wb, d / "人才编号过长.xlsx")


def long_batch_name(d, t):
    wb = filled(t)
    wb["批次信息"]["B3"] = "批" * 201
    return _saved(wb, d / "批次名称过长.xlsx")


FORGED = {
    "hidden_row": (hidden_row, [(CONTRACT, 3, "", "此行被隐藏")]),
    "filtered_row": (filtered_row, [("企业信息", 3, "", "请清除筛选")]),
    "zero_height_row": (zero_height_row, [("企业信息", 3, "", "行高接近0")]),
    "hidden_column": (hidden_column, [(CONTRACT, 2, "E", "此列被隐藏")]),
    "zero_width_column": (zero_width_column, [("企业信息", 2, "H", "列宽接近0")]),
    "hidden_claim_sheet": (hidden_claim_sheet, [(CONTRACT, None, "", "工作表被隐藏，其中有1行数据")]),
    "very_hidden_claim_sheet": (very_hidden_claim_sheet, [(CONTRACT, None, "", "工作表被深度隐藏")]),
    "very_hidden_other_sheet": (very_hidden_other_sheet, [("附表", None, "", "不是申报模板中的工作表")]),
    "hidden_batch_sheet": (hidden_batch_sheet, [("批次信息", None, "", "兑现年度或批次名称")]),
    "format_hides_amount": (format_hides_amount, [(CONTRACT, 2, "E", "数字格式（;;;）使其中的内容在Excel中不显示")]),
    "right_to_left_name": (right_to_left_name, [("企业信息", 2, "B", "改变文字显示方向的控制字符（U+202E）")]),
    "isolate_in_account": (isolate_in_account, [("企业信息", 2, "H", "改变文字显示方向的控制字符（U+2066）")]),
    "control_character": (control_character, [("企业信息", 2, "I", "看不见的控制字符（U+0007）")]),
    "tag_characters": (tag_characters, [("企业信息", 3, "B", "看不见的控制字符（U+E0070）")]),
    "nan_amount": (nan_amount, [(CONTRACT, 2, "E", "数值无效")]),
    "infinite_amount": (infinite_amount, [(CONTRACT, 2, "E", "数值无效")]),
    "long_name": (long_name, [("企业信息", 3, "B", "“企业名称”过长（203字，最多200字）")]),
    "long_person_id": (long_person_id, [(TALENT, 2, "C", "过长（61字，最多60字）")]),
    "long_batch_name": (long_batch_name, [("批次信息", 3, "B", "批次名称过长（201字，最多200字）")]),
}
