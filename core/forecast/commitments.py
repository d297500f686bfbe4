"""Committed outlays: what approved batches already bind coming budgets to.

- An award of an approved batch not yet marked paid (已审批未拨付) is due in
  its award year, or in the first forecast year if that year is past.
- A line that pays for several years (连续支持N年, its ``schedule``) commits
  each later year of the schedule, unless an approved batch of that year
  already holds the installment (same rule and subject): then that batch's
  line is what counts (as unpaid, or already paid). Each later year's
  line repeats the schedule; an installment is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from decimal import Decimal

from sqlalchemy import select

from core.forecast.levels import fiscal_level
from core.policy.policyset import PolicySet
from core.store.models import APPROVED, PAID, AwardLineRow, Batch, Company

if TYPE_CHECKING:
    from core.store.store import Store

UNPAID = "approved_unpaid"
SCHEDULED = "scheduled"
KIND_LABELS = {UNPAID: "已审批未拨付", SCHEDULED: "多年度支持（已审批，以后年度）"}


@dataclass(frozen=True)
class Commitment:
    kind: str
    year: int
    amount: Decimal
    level: str
    document: str  # citation
    clause: str
    rule_id: str
    summary: str
    batch_id: int
    batch_name: str
    company: str
    city: str


def commitments(
    store: Store, policies: PolicySet, first_year: int, years: int, city: str | None = None
) -> list[Commitment]:
    last = first_year + years - 1
    with store.reading() as s:
        q = (
            select(AwardLineRow, Batch.award_year, Batch.status, Batch.name, Company.name, Company.city)
            .join(Batch, Batch.id == AwardLineRow.batch_id)
            .join(Company, Company.id == AwardLineRow.company_id)
            .where(Batch.status.in_((APPROVED, PAID)))
            .order_by(Batch.id, AwardLineRow.line_no)
        )
        if city:
            q = q.where(Company.city == city)
        rows = s.execute(q).all()
    held = {(line.company_id, line.rule_id, line.subject, award_year) for line, award_year, *_ in rows}
    docs = {}
    scheduled = set()  # (company, rule, subject, year): one installment, whichever approved line names it
    out = []
    for line, award_year, status, batch_name, company, company_city in rows:
        if line.document_id not in docs:
            doc = policies.documents.get(line.document_id)
            docs[line.document_id] = (
                fiscal_level(policies, line.document_id),
                doc.citation if doc else f"《{line.document_title}》",
            )
        level, citation = docs[line.document_id]
        where = (
            level,
            citation,
            line.clause,
            line.rule_id,
            line.summary,
            line.batch_id,
            batch_name,
            company,
            company_city,
        )
        if status == APPROVED and line.amount:
            due = max(award_year, first_year)
            if due <= last:
                out.append(Commitment(UNPAID, due, line.amount, *where))
        for item in line.schedule or ():
            year, amount = int(item["year"]), Decimal(item["amount"])
            if year <= award_year or not first_year <= year <= last:
                continue
            key = (line.company_id, line.rule_id, line.subject, year)
            if key in held or key in scheduled:
                continue  # an approved batch of that year holds the installment, or a later line repeats it
            scheduled.add(key)
            out.append(Commitment(SCHEDULED, year, amount, *where))
    return out
