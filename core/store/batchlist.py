"""The list of batches with their totals, read with SQLAlchemy Core alone.

``main.py batches`` is a process of its own that lists them: reading them through the ORM would first load
sqlalchemy.orm and map every model in core.store.models, a third of that command's start-up. Here the columns it
reads are named as lightweight table clauses; the models stay the schema, and tests/store/test_batchlist.py holds
these clauses to them (every name and type).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import DateTime, Integer, String, Text, column, func, select, table
from sqlalchemy.engine import Connection

from core.money import ZERO
from core.records import BatchRecord
from core.store.types import Money

BATCHES = table(
    "batches",
    column("id", Integer),
    column("name", String),
    column("award_year", Integer),
    column("status", String),
    column("created_at", DateTime),
    column("source_name", String),
    column("preparer", String),
    column("reviewer", String),
    column("approved_at", DateTime),
    column("paid_at", DateTime),
    column("created_by", String),
    column("adjusts_batch_id", Integer),
    column("adjust_reason", Text),
)
MEMBERS = table("batch_companies", column("batch_id", Integer))
LINES = table("award_lines", column("batch_id", Integer), column("amount", Money))


def batches(conn: Connection) -> list[BatchRecord]:
    """Every batch, in the order of their numbers (BatchRecord's fields are the columns read, in order)."""
    return [BatchRecord(*row) for row in conn.execute(select(*BATCHES.c).order_by(BATCHES.c.id))]


def batch_totals(conn: Connection, only: int | None = None) -> dict[int, tuple[int, int, Decimal]]:
    """{batch id: (companies, lines, total)}, of every batch or ``only`` that one; money is summed in Python (see
    types.Money)."""
    members = select(MEMBERS.c.batch_id, func.count()).group_by(MEMBERS.c.batch_id)
    lines = select(LINES.c.batch_id, LINES.c.amount)
    if only is not None:
        members, lines = members.where(MEMBERS.c.batch_id == only), lines.where(LINES.c.batch_id == only)
    out: dict[int, list] = {}
    for batch_id, n in conn.execute(members):
        out[batch_id] = [n, 0, ZERO]
    for batch_id, amount in conn.execute(lines):
        entry = out.setdefault(batch_id, [0, 0, ZERO])
        entry[1] += 1
        entry[2] += amount
    return {k: tuple(v) for k, v in out.items()}
