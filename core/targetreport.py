"""目标监测 as a report: every target of the policy files with its goal, the store's value and the rate.

What ``python main.py targets`` prints (docs/targets.md). The values come from
:func:`core.targets.count`, the function the 目标监测 screen draws from, so the
two agree. Rows are the years the document names (goals and stated baselines),
or the one year asked for, whose goal is then the document's goal for that year
or, failing that, for the next year it names ("到2025年" is the goal in 2024 too).
A rate is given only where the units counted are the target's own: a regional
target counted for one city or county gets its value but no rate.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import fmt_yuan
from core.policy.model import Target
from core.targets import HTE_VALID_YEARS, NO_DATA, RECOGNITION_METRICS, REGION, STORE_NOTE, count, counts

RATE_PLACES = Decimal("0.0001")
NO_METHOD = "本程序没有统计该指标的方法"


@dataclass(frozen=True)
class Filter:
    year: int | None = None
    city: str | None = None  # a city key of the vocabulary
    county: str | None = None  # as written on companies


@dataclass(frozen=True)
class Row:
    year: int
    goal: Decimal | None  # the goal in force for ``year``
    goal_year: int | None  # the year the document sets that goal for (``year`` or a later one)
    baseline: Decimal | None  # the actual the document states for ``year``
    value: int | None  # what the store counts on 31 December of ``year``
    rate: Decimal | None  # value / goal, four places


@dataclass(frozen=True)
class Entry:
    target: Target
    counted_in: str | None  # the units counted: 全区, 通辽市, 通辽市科尔沁区; None when the store cannot count
    method: str | None  # how the store counts it; None when it cannot
    no_data: str | None  # why the store cannot give it
    rate_note: str | None  # why there is a value but no rate
    rows: tuple


def place_label(vocab, city: str | None, county: str | None = None) -> str:
    if city in (None, REGION):
        return county or "全区"
    return vocab.label("cities", city) + (county or "")


def included(target, flt: Filter) -> bool:
    """Targets of the region, and of the city asked for (all cities without --city)."""
    return target.scope == REGION or flt.city is None or target.scope == flt.city


def method(metric: str, vocab) -> str | None:
    if metric == "hte_count":
        return f"持有有效期内高新技术企业证书的单位（证书日期起{HTE_VALID_YEARS}年内有效，统计到当年12月31日）"
    if metric == "tech_sme_count":
        return "当年入库的科技型中小企业"
    if metric in RECOGNITION_METRICS:
        kind, level = RECOGNITION_METRICS[metric]
        return (
            f"持有{vocab.label('levels', level)}{vocab.label('recognition_kinds', kind)}认定（不含培育期）的单位，"
            "统计到当年12月31日"
        )
    return None


def build(store, policies, flt: Filter = Filter()) -> list[Entry]:
    """An entry for every target ``flt`` keeps, in the order of the policy files."""
    counted: dict = {}  # (metric, city, county, year) -> count: targets of two documents share a metric

    def value(metric: str, city: str | None, year: int) -> int:
        key = (metric, city, flt.county, year)
        if key not in counted:
            counted[key] = count(store, metric, city or REGION, year, flt.county)
        return counted[key]

    vocab = policies.vocabulary
    out = []
    for t in policies.targets.values():
        if not included(t, flt):
            continue
        city = flt.city or (None if t.scope == REGION else t.scope)
        if not counts(t.metric):
            rows = tuple(_row(t, year, flt, None, False) for year in _years(t, flt.year))
            out.append(Entry(t, None, None, NO_DATA.get(t.metric, NO_METHOD), None, rows))
            continue
        own = flt.county is None and (flt.city is None or flt.city == t.scope)
        rows = tuple(_row(t, year, flt, value(t.metric, city, year), own) for year in _years(t, flt.year))
        counted_in = place_label(vocab, city, flt.county)
        rate_note = None if own else f"这是{place_label(vocab, t.scope)}的目标，这里只统计了{counted_in}的单位"
        out.append(Entry(t, counted_in, method(t.metric, vocab), None, rate_note, rows))
    return out


def _row(target, year: int, flt: Filter, value: int | None, own: bool) -> Row:
    """``own``: the units counted are the target's own, so the value is measured against its goal."""
    goal_year = year if year in target.values else _next_goal_year(target, year) if flt.year else None
    goal = Decimal(target.values[goal_year].value) if goal_year is not None else None
    baseline = Decimal(target.baseline[year].value) if year in target.baseline else None
    rate = None
    if value is not None and goal and own:
        rate = (Decimal(value) / goal).quantize(RATE_PLACES, ROUND_HALF_UP)
    return Row(year, goal, goal_year, baseline, value, rate)


