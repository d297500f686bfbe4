"""The audit log: every change recorded in its own transaction, hash-chained, and tampering named.

Tampering goes around the program: sqlite3 on the SQLite file, a plain SQL
connection on PostgreSQL.
"""

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
import sqlalchemy as sa
from storehelp import RdYear, Recognition, batch_data, contract, hte, profile, uscc

from core.auditlog.chain import GENESIS, entry_hash
from core.policy.policyset import Override
from core.store import open_store
from core.store.models import Base
from core.store.errors import StoreError
from core.store.seals import PROTECTED, UNSEALED, list_digest, row_digest

D = Decimal


def tamper(db_url, *statements):
    """Change the database behind the program's back."""
    if db_url.startswith("sqlite"):
        con = sqlite3.connect(sa.engine.make_url(db_url).database)
        try:
            for sql in statements:
                con.execute(sql)
            con.commit()
        finally:
            con.close()
        return
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(sa.text(sql))
    engine.dispose()


def approved_batch(store, policies, n=1):
    b, _ = store.apply_import(batch_data(f"第{n}批", 2026, [profile(n)], [(uscc(n), hte("2026-03-01"))]))
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    return b


def actions(store, **kw):
    return [e.action for e in store.audit_entries(**kw)]


def test_a_new_database_starts_its_log_and_verifies(store):
    (first,) = store.audit_entries()
    assert (first.seq, first.action, first.who, first.new) == (1, "audit.start", "系统", {"rows": {}})
    report = store.verify_audit()
    assert report.ok and report.entries == 1
    assert report.summary.startswith("审计日志完整：共1条记录，最后一条为第1条")
    assert store.audit_head() == (1, first.hash)


def test_every_change_is_an_entry_and_the_chain_verifies(store, published_policies):
    b1 = approved_batch(store, published_policies, 1)
    store.mark_paid(b1)
    b2, _ = store.apply_import(
        batch_data("第二批", 2026, [profile(2)], [(uscc(2), contract("HT-1", "2026-04-01", "2000000"))])
    )
    store.calculate(b2, published_policies)
    store.delete_draft(b2)
    cid = store.company_id(uscc(1))
    store.update_company(cid, phone="0470-1234567", bank_account="0601999")
    store.update_company(cid, phone="0470-1234567")  # no change, no entry
    rid = store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2020, 1, 1), "GR2020"))
    store.update_recognition(rid, Recognition("high_tech", "national", dt.date(2020, 2, 1), "GR2020"))
    store.delete_recognition(rid)
    sid = store.add_tech_sme(cid, 2025)
    store.delete_tech_sme(sid)
    rd = store.set_rd_year(cid, RdYear(2025, D("1000000.00"), True))
    store.delete_rd_year(rd)
    lid = store.add_ledger_entry(cid, "hlb-01-hte-first", 2019, D("100000"), note="2019年拨付文件")
    store.delete_ledger_entry(lid)
    oid = store.add_override(
        Override(
            "hlb-12-tech-contract",
            "rate",
            D("0.06"),
            dt.date(2026, 1, 1),
            None,
            "王",
            dt.datetime(2026, 1, 1),
            "会议纪要",
        ),
        published_policies,
    )
    store.revoke_override(oid, "王")
    store.set_setting("bureau.name", "呼伦贝尔市科学技术局")
    store.letter_numbers(b1)
    store.record_letter_issue(b1, uscc(1), "pdf", "张三")
    assert actions(store) == [
        "audit.start",
        "batch.import",
        "batch.calculate",
        "batch.approve",
        "batch.paid",
        "batch.import",
        "batch.calculate",
        "batch.delete",
        "company.update",
        "recognition.add",
        "recognition.update",
        "recognition.delete",
        "tech_sme.add",
        "tech_sme.delete",
        "rd.set",
        "rd.delete",
        "ledger.add",
        "ledger.delete",
        "override.add",
        "override.revoke",
        "setting.set",
        "letters.number",
        "letters.issue",
    ]
    (update,) = store.audit_entries(action="company.update")
    assert (update.target, update.old, update.new) == (
        f"company:{cid}",
        {"phone": "", "bank_account": "0601000000000001"},
        {"phone": "0470-1234567", "bank_account": "0601999"},
    )
    (approve,) = store.audit_entries(action="batch.approve")
    assert approve.new == {
        "status": "approved",
        "preparer": "张三",
        "reviewer": "李四",
        "lines": 1,
        "total": "500000.00",
        "allow_provisional": True,
        "adjusts_batch_id": None,
    }
    assert approve.sealed_rows >= 4  # the batch, its line, its ledger row, the recorded recognition ...
    assert [e.action for e in store.audit_entries(target=f"batch:{b1}")] == [
        "batch.import",
        "batch.calculate",
        "batch.approve",
        "batch.paid",
        "letters.number",
        "letters.issue",
    ]
    assert len(store.audit_entries(target="batch")) == 9
    assert actions(store, action="override") == ["override.add", "override.revoke"]
    report = store.verify_audit()
    assert report.ok, report.problems
    assert report.rows > 10


