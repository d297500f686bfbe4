"""What the engine reads about a company, assembled from the store.

For one batch, a company's history is every recognition, registration and
R&D year recorded (imported, typed in, or recorded by the approval of an
earlier batch), and its ledger is every approved award except this batch's
own. Claims of earlier approved batches come along as ``History.claims`` so
rules can read contracts, investments, talents and ratings of past years.

"The batch's own" means its family when adjustments are involved: an
adjustment batch is calculated as if its original and the original's other
adjustments had not been approved (core.store.adjustments). The ledger rows
of one family are netted: an adjustment's differences are added to the
original's award of the same rule, year, subject and person, and an award
netted to nothing is no award.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.model import Claim, Company as EngineCompany, CompanyCase, History, LedgerEntry, RdYear, Recognition
from core.money import ZERO
from core.store.chunks import CHUNK, chunks  # noqa: F401 (imported from here by other modules)
from core.store.claimcodec import decode_claim
from core.store.idlists import among, id_sets
from core.progress import Cancelled
from core.store.models import APPROVED, PAID, Batch, ClaimRow, Company, LedgerRow, RdRow, RecognitionRow, TechSmeRow
from core.vocabulary import Vocabulary


def to_recognition(row: RecognitionRow) -> Recognition:
    return Recognition(row.kind, row.level or None, row.date, row.number, row.issued_in, row.name, row.stage)


def recognition_values(rec: Recognition) -> dict:
    """The columns of a recognitions row for ``rec`` (no level is stored as "")."""
    return {
        "kind": rec.kind,
        "level": rec.level or "",
        "date": rec.date,
        "number": rec.number.strip(),
        "issued_in": rec.issued_in.strip(),
        "name": rec.name.strip(),
        "stage": rec.stage,
    }


class RecognitionIndex:
    """A company's stored recognitions, to tell whether an incoming one is already there.

    Two records are the same recognition when kind, level, date and stage
    agree and so does the certificate number, because items recognised on one
    day (varieties of one 国审 notice) differ only by it. A record without a
    number is taken as one already there for that day; a number given later
    fills in the one record of that day that had none.
    """

    def __init__(self):
        self._slots: dict[tuple, list] = {}  # (company, kind, level, date, stage) -> rows (or StoredRecognition)

    def add(self, row) -> None:
        self._slots.setdefault((row.company_id, row.kind, row.level, row.date, row.stage), []).append(row)

    def find(self, company_id: int, rec: Recognition, *, ignore: RecognitionRow | None = None):
        slot = (company_id, rec.kind, rec.level or "", rec.date, rec.stage)
        rows = [r for r in self._slots.get(slot, ()) if r is not ignore]
        number = rec.number.strip()
        exact = [r for r in rows if r.number == number]
        if exact:
            return exact[0]
        if not number:
            return rows[0] if rows else None
        if len(rows) == 1 and not rows[0].number:
            return rows[0]
        return None


def recognition_index(s: Session, company_ids) -> RecognitionIndex:
    index = RecognitionIndex()
    for ids in chunks(company_ids):
        for row in s.scalars(select(RecognitionRow).where(RecognitionRow.company_id.in_(ids))):
            index.add(row)
    return index


class StoredRecognition(NamedTuple):
    """The columns of a recognitions row that tell it apart (RecognitionIndex), without an ORM object."""

    company_id: int
    kind: str
    level: str
    date: object
    stage: str
    number: str


def recognition_keys(s: Session, company_ids) -> RecognitionIndex:
    """The index of these companies' stored recognitions, read as plain rows (for many companies at once)."""
    index = RecognitionIndex()
    t = RecognitionRow.__table__
    q = select(*[t.c[f] for f in StoredRecognition._fields])
    for ids in chunks(company_ids):
        for row in s.execute(q.where(t.c.company_id.in_(ids))):
            index.add(StoredRecognition(*row))
    return index


def to_rd(row: RdRow) -> RdYear:
    return RdYear(row.year, row.expense, row.super_deduction, row.deducted, row.revenue)


def to_engine_company(row: Company) -> EngineCompany:
    return EngineCompany(row.uscc, row.name, row.city, row.county, row.size, row.industry)


@dataclass
class _Parts:
    recognitions: list = field(default_factory=list)
    tech_sme: set = field(default_factory=set)
    rd: dict = field(default_factory=dict)
    ledger: list = field(default_factory=list)
    claims: list = field(default_factory=list)


YIELD_PER = 500  # rows built into objects at a time, so that ``cancel`` is asked while they are


def _asking(s: Session, statement, cancel, scalars: bool = False):
    """The statement's rows, asking ``cancel()`` before each (it may also pause: gui.operations.courtesy)."""
    if cancel is None:
        yield from (s.scalars(statement) if scalars else s.execute(statement))
        return
    statement = statement.execution_options(yield_per=YIELD_PER)
    for row in s.scalars(statement) if scalars else s.execute(statement):
        if cancel():
            raise Cancelled()
        yield row


