"""Companies: search (ids first, rows on demand), detail with timeline, and checked edits.

Search returns only ids so a screen can hold 100,000 matches and fetch the
rows it shows (``rows``) as the user scrolls. Rows of history that the
approval of a batch recorded belong to that batch and cannot be edited here.

Every edit locks the company row first (``SELECT … FOR UPDATE`` on a server),
then the history row it changes: two clerks editing one company take turns,
each reading what the other committed (no update lost, the log's old → new
unbroken), and always in the order imports and approvals lock (company, then
its history), so they cannot deadlock.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.model import Claim, RdYear, Recognition
from core.records import CompanyProfile
from core.store.audit import log
from core.store.claimcodec import decode_claim
from core.store.errors import InvalidData, NotFound
from core.store.history import (bump_versions, chunks, recognition_index, recognition_values, to_rd,
                                to_recognition)
from core.store.models import (APPROVED, BATCH_STATUS_LABELS, PAID, AwardLineRow, Batch, ClaimRow, Company, LedgerRow,
                               RdRow, RecognitionRow, TechSmeRow, now)
from core.store.searchkey import normalize, search_key
from core.store.validate import money_problem, profile_problems, rd_problems, recognition_problems, year_problem
from core.vocabulary import Vocabulary

PROFILE_FIELDS = ("uscc", "name", "city", "county", "size", "industry", "bank_name", "bank_account", "contact", "phone")
PAYEE_FIELDS = ("name", "bank_name", "bank_account")  # who is paid: a change is a maker-checker fact (approval)


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class CompanyRow:
    id: int
    uscc: str
    name: str
    city: str
    county: str
    size: str
    industry: str
    bank_name: str
    bank_account: str
    contact: str
    phone: str

    @property
    def profile(self) -> CompanyProfile:
        return CompanyProfile(**{f: getattr(self, f) for f in PROFILE_FIELDS})


@dataclass(frozen=True)
class CompanyFilter:
    """What the company list filters on; empty fields do not filter.

    ``holds_valid`` is a recognition kind (``high_tech``) the company must hold
    on ``as_of`` (default today), counting a certificate valid for
    ``valid_years`` from its date.
    """

    text: str = ""  # part of the name or the USCC
    city: str | None = None
    county: str | None = None
    size: str | None = None
    holds_valid: str | None = None
    valid_years: int = 3
    as_of: dt.date | None = None
    tech_sme_year: int | None = None  # registered as a tech SME in this year


@dataclass(frozen=True)
class RecognitionItem:
    id: int
    recognition: Recognition
    batch_id: int | None  # the approved batch that recorded it; None = imported or typed in

    @property
    def editable(self) -> bool:
        return self.batch_id is None


@dataclass(frozen=True)
class TechSmeItem:
    id: int
    year: int
    number: str
    batch_id: int | None

    @property
    def editable(self) -> bool:
        return self.batch_id is None


@dataclass(frozen=True)
class RdItem:
    id: int
    rd: RdYear


@dataclass(frozen=True)
class AwardItem:
    """An approved award in the ledger."""

    id: int
    year: int
    rule_id: str
    amount: Decimal
    subject: str
    batch_id: int | None  # None = typed in from the paper records of before the program
    batch_name: str
    status: str  # approved | paid | "" for typed-in awards
    basis: str  # 《document》clause, from the line's snapshot
    note: str


@dataclass(frozen=True)
class EarlierClaim:
    batch_id: int
    batch_name: str
    award_year: int
    status: str
    claim: Claim


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    kind: str  # recognition | tech_sme | rd | award | claim
    text: str


@dataclass(frozen=True)
class CompanyDetail:
    company: CompanyRow
    recognitions: tuple
    tech_sme: tuple
    rd: tuple
    awards: tuple
    claims: tuple  # EarlierClaim of approved and paid batches
    timeline: tuple


def _row(c: Company) -> CompanyRow:
    return CompanyRow(c.id, *(getattr(c, f) for f in PROFILE_FIELDS))


def _company(s: Session, company_id: int, lock: bool = False) -> Company:
    c = s.get(Company, company_id, with_for_update=True if lock else None)
    if c is None:
        raise NotFound(f"找不到单位{company_id}")
    return c


# ---------------------------------------------------------------- search

def search(s: Session, f: CompanyFilter) -> list[int]:
    """Ids of matching companies, ordered by name."""
    q = select(Company.id)
    key = normalize(f.text)
    if key:
        q = q.where(Company.search_key.contains(key, autoescape=True))
    for column, value in ((Company.city, f.city), (Company.county, f.county), (Company.size, f.size)):
        if value:
            q = q.where(column == value)
    # Uncorrelated IN (subquery): evaluated once through the (kind, date) / (year) index. A correlated
    # EXISTS made SQLite walk that index once per company (85 s for 100,000 companies).
    if f.holds_valid:
        day = f.as_of or dt.date.today()
        q = q.where(Company.id.in_(select(RecognitionRow.company_id).where(
            RecognitionRow.kind == f.holds_valid, RecognitionRow.date <= day,
            RecognitionRow.date > _years_before(day, f.valid_years))))
    if f.tech_sme_year is not None:
        q = q.where(Company.id.in_(select(TechSmeRow.company_id).where(TechSmeRow.year == f.tech_sme_year)))
    return list(s.scalars(q.order_by(Company.name, Company.id)))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The date ``years`` before ``day``; a certificate dated after it is still valid on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rows(s: Session, ids) -> list[CompanyRow]:
    """The companies with these ids, in the order given (unknown ids are left out)."""
    ids = list(ids)
    found = {}
    for part in chunks(ids):
        found.update({c.id: _row(c) for c in s.scalars(select(Company).where(Company.id.in_(part)))})
    return [found[i] for i in ids if i in found]


def counties(s: Session, city: str | None = None) -> list[str]:
    """The 旗县区 written on companies (of ``city``), for a filter's choices."""
    q = select(Company.county).where(Company.county != "").distinct()
    if city:
        q = q.where(Company.city == city)
    return sorted(s.scalars(q))