def test_a_failed_change_leaves_no_entry(store, policies):
    b = approved_batch(store, policies)
    before = store.audit_head()
    with pytest.raises(StoreError):
        store.calculate(b, policies)
    with pytest.raises(StoreError):
        store.add_ledger_entry(store.company_id(uscc(1)), "", 2019, D("1"), note="")
    assert store.audit_head() == before


def test_an_approved_line_changed_directly_is_named(store, policies, db_url):
    b = approved_batch(store, policies)
    (line,) = store.lines(b)
    tamper(db_url, f"UPDATE award_lines SET amount = '900000.00' WHERE batch_id = {b}")
    report = store.verify_audit()
    assert not report.ok
    (problem,) = report.problems
    assert problem.table == "award_lines" and problem.kind == "row"
    seq = store.audit_entries(action="batch.approve")[0].seq
    assert str(problem).startswith(f"批次{b}第1条奖补明细（编号")
    assert "金额900000.00元" in str(problem)
    assert f"与第{seq}条审计记录（" in str(problem) and "batch.approve）封存的内容不符（被直接改动）" in str(problem)


def test_a_ledger_row_changed_inserted_or_deleted_directly_is_named(store, policies, db_url):
    b = approved_batch(store, policies)
    cid = store.company_id(uscc(1))
    typed = store.add_ledger_entry(cid, "hlb-01-hte-first", 2019, D("100000"), note="2019年拨付文件")
    tamper(
        db_url,
        f"UPDATE ledger SET amount = '1.00' WHERE batch_id = {b}",
        f"DELETE FROM ledger WHERE id = {typed}",
        "INSERT INTO ledger (id, company_id, rule_id, year, amount, subject, person, note, recorded_at) "
        f"VALUES (99, {cid}, 'x', 2020, '5.00', '', '', '', '2026-01-01 00:00:00')",
    )
    messages = [str(p) for p in store.verify_audit().problems]
    assert len(messages) == 3
    assert messages[0].startswith("台账记录") and "金额1.00元" in messages[0] and "被直接改动" in messages[0]
    assert (
        messages[1].startswith("台账记录99（")
        and "规则x" in messages[1]
        and messages[1].endswith("没有任何审计记录，不是本程序写入的（被直接插入）")
    )
    assert messages[2].startswith(f"台账记录（编号{typed}）在第") and messages[2].endswith("之后被直接删除")


def test_an_approval_faked_in_the_database_is_named(store, policies, db_url):
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b, policies)
    tamper(db_url, f"UPDATE batches SET status = 'approved', reviewer = '李四' WHERE id = {b}")
    (problem,) = store.verify_audit().problems
    assert str(problem).startswith(f"批次{b}“第一批”与第") and "batch.calculate）封存的内容不符" in str(problem)


def test_a_bank_account_changed_directly_is_named(store, policies, db_url):
    approved_batch(store, policies)
    tamper(db_url, "UPDATE companies SET bank_account = '6222000011112222' WHERE id = 1")
    (problem,) = store.verify_audit().problems
    assert str(problem).startswith(f"单位“呼伦贝尔测试1号科技有限公司”（{uscc(1)}，编号1）与第")


