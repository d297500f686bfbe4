"""The package scan reads plain rows the quick way (core.excel.package._QuickRows), and what it finds is what the
full expat pass finds: on the template, on every hostile and forged workbook, and on rows written in ways the
quick way does not read (which send it back to the full pass)."""

import dataclasses
import re

import pytest

from core.excel import package
from core.excel.package import DEFAULT_LIMITS, inspect_package
from core.excel.problems import WorkbookRefused
from core.excel.template import write_template
from hostile_files import (
    _HEADER_ROW,
    FORGED,
    HOSTILE,
    SHEET_NS,
    _copy,
    _patched,
    _saved,
    companies_part,
    filled,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan")
    return d, write_template(d / "模板.xlsx", award_year=2026)


def _scan(path, limits=DEFAULT_LIMITS):
    """The sheets' scans as plain data, or the refusal's reason."""
    try:
        return [dataclasses.asdict(s) for s in inspect_package(path, limits).sheets]
    except WorkbookRefused as exc:
        return exc.reason


def _full_pass(monkeypatch):
    """Every sheet scanned by the full expat pass, as before the quick way."""

    def fallback(self, chunks):
        raise package._Fallback()
        yield b""  # a generator, as the quick way's outline is

    monkeypatch.setattr(package._QuickRows, "outline", fallback)


def _full_passes(monkeypatch) -> list:
    """The names of the sheets the full expat pass scans (every one the quick way gave up on)."""
    names = []
    scan = package._expat_scan

    def counted(chunks, sheet, *args, quick=False, **kw):
        if not quick:
            names.append(sheet.name)
        return scan(chunks, sheet, *args, quick=quick, **kw)

    monkeypatch.setattr(package, "_expat_scan", counted)
    return names


def _both_ways(path, monkeypatch, limits=DEFAULT_LIMITS):
    """(the scan, the scan by the full pass alone, the sheets the first left to the full pass)."""
    with monkeypatch.context() as m:
        passes = _full_passes(m)
        quick = _scan(path, limits)
    with monkeypatch.context() as m:
        _full_pass(m)
        full = _scan(path, limits)
    return quick, full, passes


@pytest.mark.parametrize("name", [*HOSTILE, *FORGED])
def test_the_quick_way_finds_what_the_full_pass_finds_in_every_hostile_file(workdir, name, monkeypatch):
    d, template = workdir
    maker = (HOSTILE.get(name) or FORGED[name])[0]
    quick, full, _ = _both_ways(maker(d, template), monkeypatch)
    assert quick == full


def test_a_filled_template_is_read_the_quick_way(workdir, monkeypatch):
    d, template = workdir
    path = _saved(filled(template), d / "填好的.xlsx")
    quick, full, passes = _both_ways(path, monkeypatch)
    assert quick == full
    assert passes == []
    companies = next(s for s in quick if s["name"] == "企业信息")
    # the header row (A to K, 备注 last) and two companies
    assert (companies["value_rows"], companies["last_row"], companies["max_column"]) == (3, 3, 11)


def test_a_short_row_is_found_hidden_the_quick_way(workdir, monkeypatch):
    """A row one point high (no "hidden" anywhere, so the quick way reads it) holding a company."""
    d, template = workdir
    path = _patched(
        _saved(filled(template), d / "矮行.xlsx"),
        "企业信息",
        lambda x: x.replace('<row r="3">', '<row r="3" ht="1" customHeight="1">'),
    )
    quick, full, passes = _both_ways(path, monkeypatch)
    assert quick == full and passes == []
    assert next(s for s in quick if s["name"] == "企业信息")["hidden_rows"] == {3}


# Rows the quick way does not read: each sends the sheet to the full pass, whose findings stand.
ODD_ROWS = {
    "formula": '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>',
    "error": '<row r="2"><c r="A2" t="e"><v>#DIV/0!</v></c></row>',
    "hidden": '<row r="2" hidden="1"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>',
    "comment": '<row r="2"><!-- a --><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>',
    "cdata": '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<v>]]></t></is></c></row>',
    "cell without reference": '<row r="2"><c t="inlineStr"><is><t>x</t></is></c></row>',
    "row without number": '<row><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>',
    "single quotes": "<row r='2'><c r='A2' t='inlineStr'><is><t>x</t></is></c></row>",
    "value outside a cell": '<row r="2"><v>1</v></row>',
    "reference to another row": '<row r="2"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>',
    "attribute twice": '<row r="2" ht="20" ht="1"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>',
    "unfinished": '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c>',
}


@pytest.mark.parametrize("case", list(ODD_ROWS))
def test_rows_the_quick_way_does_not_read_are_read_by_the_full_pass(workdir, case, monkeypatch):
    d, template = workdir
    part = companies_part(template)
    xml = ODD_ROWS[case]
    body = _HEADER_ROW + xml
    sheet = f'<worksheet xmlns="{SHEET_NS}"><sheetData>{body}</sheetData></worksheet>'
    if case == "unfinished":
        sheet = sheet.replace("</sheetData></worksheet>", "")
    path = _copy(template, d / f"odd-{len(case)}-{abs(hash(case))}.xlsx", replace={part: sheet.encode()})
    quick, full, passes = _both_ways(path, monkeypatch)
    assert passes == ["企业信息"], "the quick way read what it must leave to the full pass"
    assert quick == full


def test_the_row_limit_and_columns_are_refused_the_quick_way_too(workdir, monkeypatch):
    d, template = workdir
    part = companies_part(template)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 40))
    path = _copy(
        template,
        d / "行多.xlsx",
        replace={
            part: f'<worksheet xmlns="{SHEET_NS}"><sheetData>{_HEADER_ROW}{rows}</sheetData></worksheet>'.encode()
        },
    )
    limits = dataclasses.replace(DEFAULT_LIMITS, rows=20)
    quick, full, passes = _both_ways(path, monkeypatch, limits)
    assert quick == full
    companies = next(s for s in quick if s["name"] == "企业信息")
    assert companies["too_many_rows"] and companies["last_row"] == 21 and passes == []
    wide = re.sub(r'<c r="A(\d+)">', r'<c r="IW\1">', rows)
    path = _copy(
        template,
        d / "列多.xlsx",
        replace={
            part: f'<worksheet xmlns="{SHEET_NS}"><sheetData>{_HEADER_ROW}{wide}</sheetData></worksheet>'.encode()
        },
    )
    quick, full, passes = _both_ways(path, monkeypatch)
    assert quick == full and "列之后还有数据" in quick