def _years(target, year: int | None) -> list[int]:
    if year is not None:
        return [year]
    return sorted(set(target.values) | set(target.baseline))


def _next_goal_year(target, year: int) -> int | None:
    later = [y for y in target.values if y > year]
    return min(later) if later else None


# ---------------------------------------------------------------- JSON


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def to_json(entries: list[Entry], policies, flt: Filter) -> dict:
    vocab = policies.vocabulary
    return {
        "filter": {
            "year": flt.year,
            "city": flt.city,
            "county": flt.county,
            "label": place_label(vocab, flt.city, flt.county),
        },
        "note": STORE_NOTE,
        "targets": [_entry_json(e, vocab) for e in entries],
    }


def _entry_json(e: Entry, vocab) -> dict:
    t = e.target
    return {
        "id": t.id,
        "document": t.document.id,
        "citation": t.document.citation,
        "clause": t.clause,
        "sentence": t.sentence,
        "label": t.label,
        "metric": t.metric,
        "scope": t.scope,
        "scope_label": place_label(vocab, t.scope),
        "unit": t.unit,
        "counted_in": e.counted_in,
        "method": e.method,
        "no_data": e.no_data,
        "rate_note": e.rate_note,
        "rows": [
            {
                "year": r.year,
                "as_of": dt.date(r.year, 12, 31).isoformat(),
                "goal": _dec(r.goal),
                "goal_year": r.goal_year,
                "baseline": _dec(r.baseline),
                "value": r.value,
                "rate": None if r.rate is None else f"{r.rate:f}",
            }
            for r in e.rows
        ],
    }


# ---------------------------------------------------------------- text


def to_text(entries: list[Entry], policies, flt: Filter) -> list[str]:
    vocab = policies.vocabulary
    years = f"{flt.year}年" if flt.year else "文件所列各年"
    lines = [f"目标监测　统计范围：{place_label(vocab, flt.city, flt.county)}　年度：{years}", STORE_NOTE]
    document = None
    for e in entries:
        t = e.target
        if t.document is not document:
            document = t.document
            lines += ["", document.citation]
        lines.append(f"  {t.clause} {t.label}")
        if e.no_data:
            goals = "、".join(f"{y}年{show(v.value, t.unit, v.cite)}" for y, v in sorted(t.values.items()))
            lines.append(f"    目标：{goals}")
            lines.append(f"    值：无数据（{e.no_data}）")
            continue
        lines.append(f"    统计：{e.method}，{e.counted_in}")
        for r in e.rows:
            lines.append(f"    {r.year}年：{_row_text(r, t)}")
        if e.rate_note:
            lines.append(f"    完成率：不计算（{e.rate_note}）")
    can = sum(1 for e in entries if not e.no_data)
    lines += ["", f"共{len(entries)}项目标，其中{can}项可由库内统计，{len(entries) - can}项无数据"]
    return lines


def _row_text(r: Row, t) -> str:
    parts = []
    if r.goal is not None:
        cite = t.values[r.goal_year].cite
        later = f"（{r.goal_year}年目标）" if r.goal_year != r.year else ""
        parts.append(f"目标{show(r.goal, t.unit, cite)}{later}")
    if r.baseline is not None:
        parts.append(f"文件所列基数{show(r.baseline, t.unit, t.baseline[r.year].cite)}")
    parts.append(f"库内统计{r.value}{_count_unit(t)}")
    if r.rate is not None:
        parts.append(f"完成率{(r.rate * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%")
    return "，".join(parts)


_COUNT_UNIT = re.compile(r"\d\s*(家|个)")


def show(value, unit: str, cite: str = "") -> str:
    """A goal as the documents write it: 370亿元, 20%, 63家."""
    value = Decimal(value)
    if unit == "rate":
        return f"{(value * 100).normalize():f}%"
    if unit == "yuan":
        for scale, name in ((Decimal(100000000), "亿元"), (Decimal(10000), "万元")):
            if value >= scale and value % (scale / 100) == 0:
                return f"{(value / scale).normalize():f}{name}"
        return f"{fmt_yuan(value)}元"
    m = _COUNT_UNIT.search(cite)
    return f"{value.normalize():f}{m.group(1) if m else '家'}"


def _count_unit(target) -> str:
    """家 or 个, as the target's goals are written."""
    m = next((m for v in target.values.values() if (m := _COUNT_UNIT.search(v.cite))), None)
    return m.group(1) if m else "家"
