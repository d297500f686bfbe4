"""Expected outlays: the store's history carried forward, each projected event priced by the engine.

Three kinds of event are projected, each under an assumption shown and
editable (:class:`Assumptions`):

- 高企到期再次认定: a company whose newest high-tech certificate (dated d)
  expires in year Y (d.year + validity) is re-recognized on the same day of Y
  with probability ``hte_renewal_rate``;
- 科技型中小企业连续入库: a company registered for Y-1 registers again for Y
  with probability ``tech_sme_continue_rate`` (so the chain Y-2, Y-1, Y that
  连续3年 rules pay holds with the product of its years' probabilities);
- 研发投入后补助: each company's R&D expense continues at its own trend (the
  mean yearly growth of its last ``rd_trend_years`` recorded growths, kept
  within ``rd_growth_floor``..``rd_growth_ceiling``), with 加计扣除 as in its
  last recorded year; a company with one recorded year is taken as flat.

For each forecast year the projected events become claims and the company is
evaluated by the engine against its history with the earlier projected years
added (their awards in its ledger, so "only once" holds). Only lines of the
projected claims count, each times the probability of its event; multi-year
installments of earlier recognitions are commitments (core.forecast.commitments),
not expected outlays, and are left out here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import select

from core.engine import Context, evaluate_company
from core.forecast.levels import fiscal_level
from core.model import Claim, CompanyCase, History, LedgerEntry, RdYear, Recognition
from core.model import Company as EngineCompany
from core.money import ZERO, to_fen
from core.progress import Cancelled
from core.store.history import load_histories, to_engine_company
from core.policy.policyset import PolicySet
from core.store.models import Company

if TYPE_CHECKING:
    from core.store.store import Store

HTE_RENEWAL = "hte_renewal"
TECH_SME = "tech_sme"
RD = "rd_post_subsidy"
KIND_LABELS = {
    HTE_RENEWAL: "预计：高企证书到期再次认定",
    TECH_SME: "预计：科技型中小企业连续入库",
    RD: "预计：研发投入后补助（按研发费用趋势）",
}
ONE = Decimal(1)
RATE_PLACES = Decimal("0.0001")


@dataclass
class Assumptions:
    hte_renewal_rate: Decimal = ONE
    hte_valid_years: int = 3
    tech_sme_continue_rate: Decimal = ONE
    rd_trend_years: int = 3
    rd_growth_floor: Decimal = Decimal("-0.20")
    rd_growth_ceiling: Decimal = Decimal("0.30")
    basis: dict = field(default_factory=dict)  # field name -> where the value came from

    LABELS: ClassVar[dict] = {
        "hte_renewal_rate": ("高企证书到期后再次认定的比例", "rate"),
        "hte_valid_years": ("高企证书有效期（年）", "count"),
        "tech_sme_continue_rate": ("科技型中小企业次年继续入库的比例", "rate"),
        "rd_trend_years": ("研发费用趋势取最近几年的增长率（个）", "count"),
        "rd_growth_floor": ("研发费用年增长率下限", "rate"),
        "rd_growth_ceiling": ("研发费用年增长率上限", "rate"),
    }

    def rows(self) -> list[tuple]:
        """(name, label, value, unit, basis) for screens and reports."""
        return [
            (name, label, getattr(self, name), unit, self.basis.get(name, "默认值，可修改"))
            for name, (label, unit) in self.LABELS.items()
        ]

    def changed(self, **values: Any) -> Assumptions:  # names checked against LABELS below
        """A copy with ``values`` (Decimal or int) set and marked as entered by the user."""
        basis = dict(self.basis)
        for name in values:
            if name not in self.LABELS:
                raise ValueError(f"未知的测算假设：{name}")
            basis[name] = "使用者输入"
        return replace(self, **values, basis=basis)

    def to_json(self) -> list[dict]:
        return [{"name": n, "label": l, "value": str(v), "unit": u, "basis": b} for n, l, v, u, b in self.rows()]


@dataclass(frozen=True)
class Expected:
    kind: str
    year: int
    amount: Decimal  # weighted by the event's probability, to the fen
    full: Decimal  # the engine's award if the event happens
    weight: Decimal
    level: str
    document: str
    clause: str
    rule_id: str
    summary: str
    company: str
    city: str
    provisional: bool = False  # priced under a draft for comment


# ---------------------------------------------------------------- defaults from history


def default_assumptions(histories: dict, first_year: int, valid_years: int = 3) -> Assumptions:
    """Rates observed in the store in years before the one before ``first_year``; 100% (an upper bound) where it
    shows nothing.

    The year before the forecast is the current one: its renewals and registrations may not all be recorded
    yet, so it is left out of both rates.
    """
    out = Assumptions(hte_valid_years=valid_years)
    closed = first_year - 2  # the last year whose records are taken as complete
    expired = renewed = 0
    continued = registered = 0
    for h in histories.values():
        dates = sorted(r.date for r in h.recognitions if r.kind == "high_tech" and r.stage != "cultivation")
        for i, d in enumerate(dates):
            due = d.year + valid_years
            if due > closed:
                continue
            if i + 1 < len(dates) and dates[i + 1].year < due:
                continue  # superseded before it expired
            expired += 1
            renewed += any(later.year == due for later in dates[i + 1 :])
        years = h.tech_sme_years
        for y in years:
            if y + 1 <= closed:
                registered += 1
                continued += (y + 1) in years
    if expired:
        out.hte_renewal_rate = (Decimal(renewed) / expired).quantize(RATE_PLACES, ROUND_HALF_UP)
        out.basis["hte_renewal_rate"] = f"库内{closed}年及以前到期的{expired}张证书中{renewed}张当年再次认定"
    else:
        out.basis["hte_renewal_rate"] = f"库内没有{closed}年及以前到期的证书，按全部再次认定计（上限）"
    if registered:
        out.tech_sme_continue_rate = (Decimal(continued) / registered).quantize(RATE_PLACES, ROUND_HALF_UP)
        out.basis["tech_sme_continue_rate"] = (
            f"库内{closed - 1}年及以前的{registered}个入库年度中{continued}个次年继续入库"
        )
    else:
        out.basis["tech_sme_continue_rate"] = "库内没有可比较的入库记录，按全部继续入库计（上限）"
    out.basis["hte_valid_years"] = "高新技术企业证书有效期三年（目标监测同此）"
    out.basis["rd_trend_years"] = "默认值，可修改"
    out.basis["rd_growth_floor"] = out.basis["rd_growth_ceiling"] = "默认值，可修改：防止个别年份的异常增减外推"
    return out


# ---------------------------------------------------------------- projection


@dataclass
class _State:
    """One company's history as the projection has extended it, with the probability of each projected fact."""

    company: EngineCompany
    history: History
    recognitions: list
    rec_weight: dict  # id(recognition) -> probability (projected ones only)
    sme: dict  # year -> probability (1 for recorded)
    rd: dict
    ledger: list
    growth: Decimal | None = None  # the R&D trend, from recorded years only
    grown: bool = False


