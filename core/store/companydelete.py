"""Deleting a company no batch refers to: a trial import's companies, or one entered by mistake.

A company that any batch, award line, ledger row or letter names stays (the
record of what was paid must not lose its payee); its own history (认定, 入库,
研发投入 typed in or imported) goes with it, each row deleted and logged like
a deletion by hand, then the company, in one transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.audit import log
from core.store.companies import PROFILE_FIELDS, _company
from core.store.errors import InvalidData
from core.store.models import (AwardLineRow, BatchCompany, ClaimRow, LedgerRow, LetterIssueRow, LetterNumberRow,
                               RdRow, RecognitionRow, TechSmeRow)

REFERENCES = ((BatchCompany, "批次"), (ClaimRow, "申报事项"), (AwardLineRow, "奖补明细"), (LedgerRow, "奖补台账"),
              (LetterNumberRow, "兑现通知书文号"), (LetterIssueRow, "兑现通知书出具记录"))
HISTORY = (RecognitionRow, TechSmeRow, RdRow)


def references(s: Session, company_id: int) -> list[str]:
    """What refers to the company, in the clerk's words (empty: it can be deleted)."""
    out = []
    for model, what in REFERENCES:
        batches = sorted({b for (b,) in s.execute(select(model.batch_id).where(model.company_id == company_id))
                          if b is not None} if hasattr(model, "batch_id") else set())
        found = s.scalar(select(model.id).where(model.company_id == company_id).limit(1))
        if found is not None:
            out.append(f"{what}（批次{'、'.join(map(str, batches))}）" if batches else what)
    return out


def delete_company(s: Session, company_id: int) -> str:
    """Delete the company and its history; returns its name. InvalidData when something refers to it."""
    company = _company(s, company_id, lock=True)
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

    entry = s.scalar(select(AuditRow).where(AuditRow.action == "batch.import", AuditRow.target == f"batch:{batch_id}")
                     .order_by(AuditRow.seq.desc()).limit(1))
    created = list((entry.new or {}).get("companies_created", ())) if entry is not None else []
    out = []
    for cid in created:
        elsewhere = s.scalar(select(BatchCompany.id).where(BatchCompany.company_id == cid,
                                                           BatchCompany.batch_id != batch_id).limit(1))
        ledger = s.scalar(select(LedgerRow.id).where(LedgerRow.company_id == cid).limit(1))
        if elsewhere is None and ledger is None:
            out.append(cid)
    return out
