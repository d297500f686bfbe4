"""Companies: the register (search returning ids first, rows on demand) and checked edits of a company's profile.

Search returns only ids so a screen can hold 100,000 matches and fetch the
rows it shows (``rows``) as the user scrolls. A company's page is built by
core.store.company_detail; its history (认定, 入库, 研发费用, 台账) is edited
through core.store.company_history.

Every edit locks the company row first (``SELECT … FOR UPDATE`` on a server),
then the history row it changes: two clerks editing one company take turns,
each reading what the other committed (no update lost, the log's old → new
unbroken), and always in the order imports and approvals lock (company, then
its history), so they cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from core.records import CompanyProfile
from core.store.audit import log, stamp
from core.store.errors import InvalidData, NotFound
from core.store.history import bump_versions, chunks
from core.store.models import Company, RecognitionRow, TechSmeRow
from core.store.searchkey import normalize, search_key
from core.store.validate import profile_problems
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
    order: str = "name"  # the column the list is sorted by (one of SORTABLE), then by name
    descending: bool = False
    order_keys: tuple[str, ...] = ()  # a coded column's codes (盟市, 规模) in the order their labels are listed


SORTABLE = ("name", "uscc", "city", "county", "size", "industry")


def company_row(c: Company) -> CompanyRow:
    return CompanyRow(c.id, *(getattr(c, f) for f in PROFILE_FIELDS))


def get_company(s: Session, company_id: int, lock: bool = False) -> Company:
    c = s.get(Company, company_id, with_for_update=True if lock else None)
    if c is None:
        raise NotFound(f"找不到单位{company_id}")
    return c


# ---------------------------------------------------------------- search


def search(s: Session, f: CompanyFilter) -> list[int]:
    """Ids of matching companies, ordered by ``f.order`` (by name by default), then by name and id.

    The order is the database's, so a list of 100,000 companies is sorted without reading them."""
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
        q = q.where(
            Company.id.in_(
                select(RecognitionRow.company_id).where(
                    RecognitionRow.kind == f.holds_valid,
                    RecognitionRow.date <= day,
                    RecognitionRow.date > _years_before(day, f.valid_years),
                )
            )
        )
    if f.tech_sme_year is not None:
        q = q.where(Company.id.in_(select(TechSmeRow.company_id).where(TechSmeRow.year == f.tech_sme_year)))
    return list(s.scalars(q.order_by(*_order(f), Company.name, Company.id)))


def _order(f: CompanyFilter) -> list:
    if f.order not in SORTABLE or f.order == "name":
        return [Company.name.desc()] if f.descending else []
    column = getattr(Company, f.order)
    key = (
        case({k: i for i, k in enumerate(f.order_keys)}, value=column, else_=len(f.order_keys))
        if f.order_keys
        else column
    )
    return [key.desc() if f.descending else key]


def _years_before(day: dt.date, years: int) -> dt.date:
    """The date ``years`` before ``day``; a certificate dated after it is still valid on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rows(s: Session, ids: Iterable[int]) -> list[CompanyRow]:
    """The companies with these ids, in the order given (unknown ids are left out)."""
    ids = list(ids)
    found = {}
    for part in chunks(ids):
        found.update({c.id: company_row(c) for c in s.scalars(select(Company).where(Company.id.in_(part)))})
    return [found[i] for i in ids if i in found]


def counties(s: Session, city: str | None = None) -> list[str]:
    """The 旗县区 written on companies (of ``city``), for a filter's choices."""
    q = select(Company.county).where(Company.county != "").distinct()
    if city:
        q = q.where(Company.city == city)
    return sorted(s.scalars(q))


def existing_usccs(s: Session, usccs: Iterable[str]) -> set[str]:
    """Which of ``usccs`` the store has a company for (one query per thousand, not one per code)."""
    found: set[str] = set()
    for part in chunks(list(dict.fromkeys(usccs))):
        found.update(s.scalars(select(Company.uscc).where(Company.uscc.in_(part))))
    return found


def company_id_for(s: Session, uscc: str) -> int | None:
    return s.scalar(select(Company.id).where(Company.uscc == uscc))


# ---------------------------------------------------------------- edits


def reject_problems(problems: list[str]) -> None:
    if problems:
        raise InvalidData("；".join(problems))


def new_company_row(profile: CompanyProfile, at: dt.datetime) -> Company:
    """A companies row for a checked profile (not yet added to a session), created ``at``."""
    return Company(**new_company_values(profile, at=at))


def new_company_values(profile: CompanyProfile, history_version: int = 1, *, at: dt.datetime) -> dict:
    """The column values of a new companies row for a checked profile (core.store.imports writes them in bulk),
    created ``at`` (the writing transaction's audit.stamp)."""
    return {
        **{f: getattr(profile, f).strip() for f in PROFILE_FIELDS},
        "search_key": search_key(profile.name, profile.uscc),
        "history_version": history_version,
        "created_at": at,
        "updated_at": at,
    }


def add_company(s: Session, profile: CompanyProfile, vocab: Vocabulary) -> int:
    reject_problems(profile_problems(profile, vocab))
    if company_id_for(s, profile.uscc) is not None:
        raise InvalidData(f"统一社会信用代码{profile.uscc}已有单位")
    row = new_company_row(profile, stamp(s))
    s.add(row)
    s.flush()
    log(s, "company.create", f"company:{row.id}", None, values_of(row, PROFILE_FIELDS))
    return row.id


def values_of(row: object, names: Iterable[str]) -> dict:
    """Column values of a row, for an audit entry."""
    return {n: getattr(row, n) for n in names}


RECOGNITION_FIELDS = ("kind", "level", "date", "number", "issued_in", "name", "stage")
RD_FIELDS = ("year", "expense", "super_deduction", "deducted", "revenue")


def update_company(s: Session, company_id: int, changes: dict, vocab: Vocabulary) -> None:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidData(f"单位资料没有这些字段：{'、'.join(sorted(unknown))}")
    c = get_company(s, company_id, lock=True)
    merged = CompanyProfile(**{f: changes.get(f, getattr(c, f)) for f in PROFILE_FIELDS})
    reject_problems(profile_problems(merged, vocab))
    if merged.uscc != c.uscc and company_id_for(s, merged.uscc) is not None:
        raise InvalidData(f"统一社会信用代码{merged.uscc}已有单位")
    changed = [f for f in PROFILE_FIELDS if getattr(merged, f).strip() != getattr(c, f)]
    if not changed:
        return
    old = values_of(c, changed)
    for f in changed:
        setattr(c, f, getattr(merged, f).strip())
    c.search_key = search_key(c.name, c.uscc)
    c.updated_at = stamp(s)
    bump_versions(s, [c.id])
    s.flush()
    log(s, "company.update", f"company:{c.id}", old, values_of(c, changed))
