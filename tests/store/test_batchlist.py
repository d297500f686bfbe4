"""core.store.batchlist: the list of batches read with SQLAlchemy Core alone, as the ORM reads it.

``main.py batches`` reads it without loading sqlalchemy.orm or mapping the models (a third of its start-up); the
table clauses it reads name the models' columns, so these tests hold them to the models and to what the ORM reads.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from storehelp import batch_data, contract, hte, profile, uscc

from core.records import BatchRecord
from core.store import batchlist, reads
from core.store.models import Base, Batch

ROOT = Path(__file__).resolve().parents[2]


def test_the_clauses_name_the_models_columns_with_their_types():
    for clause in (batchlist.BATCHES, batchlist.MEMBERS, batchlist.LINES):
        model = Base.metadata.tables[clause.name]
        for c in clause.c:
            assert c.name in model.c, f"{clause.name}.{c.name}"
            assert type(c.type) is type(model.c[c.name].type), (
                f"{clause.name}.{c.name}: {c.type} {model.c[c.name].type}"
            )
    # a BatchRecord is built from a row positionally: the columns are its fields, in order
    assert [c.name for c in batchlist.BATCHES.c] == [f.name for f in dataclasses.fields(BatchRecord)]


def _three_batches(store, policies) -> tuple[int, int, int]:
    """An approved batch of two companies, a calculated draft of one, and an empty draft never calculated."""
    approved, _ = store.apply_import(
        batch_data(
            "2026年第一批",
            2026,
            [profile(1), profile(2)],
            [(uscc(1), hte("2026-03-01")), (uscc(2), contract("HT-2", "2026-04-01", "1000000"))],
        )
    )
    store.calculate(approved, policies)
    store.approve(approved, "张三", "李四", allow_provisional=True)
    draft, _ = store.apply_import(
        batch_data("2026年第二批", 2026, [profile(3)], [(uscc(3), contract("HT-3", "2026-05-01", "2000000"))])
    )
    store.calculate(draft, policies)
    empty, _ = store.apply_import(batch_data("2026年第三批", 2026, [profile(4)]))
    return approved, draft, empty


def test_the_list_and_its_totals_are_what_the_orm_reads(store, policies):
    approved, draft, empty = _three_batches(store, policies)
    listed, totals = store.batches.all(), store.batches.totals()
    with store.reading() as s:
        assert listed == [reads.batch_record(b) for b in s.scalars(select(Batch).order_by(Batch.id))]
    assert set(totals) == {approved, draft, empty}
    assert [(b.id, b.status) for b in listed] == [(approved, "approved"), (draft, "draft"), (empty, "draft")]
    assert listed[0].approved_at is not None and listed[0].reviewer == "李四"
    for batch_id, companies in ((approved, 2), (draft, 1)):
        lines = store.lines(batch_id)
        assert totals[batch_id] == (companies, len(lines), sum(line.amount for line in lines))
    # 呼伦贝尔 （十二）: 技术合同 2,000,000 x 5% = 100,000 (the draft's one line)
    assert totals[draft][1:] == (1, 100000)
    assert totals[empty] == (1, 0, 0)
    for batch_id in (approved, draft, empty):  # one batch's totals, as `main.py approve` prints them
        assert store.batches.totals(batch_id) == {batch_id: totals[batch_id]}


def test_listing_batches_loads_neither_the_orm_nor_the_models(db_url, store, policies, tmp_path):
    """``main.py batches`` on a database at the newest revision: what it prints comes from Core reads alone."""
    _three_batches(store, policies)
    store.close()
    code = (
        "import sys; sys.argv[1:] = ['--db', sys.argv[1], 'batches']; import main; code = main.main()\n"
        "print(code, *(m for m in ('sqlalchemy.orm', 'core.store.models', 'core.store.reads') if m in sys.modules),"
        " file=sys.stderr)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "KJJB_DATA_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "0"
    printed = r.stdout.strip().splitlines()
    assert printed[-1] == "共3个批次"
    assert printed[1].split() == ["2", "2026年第二批", "2026年度", "草稿", "1家单位", "1条明细", "合计100,000.00元"]
