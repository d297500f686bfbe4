"""Checked edits of a company's history: 认定 (recognitions), 入库 (tech SME registrations), 研发费用 (R&D years)
and the ledger of awards paid before the program was used.

Rows that the approval of a batch recorded belong to that batch and cannot be edited here. Each edit locks the
company, then the row (core.store.companies), bumps the company's history version and is logged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.model import RdYear, Recognition
from core.platform_names import ledger_problem, name_problem
from core.store.audit import log, stamp
from core.store.companies import RD_FIELDS, RECOGNITION_FIELDS, get_company, reject_problems, values_of
from core.store.errors import InvalidData, NotFound
from core.store.history import bump_versions, recognition_index, recognition_values
from core.store.models import LedgerRow, RdRow, RecognitionRow, TechSmeRow
from core.store.validate import money_problem, rd_problems, recognition_problems, year_problem
from core.vocabulary import Vocabulary

_Row = TypeVar("_Row", RecognitionRow, TechSmeRow, RdRow, LedgerRow)  # a history row
_Batched = TypeVar("_Batched", RecognitionRow, TechSmeRow)  # one an approval may have written


def add_recognition(s: Session, company_id: int, rec: Recognition, vocab: Vocabulary) -> int:
    get_company(s, company_id, lock=True)
    _check_new_recognition(s, company_id, rec, vocab)
    row = RecognitionRow(company_id=company_id, created_at=stamp(s), **recognition_values(rec))
    s.add(row)
    bump_versions(s, [company_id])
    s.flush()
    log(s, "recognition.add", f"company:{company_id}", None, {"id": row.id, **values_of(row, RECOGNITION_FIELDS)})
    return row.id


def update_recognition(s: Session, row_id: int, rec: Recognition, vocab: Vocabulary) -> None:
    row = _editable(s, RecognitionRow, row_id, "认定记录")
    _check_new_recognition(s, row.company_id, rec, vocab, ignore=row)
    old = {"id": row.id, **values_of(row, RECOGNITION_FIELDS)}
    for name, value in recognition_values(rec).items():
        setattr(row, name, value)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "recognition.update", f"company:{row.company_id}", old, {"id": row.id, **values_of(row, RECOGNITION_FIELDS)})


def _check_new_recognition(
    s: Session, company_id: int, rec: Recognition, vocab: Vocabulary, ignore: RecognitionRow | None = None
) -> None:
    reject_problems(recognition_problems(rec, vocab))
    if recognition_index(s, [company_id]).find(company_id, rec, ignore=ignore) is not None:
        number = f"（{rec.number}）" if rec.number.strip() else ""
        raise InvalidData(f"该单位已有{rec.date}的{vocab.label('recognition_kinds', rec.kind)}认定记录{number}")
    reject_problems([p for p in (name_problem(rec.kind, rec.name),) if p])


def delete_recognition(s: Session, row_id: int) -> None:
    row = _editable(s, RecognitionRow, row_id, "认定记录")
    old = {"id": row.id, **values_of(row, RECOGNITION_FIELDS)}
    s.delete(row)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "recognition.delete", f"company:{row.company_id}", old, None)


def add_tech_sme(s: Session, company_id: int, year: int, number: str = "") -> int:
    get_company(s, company_id, lock=True)
    reject_problems([p] if (p := year_problem(year, "入库年度")) else [])
    row = TechSmeRow(company_id=company_id, year=year, number=(number or "").strip(), created_at=stamp(s))
    _insert_unique(s, row, f"该单位已有{year}年度入库记录")
    bump_versions(s, [company_id])
    log(s, "tech_sme.add", f"company:{company_id}", None, {"id": row.id, "year": row.year, "number": row.number})
    return row.id


def delete_tech_sme(s: Session, row_id: int) -> None:
    row = _editable(s, TechSmeRow, row_id, "入库记录")
    old = {"id": row.id, "year": row.year, "number": row.number}
    s.delete(row)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "tech_sme.delete", f"company:{row.company_id}", old, None)


def set_rd_year(s: Session, company_id: int, rd: RdYear) -> int:
    """Add or replace the company's R&D figures of ``rd.year``."""
    get_company(s, company_id, lock=True)
    reject_problems(rd_problems(rd))
    row = s.scalar(select(RdRow).where(RdRow.company_id == company_id, RdRow.year == rd.year))
    old = None
    if row is None:
        row = RdRow(company_id=company_id, year=rd.year)
        s.add(row)
    else:
        old = values_of(row, RD_FIELDS)
        if old == {
            "year": rd.year,
            "expense": rd.expense,
            "super_deduction": rd.super_deduction,
            "deducted": rd.deducted,
            "revenue": rd.revenue,
        }:
            return row.id
    row.expense, row.super_deduction = rd.expense, rd.super_deduction
    row.deducted, row.revenue = rd.deducted, rd.revenue
    row.updated_at = stamp(s)
    bump_versions(s, [company_id])
    s.flush()
    log(s, "rd.set", f"company:{company_id}", old, {"id": row.id, **values_of(row, RD_FIELDS)})
    return row.id