def existing_usccs(s: Session, usccs) -> set[str]:
    """Which of ``usccs`` the store has a company for (one query per thousand, not one per code)."""
    found: set[str] = set()
    for part in chunks(list(dict.fromkeys(usccs))):
        found.update(s.scalars(select(Company.uscc).where(Company.uscc.in_(part))))
    return found


def company_id_for(s: Session, uscc: str) -> int | None:
    return s.scalar(select(Company.id).where(Company.uscc == uscc))


# ---------------------------------------------------------------- detail

def detail(s: Session, company_id: int, vocab: Vocabulary) -> CompanyDetail:
    c = _company(s, company_id)
    recs = tuple(RecognitionItem(r.id, to_recognition(r), r.batch_id) for r in s.scalars(
        select(RecognitionRow).where(RecognitionRow.company_id == c.id)
        .order_by(RecognitionRow.date, RecognitionRow.id)))
    smes = tuple(TechSmeItem(r.id, r.year, r.number, r.batch_id) for r in s.scalars(
        select(TechSmeRow).where(TechSmeRow.company_id == c.id).order_by(TechSmeRow.year)))
    rds = tuple(RdItem(r.id, to_rd(r)) for r in s.scalars(
        select(RdRow).where(RdRow.company_id == c.id).order_by(RdRow.year)))
    awards = tuple(_awards(s, c.id))
    claims = tuple(_earlier_claims(s, c.id, vocab))
    return CompanyDetail(_row(c), recs, smes, rds, awards, claims, _timeline(recs, smes, rds, awards, claims, vocab))


def _awards(s: Session, company_id: int):
    q = (select(LedgerRow, Batch, AwardLineRow).outerjoin(Batch, Batch.id == LedgerRow.batch_id)
         .outerjoin(AwardLineRow, AwardLineRow.id == LedgerRow.line_id)
         .where(LedgerRow.company_id == company_id).order_by(LedgerRow.year, LedgerRow.id))
    for e, b, line in s.execute(q):
        basis = ""
        if line is not None:
            number = f"（{line.doc_number}）" if line.doc_number else ""
            basis = f"《{line.document_title}》{number}{line.clause}"
        yield AwardItem(e.id, e.year, e.rule_id, e.amount, e.subject, e.batch_id, b.name if b else "",
                        b.status if b else "", basis, e.note)


