"""Adjustment batches: how an approved batch is corrected without editing it.

``create_adjustment`` makes a draft linked to the approved original (its
companies and claims copied; optionally only some companies). Calculating it
sees history and ledger as if the original family (the original and its
earlier adjustments) had not been approved, and stores for each company the
*difference* between the new result and what the family already put into the
ledger: a positive line pays more, a negative line takes back, an unchanged
award gives no line. Approving it writes those differences to the ledger,
where they net against the original's (core.store.history sums a family's
rows per rule and subject). Its disbursement sheet therefore shows only what
is still to pay or recover.

The original stays exactly as approved.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.money import ZERO, fmt_yuan
from core.store.audit import log, stamp, verify_rows
from core.store.errors import BatchLocked, InvalidData, NotFound
from core.store.models import DRAFT, AwardLineRow, Batch, BatchCompany, ClaimRow, LedgerRow


def family(s: Session, batch_id: int | None) -> set[int]:
    """The batch, the original it adjusts (or itself) and every adjustment of that original."""
    if batch_id is None:
        return set()
    batch = s.get(Batch, batch_id)
    if batch is None:
        return {batch_id}
    root = batch.adjusts_batch_id or batch.id
    return {root, batch_id} | set(s.scalars(select(Batch.id).where(Batch.adjusts_batch_id == root)))


def create_adjustment(
    s: Session, batch_id: int, reason: str, actor: str, company_ids: Iterable[int] | None = None
) -> int:
    original = s.get(Batch, batch_id, with_for_update=True)
    if original is None:
        raise NotFound(f"找不到批次{batch_id}")
    if original.status == DRAFT:
        raise BatchLocked(f"批次{original.id}“{original.name}”尚未审批，草稿可直接处理后重新计算，无需调整批次")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("请填写调整原因")
    root = s.get(Batch, original.adjusts_batch_id) if original.adjusts_batch_id else original
    if root is None:
        raise NotFound(f"找不到批次{original.id}“{original.name}”所调整的原批次{original.adjusts_batch_id}")
    verify_rows(s, Batch, {original.id, root.id})
    members = list(root.members)
    verify_rows(s, BatchCompany, [m.id for m in members])
    if company_ids is not None:
        wanted = set(company_ids)
        unknown = wanted - {m.company_id for m in members}
        if unknown:
            raise InvalidData(f"单位编号{'、'.join(map(str, sorted(unknown)))}不在批次{root.id}中")
        members = [m for m in members if m.company_id in wanted]
        if not members:
            raise InvalidData("请至少选择一家要调整的单位")
    batch = Batch(
        name=f"{root.name}（调整）",
        award_year=root.award_year,
        status=DRAFT,
        source_name="",
        created_at=stamp(s),
        created_by=actor,
        preparer=actor,
        adjusts_batch_id=root.id,
        adjust_reason=reason,
    )
    s.add(batch)
    s.flush()
    kept = {m.company_id for m in members}
    for m in members:
        s.add(
            BatchCompany(
                batch_id=batch.id,
                company_id=m.company_id,
                seq=m.seq,
                calculated=False,
                errors=[],
                warnings=[],
                excluded=[],
            )
        )
    copied = [
        c
        for c in s.scalars(select(ClaimRow).where(ClaimRow.batch_id == root.id).order_by(ClaimRow.seq))
        if c.company_id in kept
    ]
    verify_rows(s, ClaimRow, [c.id for c in copied])  # a claim edited in the file is not carried into the correction
    for c in copied:
        s.add(
            ClaimRow(
                batch_id=batch.id,
                company_id=c.company_id,
                seq=c.seq,
                claim_key=c.claim_key,
                type=c.type,
                date=c.date,
                fields=c.fields,
            )
        )
    claims = len(copied)
    s.flush()
    log(
        s,
        "batch.adjust",
        f"batch:{batch.id}",
        None,
        {
            "name": batch.name,
            "adjusts_batch_id": root.id,
            "reason": reason,
            "companies": len(members),
            "claims": claims,
        },
    )
    return batch.id


def _trace(steps: list[str], base: dict | None = None) -> dict:
    trace = dict(base or {"inputs": [], "params": [], "readings": [], "formula": "", "steps": [], "notes": []})
    trace["steps"] = list(trace.get("steps", [])) + steps
    return trace


class Netting:
    """What the original family already put into the ledger, per company, rule, subject and person."""

    def __init__(self, s: Session, batch: Batch):
        self.batch_id, self.root = batch.id, batch.adjusts_batch_id
        others = family(s, batch.id) - {batch.id}
        self.paid: dict[int, dict[tuple, list]] = {}
        q = (
            select(LedgerRow, AwardLineRow)
            .outerjoin(AwardLineRow, AwardLineRow.id == LedgerRow.line_id)
            .where(LedgerRow.batch_id.in_(others))
            .order_by(LedgerRow.id)
        )
        found = s.execute(q).all()
        # The differences stored are what is paid or taken back: what they net against must be as approved.
        verify_rows(s, LedgerRow, [entry.id for entry, _ in found])
        for entry, line in found:
            slot = self.paid.setdefault(entry.company_id, {}).setdefault(
                (entry.rule_id, entry.subject, entry.person), [ZERO, None]
            )
            slot[0] += entry.amount
            if line is not None:
                slot[1] = line

    def differences(self, company_id: int, rows: list[AwardLineRow]) -> list[AwardLineRow]:
        """The company's lines as differences from what was paid; reversals for awards no longer due."""
        paid = {k: list(v) for k, v in self.paid.get(company_id, {}).items()}
        out = []
        for r in rows:
            before, _ = paid.pop((r.rule_id, r.subject, r.person), (ZERO, None))
            if r.amount == before:
                continue
            due = r.amount
            r.amount = due - before
            what = "补发" if r.amount > 0 else "冲减"
            r.trace = _trace(
                [
                    f"调整：原批次{self.root}已兑现{fmt_yuan(before)}元，重新计算应为{fmt_yuan(due)}元，"
                    f"本批次{what}{fmt_yuan(abs(r.amount))}元"
                ],
                r.trace,
            )
            r.schedule = None
            out.append(r)
        for (rule_id, subject, person), (before, line) in paid.items():
            if before == 0 or line is None:
                continue
            out.append(
                AwardLineRow(
                    batch_id=self.batch_id,
                    company_id=company_id,
                    line_no=0,
                    claim_key=line.claim_key,
                    subject=subject,
                    rule_id=rule_id,
                    document_id=line.document_id,
                    document_title=line.document_title,
                    doc_number=line.doc_number,
                    clause=line.clause,
                    summary=line.summary,
                    sentence=line.sentence,
                    amount=-before,
                    provisional=line.provisional,
                    person=person,
                    event_date=line.event_date,
                    trace=_trace(
                        [f"调整：重新计算后不再享受本项奖补，冲减原批次{self.root}已兑现的{fmt_yuan(before)}元"]
                    ),
                    schedule=None,
                )
            )
        return out