def load_histories(s: Session, company_ids, batch_id: int | None, vocab: Vocabulary, cancel=None) -> dict[int, History]:
    """{company id: History} as seen by ``batch_id`` (None: as of now, every approved award).

    ``cancel()``, if given, is asked before each row read; Cancelled is raised when it says so.
    """
    from core.store.adjustments import family

    memo: dict = {}  # decode_claim's parsed values
    own = family(s, batch_id)
    parts = {cid: _Parts() for cid in company_ids}
    for ids in id_sets(s, parts):
        for row in _asking(
            s,
            select(*_RECOGNITION_COLUMNS)
            .where(among(s, RecognitionRow.company_id, ids))
            .order_by(RecognitionRow.date, RecognitionRow.id),
            cancel,
        ):
            parts[row.company_id].recognitions.append(to_recognition(row))
        for cid, year in _asking(
            s, select(TechSmeRow.company_id, TechSmeRow.year).where(among(s, TechSmeRow.company_id, ids)), cancel
        ):
            parts[cid].tech_sme.add(year)
        for cid, year, *figures in _asking(s, select(*_RD_COLUMNS).where(among(s, RdRow.company_id, ids)), cancel):
            parts[cid].rd[year] = RdYear(year, *figures)
        ledger = (
            select(*_LEDGER_COLUMNS, Batch.adjusts_batch_id)
            .outerjoin(Batch, Batch.id == LedgerRow.batch_id)
            .where(among(s, LedgerRow.company_id, ids))
            .order_by(LedgerRow.id)
        )
        if own:
            ledger = ledger.where(or_(LedgerRow.batch_id.is_(None), LedgerRow.batch_id.not_in(own)))
        for cid, entries in _netted(_asking(s, ledger, cancel)).items():
            parts[cid].ledger.extend(entries)
        earlier = (
            select(ClaimRow.company_id, ClaimRow.type, ClaimRow.claim_key, ClaimRow.fields, Batch.award_year)
            .join(Batch, Batch.id == ClaimRow.batch_id)
            .where(among(s, ClaimRow.company_id, ids), Batch.status.in_((APPROVED, PAID)))
            .order_by(Batch.award_year, ClaimRow.batch_id, ClaimRow.seq)
        )
        if own:
            earlier = earlier.where(ClaimRow.batch_id.not_in(own))
        for cid, ctype, key, fields, year in _asking(s, earlier, cancel):
            claim, _ = decode_claim(ctype, key, fields, vocab, memo)
            parts[cid].claims.append((year, claim))
    return {
        cid: History(tuple(p.recognitions), frozenset(p.tech_sme), p.rd, tuple(p.ledger), tuple(p.claims))
        for cid, p in parts.items()
    }


# What the engine reads of each row, selected as plain columns (no ORM object per row).
_RECOGNITION_COLUMNS = (
    RecognitionRow.company_id,
    RecognitionRow.kind,
    RecognitionRow.level,
    RecognitionRow.date,
    RecognitionRow.number,
    RecognitionRow.issued_in,
    RecognitionRow.name,
    RecognitionRow.stage,
)
_RD_COLUMNS = (RdRow.company_id, RdRow.year, RdRow.expense, RdRow.super_deduction, RdRow.deducted, RdRow.revenue)
_LEDGER_COLUMNS = (
    LedgerRow.id,
    LedgerRow.company_id,
    LedgerRow.batch_id,
    LedgerRow.rule_id,
    LedgerRow.year,
    LedgerRow.subject,
    LedgerRow.person,
    LedgerRow.amount,
)


def _netted(rows) -> dict[int, list[LedgerEntry]]:
    """Ledger entries per company, the rows of one batch family summed per rule, year, subject and person.

    ``rows``: the ``_LEDGER_COLUMNS`` of each row, then its batch's ``adjusts_batch_id``. Typed-in rows (no batch)
    stay as they are; a family's award that nets to zero is left out.
    """
    groups: dict[tuple, list] = {}
    for row in rows:
        adjusts = row.adjusts_batch_id
        family = adjusts or row.batch_id
        who = family if family is not None else ("typed", row.id)
        key = (row.company_id, who, row.rule_id, row.year, row.subject, row.person)
        slot = groups.setdefault(key, [ZERO, 0])
        slot[0] += row.amount
        slot[1] += 1
    out: dict[int, list[LedgerEntry]] = {}
    for (cid, who, rule_id, year, subject, person), (amount, count) in groups.items():
        if count > 1 and amount == 0:
            continue
        batch = who if isinstance(who, int) else None
        out.setdefault(cid, []).append(LedgerEntry(rule_id, year, amount, subject, person, batch))
    return out


@dataclass
class LoadedCase:
    company_id: int
    version: int
    case: CompanyCase
    problems: list  # claims that no longer fit the vocabulary


def load_batch_cases(s: Session, batch: Batch, vocab: Vocabulary, cancel=None) -> list[LoadedCase]:
    """Every company of the batch with its history, ledger and this batch's claims, in batch order.

    ``cancel`` as for :func:`load_histories`.
    """
    members = list(batch.members)
    company_ids = [m.company_id for m in members]
    companies = {}
    for ids in chunks(company_ids):
        companies.update({c.id: c for c in s.scalars(select(Company).where(Company.id.in_(ids)))})
    histories = load_histories(s, company_ids, batch.id, vocab, cancel)
    claims: dict[int, list[Claim]] = {cid: [] for cid in company_ids}
    problems: dict[int, list[str]] = {cid: [] for cid in company_ids}
    for row in _asking(
        s, select(ClaimRow).where(ClaimRow.batch_id == batch.id).order_by(ClaimRow.seq), cancel, scalars=True
    ):
        claim, trouble = decode_claim(row.type, row.claim_key, row.fields, vocab)
        claims[row.company_id].append(claim)
        problems[row.company_id].extend(trouble)
    out = []
    for cid in company_ids:
        company = companies[cid]
        case = CompanyCase(to_engine_company(company), histories[cid], tuple(claims[cid]))
        out.append(LoadedCase(cid, company.history_version, case, problems[cid]))
    return out


def bump_versions(s: Session, company_ids) -> None:
    """Mark that what the engine reads about these companies changed (see models.Company.history_version)."""
    for ids in chunks(set(company_ids)):
        s.execute(
            update(Company)
            .where(Company.id.in_(ids))
            .values(history_version=Company.history_version + 1)
            .execution_options(synchronize_session=False)
        )