def _earlier_claims(s: Session, company_id: int, vocab: Vocabulary):
    q = (select(ClaimRow, Batch).join(Batch, Batch.id == ClaimRow.batch_id)
         .where(ClaimRow.company_id == company_id, Batch.status.in_((APPROVED, PAID)))
         .order_by(Batch.award_year, Batch.id, ClaimRow.seq))
    for row, b in s.execute(q):
        claim, _ = decode_claim(row.type, row.claim_key, row.fields, vocab)
        yield EarlierClaim(b.id, b.name, b.award_year, b.status, claim)


def _timeline(recs, smes, rds, awards, claims, vocab: Vocabulary) -> tuple:
    events = []
    for item in recs:
        r = item.recognition
        level = f"（{vocab.label('levels', r.level)}）" if r.level else ""
        number = f"，证书号{r.number}" if r.number else ""
        where = f"，{r.issued_in}取得" if r.issued_in else ""
        events.append(TimelineEvent(r.date, "recognition",
                                    f"获{vocab.label('recognition_kinds', r.kind)}{level}认定{number}{where}"))
    for item in smes:
        events.append(TimelineEvent(dt.date(item.year, 1, 1), "tech_sme", f"{item.year}年度入库科技型中小企业"))
    for item in rds:
        rd = item.rd
        deduction = "，享受加计扣除" if rd.super_deduction else ""
        events.append(TimelineEvent(dt.date(rd.year, 12, 31), "rd", f"{rd.year}年度研发费用{rd.expense:,.2f}元{deduction}"))
    for a in awards:
        where = f"（{a.batch_name}，{BATCH_STATUS_LABELS.get(a.status, a.status)}）" if a.batch_id else "（历史台账录入）"
        events.append(TimelineEvent(dt.date(a.year, 12, 31), "award",
                                    f"{a.year}年度兑现{a.basis or a.rule_id}奖补{a.amount:,.2f}元{where}"))
    for e in claims:
        if e.claim.type in ("recognition", "tech_sme_registration"):
            continue  # already shown as history
        label = vocab.claim_types[e.claim.type].label if e.claim.type in vocab.claim_types else e.claim.type
        day = e.claim.date or dt.date(e.award_year, 1, 1)
        events.append(TimelineEvent(day, "claim", f"申报{label}（{e.batch_name}）"))
    return tuple(sorted(events, key=lambda ev: (ev.date, ev.kind)))


# ---------------------------------------------------------------- edits

def _invalid(problems: list[str]) -> None:
    if problems:
        raise InvalidData("；".join(problems))


def new_company_row(profile: CompanyProfile) -> Company:
    """A companies row for a checked profile (not yet added to a session)."""
    return Company(**new_company_values(profile))


def new_company_values(profile: CompanyProfile, history_version: int = 1) -> dict:
    """The column values of a new companies row for a checked profile (core.store.imports writes them in bulk)."""
    stamp = now()
    return {**{f: getattr(profile, f).strip() for f in PROFILE_FIELDS},
            "search_key": search_key(profile.name, profile.uscc), "history_version": history_version,
            "created_at": stamp, "updated_at": stamp}


def add_company(s: Session, profile: CompanyProfile, vocab: Vocabulary) -> int:
    _invalid(profile_problems(profile, vocab))
    if company_id_for(s, profile.uscc) is not None:
        raise InvalidData(f"统一社会信用代码{profile.uscc}已有单位")
    row = new_company_row(profile)
    s.add(row)
    s.flush()
    log(s, "company.create", f"company:{row.id}", None, values_of(row, PROFILE_FIELDS))
    return row.id


def values_of(row, names) -> dict:
    """Column values of a row, for an audit entry."""
    return {n: getattr(row, n) for n in names}


RECOGNITION_FIELDS = ("kind", "level", "date", "number", "issued_in", "name", "stage")
RD_FIELDS = ("year", "expense", "super_deduction", "deducted", "revenue")


def update_company(s: Session, company_id: int, changes: dict, vocab: Vocabulary) -> None:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidData(f"单位资料没有这些字段：{'、'.join(sorted(unknown))}")
    c = _company(s, company_id, lock=True)
    merged = CompanyProfile(**{f: changes.get(f, getattr(c, f)) for f in PROFILE_FIELDS})
    _invalid(profile_problems(merged, vocab))
    if merged.uscc != c.uscc and company_id_for(s, merged.uscc) is not None:
        raise InvalidData(f"统一社会信用代码{merged.uscc}已有单位")
    changed = [f for f in PROFILE_FIELDS if getattr(merged, f).strip() != getattr(c, f)]
    if not changed:
        return
    old = values_of(c, changed)
    for f in changed:
        setattr(c, f, getattr(merged, f).strip())
    c.search_key = search_key(c.name, c.uscc)
    c.updated_at = now()
    bump_versions(s, [c.id])
    s.flush()
    log(s, "company.update", f"company:{c.id}", old, values_of(c, changed))


