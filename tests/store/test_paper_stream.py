"""Issue 14: the exports check while they write (store.batches.paper_lines), a chunk of lines at a time.

With one line a chunk, a row tampered with in the second chunk is found after the first chunk's rows were written
to the sheet's temporary file: every export is still refused as before (the tamper alarm naming the row, chained
as audit.tamper) and no file is kept. A refusal names every row that does not match, as the whole read does.
"""

import pytest
from storehelp import profile
from test_audit import tamper
from test_paper_seals import assert_exports_refused, two_companies
from test_tamper import refused

from core.store import linereads
from core.store.errors import Tampered


@pytest.fixture
def one_line_a_chunk(monkeypatch):
    monkeypatch.setattr(linereads, "YIELD_PER", 1)
    monkeypatch.setattr(linereads, "PAPER_CHUNK", 1)


def paper(store, b, doing="导出测算结果") -> list:
    with store.batches.paper_lines(b, doing) as lines:
        return list(lines)


@pytest.mark.parametrize("approve", [True, False])
def test_the_paper_stream_hands_over_what_the_checked_read_does(store, policies, approve, one_line_a_chunk):
    b = two_companies(store, policies, approve=approve)
    assert paper(store, b) == store.lines(b, check="导出测算结果")
    assert [l.bank_account for l in paper(store, b)] == [profile(1).bank_account, profile(2).bank_account]
    assert store.audit_entries(action="audit.tamper") == []


def test_a_line_tampered_in_the_second_chunk_is_on_no_export(
    store, policies, db_url, tmp_path, capsys, one_line_a_chunk
):
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {b} AND line_no = 2")
    assert_exports_refused(capsys, store, db_url, tmp_path, b, "award_lines", "amount")


def test_a_payee_tampered_in_the_second_chunk_is_on_no_export(
    store, policies, db_url, tmp_path, capsys, one_line_a_chunk
):
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE batch_companies SET bank_account = '6222020000000000001' WHERE batch_id = {b} AND seq = 2")
    assert_exports_refused(capsys, store, db_url, tmp_path, b, "batch_companies", "bank_account")


def test_a_refusal_names_every_tampered_row_as_the_whole_read_does(store, policies, db_url, one_line_a_chunk):
    """Lines 1 and 2 (two chunks) and company 2's member row changed: the stream stops at the first chunk and reads
    on only to name them all, the lines first, as ``lines(check=...)`` does."""
    b = two_companies(store, policies)
    tamper(
        db_url,
        f"UPDATE award_lines SET amount = '5000000.00' WHERE batch_id = {b}",
        f"UPDATE batch_companies SET bank_account = '6222020000000000001' WHERE batch_id = {b} AND seq = 2",
    )
    whole = refused(store, db_url, "award_lines", lambda: store.lines(b, check="导出测算结果"), ["amount"])
    streamed = refused(store, db_url, "award_lines", lambda: paper(store, b), ["amount"])
    assert [(r.table, r.key) for r in streamed.rows] == [(r.table, r.key) for r in whole.rows]
    assert len(streamed.rows) == 2
    assert str(streamed).split("（此次拒绝")[0] == str(whole).split("（此次拒绝")[0]


def test_the_batch_is_checked_before_any_line_is_handed_over(store, policies, db_url):
    b = two_companies(store, policies)
    tamper(db_url, f"UPDATE batches SET reviewer = '王五' WHERE id = {b}")
    handed = []
    with pytest.raises(Tampered):
        with store.batches.paper_lines(b, "生成公示名单") as lines:
            handed.extend(lines)
    assert handed == []


def test_a_batch_whose_companies_interleave_is_read_in_print_order(store, policies, db_url):
    """Company 1's lines 1 and 3 around company 2's line 2 (renumbered behind the program's back, so read unchecked):
    the paper read sorts each company's lines together, in the order of their first lines, as the sheets print."""
    from storehelp import batch_data, contract, hte, uscc

    b, _ = store.apply_import(
        batch_data(
            "2026年第一批",
            2026,
            [profile(1), profile(2)],
            [
                (uscc(1), hte("2026-03-01")),
                (uscc(1), contract("HT-1", "2026-04-01", "2000000")),
                (uscc(2), contract("HT-2", "2026-04-01", "1500000")),
            ],
        )
    )
    store.calculate(b, policies)
    by_line = [(l.line_no, l.uscc) for l in store.lines(b)]
    assert by_line == [(1, uscc(1)), (2, uscc(1)), (3, uscc(2))]
    tamper(
        db_url,
        f"UPDATE award_lines SET line_no = -line_no WHERE batch_id = {b}",
        f"UPDATE award_lines SET line_no = CASE line_no WHEN -2 THEN 3 WHEN -3 THEN 2 ELSE 1 END WHERE batch_id = {b}",
    )
    with store.reading() as s:
        assert linereads._interleaved(s, b)
        printed = [(l.line_no, l.uscc) for l in linereads._read(s, b, None, print_order=True)]
    assert printed == [(1, uscc(1)), (3, uscc(1)), (2, uscc(2))]