def delete_rd_year(s: Session, row_id: int) -> None:
    row = _locked(s, RdRow, row_id, "研发费用记录")
    old = {"id": row.id, **values_of(row, RD_FIELDS)}
    s.delete(row)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "rd.delete", f"company:{row.company_id}", old, None)


def add_ledger_entry(
    s: Session,
    company_id: int,
    rule_id: str,
    year: int,
    amount: Decimal,
    subject: str = "",
    person: str = "",
    note: str = "",
) -> int:
    """An award paid before the program was used, typed in from the paper records."""
    get_company(s, company_id, lock=True)
    problems = [p for p in (year_problem(year, "兑现年度"), money_problem(amount, "金额")) if p]
    if not (rule_id or "").strip():
        problems.append("请填写规则编号")
    if not (note or "").strip():
        problems.append("请注明来源（如原拨付文件）")
    problems += [p for p in (ledger_problem((rule_id or "").strip(), subject),) if p]
    reject_problems(problems)
    row = LedgerRow(
        company_id=company_id,
        batch_id=None,
        line_id=None,
        rule_id=rule_id.strip(),
        year=year,
        amount=amount,
        subject=subject.strip(),
        person=person.strip(),
        note=note.strip(),
        recorded_at=stamp(s),
    )
    s.add(row)
    bump_versions(s, [company_id])
    s.flush()
    log(s, "ledger.add", f"company:{company_id}", None, {"id": row.id, **values_of(row, LEDGER_FIELDS)})
    return row.id


LEDGER_FIELDS = ("rule_id", "year", "amount", "subject", "person", "note")


def delete_ledger_entry(s: Session, row_id: int) -> None:
    row = _locked(s, LedgerRow, row_id, "台账记录")
    if row.batch_id is not None:
        raise InvalidData(f"该笔奖补由批次{row.batch_id}审批写入台账，不能删除")
    old = {"id": row.id, **values_of(row, LEDGER_FIELDS)}
    s.delete(row)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "ledger.delete", f"company:{row.company_id}", old, None)


def _locked(s: Session, model: type[_Row], row_id: int, what: str) -> _Row:
    """A history row to change, after locking its company and then the row itself (read again under the lock)."""
    row = s.get(model, row_id)
    if row is not None:
        get_company(s, row.company_id, lock=True)
        row = s.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"找不到{what}{row_id}")
    return row


def _editable(s: Session, model: type[_Batched], row_id: int, what: str) -> _Batched:
    row = _locked(s, model, row_id, what)
    if row.batch_id is not None:
        raise InvalidData(f"该{what}由批次{row.batch_id}审批时写入，不能修改或删除")
    return row


def _insert_unique(s: Session, row: object, message: str) -> None:
    """Insert, reporting a unique-key clash as the clerk's message (the edit's transaction is then rolled back)."""
    s.add(row)
    try:
        s.flush()
    except IntegrityError:
        raise InvalidData(message) from None