def test_the_database_refuses_to_edit_the_log(store, policies, db_url):
    approved_batch(store, policies)
    for sql in (
        "UPDATE audit_log SET who = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_seals",
    ):
        with pytest.raises(Exception, match="审计日志只能追加，不能修改或删除"):
            tamper(db_url, sql)
    assert store.verify_audit().ok


def _drop_triggers(db_url):
    if db_url.startswith("sqlite"):
        return [f"DROP TRIGGER {t}_no_{e}" for t in ("audit_log", "audit_seals") for e in ("update", "delete")]
    return [f"DROP TRIGGER {t}_append_only ON {t}" for t in ("audit_log", "audit_seals")]


def test_an_edited_audit_entry_breaks_the_chain_there(store, policies, db_url):
    approved_batch(store, policies)
    seq = store.audit_entries(action="batch.approve")[0].seq
    tamper(db_url, *_drop_triggers(db_url), f"UPDATE audit_log SET who = '王五' WHERE seq = {seq}")
    report = store.verify_audit()
    assert str(report.problems[0]) == f"第{seq}条审计记录：内容与哈希不符，记录被改动"


def test_a_deleted_audit_entry_is_named(store, policies, db_url):
    approved_batch(store, policies)
    seq = store.audit_entries(action="batch.calculate")[0].seq
    tamper(
        db_url,
        *_drop_triggers(db_url),
        f"DELETE FROM audit_seals WHERE seq = {seq}",
        f"DELETE FROM audit_log WHERE seq = {seq}",
    )
    report = store.verify_audit()
    assert str(report.problems[0]) == f"第{seq + 1}条审计记录：序号不连续（应为{seq}），有记录被删除或插入"


def test_entries_cut_off_the_end_are_found(store, policies, db_url):
    b = approved_batch(store, policies)
    store.mark_paid(b)
    last, _ = store.audit_head()
    tamper(
        db_url,
        *_drop_triggers(db_url),
        f"DELETE FROM audit_seals WHERE seq = {last}",
        f"DELETE FROM audit_log WHERE seq = {last}",
    )
    problems = [str(p) for p in store.verify_audit().problems]
    assert problems[0] == f"审计日志末尾的第{last}至{last}条记录被删除"
    # and, had the head been moved back too, the paid batch no longer matches its last seal
    prev = store.audit_entries(newest_first=True, limit=1)[0]
    tamper(db_url, f"UPDATE audit_head SET seq = {prev.seq}, hash = '{prev.hash}'")
    (problem,) = store.verify_audit().problems
    assert str(problem).startswith(f"批次{b}“第1批”与第{prev.seq}条审计记录") and "被直接改动" in str(problem)


def _reseal_everything(db_url, store):
    """What a determined person with the database and this source code can do: recompute all of it."""
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        for sql in _drop_triggers(db_url):
            conn.execute(sa.text(sql))
        tables = Base.metadata.tables
        seals = {}
        for row in conn.execute(sa.select(tables["audit_seals"]).order_by(sa.text("seq"), sa.text("id"))).mappings():
            seals.setdefault(row["seq"], []).append(dict(row))
        prev = GENESIS
        for e in conn.execute(sa.select(tables["audit_log"]).order_by(sa.text("seq"))).mappings().all():
            own = seals.get(e["seq"], [])
            for seal in own:
                data = (
                    conn.execute(
                        sa.select(tables[seal["table_name"]]).where(
                            tables[seal["table_name"]].c[PROTECTED[seal["table_name"]].key]
                            == (seal["row_key"] if seal["table_name"] == "settings" else int(seal["row_key"]))
                        )
                    )
                    .mappings()
                    .one_or_none()
                )
                digest = row_digest(seal["table_name"], data) if data is not None else None
                conn.execute(
                    sa.text("UPDATE audit_seals SET digest = :d WHERE id = :i"), {"d": digest, "i": seal["id"]}
                )
                seal["digest"] = digest
            digest = list_digest([(x["table_name"], x["row_key"], x["digest"]) for x in own]) if own else None
            h = entry_hash(e["seq"], e["at"], e["who"], e["action"], e["target"], e["old"], e["new"], prev, digest)
            conn.execute(
                sa.text("UPDATE audit_log SET seals = :s, prev_hash = :p, hash = :h WHERE seq = :q"),
                {"s": digest, "p": prev, "h": h, "q": e["seq"]},
            )
            prev = h
        conn.execute(sa.text("UPDATE audit_head SET hash = :h"), {"h": prev})
    engine.dispose()


