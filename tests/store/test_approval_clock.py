"""Approval, payment and correction are stamped by the store's clock (Store.clock), as the audit log is.

The clock is moved to fixed times far from the wall clock; each step's stamps read back as the time the clock gave
(to the second), and equal the time of the audit entry that recorded the step.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from storehelp import batch_data, hte, profile, uscc

from core.store.models import Batch, LedgerRow, RecognitionRow, TechSmeRow

APPROVED = dt.datetime(2031, 5, 6, 7, 8, 9, 654321)  # microseconds: the store keeps whole seconds
PAID = dt.datetime(2031, 6, 1, 10, 0, 1)
CORRECTED = dt.datetime(2032, 1, 2, 3, 4, 5)


def _entry_time(store, batch_id: int, action: str) -> dt.datetime:
    (entry,) = store.audit.entries(target=f"batch:{batch_id}", action=action)
    return dt.datetime.fromisoformat(entry.at)


def test_approval_payment_and_correction_follow_the_store_clock(store, policies):
    data = batch_data(
        "2026年第一批",
        2026,
        [profile(1), profile(2)],
        [(uscc(1), hte("2026-03-01")), (uscc(2), hte("2026-04-01"))],
    )
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, policies)

    store.clock = lambda: APPROVED
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    approved = APPROVED.replace(microsecond=0)
    assert store.batch(batch_id).approved_at == approved
    assert _entry_time(store, batch_id, "batch.approve") == approved
    with store.reading() as s:
        recorded = set(s.scalars(select(LedgerRow.recorded_at).where(LedgerRow.batch_id == batch_id)))
        created = set(s.scalars(select(RecognitionRow.created_at).where(RecognitionRow.batch_id == batch_id)))
        created |= set(s.scalars(select(TechSmeRow.created_at).where(TechSmeRow.batch_id == batch_id)))
    assert recorded == {approved}  # the ledger rows the approval wrote
    assert created == {approved}  # the two certificates it made history

    store.clock = lambda: PAID
    store.mark_paid(batch_id)
    assert store.batch(batch_id).paid_at == PAID
    assert _entry_time(store, batch_id, "batch.paid") == PAID

    store.clock = lambda: CORRECTED
    fix = store.create_adjustment(batch_id, "张三", "补正开户行")
    with store.reading() as s:
        assert s.scalar(select(Batch.created_at).where(Batch.id == fix)) == CORRECTED
    assert store.batch(batch_id).approved_at == approved  # the original keeps its stamps
    assert store.audit.verify().ok
