"""The approval's cheap seal checks (issue 14) give the digests and refusals the full ones gave.

- list_digest hashes the seal list a piece at a time: the digest is the one of the whole list's canonical JSON;
  audit_log.SealSet (the packed seals of an entry, streamed) gives the same digest;
- json_part (a JSON column's text to its canonical JSON, cached) gives what encoding the decoded value gives;
- row_states reads only the sealed columns, keeps a row only when it does not match its seal, and takes a
  matching row's fingerprint from its seal;
- reseal (a row updated in bulk) gives the seal row_seal gives for the row as written;
- approve writes the ledger, the history and the payee snapshot a part at a time: with parts of one row the
  result is the same and the log still verifies.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from storehelp import batch_data, hte, profile, uscc
from test_audit import tamper

from core.excel.reader import read_workbook
from core.engine import load_policies
from core.paths import RESOURCES
from core.store import approval, audit_log, seals
from core.store.errors import Tampered
from core.store.models import BatchCompany, LedgerRow
from core.store.types import dumps


def test_list_digest_is_the_digest_of_the_whole_lists_canonical_json():
    two = [("ledger", "2", "ab"), ("claims", "1", None)]
    # sorted by (table, key), compact JSON, UTF-8: worked out by hand
    assert seals.list_digest(two) == hashlib.sha256(b'[["claims","1",null],["ledger","2","ab"]]').hexdigest()
    assert seals.list_digest([]) == hashlib.sha256(b"[]").hexdigest()
    many = [("批次单位", str(k), f"{k:064x}" if k % 7 else None) for k in range(2 * seals._LIST_PIECE + 3)]
    whole = seals.canonical_json([list(s) for s in sorted(many, key=lambda s: (s[0], s[1]))])
    assert seals.list_digest(many) == hashlib.sha256(whole.encode("utf-8")).hexdigest()


def test_row_states_keep_only_mismatched_rows_and_name_the_changed_column(store, policies, db_url):
    b, _ = store.apply_import(
        batch_data("批次", 2026, [profile(1), profile(2)], [(uscc(1), hte("2026-03-01")), (uscc(2), hte("2026-03-01"))])
    )
    store.calculate(b, policies)
    with store.reading() as s:
        keys = [str(k) for k in s.scalars(sa.select(BatchCompany.id).where(BatchCompany.batch_id == b))]
        before = seals.row_states(s, "batch_companies", keys)
    assert all(st.matches and st.row is None for st in before.values())
    assert all(st.fingerprint == st.sealed_fingerprint for st in before.values())
    tamper(db_url, f"UPDATE batch_companies SET bank_account = '6222000011112222' WHERE id = {keys[0]}")
    with store.reading() as s:
        after = seals.row_states(s, "batch_companies", keys)
        full = seals.row_states(s, "batch_companies", keys, rows=True)
    changed = after[keys[0]]
    assert not changed.matches and changed.row["bank_account"] == "6222000011112222"
    assert seals.changed_columns("batch_companies", changed.fingerprint, changed.sealed_fingerprint) == ["bank_account"]
    assert after[keys[1]].matches and after[keys[1]].row is None
    # The digest of the sealed columns read in digest order is row_seal's of the same row.
    state = full[keys[1]]
    assert (state.digest, state.fingerprint) == seals.row_seal("batch_companies", state.row)
    new = {"company_name": "某某公司", "bank_account": "1234"}
    assert seals.reseal(state, new) == seals.row_seal("batch_companies", {**state.row, **new})


def test_approval_in_parts_of_one_row_writes_what_one_part_writes(store, monkeypatch):
    monkeypatch.setattr(approval, "PART", 1)
    data = read_workbook(RESOURCES / "samples" / "申报样例.xlsx", vocabulary=store.vocabulary)
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, load_policies())
    lines = store.lines(batch_id)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    (entry,) = store.audit.entries(target=f"batch:{batch_id}", action="batch.approve")
    assert entry.new["lines"] == len(lines) == 54
    assert entry.new["total"] == str(sum(line.amount for line in lines))
    with store.reading() as s:
        ledger = s.execute(sa.text(f"SELECT count(*) FROM ledger WHERE batch_id = {batch_id}")).scalar()
        kept = s.execute(
            sa.text(f"SELECT count(*) FROM batch_companies WHERE batch_id = {batch_id} AND company_name IS NOT NULL")
        ).scalar()
        members = s.execute(sa.text(f"SELECT count(*) FROM batch_companies WHERE batch_id = {batch_id}")).scalar()
    assert ledger == 54 and kept == members
    report = store.audit.verify()
    assert report.ok, report


def test_seal_set_digest_and_rows_are_those_of_the_sorted_seal_list():
    # audit_log.SealSet streams the seals table by table, keys in text order ("10" before "9"): list_digest's
    # order. A packed seal reads back as the digest and fingerprint it was given; a gone row as (None, None).
    digest, fingerprint = "ab" * 32, "0f1e2d3c"
    assert seals.unpack_seal(seals.pack_seal(digest, fingerprint)) == (digest, fingerprint)
    assert seals.unpack_seal(seals.pack_seal(None, None)) == (None, None)
    packed = {
        "ledger": {"9": seals.pack_seal(digest, fingerprint), "10": b""},
        "claims": {"1": seals.pack_seal("cd" * 32, "0001")},
    }
    sealed = audit_log.SealSet(packed)
    assert list(sealed) == [
        ("claims", "1", "cd" * 32, "0001"),
        ("ledger", "10", None, None),
        ("ledger", "9", digest, fingerprint),
    ]
    assert sealed.digest() == seals.list_digest(
        [("ledger", "9", digest), ("ledger", "10", None), ("claims", "1", "cd" * 32)]
    )
    many = {str(k): seals.pack_seal(f"{k:064x}", None) for k in range(2 * seals._LIST_PIECE + 3)}
    assert audit_log.SealSet({"ledger": many}).digest() == seals.list_digest(
        [("ledger", k, f"{int(k):064x}") for k in many]
    )


def test_json_part_is_the_canonical_json_of_the_stored_text():
    # A trace as the store writes it (core.store.types.dumps: Decimal as text, Chinese kept, keys as given) seals
    # as the canonical JSON of what reads back: sorted keys, no spaces.
    trace = {"规则": "科技型中小企业", "amount": Decimal("100000.00"), "steps": [{"b": 1, "a": None}]}
    text = dumps(trace)
    expected = '{"amount":"100000.00","steps":[{"a":null,"b":1}],"规则":"科技型中小企业"}'
    assert seals.json_part(text) == expected
    assert seals.json_part(None) == "null" and seals.json_part("null") == "null"
    row = {"key": "k", "value": json.loads(text)}
    assert seals.row_seal("settings", {"key": "k", "value": seals.json_part(text)}) == seals.row_seal("settings", row)


def test_row_states_read_consecutive_and_scattered_keys_alike(store, policies, db_url):
    # Rows written together have consecutive ids, read as one range; other keys as a list. Either way only the
    # rows asked for are read, and a row changed in the file is the one that does not match, its column named.
    members = [profile(n) for n in (1, 2, 3)]
    b, _ = store.apply_import(batch_data("批次", 2026, members, [(uscc(n), hte("2026-03-01")) for n in (1, 2, 3)]))
    store.calculate(b, policies)
    with store.reading() as s:
        k0, k1, k2 = (str(k) for k in sorted(s.scalars(sa.select(BatchCompany.id).where(BatchCompany.batch_id == b))))
    tamper(db_url, f"UPDATE batch_companies SET bank_account = '6222000011112222' WHERE id = {k1}")
    with store.reading() as s:
        consecutive = seals.row_states(s, "batch_companies", [k2, k0, k1, k1])
        scattered = seals.row_states(s, "batch_companies", [k0, k2])
        missing = seals.row_states(s, "batch_companies", [k1, str(int(k2) + 100)])
    assert sorted(consecutive) == [k0, k1, k2] and sorted(scattered) == [k0, k2] and list(missing) == [k1]
    assert [k for k, st in consecutive.items() if not st.matches] == [k1]
    assert all(st.matches for st in scattered.values())
    for state in (consecutive[k1], missing[k1]):
        assert seals.changed_columns("batch_companies", state.fingerprint, state.sealed_fingerprint) == ["bank_account"]


def test_a_ledger_row_deleted_in_the_file_is_found_when_its_id_comes_round_again(store, policies, db_url):
    # On SQLite insert_many gives new rows the ids after the largest, as SQLite does: the last ledger row of an
    # approval, deleted in the file, gets its id back at the next approval, which is refused as the log says the row
    # still exists. A server's sequence never gives an id twice: there the next approval goes ahead and audit verify
    # names the deleted row.
    first, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(first, policies)
    store.approve(first, "张三", "李四", allow_provisional=True)
    second, _ = store.apply_import(batch_data("第二批", 2026, [profile(2)], [(uscc(2), hte("2026-03-01"))]))
    store.calculate(second, policies)
    with store.reading() as s:
        last = s.scalar(sa.select(sa.func.max(LedgerRow.id)))
    tamper(db_url, f"DELETE FROM ledger WHERE id = {last}")
    if not db_url.startswith("sqlite"):
        store.approve(second, "张三", "李四", allow_provisional=True)
        problems = store.verify_audit().problems
        assert [(p.table, p.key) for p in problems if p.kind == "row"] == [("ledger", str(last))], problems
        return
    with pytest.raises(Tampered) as caught:
        store.approve(second, "张三", "李四", allow_provisional=True)
    (row,) = caught.value.rows
    assert (row.table, row.key, row.problem) == ("ledger", str(last), "deleted")
    assert "被直接删除" in str(caught.value)
    assert store.batch(second).status == "draft"