def test_a_recomputed_log_passes_unless_a_hash_was_written_down(store, policies, db_url):
    """Nothing inside the database stops someone who recomputes every seal and hash: a head written down
    beforehand (``audit head``) does."""
    b = approved_batch(store, policies)
    written_down = store.audit_head()
    tamper(db_url, f"UPDATE award_lines SET amount = '900000.00' WHERE batch_id = {b}")
    _reseal_everything(db_url, store)
    assert store.verify_audit().ok
    report = store.verify_audit(expect=written_down)
    assert [str(p) for p in report.problems] == [f"第{written_down[0]}条审计记录的哈希与此前记下的不同，审计日志被重写"]


def test_an_upgraded_database_seals_what_it_holds(db_url):
    from core.store import migrate
    from core.store.db import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO settings (key, value) VALUES ('bureau.name', '包头市科学技术局')"))
    engine.dispose()
    store = open_store(db_url) if db_url.startswith("sqlite") else None
    if store is None:
        from core.store import Store

        store = Store(db_url)
        store.upgrade()
    (start,) = store.audit_entries()
    assert (start.action, start.new, start.sealed_rows) == ("audit.start", {"rows": {"settings": 1}}, 1)
    assert store.verify_audit().ok
    store.close()


def test_every_column_of_every_table_is_sealed_or_excluded_on_purpose():
    for name, t in Base.metadata.tables.items():
        if name in UNSEALED:
            continue
        assert name in PROTECTED, f"table {name} is neither sealed nor listed in seals.UNSEALED"
        spec = PROTECTED[name]
        assert set(spec.columns) | set(spec.excluded) == set(t.c.keys()), name
        assert not set(spec.columns) & set(spec.excluded), name


def test_changes_from_several_clerks_at_once_chain_without_gaps(db_url):
    """Two programs writing at the same moment: entries are numbered in commit order, none lost or doubled."""
    import threading

    stores = [open_store(db_url) for _ in range(3)]
    errors = []

    def work(store, first):
        try:
            for n in range(first, first + 8):
                store.add_company(profile(n))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, 100 + 10 * i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = stores[0].audit_entries()
    assert [e.seq for e in entries] == list(range(1, 26))
    assert sum(e.action == "company.create" for e in entries) == 24
    report = stores[0].verify_audit()
    assert report.ok, report.problems
    for s in stores:
        s.close()


def _old_digest(table_name, row):
    """The digest as revision 0004 wrote it (one JSON dump of the whole row): seals already in databases."""
    import hashlib
    import json

    from core.store.seals import _json_default, plain

    body = {c: plain(row[c]) for c in PROTECTED[table_name].columns}
    return hashlib.sha256(
        json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default).encode(
            "utf-8"
        )
    ).hexdigest()


def test_the_digest_is_the_one_existing_seals_were_written_with(store, policies, db_url):
    """Digests are now written a column at a time (beside the fingerprint): every row sealed before still matches."""
    approved_batch(store, policies)
    store.set_setting("bureau.name", '呼伦贝尔市科学技术局 "引号" \\ \n\u2028😀')
    from core.store.seals import all_rows

    with store.reading() as s:
        for table_name in PROTECTED:
            for row in all_rows(s, table_name):
                assert row_digest(table_name, row) == _old_digest(table_name, row), table_name


def test_the_digest_agrees_with_the_old_one_for_any_values():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.text(max_size=30),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
        st.dates(),
        st.datetimes(),
    )
    json_values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    )
    columns = PROTECTED["award_lines"].columns

    @settings(max_examples=200, deadline=None)
    @given(st.fixed_dictionaries({c: st.one_of(scalars, json_values) for c in columns}))
    def agree(row):
        assert row_digest("award_lines", row) == _old_digest("award_lines", row)

    agree()
