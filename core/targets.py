"""目标监测: how many valid high-tech enterprises and registered tech SMEs the store holds, by place and year,
against the targets the policy documents set.

- 有效期内高新技术企业 in year Y: a company holding a high-tech certificate on
  31 December of Y that is less than 3 years old (a certificate is valid for
  three years from its date).
- 入库科技型中小企业 in year Y: a company registered as a tech SME for Y.

Counts are the store's (what the bureau has recorded), not official
statistics; the screen says so. A target's ``scope`` is a city key or
``region``.

Beyond those two (the screen's), ``python main.py targets`` (core.targetreport)
counts the platform and zone targets of 科技兴蒙 from recorded recognitions
(``RECOGNITION_METRICS``) and names, for every other metric of the policy
files, why the store cannot give it (``NO_DATA``).
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
STORE_NOTE = (
    "库内统计：本程序数据库中已记录的企业（导入或录入的认定记录、入库记录及已审批批次），"
    "高新技术企业按证书日期起3年内有效、统计到当年12月31日；不是统计部门的正式数据。"
)

# Targets counted as units holding a recognition of this kind and level (not in cultivation) by 31 December.
RECOGNITION_METRICS = {
    "national_key_lab_count": ("key_lab", "national"),
    "regional_key_lab_count": ("key_lab", "regional"),
    "national_high_tech_zone_count": ("high_tech_zone", "national"),
    "regional_high_tech_zone_count": ("high_tech_zone", "regional"),
    "regional_transfer_zone_count": ("transfer_demo_zone", "regional"),
    "regional_transfer_agency_count": ("transfer_agency", "regional"),
}

_STATISTICS = "由统计部门核算，本程序只记录申报单位的研发费用，不能代替"
_INDUSTRY = "需要全部规模以上工业企业的名录和研发情况，本程序只记录申报单位"
_ZONES = "园区研发投入强度由园区研发投入统计体系核算，本程序不记录园区的研发投入和营业收入"
# Metrics of the policy files the store cannot give, with the reason a clerk reads.
NO_DATA = {
    "region_rd_total": "全社会研发经费投入" + _STATISTICS,
    "region_rd_total_growth": "全社会研发经费投入及其年均增长" + _STATISTICS,
    "region_rd_government": "研发经费投入中的政府资金是统计和财政部门的数据，本程序不记录",
    "region_rd_government_growth": "研发经费投入中的政府资金及其年均增长是统计和财政部门的数据，本程序不记录",
    "enterprise_major_project_share": "本程序不记录自治区科技重大专项及其承担单位",
    "industrial_rd_active_share": _INDUSTRY,
    "enterprise_rd_intensity": "需要全部规模以上工业企业的研发经费和营业收入，本程序只记录申报单位",
    "industrial_rd_institution_share": _INDUSTRY,
    "leading_industry_platform_coverage": "需要主导产业、优势特色产业全部规模以上工业企业的名录，本程序只记录申报单位",
    "national_zone_rd_intensity": _ZONES,
    "aspiring_zone_rd_intensity": _ZONES,
    "regional_zone_rd_intensity": _ZONES,
    "agri_demo_zone_rd_intensity": _ZONES,
    "national_agri_park_rd_intensity": _ZONES,
    "regional_agri_park_rd_intensity": _ZONES,
    "university_rd_growth": "本程序不记录高校、科研院所的研发经费",
}


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


def counts(metric: str) -> bool:
    """Whether the store can count ``metric``."""
    return metric in METRICS or metric in RECOGNITION_METRICS


def count(store, metric: str, scope: str, year: int, county: str | None = None) -> int:
    """How many companies (of ``scope``: a city key, or ``region`` for all; of ``county`` when given)
    count for ``metric`` in ``year``."""
    from core.store.companies import CompanyFilter

    city = None if scope == REGION else scope
    if metric == "hte_count":
        f = CompanyFilter(
            city=city, county=county, holds_valid="high_tech", valid_years=HTE_VALID_YEARS, as_of=dt.date(year, 12, 31)
        )
    elif metric == "tech_sme_count":
        f = CompanyFilter(city=city, county=county, tech_sme_year=year)
    elif metric in RECOGNITION_METRICS:
        return _count_recognized(store, *RECOGNITION_METRICS[metric], city, county, year)
    else:
        raise ValueError(f"无法统计的指标：{metric}")
    return len(store.search_companies(f))


def _count_recognized(store, kind: str, level: str, city, county, year: int) -> int:
    """Units recorded as holding a ``kind`` recognition at ``level`` dated by 31 December of ``year``.

    A platform is not certified for a term like a high-tech enterprise, so one recognized once counts from
    then on; one in cultivation (培育期) does not count.
    """
    from sqlalchemy import func, select

    from core.store.models import Company, RecognitionRow

    q = (
        select(func.count(func.distinct(RecognitionRow.company_id)))
        .join(Company, Company.id == RecognitionRow.company_id)
        .where(
            RecognitionRow.kind == kind,
            RecognitionRow.level == level,
            RecognitionRow.stage != "cultivation",
            RecognitionRow.date <= dt.date(year, 12, 31),
        )
    )
    if city:
        q = q.where(Company.city == city)
    if county:
        q = q.where(Company.county == county)
    with store.reading() as s:
        return s.scalar(q) or 0


def series(
    store, policies, metric: str, scope: str, years=None, cancel=None, county: str | None = None
) -> TargetSeries:
    """Counts by year with the targets and baselines of the documents for ``scope``.

    With ``county`` (a 旗县区 of the city ``scope``) the counts are that county's; the documents set no targets
    for a county, so none are drawn against them (a county's few companies against its city's thousands
    said nothing)."""
    years = list(years) if years is not None else years_for(policies, metric, scope)
    found = [] if county else targets_for(policies, metric, scope)
    out = TargetSeries(metric, scope)
    for t in found:
        out.sources.append((f"{t.document.citation}{t.clause}", t.sentence))
    for year in years:
        if cancel is not None and cancel():
            from core.progress import Cancelled

            raise Cancelled()
        row = YearRow(year, count(store, metric, scope, year, county))
        for t in found:
            if year in t.values:
                row.target = Decimal(t.values[year].value)
            if year in t.baseline:
                row.baseline = Decimal(t.baseline[year].value)
        out.rows.append(row)
    return out
