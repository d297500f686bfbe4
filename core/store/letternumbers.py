"""The letters' registry (core.letters.numbering.LetterRegistry): 文号 that stay, and an issue log.

Numbers follow the letters part's own rule (``assign_numbers``: the next
serials of the letter year, companies in the order of their first line), so
the store and the in-memory registry agree. They are per database, written in
the same transaction as they are given, and never change or get reused.

Numbering first checks the batch and the numbers it already holds against
their seals (a serial changed in the file would otherwise be handed out
again); every letter issued is an audit entry of its own (``letters.issue``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.store.audit import log, stamp, verify_rows
from core.store.errors import BatchLocked, InvalidData, NotFound
from core.store.models import DRAFT, Batch, BatchCompany, Company, LetterIssueRow, LetterNumberRow
from core.store.reads import batch_record, get_batch


def _approved(s: Session, batch_id: int):
    batch = get_batch(s, batch_id)
    if batch.status == DRAFT:
        raise BatchLocked(f"批次{batch.id}“{batch.name}”尚未审批，不能出具兑现通知书")
    return batch


def letter_numbers(s: Session, batch_id: int) -> dict:
    """{uscc: LetterNumber(year, serial)} for every company with a line in the batch; new ones are written."""
    from core.letters.numbering import LetterNumber, assign_numbers, letter_companies, letter_year
    from core.store.linereads import lines  # decodes traces: loads the engine's Trace

    batch = _approved(s, batch_id)
    usccs = letter_companies(lines(s, batch_id))
    ids = _company_ids(s, batch_id)
    by_id = {cid: uscc for uscc, cid in ids.items()}
    rows = s.execute(
        select(LetterNumberRow.id, LetterNumberRow.company_id, LetterNumberRow.year, LetterNumberRow.serial).where(
            LetterNumberRow.batch_id == batch_id
        )
    ).all()
    year = letter_year(batch_record(batch))
    last_id = s.scalar(
        select(LetterNumberRow.id).where(LetterNumberRow.year == year).order_by(LetterNumberRow.serial.desc()).limit(1)
    )
    verify_rows(s, Batch, [batch.id])
    verify_rows(s, LetterNumberRow, [r.id for r in rows] + ([last_id] if last_id is not None else []))
    held = {by_id.get(cid, str(cid)): LetterNumber(y, serial) for _, cid, y, serial in rows}
    last = s.scalar(select(func.max(LetterNumberRow.serial)).where(LetterNumberRow.year == year)) or 0
    new = assign_numbers(held, usccs, year, last)
    at = stamp(s)
    for uscc, number in new.items():
        s.add(
            LetterNumberRow(
                batch_id=batch_id, company_id=ids[uscc], year=number.year, serial=number.serial, assigned_at=at
            )
        )
    s.flush()
    if new:
        log(
            s,
            "letters.number",
            f"batch:{batch_id}",
            None,
            {uscc: f"〔{n.year}〕{n.serial}号" for uscc, n in new.items()},
        )
    held.update(new)
    return {uscc: held[uscc] for uscc in usccs}


def record_letter_issue(s: Session, batch_id: int, uscc: str, kind: str, who: str) -> None:
    from core.letters.numbering import ISSUE_KINDS

    if kind not in ISSUE_KINDS:
        raise InvalidData(f"未知的出具方式“{kind}”（可用：{'、'.join(ISSUE_KINDS)}）")
    _approved(s, batch_id)
    company_id = _company_ids(s, batch_id).get(uscc) or s.scalar(select(Company.id).where(Company.uscc == uscc))
    if company_id is None:
        raise NotFound(f"找不到统一社会信用代码为{uscc}的单位")
    row = LetterIssueRow(
        batch_id=batch_id, company_id=company_id, kind=kind, who=(who or "").strip()[:60], issued_at=stamp(s)
    )
    s.add(row)
    s.flush()
    log(s, "letters.issue", f"batch:{batch_id}", None, {"uscc": uscc, "kind": kind, "who": row.who})


def _company_ids(s: Session, batch_id: int) -> dict[str, int]:
    """{uscc as the batch was approved: company id} of the batch's companies."""
    rows = s.execute(
        select(BatchCompany.uscc, Company.uscc, Company.id)
        .join(Company, Company.id == BatchCompany.company_id)
        .where(BatchCompany.batch_id == batch_id)
    )
    return {kept or now_uscc: cid for kept, now_uscc, cid in rows}


def letter_issues(s: Session, batch_id: int) -> list[tuple]:
    """(uscc, company name, kind, who, when) of every letter issued for the batch, oldest first."""
    get_batch(s, batch_id)
    rows = s.execute(
        select(Company.uscc, Company.name, LetterIssueRow.kind, LetterIssueRow.who, LetterIssueRow.issued_at)
        .join(Company, Company.id == LetterIssueRow.company_id)
        .where(LetterIssueRow.batch_id == batch_id)
        .order_by(LetterIssueRow.id)
    )
    return [tuple(r) for r in rows]
