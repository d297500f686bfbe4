"""A batch's way from draft to approved to paid.

Approval is where a batch starts to count for later batches: its lines go
into the ledger (yearly caps, 'once' awards), its recognitions and tech-SME
registrations into history ('first time', 'consecutive years'). Nothing of an
approved batch changes afterwards: a correction is an adjustment batch
(core.store.adjustments).

Maker-checker: once the database has users, the reviewer is the logged-in
user, and the preparer is whoever imported and calculated the batch (both
recorded on it); the reviewer may be neither. Before users exist, the two
names are typed in and must differ, as they always had to.

Approval also keeps each company's name, USCC and bank account as they were
approved (``batch_companies``), so the batch's letters and disbursement
sheet show what the reviewer approved even if the company's profile changes
later.

Maker-checker reaches the payee: a reviewer may not approve a batch that pays
a company whose name, bank or account (``PAYEE_FIELDS``) or history they
changed themselves — by editing it, or by an import that changed, created or
added to it — since that company's details were last approved (the last
approved batch it was part of; ever, if none was). Whoever entered a payee's
details, or the facts an award rests on, is not the one who approves paying
on them. The facts come from the audit log (``_own_changes``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.orm import Session

from core.identity.names import person_name
from core.model import claim_recognition
from core.money import ZERO
from core.store.approval_rows import kept, update_checked, verified
from core.store.audit import insert_many, log, stamp, touch, verify_rows
from core.store.claimcodec import decode_claim
from core.store.errors import BatchLocked, InvalidData, NotFound, Stale, name_list
from core.store.history import StoredRecognition, bump_versions, chunks, recognition_keys, recognition_values
from core.store.companies import PAYEE_FIELDS
from core.store.models import (
    APPROVED,
    BATCH_STATUS_LABELS,
    DRAFT,
    PAID,
    AuditRow,
    AwardLineRow,
    Batch,
    BatchCompany,
    ClaimRow,
    Company,
    ImportLog,
    LedgerRow,
    RecognitionRow,
    TechSmeRow,
)
from core.vocabulary import Vocabulary

MAX_NAMED = 10  # companies named in one message
PART = 2000  # rows read, checked and written at a time: memory stays flat however large the batch


def locked_batch(s: Session, batch_id: int) -> Batch:
    """The batch, locked against concurrent approval or calculation until the transaction ends, and checked
    against its seal before anything is decided on it (who prepared it, its status)."""
    batch = s.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"找不到批次{batch_id}")
    verify_rows(s, Batch, [batch.id])
    return batch


def require_draft(batch: Batch, doing: str) -> None:
    if batch.status != DRAFT:
        raise BatchLocked(
            f"批次{batch.id}“{batch.name}”{BATCH_STATUS_LABELS[batch.status]}，不能{doing}；"
            f"已审批或已拨付的批次不允许任何修改"
        )


def approve(
    s: Session,
    batch_id: int,
    preparer: str | None,
    reviewer: str | None,
    overrides_version: int,
    vocab: Vocabulary,
    allow_provisional: bool = False,
    actor: str = "",
) -> None:
    # Typed names in one spelling: 张三 and 张三 with a zero-width space are one person (core.identity.names).
    preparer, reviewer = person_name(preparer), person_name(reviewer)
    if not actor:
        if not preparer or not reviewer:
            raise InvalidData("审批需填写经办人和审核人")
        if preparer == reviewer:
            raise InvalidData("经办人和审核人不能是同一人")
    batch = locked_batch(s, batch_id)
    require_draft(batch, "再次审批")
    if actor:
        preparer, reviewer = _signed_by_users(batch, preparer, reviewer, actor)
    members = _members(s, batch.id)
    if batch.calculated_at is None or not all(m.calculated for m in members):
        raise BatchLocked(f"批次{batch.id}尚未计算，请先计算再审批")
    _check_fresh(s, batch, members, overrides_version)
    if actor:
        _check_own_changes(s, batch, actor)
    _check_errors(s, members)
    if not allow_provisional:
        _check_provisional(s, batch)
    # The approval's entry seals the lines and claims it approved, not only the ledger and history rows it writes
    # from them; each is checked against its seal as it is read (a line edited in the file must not be approved as
    # it now stands), before anything is written from it.
    line_ids, total = _to_ledger(s, batch)
    _record_history(s, batch, vocab)
    _snapshot_companies(s, members)
    bump_versions(s, [m.company_id for m in members])
    batch.status, batch.preparer, batch.reviewer, batch.approved_at = APPROVED, preparer, reviewer, stamp(s)
    s.flush()
    log(
        s,
        "batch.approve",
        f"batch:{batch.id}",
        {"status": DRAFT},
        {
            "status": APPROVED,
            "preparer": preparer,
            "reviewer": reviewer,
            "lines": len(line_ids),
            "total": total,
            "allow_provisional": allow_provisional,
            "adjusts_batch_id": batch.adjusts_batch_id,
        },
    )


def _signed_by_users(batch: Batch, preparer: str, reviewer: str, actor: str) -> tuple[str, str]:
    """(preparer, reviewer) of a batch approved by the logged-in ``actor``; refuses the preparer's own batch."""
    if reviewer and reviewer != actor:
        raise InvalidData(f"审核人应为当前登录用户“{actor}”，不能代“{reviewer}”审批")
    if not batch.preparer:
        raise BatchLocked(f"批次{batch.id}不是由登录的经办人计算的，请经办人登录后重新计算，再审批")
    if preparer and preparer != batch.preparer:
        raise InvalidData(f"批次{batch.id}的经办人是“{batch.preparer}”，不是“{preparer}”")
    if actor in (batch.preparer, batch.created_by):
        did = "计算" if actor == batch.preparer else "导入"
        raise InvalidData(f"经办人和审核人不能是同一人：批次{batch.id}由“{actor}”{did}，须由其他审核人审批")
    return batch.preparer, actor


