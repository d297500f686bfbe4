"""Issue 14: a paper read takes a line's stored trace text as its canonical JSON, and decodes its Trace only when
a sheet reads it (资金拨付明细表 and 公示名单 print none).

A trace stored in another key order (canonical-looking: no ", " nor ": ") still matches its seal (audit.check reads
it again, decoded); a trace whose content was changed is still refused, naming the line's trace column.
"""

import json

import sqlalchemy as sa
from test_paper_seals import two_companies
from test_tamper import refused

from core.engine.trace import Trace
from core.store import linereads


def paper(store, b, doing="生成公示名单") -> list:
    with store.batches.paper_lines(b, doing) as lines:
        return list(lines)


def test_a_paper_line_trace_is_the_stored_trace_decoded_when_first_read(store, policies):
    b = two_companies(store, policies)
    lines = paper(store, b)
    assert all(type(l.trace) is linereads._StoredTrace for l in lines)
    assert all(object.__getattribute__(l.trace, "_text") is not None for l in lines)
    plain = store.lines(b)  # the screens' read: plain Traces, decoded as read
    assert [type(l.trace) for l in plain] == [Trace, Trace]
    assert lines == plain and plain == lines  # either side of ==
    for line, same in zip(lines, plain):
        assert line.trace.to_json() == same.trace.to_json()
        assert line.trace.formula and line.trace.formula == same.trace.formula
    other = plain[1].trace.copy()
    other.formula += "（改）"
    assert lines[1].trace != other


def test_a_trace_stored_in_another_key_order_matches_its_seal(store, policies, db_url):
    b = two_companies(store, policies)
    before = paper(store, b)
    text = _trace_text(store, b, 1)
    reordered = json.dumps(dict(reversed(list(json.loads(text).items()))), ensure_ascii=False, separators=(",", ":"))
    assert reordered != text and ", " not in reordered and ": " not in reordered  # as_stored takes it as it is
    _set_trace(db_url, b, 1, reordered)
    assert paper(store, b) == before
    assert store.audit_entries(action="audit.tamper") == []


def test_a_trace_changed_behind_the_programs_back_is_refused(store, policies, db_url):
    b = two_companies(store, policies)
    text = _trace_text(store, b, 1)
    changed = text.replace('"formula":"', '"formula":"改', 1)
    assert changed != text
    _set_trace(db_url, b, 1, changed)
    refused(store, db_url, "award_lines", lambda: paper(store, b), ["trace"])


def _trace_text(store, b: int, line_no: int) -> str:
    """The line's trace as the store wrote it (canonical JSON)."""
    from sqlalchemy import text as sql

    with store.reading() as s:
        return s.execute(
            sql(f"SELECT CAST(trace AS TEXT) FROM award_lines WHERE batch_id = {b} AND line_no = {line_no}")
        ).scalar_one()


def _set_trace(db_url, b: int, line_no: int, text: str) -> None:
    """Write a line's stored trace behind the program's back (a bound value: JSON has colons)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE award_lines SET trace = :text WHERE batch_id = :b AND line_no = :n"),
                {"text": text, "b": b, "n": line_no},
            )
    finally:
        engine.dispose()