def load_population(
    store: Store, city: str | None = None, cancel: Callable[[], bool] | None = None
) -> tuple[list[tuple[int, EngineCompany]], dict[int, History]]:
    """[(company id, EngineCompany)], {company id: History} as of now (every approved award)."""
    with store.reading() as s:
        q = select(Company).order_by(Company.id)
        if city:
            q = q.where(Company.city == city)
        rows = list(s.scalars(q))
        histories = load_histories(s, [r.id for r in rows], None, store.vocabulary, cancel)
    return [(r.id, to_engine_company(r)) for r in rows], histories


def project(
    policies: PolicySet,
    companies: list,
    histories: dict,
    assumptions: Assumptions,
    first_year: int,
    years: int,
    *,
    include_drafts: bool = True,
    report: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    failed: list | None = None,
) -> list[Expected]:
    """Expected awards year by year (see the module docstring). ``failed`` collects (company, year, reason) of
    companies the engine could not evaluate: they are left out, and the forecast says how many."""
    a = assumptions
    states = {
        cid: _State(
            company,
            histories[cid],
            list(histories[cid].recognitions),
            {},
            {y: ONE for y in histories[cid].tech_sme_years},
            dict(histories[cid].rd),
            list(histories[cid].ledger),
        )
        for cid, company in companies
    }
    spec = policies.vocabulary.claim_types["recognition"].fields
    defaults = {name: f.default for name, f in spec.items() if f.default is not None}
    levels: dict[str, tuple] = {}
    out: list[Expected] = []
    total = len(states) * years
    done = 0
    for year in range(first_year, first_year + years):
        ctx = Context(policies, year, include_drafts=include_drafts)
        for st in states.values():
            done += 1
            if cancelled and cancelled():
                raise Cancelled()
            if report and done % 200 == 0:
                report(done, total, f"正在测算{year}年预计支出：{done}/{total}")
            _extend_rd(st, year - 1, a)
            claims, weights, kinds, facts = _events(st, year, a, defaults)
            if not claims:
                continue
            history = History(
                tuple(st.recognitions),
                frozenset(y for y, w in st.sme.items() if w > 0),
                st.rd,
                tuple(st.ledger),
                st.history.claims,
            )
            try:
                result = evaluate_company(CompanyCase(st.company, history, tuple(claims)), ctx)
            except Exception as exc:  # one company the engine cannot evaluate must not stop the forecast
                if failed is not None:
                    failed.append((st.company.name, year, f"{type(exc).__name__}：{exc}"))
                continue
            for line in result.lines:
                if line.claim_id not in weights or not line.amount:
                    continue
                doc = line.rule.document
                if doc.id not in levels:
                    levels[doc.id] = (fiscal_level(policies, doc.id), doc.citation)
                level, citation = levels[doc.id]
                w = weights[line.claim_id]
                out.append(
                    Expected(
                        kinds[line.claim_id],
                        year,
                        to_fen(line.amount * w),
                        line.amount,
                        w,
                        level,
                        citation,
                        line.rule.clause,
                        line.rule.id,
                        line.rule.summary,
                        st.company.name,
                        st.company.city,
                        line.provisional,
                    )
                )
                st.ledger.append(LedgerEntry(line.rule.id, year, line.amount, line.subject, line.person))
            for f in facts:
                if isinstance(f, Recognition):
                    st.recognitions.append(f)
                    st.rec_weight[id(f)] = weights[f.source]
                else:
                    st.sme[year] = weights[f]
    if report:
        report(total, total, "预计支出测算完成")
    return out


