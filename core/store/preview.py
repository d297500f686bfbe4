"""Before a workbook is imported: which of its claims are about subjects awarded before, as the engine says.

The import screen and ``main.py import`` list, per claim, what the ledger
shows paid for its subject (which batch, which year, how much) and what the
rule would pay now. Nothing here works that out again: the companies the
workbook names are evaluated by the engine against their stored history, as
the import would leave it (the workbook's profiles and history records merged
in), and the engine's structured ``earlier`` of each line and exclusion is
reported. Only companies with a ledger entry or an earlier approved claim are
evaluated; for the others there is nothing to find.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.engine import Context, evaluate_company
from core.model import Company as EngineCompany, CompanyCase, History
from core.records import ImportData, PaidBefore
from core.progress import Cancelled
from core.store.history import chunks, load_histories, to_engine_company
from core.store.models import Company
from core.vocabulary import Vocabulary


def cases_to_check(s: Session, data: ImportData, vocab: Vocabulary, cancel=None) -> list[CompanyCase]:
    """The workbook's companies that have something awarded before, each with its claims and merged history."""
    claims: dict[str, list] = {}
    for uscc, claim in data.claims:
        claims.setdefault(uscc, []).append(claim)
    rows: dict[str, Company] = {}
    for part in chunks(claims):
        rows.update({c.uscc: c for c in s.scalars(select(Company).where(Company.uscc.in_(part)))})
    histories = load_histories(s, [c.id for c in rows.values()], None, vocab, cancel)
    profiles = {p.uscc: p for p in data.companies}
    out = []
    for uscc, row in rows.items():
        history = histories[row.id]
        if not history.ledger and not history.claims:
            continue
        p = profiles.get(uscc)
        company = (
            EngineCompany(uscc, p.name, p.city, p.county, p.size, p.industry)
            if p is not None
            else to_engine_company(row)
        )
        out.append(CompanyCase(company, _merged(history, data, uscc), tuple(claims[uscc])))
    return out


def _merged(history: History, data: ImportData, uscc: str) -> History:
    """``history`` with the workbook's history records of the company added, as the import will merge them."""
    have = {(r.kind, r.level or None, r.date, r.stage, r.number.strip()) for r in history.recognitions}
    recognitions = list(history.recognitions)
    for u, rec in data.recognitions:
        key = (rec.kind, rec.level or None, rec.date, rec.stage, rec.number.strip())
        if u == uscc and key not in have:
            recognitions.append(rec)
            have.add(key)
    years = set(history.tech_sme_years) | {y for u, y in data.tech_sme if u == uscc}
    rd = dict(history.rd)
    rd.update({r.year: r for u, r in data.rd if u == uscc})
    return History(
        tuple(sorted(recognitions, key=lambda r: r.date)), frozenset(years), rd, history.ledger, history.claims
    )


def paid_before(cases: list[CompanyCase], ctx: Context, cancel=None) -> list[PaidBefore]:
    """Per award line or exclusion that met something awarded before: the claims, the rule and what was found."""
    out = []
    for case in cases:
        if cancel is not None and cancel():
            raise Cancelled()
        try:
            result = evaluate_company(case, ctx)
        except Exception:  # the calculation will report it; the import summary goes on without it
            continue
        c = case.company
        for line in result.lines:
            if line.earlier is not None:
                out.append(_found(c, line.claim_ids or (line.claim_id,), line.rule, line.earlier, line.amount, ""))
        for e in result.excluded:
            if e.earlier is not None:
                out.append(_found(c, (e.claim_id,), e.rule, e.earlier, None, e.reason))
    return out


def _found(company, claim_ids, rule, earlier, amount, reason) -> PaidBefore:
    doc = rule.document
    number = f"（{doc.doc_number}）" if doc.doc_number else ""
    return PaidBefore(
        company.uscc,
        company.name,
        tuple(claim_ids),
        rule.id,
        f"《{doc.title}》{number}{rule.clause}",
        rule.summary,
        earlier.to_json(),
        amount,
        reason,
    )
