"""目标监测: how many valid high-tech enterprises and registered tech SMEs the store holds, by place and year,
against the targets the policy documents set.

- 有效期内高新技术企业 in year Y: a company holding a high-tech certificate on
  31 December of Y that is less than 3 years old (a certificate is valid for
  three years from its date).
- 入库科技型中小企业 in year Y: a company registered as a tech SME for Y.

Counts are the store's (what the bureau has recorded), not official
statistics; the screen says so. A target's ``scope`` is a city key or
``region``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

METRICS = {
    "hte_count": "有效期内高新技术企业",
    "tech_sme_count": "入库科技型中小企业",
}
REGION = "region"
HTE_VALID_YEARS = 3
FIRST_YEAR = 2020


@dataclass
class YearRow:
    year: int
    actual: int
    target: Decimal | None = None
    baseline: Decimal | None = None

    @property
    def reached(self) -> Decimal | None:
        """actual / target (None without a target)."""
        if self.target is None or self.target <= 0:
            return None
        return Decimal(self.actual) / self.target


@dataclass
class TargetSeries:
    metric: str
    scope: str
    rows: list = field(default_factory=list)  # YearRow, oldest first
    sources: list = field(default_factory=list)  # (citation and clause, sentence) of the targets used

    @property
    def label(self) -> str:
        return METRICS[self.metric]

    @property
    def has_targets(self) -> bool:
        return any(r.target is not None for r in self.rows)


def targets_for(policies, metric: str, scope: str) -> list:
    return [t for t in policies.targets.values() if t.metric == metric and t.scope == scope]


def years_for(policies, metric: str, scope: str, today: dt.date | None = None) -> list[int]:
    """From 2020 (or the earliest year a target or baseline names) to this year or the last target year."""
    years = {y for t in targets_for(policies, metric, scope) for y in (*t.values, *t.baseline)}
    last = max([(today or dt.date.today()).year, *years])
    first = min([FIRST_YEAR, *years])
    return list(range(first, last + 1))


def count(store, metric: str, scope: str, year: int) -> int:
    """How many companies (of ``scope``: a city key, or ``region`` for all) count for ``metric`` in ``year``."""
    from core.store.companies import CompanyFilter

    city = None if scope == REGION else scope
    if metric == "hte_count":
        f = CompanyFilter(city=city, holds_valid="high_tech", valid_years=HTE_VALID_YEARS, as_of=dt.date(year, 12, 31))
    elif metric == "tech_sme_count":
        f = CompanyFilter(city=city, tech_sme_year=year)
    else:
        raise ValueError(f"无法统计的指标：{metric}")
    return len(store.search_companies(f))


def series(store, policies, metric: str, scope: str, years=None, cancel=None) -> TargetSeries:
    """Counts by year with the targets and baselines of the documents for ``scope``."""
    years = list(years) if years is not None else years_for(policies, metric, scope)
    found = targets_for(policies, metric, scope)
    out = TargetSeries(metric, scope)
    for t in found:
        out.sources.append((f"{t.document.citation}{t.clause}", t.sentence))
    for year in years:
        if cancel is not None and cancel():
            from core.progress import Cancelled

            raise Cancelled()
        row = YearRow(year, count(store, metric, scope, year))
        for t in found:
            if year in t.values:
                row.target = Decimal(t.values[year].value)
            if year in t.baseline:
                row.baseline = Decimal(t.baseline[year].value)
        out.rows.append(row)
    return out