def test_rows_as_excel_writes_them_are_read_the_quick_way(workdir, monkeypatch):
    """Excel gives every row its span and an x14ac attribute, and numbers and shared strings in <v>."""
    d, template = workdir
    rows = "".join(
        f'<row r="{r}" spans="1:11" x14ac:dyDescent="0.25"><c r="A{r}" s="3" t="s"><v>{r}</v></c>'
        f'<c r="B{r}" s="3"/><c r="E{r}"><v>12.5</v></c></row>'
        for r in range(2, 6)
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{SHEET_NS}" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
        f'<sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.25"/><sheetData>{_HEADER_ROW}{rows}'
        '<row r="9" spans="1:11" ht="0.75" customHeight="1"><c r="E9"><v>1</v></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="G1:H1"/></mergeCells></worksheet>'
    )
    path = _copy(template, d / "Excel保存的.xlsx", replace={companies_part(template): sheet.encode()})
    quick, full, passes = _both_ways(path, monkeypatch)
    assert quick == full and passes == []
    companies = next(s for s in quick if s["name"] == "企业信息")
    assert (companies["value_rows"], companies["last_row"], companies["hidden_rows"]) == (6, 9, {9})
    assert companies["merges"] == ["G1:H1"]


def test_a_row_longer_than_the_quick_way_holds_is_streamed_by_the_full_pass(workdir, monkeypatch):
    """The quick way reads whole rows: one longer than it holds (4 MB; here 1 MB) goes to the full pass."""
    d, template = workdir
    monkeypatch.setattr(package, "_QUICK_ROW_BYTES", 1 << 20)
    cells = '<c r="A2" t="inlineStr"><is><t>甲</t></is></c>' * 60_000  # 2.8 MB, each cell naming A2
    sheet = f'<worksheet xmlns="{SHEET_NS}"><sheetData>{_HEADER_ROW}<row r="2">{cells}</row></sheetData></worksheet>'
    path = _copy(template, d / "长行.xlsx", replace={companies_part(template): sheet.encode()})
    quick, full, passes = _both_ways(path, monkeypatch)
    assert quick == full and passes == ["企业信息"]
    assert next(s for s in quick if s["name"] == "企业信息")["last_row"] == 2
