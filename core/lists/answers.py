"""The companies' answers for their list claims (意愿确认: 待确认, 已确认账户, 放弃), and what they decide: a claim
declined in a draft leaves the batch, and an unconfirmed one stays off the disbursement sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.lists.records import CONFIRMED, CONSENT_LABELS, DECLINED
from core.store import approval
from core.store.audit import log, stamp, touch, verify_rows
from core.store.errors import InvalidData, NotFound
from core.store.models import DRAFT, AwardLineRow, BatchCompany, ClaimRow, Company, ListEntry

if TYPE_CHECKING:
    from core.store.store import Store


def set_consent(
    store: Store, batch_id: int, company_id: int, state: str, *, on: dt.date | None = None, note: str = ""
) -> None:
    """Record a company's answer for its list claims in the batch (待确认 / 已确认账户 / 放弃), by whom and when.

    A company that declines while the batch is a draft has its list claims taken out of the batch (the batch
    must be calculated again); after approval the answer is recorded and its lines stay off the disbursement sheet.
    """
    if state not in CONSENT_LABELS:
        raise InvalidData(f"意愿确认应为{'、'.join(CONSENT_LABELS.values())}之一")
    with store.writing() as s:
        actor = store.actor(s, "record_consent")
        apply_consent(s, batch_id, company_id, state, on or stamp(s).date(), note, actor)


def apply_consent(
    s: Session, batch_id: int, company_id: int, state: str, on: dt.date | None, note: str, actor: str
) -> None:
    rows = list(
        s.scalars(
            select(ListEntry)
            .where(ListEntry.batch_id == batch_id, ListEntry.company_id == company_id, ListEntry.claim_key != "")
            .with_for_update()
        )
    )
    if not rows:
        raise NotFound(f"批次{batch_id}中没有该单位由名单生成的申报事项")
    batch = approval.locked_batch(s, batch_id)
    old = {"consent": rows[0].consent, "on": rows[0].consent_on, "by": rows[0].consent_by}
    withdrawn = []
    for e in rows:
        e.consent, e.consent_on, e.consent_by, e.consent_note = state, on, actor, (note or "")[:500]
        if state == DECLINED and batch.status == DRAFT:
            withdrawn.append(e.claim_key)
            e.claim_key = ""
    if withdrawn:
        _withdraw(s, batch_id, company_id, withdrawn)
    log(
        s,
        "list.consent",
        f"batch:{batch_id}",
        old,
        {"company_id": company_id, "consent": state, "on": on, "note": note, "withdrawn": withdrawn},
    )


def _withdraw(s: Session, batch_id: int, company_id: int, keys: list[str]) -> None:
    """Take a company's claims out of a draft batch; the company too when nothing of it is left."""
    ids = list(
        s.scalars(
            select(ClaimRow.id).where(
                ClaimRow.batch_id == batch_id, ClaimRow.company_id == company_id, ClaimRow.claim_key.in_(keys)
            )
        )
    )
    touch(s, ClaimRow, ids)
    s.execute(delete(ClaimRow).where(ClaimRow.id.in_(ids)))
    left = s.scalar(
        select(func.count())
        .select_from(ClaimRow)
        .where(ClaimRow.batch_id == batch_id, ClaimRow.company_id == company_id)
    )
    lines = list(
        s.scalars(
            select(AwardLineRow.id).where(AwardLineRow.batch_id == batch_id, AwardLineRow.company_id == company_id)
        )
    )
    touch(s, AwardLineRow, lines)
    s.execute(delete(AwardLineRow).where(AwardLineRow.id.in_(lines)))
    member = s.scalar(
        select(BatchCompany).where(BatchCompany.batch_id == batch_id, BatchCompany.company_id == company_id)
    )
    if member is None:
        return
    if not left:
        s.delete(member)
    else:
        member.calculated, member.total = False, None
    log(s, "list.withdraw", f"batch:{batch_id}", {"company_id": company_id, "claims": keys}, None)


def withheld(store: Store, batch_id: int) -> set[tuple[str, str]]:
    """(uscc, claim key) of the batch's list claims whose company has not confirmed its account: kept off the
    disbursement sheet (core.excel.disbursement_sheet)."""
    with store.reading() as s:
        # the answers decide who is paid: refused (a tamper alarm) if any was changed outside the program
        ids = list(s.scalars(select(ListEntry.id).where(ListEntry.batch_id == batch_id)))
        verify_rows(s, ListEntry, ids, "生成资金拨付明细表")
        return {
            (u, k)
            for u, k in s.execute(
                select(Company.uscc, ListEntry.claim_key)
                .join(Company, Company.id == ListEntry.company_id)
                .where(ListEntry.batch_id == batch_id, ListEntry.claim_key != "", ListEntry.consent != CONFIRMED)
            )
        }
