"""The one cell writer: text is always a string cell, never a formula; numbers stay numbers, dates dates.

Both ways of writing rows are checked (streamed XML for the exports, openpyxl
cells for workbooks looked at in memory), by reading the saved sheet XML.
"""

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.excel import styles as st
from core.excel.files import ExportError
from core.excel.writer import Book, Cells, looks_like_formula
from excel_support import PAYLOADS, formula_elements, written_cells

ROOT = Path(__file__).resolve().parent.parent
BODY = st.Style(st.BOLD_FONT, None, st.BORDER, st.LEFT)


def _write(tmp_path, stream: bool, rows) -> Path:
    with Book(stream=stream) as book:
        sheet = book.sheet("测试")
        for r, values in enumerate(rows, 1):
            sheet.row(r, values, BODY)
        return book.save(tmp_path / f"{'stream' if stream else 'cells'}.xlsx")


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "cells"])
def test_every_payload_is_a_string_cell_kept_text_on_edit(tmp_path, stream):
    path = _write(tmp_path, stream, [[p, "呼伦贝尔甲科技有限公司"] for p in PAYLOADS])
    assert formula_elements(path) == []
    cells = {c["ref"]: c for c in written_cells(path)}
    for r, payload in enumerate(PAYLOADS, 1):
        cell = cells[f"A{r}"]
        # openpyxl's own writer (cells) puts a bare CR into the XML, which any XML reader sees as LF
        expected = payload if stream else payload.replace("\r", "\n")
        assert (cell["t"], cell["text"], cell["formula"]) == ("inlineStr", expected, None), payload
        assert cell["quote_prefix"] is looks_like_formula(payload), f"{payload!r} would become a formula if edited"
        ordinary = cells[f"B{r}"]
        assert ordinary["t"] == "inlineStr" and not ordinary["quote_prefix"]
    wb = load_workbook(path)
    assert [c.value for c in wb["测试"]["A"]] == [p if stream else p.replace("\r", "\n") for p in PAYLOADS]
    assert {c.data_type for c in wb["测试"]["A"]} == {"s"}  # "#N/A" too: text, not an error value
    for cell in wb["测试"]["A"]:  # typed-in text stays text in a cell formatted as text, in every spreadsheet
        assert cell.number_format == ("@" if looks_like_formula(cell.value) else "General")
        assert cell.font.b and cell.border.left.style == "thin"  # the cell's own look is kept


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "cells"])
def test_numbers_stay_numbers_and_dates_dates(tmp_path, stream):
    path = _write(
        tmp_path,
        stream,
        [
            [
                42,
                Decimal("1234.50"),
                -7.25,
                dt.date(2026, 3, 1),
                True,
                "",
                dt.datetime(2026, 3, 1, 9, 30),
                dt.time(14, 5),
            ]
        ],
    )
    wb = load_workbook(path)
    a, b, c, d, e, f, g, h = next(wb["测试"].iter_rows())
    assert (a.value, a.data_type) == (42, "n")
    assert (b.value, b.data_type) == (1234.5, "n")
    assert c.value == -7.25
    assert d.value == dt.datetime(2026, 3, 1) and d.is_date
    assert e.value is True
    assert f.value is None
    assert (g.value, g.number_format) == (dt.datetime(2026, 3, 1, 9, 30), "yyyy-mm-dd h:mm:ss")
    assert (h.value, h.number_format) == (dt.time(14, 5), "h:mm:ss")
    assert not any(x["quote_prefix"] for x in written_cells(path))


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "cells"])
def test_control_characters_are_refused_naming_the_cell(tmp_path, stream):
    with pytest.raises(ExportError, match="工作表“测试”B2单元格.*控制字符"):
        _write(tmp_path, stream, [["甲", "乙"], ["丙", "丁\x07公司"]])
    assert list(tmp_path.iterdir()) == []


def test_streamed_rows_come_in_order(tmp_path):
    with Book(stream=True) as book:
        sheet = book.sheet("测试")
        sheet.row(2, ["乙"])
        with pytest.raises(ValueError):
            sheet.row(2, ["甲"])


@pytest.mark.parametrize(
    "text, risky",
    [
        ("=1", True),
        ("+1", True),
        ("-1", True),
        ("@A1", True),
        ("＝1", True),
        ("＋1", True),
        ("－1", True),
        ("＠1", True),
        ("  =1", True),
        ("\t1", True),
        ("\r1", True),
        ("\n1", True),
        ("\u3000=1", True),
        ("", False),
        ("呼伦贝尔", False),
        ("1-2", False),
        ("a=b", False),
        ("#N/A", False),
        ("  文字", False),
    ],
)
def test_what_looks_like_a_formula(text, risky):
    assert looks_like_formula(text) is risky


def test_a_copied_sheet_gets_quote_prefix_on_formula_like_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = "甲", 5, "x"
    ws["A3"].value = "=1+1"
    ws["A3"].data_type = "s"  # a string cell as a loaded workbook holds it
    assert Cells(wb).guard(ws) == 1
    assert ws["A3"].quotePrefix and ws["A3"].number_format == "@"
    assert not ws["A1"].quotePrefix and ws["A1"].number_format == "General"


# ---------------------------------------------------------------- nothing writes cells around the writer


_SOURCES = [p for folder in ("core", "gui") for p in sorted((ROOT / folder).rglob("*.py"))]
_WRITER = ROOT / "core" / "excel" / "writer.py"
_SHEET_NAME = re.compile(r"^(ws|sheet|worksheet)\d*$|_(ws|sheet)$|^(ws|sheet)_")  # how a worksheet is named here
_CELL_NAME = re.compile(r"^(c|cell)$|_cell$|^cell_")


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    return ""


def _cell_writes(tree) -> list[tuple[int, str]]:
    """Calls and assignments that put a value into a worksheet cell without the writer."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, method = _name(node.func.value), node.func.attr
            if method == "cell" and (len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)):
                found.append((node.lineno, f"{owner}.cell(..., value)"))
            elif method == "append" and _SHEET_NAME.search(owner):
                found.append((node.lineno, f"{owner}.append(...)"))
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if (
                    isinstance(t, ast.Attribute)
                    and t.attr in ("value", "_value")
                    and (_CELL_NAME.search(_name(t.value)) or isinstance(t.value, (ast.Subscript, ast.Call)))
                ):
                    found.append((t.lineno, f"{_name(t.value)}.{t.attr} = ..."))
                elif isinstance(t, ast.Subscript) and _SHEET_NAME.search(_name(t.value)):
                    found.append((t.lineno, f"{_name(t.value)}[...] = ..."))
    return sorted(found)


def test_no_module_writes_a_cell_but_the_writer():
    assert len(_SOURCES) > 50 and _WRITER in _SOURCES
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _SOURCES
        if path != _WRITER
        for line, what in _cell_writes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "write cells through core.excel.writer (Cells.put or a sheet's row):\n" + "\n".join(offenders)


def test_the_scan_finds_the_ways_cells_are_written():
    tree = ast.parse(
        "ws.cell(1, 2, v)\nws.cell(row=1, column=2, value=v)\nws.append([1])\nsheet['A1'] = 1\n"
        "cell.value = '=1'\nws['B2'].value = 1\nws.cell(1, 2).value = 1\nsummary_ws.append([])\n"
        "rows.append(1)\nws.cell(1, 2).font = f\nrow.value = 3\nraws['x'] = 1\nsheets.append(s)\n"
    )
    assert [line for line, _ in _cell_writes(tree)] == [1, 2, 3, 4, 5, 6, 7, 8]
