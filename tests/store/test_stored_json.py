"""A calculation's results are stored as their canonical JSON, and checked as they stand (issue 14).

calc writes ``batch_companies.errors/warnings/excluded`` and its lines' ``trace`` and ``schedule``, and an import its
claims' ``fields``, as the canonical JSON their seals are worked out from
(core.store.seals.canonical_json), so a later check hashes the stored text without decoding and encoding it again
(seals.as_stored). The text is only a shortcut: the same values written with other spacing or key order (an older
version of the program, another tool) still match their seal, and changed values are still refused, naming the
row and the column.
"""

import json

import sqlalchemy as sa
from storehelp import batch_data, hte, profile, uscc
from test_tamper import refused

from core.store.seals import as_stored, canonical_json


def _calculated(store, policies):
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b, policies)
    return b


def _set(db_url, member: int, **columns) -> None:
    """Write these columns of a batch company behind the program's back (values bound, not spliced into SQL)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            conn.execute(
                sa.text(f"UPDATE batch_companies SET {assignments} WHERE id = :member"), {**columns, "member": member}
            )
    finally:
        engine.dispose()


def _set_line(db_url, line: int, trace: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE award_lines SET trace = :t WHERE id = :id"), {"t": trace, "id": line})
    finally:
        engine.dispose()


def _claim_fields(db_url, batch_id) -> str:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            sql = "SELECT CAST(fields AS TEXT) FROM claims WHERE batch_id = :b"
            return conn.execute(sa.text(sql), {"b": batch_id}).scalar_one()
    finally:
        engine.dispose()


def _line(db_url, batch_id) -> tuple[int, str]:
    """(id, trace) of the batch's first line, as the database holds them."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            sql = "SELECT id, CAST(trace AS TEXT) FROM award_lines WHERE batch_id = :b ORDER BY line_no"
            return tuple(conn.execute(sa.text(sql), {"b": batch_id}).first())
    finally:
        engine.dispose()


def _stored(db_url, batch_id) -> tuple[int, str, str]:
    """(id, errors, excluded) of the batch's only company, as the database holds them."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            sql = "SELECT id, CAST(errors AS TEXT), CAST(excluded AS TEXT) FROM batch_companies WHERE batch_id = :b"
            return tuple(conn.execute(sa.text(sql), {"b": batch_id}).one())
    finally:
        engine.dispose()


def test_a_calculated_result_is_stored_as_its_canonical_json(store, policies, db_url):
    b = _calculated(store, policies)
    _, errors, excluded = _stored(db_url, b)
    values = json.loads(excluded)
    assert values and values[0]["reason"]  # a rule that matched and pays nothing: hlb-01-hte-repeat
    assert excluded == canonical_json(values)  # sorted keys, no spaces: the text its seal was worked out from
    assert errors == "[]"
    assert as_stored(excluded) == excluded
    (result,) = store.company_results(b)
    assert list(result.excluded) == values  # reads back as the values written
    _, trace = _line(db_url, b)
    (param,) = json.loads(trace)["params"]  # 首次获批 500,000
    assert trace == canonical_json(json.loads(trace)) and list(param) == sorted(param)
    (line,) = store.lines(b)
    fields = _claim_fields(db_url, b)
    assert fields == canonical_json(json.loads(fields)) and json.loads(fields)["kind"] == "high_tech"
    assert line.amount == 500000 and [(p.path, p.label, p.shown) for p in line.trace.params] == [
        ("amount", "金额", "500,000.00元")
    ]
    store.approve(b, "张三", "李四", allow_provisional=True)
    assert store.verify_audit().ok


def test_the_same_values_with_other_spacing_or_key_order_are_not_tampering(store, policies, db_url):
    b = _calculated(store, policies)
    member, _, excluded = _stored(db_url, b)
    values = json.loads(excluded)
    # As an older version stored it (spaces: decoded at once) and in another key order without spaces (looks
    # canonical, does not hash as its seal: decoded before anything is called changed)
    spaced = json.dumps(values, ensure_ascii=False)
    reordered = json.dumps([dict(reversed(v.items())) for v in values], ensure_ascii=False, separators=(",", ":"))
    assert as_stored(spaced) is None and as_stored(reordered) == reordered != excluded
    for text in (spaced, reordered):
        _set(db_url, member, excluded=text, errors="[ ]")
        assert store.verify_audit().ok
    line, trace = _line(db_url, b)
    _set_line(db_url, line, json.dumps(json.loads(trace), ensure_ascii=False, indent=1))
    assert store.verify_audit().ok
    store.approve(b, "张三", "李四", allow_provisional=True)  # checked, copied and sealed again: not refused
    assert store.verify_audit().ok


def test_a_changed_result_that_looks_canonical_is_refused_naming_the_column(store, policies, db_url):
    b = _calculated(store, policies)
    member, _, excluded = _stored(db_url, b)
    values = json.loads(excluded)
    values[0]["reason"] = "已删除"
    _set(db_url, member, excluded=canonical_json(values))
    exc = refused(
        store,
        db_url,
        "batch_companies",
        lambda: store.approve(b, "张三", "李四", allow_provisional=True),
        ["excluded"],
    )
    assert exc.rows[0].key == str(member)