def add_recognition(s: Session, company_id: int, rec: Recognition, vocab: Vocabulary) -> int:
    _company(s, company_id, lock=True)
    _check_new_recognition(s, company_id, rec, vocab)
    row = RecognitionRow(company_id=company_id, created_at=now(), **recognition_values(rec))
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


def _check_new_recognition(s: Session, company_id: int, rec: Recognition, vocab: Vocabulary, ignore=None) -> None:
    _invalid(recognition_problems(rec, vocab))
    if recognition_index(s, [company_id]).find(company_id, rec, ignore=ignore) is not None:
        number = f"（{rec.number}）" if rec.number.strip() else ""
        raise InvalidData(f"该单位已有{rec.date}的{vocab.label('recognition_kinds', rec.kind)}认定记录{number}")


def delete_recognition(s: Session, row_id: int) -> None:
    row = _editable(s, RecognitionRow, row_id, "认定记录")
    old = {"id": row.id, **values_of(row, RECOGNITION_FIELDS)}
    s.delete(row)
    bump_versions(s, [row.company_id])
    s.flush()
    log(s, "recognition.delete", f"company:{row.company_id}", old, None)


def add_tech_sme(s: Session, company_id: int, year: int, number: str = "") -> int:
    _company(s, company_id, lock=True)
    _invalid([p] if (p := year_problem(year, "入库年度")) else [])
    row = TechSmeRow(company_id=company_id, year=year, number=(number or "").strip(), created_at=now())
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
    _company(s, company_id, lock=True)
    _invalid(rd_problems(rd))
    row = s.scalar(select(RdRow).where(RdRow.company_id == company_id, RdRow.year == rd.year))
    old = None
    if row is None:
        row = RdRow(company_id=company_id, year=rd.year)
        s.add(row)
    else:
        old = values_of(row, RD_FIELDS)
        if old == {"year": rd.year, "expense": rd.expense, "super_deduction": rd.super_deduction,
                   "deducted": rd.deducted, "revenue": rd.revenue}:
            return row.id
    row.expense, row.super_deduction = rd.expense, rd.super_deduction
    row.deducted, row.revenue = rd.deducted, rd.revenue
    row.updated_at = now()
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


def add_ledger_entry(s: Session, company_id: int, rule_id: str, year: int, amount: Decimal, subject: str = "",
                     person: str = "", note: str = "") -> int:
    """An award paid before the program was used, typed in from the paper records."""
    _company(s, company_id, lock=True)
    problems = [p for p in (year_problem(year, "兑现年度"), money_problem(amount, "金额")) if p]
    if not (rule_id or "").strip():
        problems.append("请填写规则编号")
    if not (note or "").strip():
        problems.append("请注明来源（如原拨付文件）")
    _invalid(problems)
    row = LedgerRow(company_id=company_id, batch_id=None, line_id=None, rule_id=rule_id.strip(), year=year,
                    amount=amount, subject=subject.strip(), person=person.strip(), note=note.strip(),
                    recorded_at=now())
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


def _locked(s: Session, model, row_id: int, what: str):
    """A history row to change, after locking its company and then the row itself (read again under the lock)."""
    row = s.get(model, row_id)
    if row is not None:
        _company(s, row.company_id, lock=True)
        row = s.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"找不到{what}{row_id}")
    return row


def _editable(s: Session, model, row_id: int, what: str):
    row = _locked(s, model, row_id, what)
    if row.batch_id is not None:
        raise InvalidData(f"该{what}由批次{row.batch_id}审批时写入，不能修改或删除")
    return row


def _insert_unique(s: Session, row, message: str) -> None:
    """Insert, reporting a unique-key clash as the clerk's message (the edit's transaction is then rolled back)."""
    s.add(row)
    try:
        s.flush()
    except IntegrityError:
        raise InvalidData(message) from None

