"""Reading a calculation's companies a chunk at a time: their cases and what the write checks against.

A batch is calculated in chunks of companies (core.store.calc_run), each read
in a short transaction of its own. Evaluating a chunk alone gives what
evaluating the whole batch gives, because the engine counts per company: a
company's claims of this batch all come with it (the "split" law) and its
earlier batches come from the store (the "batches" law); nothing in
core.engine counts across companies within a batch.

Since the chunks are read at different moments, :class:`Plan` remembers what
the write must find unchanged besides each company's ``history_version``:
the batch's companies and its claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.model import Claim, Company as EngineCompany, CompanyCase
from core.progress import Cancelled
from core.store.claimcodec import decode_claim
from core.store.errors import Stale
from core.store.history import LoadedCase, load_histories
from core.store.idlists import among, id_sets
from core.store.models import BatchCompany, ClaimRow, Company
from core.vocabulary import Vocabulary

CANCELLED = "计算已取消，数据库未作任何修改"


@dataclass(frozen=True)
class Plan:
    """A draft batch as the calculation found it: its companies in batch order, and its claims' count and
    highest id (a claim added, removed or replaced changes one of them)."""

    batch_id: int
    company_ids: tuple[int, ...]
    claims: tuple[int, int | None]


def plan(s: Session, batch_id: int) -> Plan:
    ids = tuple(
        s.scalars(select(BatchCompany.company_id).where(BatchCompany.batch_id == batch_id).order_by(BatchCompany.seq))
    )
    return Plan(batch_id, ids, _claims_mark(s, batch_id))


def _claims_mark(s: Session, batch_id: int) -> tuple[int, int | None]:
    count, highest = s.execute(select(func.count(), func.max(ClaimRow.id)).where(ClaimRow.batch_id == batch_id)).one()
    return count, highest


def check_plan(s: Session, p: Plan) -> None:
    """Refuse (Stale) a write whose batch gained or lost companies or claims since the plan was read."""
    if plan(s, p.batch_id) != p:
        raise Stale("计算期间本批次的单位或申报事项有变化，计算结果未保存，请重新计算")


def load_cases(s: Session, batch_id: int, company_ids, vocab: Vocabulary, cancel=None) -> list[LoadedCase]:
    """The companies ``company_ids`` of the batch with their history, ledger and this batch's claims, in the
    order given (core.store.history.load_batch_cases for part of a batch)."""
    company_ids = list(company_ids)
    companies = {}
    for ids in id_sets(s, company_ids):
        for row in s.execute(
            select(
                Company.id,
                Company.uscc,
                Company.name,
                Company.city,
                Company.county,
                Company.size,
                Company.industry,
                Company.history_version,
            ).where(among(s, Company.id, ids))
        ):
            companies[row.id] = row
    histories = load_histories(s, company_ids, batch_id, vocab, cancel)
    claims: dict[int, list[Claim]] = {cid: [] for cid in company_ids}
    problems: dict[int, list[str]] = {cid: [] for cid in company_ids}
    memo: dict = {}  # decode_claim's parsed values
    for ids in id_sets(s, company_ids):
        for cid, ctype, key, fields in s.execute(
            select(ClaimRow.company_id, ClaimRow.type, ClaimRow.claim_key, ClaimRow.fields)
            .where(ClaimRow.batch_id == batch_id, among(s, ClaimRow.company_id, ids))
            .order_by(ClaimRow.seq)
        ):
            _ask(cancel)  # before each claim built, as load_histories asks before each row
            claim, trouble = decode_claim(ctype, key, fields, vocab, memo)
            claims[cid].append(claim)
            problems[cid].extend(trouble)
    out = []
    for cid in company_ids:
        company = companies[cid]
        engine_company = EngineCompany(
            company.uscc, company.name, company.city, company.county, company.size, company.industry
        )
        case = CompanyCase(engine_company, histories[cid], tuple(claims[cid]))
        out.append(LoadedCase(cid, company.history_version, case, problems[cid]))
    return out


def _ask(cancel) -> None:
    if cancel is not None and cancel():
        raise Cancelled(CANCELLED)