HISTORY_ACTIONS = (
    "recognition.add",
    "recognition.update",
    "recognition.delete",
    "tech_sme.add",
    "tech_sme.delete",
    "rd.set",
    "rd.delete",
    "ledger.add",
    "ledger.delete",
)
_PAYEE_LABELS = {"name": "名称", "bank_name": "开户行", "bank_account": "银行账号"}
_HISTORY = "历史记录"


def _own_changes(s: Session, batch: Batch, actor: str) -> dict[int, dict[str, tuple[int, str]]]:
    """{company id: {what: (entry seq, when)}} of the companies the batch pays whose payee fields or history
    ``actor`` changed since the company's details were last approved (the latest entry of each kind)."""
    paid = sorted(set(s.scalars(select(AwardLineRow.company_id).where(AwardLineRow.batch_id == batch.id))))
    if not paid:
        return {}
    approvals = dict(s.execute(select(AuditRow.target, AuditRow.seq).where(AuditRow.action == "batch.approve")).all())
    since: dict[int, int] = {}
    for part in chunks(paid):
        rows = s.execute(
            select(BatchCompany.company_id, BatchCompany.batch_id)
            .join(Batch)
            .where(BatchCompany.company_id.in_(part), Batch.status.in_((APPROVED, PAID)))
        )
        for company_id, batch_id in rows:
            seq = approvals.get(f"batch:{batch_id}", 0)
            since[company_id] = max(since.get(company_id, 0), seq)
    wanted = set(paid)
    first = min(since.get(c, 0) for c in paid)
    found: dict[int, dict[str, tuple[int, str]]] = {}
    q = (
        select(AuditRow.seq, AuditRow.at, AuditRow.action, AuditRow.target, AuditRow.new)
        .where(
            AuditRow.who == actor,
            AuditRow.seq > first,
            AuditRow.action.in_(("company.create", "company.update", "batch.import", *HISTORY_ACTIONS)),
        )
        .order_by(AuditRow.seq)
    )
    for seq, at, action, target, new in s.execute(q):
        for company_id, what in _companies_changed(action, target, new or {}):
            if company_id in wanted and seq > since.get(company_id, 0):
                found.setdefault(company_id, {})[what] = (seq, at)
    return found


def _companies_changed(action: str, target: str, new: dict):
    """(company id, what changed) of one audit entry, as far as payee fields and history go."""
    if action == "batch.import":
        yield from ((c, "导入时新建单位") for c in new.get("companies_created", ()))
        yield from ((c, "导入时补充" + _HISTORY) for c in new.get("history_added", ()))
        return
    kind, _, key = target.partition(":")
    if kind != "company" or not key.isdigit():
        return
    if action == "company.create":
        yield int(key), "新建单位（录入收款信息）"
    elif action == "company.update":
        fields = [_PAYEE_LABELS[f] for f in PAYEE_FIELDS if f in new]
        if fields:
            yield int(key), "修改" + "、".join(fields)
    else:
        yield int(key), "修改" + _HISTORY


def _check_own_changes(s: Session, batch: Batch, actor: str) -> None:
    found = _own_changes(s, batch, actor)
    if not found:
        return
    names = dict(s.execute(select(Company.id, Company.name).where(Company.id.in_(sorted(found)[:MAX_NAMED]))).all())
    detail = "；".join(
        f"单位“{names[c]}”："
        + "、".join(f"{what}（第{seq}条审计记录，{at.replace('T', ' ')}）" for what, (seq, at) in changes.items())
        for c, changes in sorted(found.items())[:MAX_NAMED]
    )
    more = f"等{len(found)}家" if len(found) > MAX_NAMED else ""
    raise InvalidData(
        f"审核人不能审批向自己修改过收款信息或历史记录的单位拨付的批次：“{actor}”在这些单位上次审批后"
        f"改动过{detail}{more}。批次{batch.id}须由其他审核人审批"
    )


