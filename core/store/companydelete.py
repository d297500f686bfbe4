"""Deleting a company no batch refers to: a trial import's companies, or one entered by mistake.

A company that any batch, award line, ledger row or letter names stays (the
record of what was paid must not lose its payee); its own history (认定, 入库,
研发投入 typed in or imported) goes with it, each row deleted and logged like
a deletion by hand, then the company, in one transaction.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.audit import log
from core.store.companies import PROFILE_FIELDS, get_company
from core.store.errors import InvalidData
from core.store.models import (
    AwardLineRow,
    BatchCompany,
    ClaimRow,
    LedgerRow,
    LetterIssueRow,
    LetterNumberRow,
    RdRow,
    RecognitionRow,
    TechSmeRow,
)

REFERENCES = (
    (BatchCompany, "批次"),
    (ClaimRow, "申报事项"),
    (AwardLineRow, "奖补明细"),
    (LedgerRow, "奖补台账"),
    (LetterNumberRow, "兑现通知书文号"),
    (LetterIssueRow, "兑现通知书出具记录"),
)
HISTORY = (RecognitionRow, TechSmeRow, RdRow)


def references(s: Session, company_id: int) -> list[str]:
    """What refers to the company, in the clerk's words (empty: it can be deleted)."""
    out = []
    for model, what in REFERENCES:
        batches = sorted(
            {b for (b,) in s.execute(select(model.batch_id).where(model.company_id == company_id)) if b is not None}
            if hasattr(model, "batch_id")
            else set()
        )
        found = s.scalar(select(model.id).where(model.company_id == company_id).limit(1))
        if found is not None:
            out.append(f"{what}（批次{'、'.join(map(str, batches))}）" if batches else what)
    return out


def delete_company(s: Session, company_id: int) -> str:
    """Delete the company and its history; returns its name. InvalidData when something refers to it."""
    company = get_company(s, company_id, lock=True)
    refs = references(s, company_id)
    if refs:
        raise InvalidData(f"“{company.name}”有{'、'.join(refs)}，不能删除（已申报或已兑现的单位须保留）")
    removed = {}
    for model in HISTORY:
        rows = list(s.scalars(select(model).where(model.company_id == company_id)))
        for row in rows:
            s.delete(row)
        removed[model.__tablename__] = len(rows)
    old = {f: getattr(company, f) for f in PROFILE_FIELDS}
    s.flush()
    s.delete(company)
    s.flush()
    log(s, "company.delete", f"company:{company_id}", {**old, "history_rows": sum(removed.values())}, None)
    return old["name"]


def only_in_import(s: Session, batch_id: int) -> list[int]:
    """Companies a batch's import created that no other batch refers to (deletable once the batch is gone)."""
    from core.store.models import AuditRow

    entry = s.scalar(
        select(AuditRow)
        .where(AuditRow.action == "batch.import", AuditRow.target == f"batch:{batch_id}")
        .order_by(AuditRow.seq.desc())
        .limit(1)
    )
    created = list((entry.new or {}).get("companies_created", ())) if entry is not None else []
    out = []
    for cid in created:
        elsewhere = s.scalar(
            select(BatchCompany.id).where(BatchCompany.company_id == cid, BatchCompany.batch_id != batch_id).limit(1)
        )
        ledger = s.scalar(select(LedgerRow.id).where(LedgerRow.company_id == cid).limit(1))
        if elsewhere is None and ledger is None:
            out.append(cid)
    return out


# the columns that make a history row the same fact (the tables' unique keys without company_id)
HistoryRow = RecognitionRow | TechSmeRow | RdRow
SAME: dict[type[HistoryRow], tuple[str, ...]] = {
    RecognitionRow: ("kind", "level", "date", "stage", "number"),
    TechSmeRow: ("year",),
    RdRow: ("year",),
}


def merge_company(s: Session, source_id: int, into_id: int) -> dict:
    """Merge a duplicate company (``source``, typed in twice or under a wrong code) into ``into``.

    The duplicate must be one no batch refers to (its batches deleted first, or never imported): its history
    rows move to ``into``, a row ``into`` already holds (the same certificate, the same year) is dropped as
    a duplicate (``into``'s own stays), and the duplicate is deleted. Returns what was moved and dropped.
    """
    if source_id == into_id:
        raise InvalidData("不能把企业合并到它自己")
    source = get_company(s, source_id, lock=True)
    get_company(s, into_id, lock=True)  # there, and locked while its history grows
    refs = references(s, source_id)
    if refs:
        raise InvalidData(
            f"“{source.name}”有{'、'.join(refs)}，不能合并到其他企业（已申报或已兑现的企业须保留）；"
            f"可反过来把其他企业合并到它"
        )
    moved, dropped = 0, 0
    for model, keys in SAME.items():
        held = {tuple(getattr(r, k) for k in keys) for r in s.scalars(select(model).where(model.company_id == into_id))}
        rows = cast(list[HistoryRow], list(s.scalars(select(model).where(model.company_id == source_id))))
        for row in rows:
            if tuple(getattr(row, k) for k in keys) in held:
                s.delete(row)
                dropped += 1
            else:
                row.company_id = into_id
                moved += 1
    s.flush()
    from core.store.history import bump_versions

    bump_versions(s, [into_id])
    summary = {"merged_from": f"{source.name}（{source.uscc}）", "moved_rows": moved, "dropped_rows": dropped}
    old = {f: getattr(source, f) for f in PROFILE_FIELDS}
    s.delete(source)
    s.flush()
    log(s, "company.merge", f"company:{into_id}", {**old, "id": source_id}, summary)
    return summary
