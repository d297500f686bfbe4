"""A batch's way from draft to approved to paid.

Approval is where a batch starts to count for later batches: its lines go
into the ledger (yearly caps, 'once' awards), its recognitions and tech-SME
registrations into history ('first time', 'consecutive years'). Nothing of an
approved batch changes afterwards.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.model import Recognition
from core.store.claimcodec import decode_claim
from core.store.errors import BatchLocked, InvalidData, NotFound, Stale, name_list
from core.store.history import bump_versions, chunks, recognition_index, recognition_values
from core.store.models import (APPROVED, BATCH_STATUS_LABELS, DRAFT, PAID, AwardLineRow, Batch, ClaimRow, Company,
                               LedgerRow, RecognitionRow, TechSmeRow, now)
from core.vocabulary import Vocabulary

MAX_NAMED = 10  # companies named in one message


def locked_batch(s: Session, batch_id: int) -> Batch:
    """The batch, locked against concurrent approval or calculation until the transaction ends."""
    batch = s.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"找不到批次{batch_id}")
    return batch


def require_draft(batch: Batch, doing: str) -> None:
    if batch.status != DRAFT:
        raise BatchLocked(f"批次{batch.id}“{batch.name}”{BATCH_STATUS_LABELS[batch.status]}，不能{doing}；"
                          f"已审批或已拨付的批次不允许任何修改")


def approve(s: Session, batch_id: int, preparer: str, reviewer: str, overrides_version: int, vocab: Vocabulary,
            allow_provisional: bool = False) -> None:
    preparer, reviewer = (preparer or "").strip(), (reviewer or "").strip()
    if not preparer or not reviewer:
        raise InvalidData("审批需填写经办人和审核人")
    if preparer == reviewer:
        raise InvalidData("经办人和审核人不能是同一人")
    batch = locked_batch(s, batch_id)
    require_draft(batch, "再次审批")
    members = list(batch.members)
    if batch.calculated_at is None or not all(m.calculated for m in members):
        raise BatchLocked(f"批次{batch.id}尚未计算，请先计算再审批")
    _check_fresh(s, batch, members, overrides_version)
    _check_errors(s, members)
    if not allow_provisional:
        _check_provisional(s, batch)
    _to_ledger(s, batch)
    _record_history(s, batch, vocab)
    bump_versions(s, [m.company_id for m in members])
    batch.status, batch.preparer, batch.reviewer, batch.approved_at = APPROVED, preparer, reviewer, now()
    s.flush()


def _check_fresh(s: Session, batch: Batch, members, overrides_version: int) -> None:
    if batch.overrides_version != overrides_version:
        raise Stale(f"批次{batch.id}计算后参数调整有变化，请重新计算后再审批")
    used = {m.company_id: m.history_version for m in members}
    changed = []
    for ids in chunks(used):
        # Lock the companies too: on PostgreSQL a concurrent approval touching them waits for this one.
        rows = s.execute(select(Company.id, Company.name, Company.history_version)
                         .where(Company.id.in_(ids)).order_by(Company.id).with_for_update())
        changed += [name for cid, name, version in rows if version != used[cid]]
    if changed:
        raise Stale(f"批次{batch.id}计算后，以下单位的资料、历史记录或已审批奖补有变化："
                    f"{name_list(changed, MAX_NAMED)}；请重新计算后再审批")


def _check_errors(s: Session, members) -> None:
    bad = [m for m in members if m.errors]
    if not bad:
        return
    shown = [m.company_id for m in bad[:MAX_NAMED]]
    names = dict(s.execute(select(Company.id, Company.name).where(Company.id.in_(shown))).all())
    detail = "；".join(f"{names[m.company_id]}：{m.errors[0]}" for m in bad[:MAX_NAMED])
    raise BatchLocked(f"有{len(bad)}家单位的计算结果有错误，处理后重新计算才能审批（{detail}）")


def _check_provisional(s: Session, batch: Batch) -> None:
    count = s.scalar(select(func.count()).select_from(AwardLineRow)
                     .where(AwardLineRow.batch_id == batch.id, AwardLineRow.provisional.is_(True)))
    if count:
        raise BatchLocked(f"批次{batch.id}有{count}条奖补依据征求意见稿测算，文件正式印发前不得审批拨付；"
                          f"如确需审批，请明确选择“允许审批测算金额”")


def _to_ledger(s: Session, batch: Batch) -> None:
    stamp = now()
    for line in s.scalars(select(AwardLineRow).where(AwardLineRow.batch_id == batch.id).order_by(AwardLineRow.line_no)):
        s.add(LedgerRow(company_id=line.company_id, batch_id=batch.id, line_id=line.id, rule_id=line.rule_id,
                        year=batch.award_year, amount=line.amount, subject=line.subject, person=line.person,
                        note="", recorded_at=stamp))


def _record_history(s: Session, batch: Batch, vocab: Vocabulary) -> None:
    """The batch's recognitions and tech-SME registrations become history (skipping ones already there).

    A recognition keeps its stage: a platform approved for 培育期 is recorded
    as such, and 'first time' checks do not count it as approved.
    """
    stamp = now()
    rows = s.scalars(select(ClaimRow).where(ClaimRow.batch_id == batch.id,
                                            ClaimRow.type.in_(("recognition", "tech_sme_registration")))
                     .order_by(ClaimRow.seq)).all()
    company_ids = {r.company_id for r in rows}
    index = recognition_index(s, company_ids)
    years = set()
    for ids in chunks(company_ids):
        years.update(map(tuple, s.execute(select(TechSmeRow.company_id, TechSmeRow.year)
                                          .where(TechSmeRow.company_id.in_(ids)))))
    for row in rows:
        claim, problems = decode_claim(row.type, row.claim_key, row.fields, vocab)
        if problems:
            continue
        if row.type == "tech_sme_registration":
            key = (row.company_id, claim.get("year"))
            if key not in years:
                s.add(TechSmeRow(company_id=row.company_id, year=key[1], number=claim.get("number", ""),
                                 batch_id=batch.id, created_at=stamp))
                years.add(key)
            continue
        rec = claim_recognition(claim)
        if index.find(row.company_id, rec) is None:
            new = RecognitionRow(company_id=row.company_id, batch_id=batch.id, created_at=stamp,
                                 **recognition_values(rec))
            s.add(new)
            index.add(new)


def claim_recognition(claim) -> Recognition:
    """The recognition a recognition claim states, as history will hold it."""
    return Recognition(
        kind=claim.get("kind"), level=claim.get("level"), date=claim.date, number=claim.get("number", ""),
        issued_in="区外" if claim.get("moved_in") == "region" else "", name=claim.get("name", ""),
        stage=claim.get("stage") or "approved",
    )


def mark_paid(s: Session, batch_id: int) -> None:
    batch = locked_batch(s, batch_id)
    if batch.status == DRAFT:
        raise BatchLocked(f"批次{batch.id}尚未审批，不能标记为已拨付")
    if batch.status == PAID:
        raise BatchLocked(f"批次{batch.id}已于{batch.paid_at:%Y-%m-%d}标记为已拨付")
    batch.status, batch.paid_at = PAID, now()
    s.flush()


def delete_draft(s: Session, batch_id: int) -> None:
    """Remove a draft batch (its claims, lines and import record); history merged by its import stays."""
    batch = locked_batch(s, batch_id)
    require_draft(batch, "删除")
    s.execute(delete(Batch).where(Batch.id == batch.id))
