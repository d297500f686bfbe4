"""Issue 14: the three exports written as the lines come (a paper read hands them over a chunk at a time).

A stream of lines in print order gives exactly the workbook the same lines give as a list (values, formats,
merged ranges, widths, heights: the digest of tests/store/test_sample_exports.py); a stream out of print order,
or one that ends in a refusal, leaves no file; a title that only the last line decides (测算稿) is written again
over the rows held for it.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest
from excel_support import batch_record, simple_line, uscc
from test_sample_exports import _book_digest

from core.excel.disbursement_sheet import write_disbursement_sheet
from core.excel.export_common import PROVISIONAL_MARK, _checked, left_out_note
from core.excel.files import ExportError
from core.excel.publicity_list import write_publicity_list
from core.excel.results_workbook import write_results_workbook
from core.excel.writer import Book

WRITERS = {
    "results": (write_results_workbook, {}),
    "disbursement": (write_disbursement_sheet, {"include_provisional": True, "budget_subject": "2130101"}),
    "publicity": (write_publicity_list, {"include_provisional": True, "contact_unit": "某市科学技术局"}),
}


def mixed_lines():
    """Company 甲 has lines 1, 3 and 4 (3 and 4 the same item, two claims), 乙 line 2, 丙 line 5 (provisional,
    under a second document): print order is 甲 1, 3, 4, then 乙 2, then 丙 5."""
    a = simple_line(1, "100000.00", "甲", code=uscc(1))
    b = simple_line(2, "2500.50", "乙", code=uscc(2))
    c = dataclasses.replace(simple_line(3, "700.00", "甲", code=uscc(1)), claim_key="技术合同第2行")
    d = dataclasses.replace(c, line_no=4, amount=c.amount * 2, claim_key="技术合同第5行")
    e = simple_line(5, "88.80", "丙", code=uscc(5), provisional=True, doc=("d2", "征求意见稿", None))
    return [a, b, c, d, e]


@pytest.mark.parametrize("name", WRITERS)
def test_a_stream_in_print_order_writes_what_the_list_writes(tmp_path, name):
    write, options = WRITERS[name]
    lines = mixed_lines()
    listed = write(batch_record(), lines, tmp_path / "list.xlsx", **options)
    printed = [l.line_no for l in _checked(batch_record(), lines)]
    assert printed == [1, 3, 4, 2, 5]
    streamed = write(batch_record(), iter(_checked(batch_record(), lines)), tmp_path / "stream.xlsx", **options)
    assert _book_digest(streamed) == _book_digest(listed)


@pytest.mark.parametrize("name", ["disbursement", "publicity"])
def test_the_last_line_makes_the_title_a_draft_estimate(tmp_path, name):
    """The provisional line comes last; the title (row 1, written first) is written again with the mark."""
    write, options = WRITERS[name]
    path = write(batch_record(), iter(_checked(batch_record(), mixed_lines())), tmp_path / "x.xlsx", **options)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value.endswith(PROVISIONAL_MARK)
    assert [c.value for c in ws["A"][:3]][1:] == [ws["A2"].value, "序号"]  # rows 1..3 once each, in order
    assert ws["A4"].value == 1 and ws.max_row > 8


@pytest.mark.parametrize("name", WRITERS)
def test_a_stream_out_of_print_order_leaves_no_file(tmp_path, name):
    write, options = WRITERS[name]
    lines = mixed_lines()  # line order: 甲 1, 乙 2, 甲 3 ... (甲 again after 乙)
    with pytest.raises(AssertionError, match="第3条明细未按打印顺序"):
        write(batch_record(), iter(lines), tmp_path / "x.xlsx", **options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", WRITERS)
def test_a_refusal_after_lines_were_written_leaves_no_file(tmp_path, name):
    """As when a paper read finds a tampered row in its second chunk: the first chunk's rows were written to the
    sheet's temporary file, and nothing is kept."""
    write, options = WRITERS[name]

    def refused_midway():
        yield from _checked(batch_record(), mixed_lines())[:3]
        raise LookupError("the paper read refused")

    with pytest.raises(LookupError):
        write(batch_record(), refused_midway(), tmp_path / "x.xlsx", **options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["disbursement", "publicity"])
def test_a_stream_with_draft_lines_is_refused_as_the_list_is(tmp_path, name):
    write, options = WRITERS[name]
    options = {**options, "include_provisional": False}
    with pytest.raises(ExportError) as listed:
        write(batch_record(), mixed_lines(), tmp_path / "x.xlsx", **options)
    with pytest.raises(ExportError) as streamed:
        write(batch_record(), iter(_checked(batch_record(), mixed_lines())), tmp_path / "x.xlsx", **options)
    assert str(streamed.value) == str(listed.value) and "批次中有1条奖补依据征求意见稿测算" in str(listed.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["disbursement", "publicity"])
def test_leaving_the_drafts_out_while_writing_is_leaving_them_out_before(tmp_path, name):
    """What the window asked before (the lines in force, and how many were left out) is now done by the writer."""
    write, options = WRITERS[name]
    options = {**options, "include_provisional": False}
    lines = mixed_lines()
    before = write(batch_record(), lines[:4], tmp_path / "before.xlsx", left_out=1, **options)
    stream = iter(_checked(batch_record(), lines))
    now = write(batch_record(), stream, tmp_path / "now.xlsx", leave_out_drafts=True, **options)
    assert _book_digest(now) == _book_digest(before)
    cells = [c for r in openpyxl.load_workbook(now).active.iter_rows(values_only=True) for c in r]
    assert left_out_note(1) in cells


def test_held_rows_are_written_once_each_the_last_writing_counting():
    with Book(stream=True) as book:
        sheet = book.sheet("表")
        sheet.hold(2)
        sheet.row(1, ["旧标题"])
        sheet.row(2, ["副标题"])
        sheet.row(3, ["正文"])
        sheet.row(1, ["新标题"])
        with pytest.raises(ValueError):
            sheet.row(3, ["正文又一次"])  # below the held rows, rows still come once and in order
        with pytest.raises(ValueError):
            sheet.hold(4)  # row 3 is written already
        import io

        out = io.BytesIO()
        sheet.splice(b"<worksheet><sheetData/></worksheet>", out)
    xml = out.getvalue().decode()
    assert "旧标题" not in xml and xml.index("新标题") < xml.index("副标题") < xml.index("正文")
    assert xml.count('<row r="1"') == 1
