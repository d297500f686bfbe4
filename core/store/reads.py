"""Reading batches and per-company results for exports, letters and screens (their lines: core.store.linereads).

An approved batch shows each company as it was approved (name, USCC, bank
account kept in ``batch_companies``); a draft shows the companies as they are.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.records import BatchRecord, CompanyResultRecord
from core.store.errors import NotFound
from core.store.models import AwardLineRow, Batch, BatchCompany, Company


def batch_record(b: Batch) -> BatchRecord:
    return BatchRecord(
        b.id,
        b.name,
        b.award_year,
        b.status,
        b.created_at,
        b.source_name,
        b.preparer,
        b.reviewer,
        b.approved_at,
        b.paid_at,
        b.created_by,
        b.adjusts_batch_id,
        b.adjust_reason,
    )


def get_batch(s: Session, batch_id: int) -> Batch:
    batch = s.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"找不到批次{batch_id}")
    return batch


_Payee = tuple[str, str, str, str]  # (uscc, name, bank, account)


def _as_approved(c: Company, m: BatchCompany | None) -> _Payee:
    """(uscc, name, bank, account) of the company as its batch was approved (as it is now for a draft)."""
    if m is not None and m.company_name is not None:
        return cast(_Payee, (m.uscc, m.company_name, m.bank_name, m.bank_account))
    return c.uscc, c.name, c.bank_name, c.bank_account


def company_results(s: Session, batch_id: int) -> list[CompanyResultRecord]:
    get_batch(s, batch_id)
    counts = dict(
        s.execute(
            select(AwardLineRow.company_id, func.count())
            .where(AwardLineRow.batch_id == batch_id)
            .group_by(AwardLineRow.company_id)
        ).all()
    )
    rows = s.execute(
        select(BatchCompany, Company)
        .join(Company, Company.id == BatchCompany.company_id)
        .where(BatchCompany.batch_id == batch_id)
        .order_by(BatchCompany.seq)
    )
    return [
        CompanyResultRecord(
            batch_id=batch_id,
            company_id=c.id,
            uscc=_as_approved(c, m)[0],
            company_name=_as_approved(c, m)[1],
            city=c.city,
            county=c.county,
            calculated=m.calculated,
            total=m.total if m.calculated else None,
            line_count=counts.get(c.id, 0),
            errors=tuple(m.errors),
            warnings=tuple(m.warnings),
            excluded=tuple(m.excluded),
        )
        for m, c in rows
    ]
