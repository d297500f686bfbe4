"""Company cases for the engine benchmark and the engine's golden test: the sample workbook's mix scaled up.

Company ``i`` is a copy of the sample workbook's company ``i % 30`` (申报样例.xlsx:
26 recognitions of 17 kinds, R&D, tech-SME, contracts, transfer services,
purchases, sharing, prizes, entered amounts ... in three cities) with its own
USCC, and its names, numbers and projects marked with ``i`` so that no two
copies share a subject.

``earlier=True`` gives every copy an approved batch of the year before: the
same claims one year earlier (``History.claims``), the recognitions and
registrations approval records from them, and ledger entries of what the
engine awarded for them then. This year's contracts, projects and platforms
then meet what was approved for them before (issue 12's counting per key).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.model import Claim, Company, CompanyCase, History, LedgerEntry, claim_recognition
from core.uscc import check_character

_MARKED = ("number", "name", "project", "person_id", "subject")  # text fields that tell one subject from another
_YEARS = ("year", "rd_year")


def sample_data():
    from core.excel.reader import read_workbook
    from core.paths import RESOURCES

    return read_workbook(RESOURCES / "samples" / "申报样例.xlsx")


def sample_cases(data) -> list[CompanyCase]:
    """The sample workbook's companies as the engine sees them (no ledger: the workbook brings none)."""
    out = []
    for p in data.companies:
        recs = tuple(r for u, r in data.recognitions if u == p.uscc)
        years = frozenset(y for u, y in data.tech_sme if u == p.uscc)
        rd = {r.year: r for u, r in data.rd if u == p.uscc}
        claims = tuple(c for u, c in data.claims if u == p.uscc)
        company = Company(p.uscc, p.name, p.city, p.county, p.size, p.industry)
        out.append(CompanyCase(company, History(recs, years, rd, ()), claims))
    return out


def _uscc(i: int) -> str:
    first17 = f"9115{i:08d}MA0"[:17]
    return first17 + check_character(first17)


def _marked(claim: Claim, i: int) -> Claim:
    fields = dict(claim.fields)
    for name in _MARKED:
        if fields.get(name):
            fields[name] = f"{fields[name]}-{i}"
    return Claim(claim.type, claim.id, fields, claim.date)


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _shifted(claim: Claim) -> Claim:
    """The claim as it was made one year earlier."""
    fields = dict(claim.fields)
    for name, value in fields.items():
        if isinstance(value, dt.date):
            fields[name] = _year_earlier(value)
        elif name in _YEARS and isinstance(value, int):
            fields[name] = value - 1
    return Claim(claim.type, "上年" + claim.id, fields, _year_earlier(claim.date) if claim.date else None)


def _with_earlier_batch(case: CompanyCase, policies, year: int) -> CompanyCase:
    from core.engine import Context, evaluate_company

    before = tuple(_shifted(c) for c in case.claims)
    h = case.history
    result = evaluate_company(CompanyCase(case.company, h, before), Context(policies, year - 1))
    ledger = tuple(
        LedgerEntry(line.rule.id, year - 1, line.amount, line.subject, line.person, 1) for line in result.lines
    )
    recs = tuple(claim_recognition(c) for c in before if c.type == "recognition" and c.date is not None)
    sme = frozenset(c.get("year") for c in before if c.type == "tech_sme_registration")
    history = History(h.recognitions + recs, h.tech_sme_years | sme, h.rd, ledger, tuple((year - 1, c) for c in before))
    return CompanyCase(case.company, history, case.claims)


def scaled_cases(n: int, policies, earlier: bool = False, data=None) -> list[CompanyCase]:
    """``n`` companies with the sample workbook's mix (see the module's docstring)."""
    data = data or sample_data()
    base = sample_cases(data)
    out = []
    for i in range(n):
        case = base[i % len(base)]
        h = case.history
        recs = tuple(
            dataclasses.replace(r, name=f"{r.name}-{i}" if r.name else "", number=f"{r.number}-{i}" if r.number else "")
            for r in h.recognitions
        )
        company = dataclasses.replace(case.company, uscc=_uscc(i), name=f"{case.company.name}{i}")
        copy = CompanyCase(
            company, History(recs, h.tech_sme_years, h.rd, (), ()), tuple(_marked(c, i) for c in case.claims)
        )
        out.append(_with_earlier_batch(copy, policies, data.award_year) if earlier else copy)
    return out
