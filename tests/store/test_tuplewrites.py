"""Rows written from plain tuples (core.store.tuplewrites) are stored exactly as SQLAlchemy Core stores them.

insert_rows, on SQLite, picks the ids SQLite would pick and converts each value with the column's own bind
processor (money as its text with fen, dates and times as SQLAlchemy writes them, booleans as integers, JSON given
as text kept as it is), filling in plain column defaults; the stored values and their SQLite types are compared
with a Core insert of the same rows, column by column.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Table, Text, bindparam, create_engine, insert, select
from sqlalchemy.orm import Session

from core.store.models import AwardLineRow, Base, Batch, BatchCompany, LedgerRow
from core.store.tuplewrites import insert_rows, insert_tuples, update_rows, update_tuples


@pytest.fixture
def engine(tmp_path):
    e = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    Base.metadata.create_all(e)
    yield e
    e.dispose()


def _stored(s: Session, table: Table, ids: list[int]) -> list[tuple]:
    """Each column's SQLite type and value, in id order, without the id."""
    columns = [c.name for c in table.columns if c.name != "id"]
    listed = ", ".join(f"typeof({c}), {c}" for c in columns)
    sql = f"SELECT {listed} FROM {table.name} WHERE id IN ({','.join(map(str, ids))}) ORDER BY id"
    return list(s.connection().exec_driver_sql(sql).all())


LEDGER = [
    # subject and note left out: their default ("") is written; batch and line: NULL
    dict(company_id=1, batch_id=None, line_id=None, rule_id="r-1", year=2026, amount=Decimal("1234.5"),
         person="张三", recorded_at=dt.datetime(2026, 12, 7, 1, 2, 3)),
    dict(company_id=2, batch_id=3, line_id=4, rule_id="r-2", year=2025, amount=100000,
         person="", recorded_at=dt.datetime(2026, 1, 1)),
]  # fmt: skip


def test_insert_rows_stores_what_a_core_insert_stores(engine):
    table = LedgerRow.__table__
    with Session(engine) as s, s.begin():
        core_ids = list(s.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), LEDGER))
        ids = insert_rows(s, table, LEDGER)
        assert ids == [core_ids[-1] + 1, core_ids[-1] + 2]  # the ids SQLite would have given
        assert _stored(s, table, ids) == _stored(s, table, core_ids)
        # the money as text with its fen, the time as SQLAlchemy writes it, the default text
        first = dict(zip([c.name for c in table.columns if c.name != "id"], _stored(s, table, ids)[0][1::2]))
        assert first["amount"] == "1234.50" and first["recorded_at"] == "2026-12-07 01:02:03.000000"
        assert first["subject"] == "" and first["note"] == "" and first["batch_id"] is None


def test_insert_rows_binds_json_given_as_text_as_it_is(engine):
    table = AwardLineRow.__table__
    trace = {"规则": "科技型中小企业", "amount": "100000.00"}
    rows = [
        dict(batch_id=1, company_id=1, line_no=n, claim_key="k", subject="s", rule_id="r", document_id="d",
             document_title="t", doc_number=None, clause="（一）", summary="", sentence="", amount=Decimal("10"),
             provisional=n == 1, person="", event_date=dt.date(2026, 3, 1), trace=json.dumps(trace, ensure_ascii=False),
             schedule="null")
        for n in (1, 2)
    ]  # fmt: skip
    core = insert(table).values(trace=bindparam("_t", type_=Text()), schedule=bindparam("_s", type_=Text()))
    params = [{**{k: v for k, v in r.items() if k not in ("trace", "schedule")}, "_t": r["trace"], "_s": r["schedule"]}
              for r in rows]  # fmt: skip
    with Session(engine) as s, s.begin():
        core_ids = list(s.scalars(core.returning(table.c.id, sort_by_parameter_order=True), params))
        ids = insert_rows(s, table, [{**r, "batch_id": 2} for r in rows], frozenset({"trace", "schedule"}))
        assert [r[2:] for r in _stored(s, table, ids)] == [r[2:] for r in _stored(s, table, core_ids)]  # but batch_id
        read = s.execute(select(table.c.trace, table.c.provisional, table.c.event_date).where(table.c.id == ids[0]))
        assert read.one() == (trace, True, dt.date(2026, 3, 1))


def test_insert_rows_never_gives_an_autoincrement_id_twice(engine):
    # batches keeps AUTOINCREMENT (a deleted draft's number is never reused): after the largest id ever given.
    table = Batch.__table__
    row = dict(name="批次", award_year=2026, status="draft", source_name="a.xlsx", created_at=dt.datetime(2026, 1, 1))
    with Session(engine) as s, s.begin():
        first = insert_rows(s, table, [row])
        s.connection().exec_driver_sql(f"DELETE FROM batches WHERE id = {first[0]}")
        (second,) = insert_rows(s, table, [row])
    assert second == first[0] + 1


def test_insert_and_update_tuples_write_the_values_given(engine):
    table = LedgerRow.__table__
    with Session(engine) as s, s.begin():
        ids = insert_rows(s, table, LEDGER)
        update_tuples(s, table, ["person", "rule_id"], [("李四", "r-9", ids[0]), ("王五", "r-8", ids[1])])
        columns = ["id", "company_id", "rule_id", "year", "amount", "subject", "person", "note", "recorded_at"]
        insert_tuples(s, table, columns, [(99, 5, "r-5", 2024, "1.00", "", "赵六", "", "2026-01-01 00:00:00.000000")])
        got = s.execute(select(table.c.id, table.c.person, table.c.rule_id).order_by(table.c.id)).all()
    assert got == [(ids[0], "李四", "r-9"), (ids[1], "王五", "r-8"), (99, "赵六", "r-5")]


def test_update_rows_stores_what_a_core_update_stores(engine):
    """Money converted by its column (text with fen on SQLite), booleans as integers, JSON given as text kept."""
    table = BatchCompany.__table__
    values = dict(batch_id=1, calculated=False, errors=[], warnings=[], excluded=[])
    columns = ("calculated", "history_version", "total", "errors", "warnings", "excluded")
    given = [(True, 3, Decimal("1234.5"), '["错误"]', "[]", '[{"a":1}]'), (True, 1, 100000, "[]", "[]", "[]")]
    with Session(engine) as s, s.begin():
        core_ids = insert_rows(s, table, [dict(values, company_id=1, seq=1), dict(values, company_id=2, seq=2)])
        ids = insert_rows(s, table, [dict(values, company_id=3, seq=3), dict(values, company_id=4, seq=4)])
        text = {c: bindparam(c, type_=Text()) for c in columns[3:]}
        core = table.update().where(table.c.id == bindparam("key")).values(text)
        s.execute(core, [dict(zip(columns, row), key=key) for row, key in zip(given, core_ids)])
        update_rows(s, table, columns, [(*row, key) for row, key in zip(given, ids)], frozenset(columns[3:]))
        stored = _stored(s, table, ids)
        assert [r[6:] for r in stored] == [r[6:] for r in _stored(s, table, core_ids)]  # but batch, company, seq
        first = dict(zip([c.name for c in table.columns if c.name != "id"], stored[0][1::2]))
        assert first["total"] == "1234.50" and first["calculated"] == 1 and first["excluded"] == '[{"a":1}]'
