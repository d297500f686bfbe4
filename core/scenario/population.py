"""Who a scenario is run over: a batch's claims, or every company of the store (or of a place) for a year.

A batch is read as its calculation reads it (core.store.history.load_batch_cases).

The store has no claims outside batches, so for "every company for award
year Y" the claims are what the store's history says happened in Y, as a
bureau paying without applications (免申即享) would read it:

- each recognition dated in Y becomes a recognition claim (a certificate
  issued outside the region counts as 整体迁入 from outside the region);
- a tech-SME registration for Y becomes a registration claim;
- R&D recorded for Y-1 becomes an R&D post-subsidy claim (增量 from Y-2);
- the claims of batches of award year Y that were approved are claims too
  (contracts, investments, talents ...), and what those batches paid is not
  deducted as "already awarded" (they are what is being recounted).

Those of Y's recognitions and registrations are taken out of the history the
claims are evaluated against, as a batch's own are until it is approved.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from core.model import Claim, CompanyCase, History
from core.model import Company as EngineCompany
from core.progress import Cancelled
from core.store.history import LoadedCase, load_batch_cases, load_histories
from core.store.models import Batch, Company
from core.store.reads import get_batch
from core.vocabulary import Vocabulary

if TYPE_CHECKING:
    from core.store.store import Store


@dataclass
class Population:
    label: str  # 批次12“2026年第一批” / 2026年度 呼伦贝尔市全部企业
    award_year: int
    cases: list[LoadedCase] = field(default_factory=list)
    batch_id: int | None = None

    def __len__(self) -> int:
        return len(self.cases)


def batch_population(store: Store, batch_id: int, cancel: Callable[[], bool] | None = None) -> Population:
    with store.reading() as s:
        batch = get_batch(s, batch_id)
        cases = load_batch_cases(s, batch, store.vocabulary, cancel)
        return Population(f"批次{batch.id}“{batch.name}”", batch.award_year, cases, batch.id)


def store_population(
    store: Store,
    award_year: int,
    city: str | None = None,
    county: str | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Population:
    """Every company of the store (of ``city``/``county``) with claims read from its history for ``award_year``."""
    vocab = store.vocabulary
    defaults = recognition_defaults(vocab)
    columns = (
        Company.id,
        Company.history_version,
        Company.uscc,
        Company.name,
        Company.city,
        Company.county,
        Company.size,
        Company.industry,
    )
    with store.reading() as s:
        q = select(*columns).order_by(Company.id)
        if city:
            q = q.where(Company.city == city)
        if county:
            q = q.where(Company.county == county)
        companies = s.execute(q).all()
        histories = load_histories(s, [c[0] for c in companies], None, vocab, cancel)
        year_batches = set(s.scalars(select(Batch.id).where(Batch.award_year == award_year)))
    cases = []
    for i, (cid, version, *profile) in enumerate(companies):
        if cancel is not None and i % 200 == 0 and cancel():
            raise Cancelled()
        history, claims = claims_for_year(histories[cid], award_year, year_batches, defaults)
        case = CompanyCase(EngineCompany(*profile), history, tuple(claims))
        cases.append(LoadedCase(cid, version, case, []))
    place = vocab.label("cities", city) if city else "全区"
    if county:
        place += county
    return Population(f"{award_year}年度 {place}库内全部企业（按历史记录）", award_year, cases)


def recognition_defaults(vocab: Vocabulary) -> dict:
    """The defaults a recognition claim read from a workbook gets for fields the history does not hold."""
    spec = vocab.claim_types["recognition"].fields
    return {name: f.default for name, f in spec.items() if f.default is not None}


def claims_for_year(
    history: History, year: int, year_batches: Collection[int] = frozenset(), defaults: dict | None = None
) -> tuple[History, list[Claim]]:
    """(the history the claims are evaluated against, the claims of ``year``) as the module docstring says."""
    if (
        year not in history.tech_sme_years
        and year - 1 not in history.rd
        and not any(r.date.year == year for r in history.recognitions)
        and not any(y == year for y, _ in history.claims)
        and not any(e.year == year and e.batch_id in year_batches for e in history.ledger)
    ):
        return history, []  # nothing happened in the year: the history is evaluated as it is
    batch_claims = [c for y, c in history.claims if y == year]
    from_batches = {(c.get("kind"), c.get("level"), c.date) for c in batch_claims if c.type == "recognition"}
    claims: list[Claim] = list(batch_claims)
    kept = []
    for i, rec in enumerate(history.recognitions):
        if rec.date.year != year:
            kept.append(rec)
            continue
        if (rec.kind, rec.level, rec.date) in from_batches:
            continue  # recorded by approving a batch of the year: that batch's claim is here already
        fields = dict(defaults or {})
        fields |= {
            "kind": rec.kind,
            "level": rec.level,
            "date": rec.date,
            "number": rec.number,
            "stage": rec.stage,
            "moved_in": "region" if rec.issued_in else "none",
        }
        if rec.name:
            fields["name"] = rec.name
        claims.append(Claim("recognition", f"库内认定{i + 1}", fields, rec.date))
    if year in history.tech_sme_years and not any(c.type == "tech_sme_registration" for c in batch_claims):
        claims.append(Claim("tech_sme_registration", "库内入库", {"year": year}))
    if year - 1 in history.rd and not any(c.type == "rd_post_subsidy" for c in batch_claims):
        claims.append(Claim("rd_post_subsidy", "库内研发投入", {"rd_year": year - 1}))
    ledger = tuple(e for e in history.ledger if not (e.year == year and e.batch_id in year_batches))
    rest = History(
        tuple(kept),
        history.tech_sme_years - {year},
        history.rd,
        ledger,
        tuple((y, c) for y, c in history.claims if y != year),
    )
    return rest, claims