def _events(
    st: _State, year: int, a: Assumptions, defaults: dict
) -> tuple[list[Claim], dict[str, Decimal], dict[str, str], list[Recognition | str]]:
    claims, weights, kinds = [], {}, {}
    facts: list[Recognition | str] = []  # recognitions made, and the ids of the 入库 claims (the year is in the pool)
    hte = [r for r in st.recognitions if r.kind == "high_tech" and r.stage != "cultivation"]
    if hte:
        newest = max(hte, key=lambda r: r.date)
        if newest.date.year + a.hte_valid_years == year:
            day = _same_day(newest.date, year)
            fields_ = dict(defaults)
            fields_.update(kind="high_tech", level=newest.level, date=day, number="", stage="approved", moved_in="none")
            cid = f"预计再次认定{year}"
            claims.append(Claim("recognition", cid, fields_, day))
            weights[cid] = st.rec_weight.get(id(newest), ONE) * a.hte_renewal_rate
            kinds[cid] = HTE_RENEWAL
            facts.append(Recognition("high_tech", newest.level, day, source=cid))
    if year - 1 in st.sme and year not in st.sme and a.tech_sme_continue_rate > 0:
        cid = f"预计入库{year}"
        claims.append(Claim("tech_sme_registration", cid, {"year": year}))
        weights[cid] = st.sme[year - 1] * a.tech_sme_continue_rate
        kinds[cid] = TECH_SME
        facts.append(cid)
    if year - 1 in st.rd and year - 2 in st.rd:
        cid = f"预计研发后补助{year}"
        claims.append(Claim("rd_post_subsidy", cid, {"rd_year": year - 1}))
        weights[cid] = ONE
        kinds[cid] = RD
    return claims, weights, kinds, facts


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def rd_growth(rd: dict, a: Assumptions) -> Decimal | None:
    """The company's R&D trend: mean of its last ``rd_trend_years`` yearly growths, within the bounds."""
    years = sorted(rd)
    growths = []
    for prev, cur in pairwise(years):
        if cur == prev + 1 and rd[prev].expense > 0:
            growths.append(rd[cur].expense / rd[prev].expense - 1)
    growths = growths[-a.rd_trend_years :] if a.rd_trend_years > 0 else []
    if not years:
        return None
    if not growths:
        return ZERO
    mean = sum(growths, ZERO) / len(growths)
    return min(max(mean, a.rd_growth_floor), a.rd_growth_ceiling)


def _extend_rd(st: _State, through: int, a: Assumptions) -> None:
    """Projected R&D years after the last recorded one, up to ``through``."""
    if not st.rd:
        return
    last = max(st.rd)
    if last >= through:
        return
    if not st.grown:
        st.growth, st.grown = rd_growth(st.rd, a), True
    g = st.growth
    if g is None:
        return
    rd = dict(st.rd)
    for y in range(last + 1, through + 1):
        prev = rd[y - 1]
        rd[y] = RdYear(y, to_fen(prev.expense * (1 + g)), prev.super_deduction)
    st.rd = rd