class Member(NamedTuple):
    """What approval needs of a batch_companies row (no ORM object: a batch has thousands)."""

    id: int
    company_id: int
    calculated: bool
    history_version: int | None
    errors: str | None  # the column's JSON text


def _members(s: Session, batch_id: int) -> list[Member]:
    table = BatchCompany.__table__
    q = (
        select(table.c.id, table.c.company_id, table.c.calculated, table.c.history_version, cast(table.c.errors, Text))
        .where(table.c.batch_id == batch_id)
        .order_by(table.c.seq)
    )
    return [Member(*row) for row in s.execute(q)]


def _errors(member: Member) -> list:
    """The member's calculation errors (the JSON text is decoded only when it is not an empty list)."""
    if member.errors in (None, "[]", "null"):
        return []
    return json.loads(member.errors) or []


def _snapshot_companies(s: Session, members) -> None:
    """Keep each company's name, USCC and bank account as approved, after checking each against its seal (the
    payee is what the disbursement sheet pays)."""
    for part in chunks(members, PART):
        companies = verified(s, Company, [m.company_id for m in part], ("uscc", "name", "bank_name", "bank_account"))
        changes = {}
        for m in part:
            uscc, name, bank_name, bank_account = companies[str(m.company_id)]
            changes[m.id] = {"uscc": uscc, "company_name": name, "bank_name": bank_name, "bank_account": bank_account}
        update_checked(s, BatchCompany, changes)


def _check_fresh(s: Session, batch: Batch, members, overrides_version: int) -> None:
    if batch.overrides_version != overrides_version:
        raise Stale(f"批次{batch.id}计算后参数调整有变化，请重新计算后再审批")
    used = {m.company_id: m.history_version for m in members}
    changed = []
    for ids in chunks(sorted(used)):  # locked in id order across chunks too: no deadlock with another approval
        # Lock the companies too: on PostgreSQL a concurrent approval touching them waits for this one.
        rows = s.execute(
            select(Company.id, Company.name, Company.history_version)
            .where(Company.id.in_(ids))
            .order_by(Company.id)
            .with_for_update()
        )
        changed += [name for cid, name, version in rows if version != used[cid]]
    if changed:
        raise Stale(
            f"批次{batch.id}计算后，以下单位的资料、历史记录或已审批奖补有变化："
            f"{name_list(changed, MAX_NAMED)}；请重新计算后再审批"
        )


def _check_errors(s: Session, members) -> None:
    bad = [(m, errors) for m in members for errors in [_errors(m)] if errors]
    if not bad:
        return
    shown = [m.company_id for m, _ in bad[:MAX_NAMED]]
    names = dict(s.execute(select(Company.id, Company.name).where(Company.id.in_(shown))).all())
    detail = "；".join(f"{names[m.company_id]}：{errors[0]}" for m, errors in bad[:MAX_NAMED])
    raise BatchLocked(f"有{len(bad)}家单位的计算结果有错误，处理后重新计算才能审批（{detail}）")


def _check_provisional(s: Session, batch: Batch) -> None:
    count = s.scalar(
        select(func.count())
        .select_from(AwardLineRow)
        .where(AwardLineRow.batch_id == batch.id, AwardLineRow.provisional.is_(True))
    )
    if count:
        raise BatchLocked(
            f"批次{batch.id}有{count}条奖补依据征求意见稿测算，文件正式印发前不得审批拨付；"
            f"如确需审批，请明确选择“允许审批测算金额”"
        )


def _to_ledger(s: Session, batch: Batch) -> tuple[list[int], Decimal]:
    """Every line of the batch into the ledger (an adjustment's lines are differences: the ledger nets them),
    written a part at a time, each line checked against its seal as it is read and sealed again unchanged
    (``kept``); (the lines' ids, their total)."""
    when = stamp(s)
    note = f"调整批次{batch.adjusts_batch_id}：{batch.adjust_reason}" if batch.adjusts_batch_id else ""
    line_ids = list(
        s.scalars(select(AwardLineRow.id).where(AwardLineRow.batch_id == batch.id).order_by(AwardLineRow.line_no))
    )
    total = ZERO
    for part in chunks(line_ids, PART):
        lines = kept(s, AwardLineRow, part, ("company_id", "rule_id", "amount", "subject", "person"))
        rows = [
            dict(
                company_id=company_id,
                batch_id=batch.id,
                line_id=line_id,
                rule_id=rule_id,
                year=batch.award_year,
                amount=amount,
                subject=subject,
                person=person,
                note=note,
                recorded_at=when,
            )
            for line_id in part
            for company_id, rule_id, amount, subject, person in [lines[str(line_id)]]
        ]
        insert_many(s, LedgerRow, rows)
        total += sum((row["amount"] for row in rows), ZERO)
    return line_ids, total


