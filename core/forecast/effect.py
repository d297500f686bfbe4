"""政策效益: funded companies against the rest of the store, and the title counts against the targets.

A company is "funded" when the ledger holds an approved award for it (any
year, any document). By year, for each group: companies with R&D recorded,
their R&D expense, its growth over the year before (companies recorded in
both years only, so a company arriving does not count as growth) and R&D
intensity (R&D / revenue, companies with revenue recorded). Beside it, the
store's counts of valid high-tech enterprises and registered tech SMEs
against the targets of 通辽 and 35号文 (core.targets).

This shows correlation, not cause: companies are funded because they were
already recognised or investing, so their figures would differ anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from decimal import ROUND_HALF_UP, Decimal

from core.money import ZERO
from core.policy.policyset import PolicySet
from core.scenario.tables import COUNT, MONEY, RATE, TEXT, Report, Sheet, Table

if TYPE_CHECKING:
    from core.store.store import Store

FUNDED, OTHERS = "funded", "others"
GROUP_LABELS = {FUNDED: "获得奖补的企业", OTHERS: "其他企业"}
CAVEAT = (
    "说明：本表只反映获得奖补的企业与其他企业在研发投入上的差异（相关关系），不能说明差异是奖补造成的（因果关系）："
    "获得奖补的企业本来就多为已有研发活动、已获认定的企业。数据为库内记录，不是统计部门的正式数据。"
)
TARGET_SCOPES = (
    ("hte_count", "tongliao"),
    ("tech_sme_count", "tongliao"),
    ("hte_count", "region"),
    ("tech_sme_count", "region"),
)
RATE_PLACES = Decimal("0.0001")


@dataclass
class GroupYear:
    companies: int = 0  # with R&D recorded
    expense: Decimal = ZERO
    growth: Decimal | None = None  # over the year before, same companies
    intensity: Decimal | None = None  # R&D / revenue
    both_years: int = 0
    with_revenue: int = 0


@dataclass
class Effect:
    place: str
    funded: int
    others: int
    years: list
    rows: dict  # (group, year) -> GroupYear
    targets: list = field(default_factory=list)  # (label, scope label, year, actual, target, reached, source)

    def to_json(self) -> dict:
        def num(v: object) -> str | None:
            return None if v is None else str(v)

        return {
            "place": self.place,
            "funded_companies": self.funded,
            "other_companies": self.others,
            "caveat": CAVEAT,
            "rd": [
                {
                    "group": g,
                    "year": y,
                    "companies": r.companies,
                    "expense": str(r.expense),
                    "growth": num(r.growth),
                    "intensity": num(r.intensity),
                    "companies_in_both_years": r.both_years,
                    "companies_with_revenue": r.with_revenue,
                }
                for (g, y), r in self.rows.items()
            ],
            "targets": [
                {"metric": m, "scope": s, "year": y, "actual": a, "target": num(t), "reached": num(r), "source": src}
                for m, s, y, a, t, r, src in self.targets
            ],
        }


def rd_comparison(histories: dict) -> tuple[list, dict, int, int]:
    """(years, {(group, year): GroupYear}, funded count, others count) from ``histories`` {id: History}."""
    groups = {cid: FUNDED if any(e.amount > 0 for e in h.ledger) else OTHERS for cid, h in histories.items()}
    years = sorted({y for h in histories.values() for y in h.rd})
    rows = {}
    for g in (FUNDED, OTHERS):
        members = [histories[cid] for cid, group in groups.items() if group == g]
        for y in years:
            r = GroupYear()
            cur = prev = revenue = rd_with_revenue = ZERO
            for h in members:
                this = h.rd.get(y)
                if this is None:
                    continue
                r.companies += 1
                r.expense += this.expense
                before = h.rd.get(y - 1)
                if before is not None and before.expense > 0:
                    r.both_years += 1
                    cur += this.expense
                    prev += before.expense
                if this.revenue:
                    r.with_revenue += 1
                    revenue += this.revenue
                    rd_with_revenue += this.expense
            if prev > 0:
                r.growth = (cur / prev - 1).quantize(RATE_PLACES, ROUND_HALF_UP)
            if revenue > 0:
                r.intensity = (rd_with_revenue / revenue).quantize(RATE_PLACES, ROUND_HALF_UP)
            rows[(g, y)] = r
    funded = sum(1 for g in groups.values() if g == FUNDED)
    return years, rows, funded, len(groups) - funded


def effect(
    store: Store, policies: PolicySet, city: str | None = None, cancelled: Callable[[], bool] | None = None
) -> Effect:
    from core.forecast.expected import load_population
    from core.targets import METRICS, series

    _, histories = load_population(store, city, cancelled)
    years, rows, funded, others = rd_comparison(histories)
    place = policies.vocabulary.label("cities", city) if city else "全区"
    out = Effect(place, funded, others, years, rows)
    for metric, scope in TARGET_SCOPES:
        if city and scope not in (city,):
            continue
        s = series(store, policies, metric, scope, cancel=cancelled)
        if not s.has_targets:
            continue
        scope_label = "全区" if scope == "region" else policies.vocabulary.label("cities", scope)
        source = "；".join(src for src, _ in s.sources)
        for r in s.rows:
            if r.target is None and r.baseline is None:
                continue
            reached = r.reached.quantize(RATE_PLACES, ROUND_HALF_UP) if r.reached is not None else None
            out.targets.append((METRICS[metric], scope_label, r.year, r.actual, r.target, reached, source))
    return out


def effect_report(e: Effect) -> Report:
    report = Report(f"{e.place}政策效益分析", f"获得奖补的企业{e.funded}家，其他企业{e.others}家（库内记录）")
    rd_rows = []
    for y in e.years:
        for g in (FUNDED, OTHERS):
            r = e.rows[(g, y)]
            rd_rows.append([y, GROUP_LABELS[g], r.companies, r.expense, r.growth, r.intensity])
    rd = Table(
        [
            ("年度", 8, COUNT),
            ("企业分组", 18, TEXT),
            ("有研发记录的企业（家）", 14, COUNT),
            ("研发费用（元）", 20, MONEY),
            ("研发费用增长（同口径）", 14, RATE),
            ("研发投入强度", 12, RATE),
        ],
        rd_rows,
        "研发投入：获得奖补的企业与其他企业",
    )
    targets = Table(
        [
            ("指标", 22, TEXT),
            ("范围", 10, TEXT),
            ("年度", 8, COUNT),
            ("库内数", 10, COUNT),
            ("目标", 10, COUNT),
            ("完成率", 10, RATE),
            ("目标出处", 50, TEXT),
        ],
        [[m, s, y, a, int(t) if t is not None else None, r, src] for m, s, y, a, t, r, src in e.targets],
        "高新技术企业和科技型中小企业：库内数与目标",
    )
    notes = [
        CAVEAT,
        "研发费用增长只比较前后两年都有记录的企业；研发投入强度＝研发费用÷营业收入，只计填写了营业收入的企业。",
    ]
    report.sheets.append(Sheet("政策效益", report.title, [rd, targets], notes))
    return report