_HISTORY_CLAIMS = ("recognition", "tech_sme_registration")


def _record_history(s: Session, batch: Batch, vocab: Vocabulary) -> None:
    """The batch's recognitions and tech-SME registrations become history (skipping ones already there).

    A recognition keeps its stage: a platform approved for 培育期 is recorded
    as such, and 'first time' checks do not count it as approved.

    Every claim of the batch is read here once, checked against its seal and sealed again unchanged (``kept``):
    the approval seals the claims it approved.
    """
    when = stamp(s)
    claims = ClaimRow.__table__
    wanted = (claims.c.batch_id == batch.id, claims.c.type.in_(_HISTORY_CLAIMS))
    company_ids = set(s.scalars(select(claims.c.company_id).where(*wanted).distinct()))
    index = recognition_keys(s, company_ids)
    years: set[tuple] = set()
    for ids in chunks(company_ids):
        years.update(
            map(tuple, s.execute(select(TechSmeRow.company_id, TechSmeRow.year).where(TechSmeRow.company_id.in_(ids))))
        )
    claim_ids = list(s.scalars(select(claims.c.id).where(claims.c.batch_id == batch.id).order_by(claims.c.seq)))
    for part in chunks(claim_ids, PART):
        found = kept(s, ClaimRow, part, ("company_id", "type", "claim_key", "fields"))
        recognitions, registrations = [], []
        for company_id, kind, claim_key, fields in (found[str(i)] for i in part):
            if kind not in _HISTORY_CLAIMS:
                continue
            claim, problems = decode_claim(kind, claim_key, json.loads(fields), vocab)
            if problems:
                continue
            if kind == "tech_sme_registration":
                key = (company_id, claim.get("year"))
                if key not in years:
                    registrations.append(
                        dict(
                            company_id=company_id,
                            year=key[1],
                            number=claim.get("number", ""),
                            batch_id=batch.id,
                            created_at=when,
                        )
                    )
                    years.add(key)
                continue
            rec = claim_recognition(claim)
            if index.find(company_id, rec) is None:
                new = dict(company_id=company_id, batch_id=batch.id, created_at=when, **recognition_values(rec))
                recognitions.append(new)
                index.add(StoredRecognition(**{f: new[f] for f in StoredRecognition._fields}))
        insert_many(s, RecognitionRow, recognitions)
        insert_many(s, TechSmeRow, registrations)


def mark_paid(s: Session, batch_id: int) -> None:
    batch = locked_batch(s, batch_id)
    if batch.status == DRAFT:
        raise BatchLocked(f"批次{batch.id}尚未审批，不能标记为已拨付")
    if batch.status == PAID:
        raise BatchLocked(f"批次{batch.id}已于{batch.paid_at:%Y-%m-%d}标记为已拨付")
    # What was paid is what the disbursement sheet showed: the lines and the payees kept at approval.
    verify_rows(s, AwardLineRow, s.scalars(select(AwardLineRow.id).where(AwardLineRow.batch_id == batch.id)))
    verify_rows(s, BatchCompany, s.scalars(select(BatchCompany.id).where(BatchCompany.batch_id == batch.id)))
    batch.status, batch.paid_at = PAID, stamp(s)
    s.flush()
    log(s, "batch.paid", f"batch:{batch.id}", {"status": APPROVED}, {"status": PAID, "paid_at": batch.paid_at})


def delete_draft(s: Session, batch_id: int) -> None:
    """Remove a draft batch (its claims, lines and import record); history merged by its import stays."""
    batch = locked_batch(s, batch_id)
    require_draft(batch, "删除")
    old = {
        "name": batch.name,
        "award_year": batch.award_year,
        "source_name": batch.source_name,
        "created_by": batch.created_by,
        "adjusts_batch_id": batch.adjusts_batch_id,
    }
    for model in (BatchCompany, ClaimRow, AwardLineRow, ImportLog):  # deleted with it (ON DELETE CASCADE)
        touch(s, model, s.scalars(select(model.id).where(model.batch_id == batch.id)))
    touch(s, Batch, [batch.id])
    old["lines"] = s.scalar(select(func.count()).select_from(AwardLineRow).where(AwardLineRow.batch_id == batch.id))
    s.execute(delete(Batch).where(Batch.id == batch.id))
    log(s, "batch.delete", f"batch:{batch.id}", old, None)
