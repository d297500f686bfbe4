"""Named history checks a rule can require: 'first time', 'three consecutive years' ...

Each returns None when the company qualifies, or the reason (Chinese) it does
not. Numbers they need ("连续3年") are cited parameters in the policy file;
where the text can be read two ways the check reads a named ``reading`` of the
document, so the choice is written down and can be changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Predicate:
    fn: Callable
    label: str
    args: frozenset = frozenset()  # plain options
    param_args: frozenset = frozenset()  # cited numbers
    readings: tuple = ()


def _earlier_same_kind(ev, same_level: bool):
    claim = ev.claim
    kind, level = claim.get("kind"), claim.get("level")
    counts_outside = True
    if "first_counts_out_of_region" in ev.rule.document.readings:
        counts_outside = bool(ev.reading("first_counts_out_of_region"))
    found = []
    for rec in ev.case.history.recognitions:
        if rec.kind != kind or rec.date >= claim.date:
            continue
        if rec.stage == "cultivation":  # a platform in cultivation has not yet been approved
            continue
        if same_level and rec.level != level:
            continue
        if rec.issued_in and not counts_outside:
            continue
        found.append(rec)
    return found


def first_recognition(ev, args):
    earlier = _earlier_same_kind(ev, args.get("same_level", True))
    if earlier:
        rec = min(earlier, key=lambda r: r.date)
        where = f"（{rec.issued_in}）" if rec.issued_in else ""
        number = f"，证书号{rec.number}" if rec.number else ""
        label = ev.vocabulary.label("recognition_kinds", rec.kind)
        return f"非首次获批：{rec.date.isoformat()}已获{label}认定{where}{number}"
    return None


def repeat_recognition(ev, args):
    if not _earlier_same_kind(ev, args.get("same_level", True)):
        label = ev.vocabulary.label("recognition_kinds", ev.claim.get("kind"))
        return f"此前没有{label}认定记录，不属于再次获批"
    return None


def consecutive_tech_sme(ev, args):
    n = int(ev.param(args["years"]))
    year = ev.claim.get("year")
    years = set(ev.case.history.tech_sme_years) | {year}
    needed = list(range(year - n + 1, year + 1))
    missing = [y for y in needed if y not in years]
    if missing:
        have = "、".join(str(y) for y in sorted(years) if y <= year) or "无"
        return f"入库年度为{have}，{'、'.join(map(str, missing))}年未入库，不满连续{n}年"
    return None


def super_deduction_years(ev, args):
    n = int(ev.param(args["years"]))
    last = ev.claim.get("rd_year") or ev.award_year - 1
    for y in range(last - n + 1, last + 1):
        rd = ev.case.history.rd.get(y)
        if rd is None:
            return f"缺少{y}年度研发费用记录，无法确认连续{n}个年度享受加计扣除"
        if not rd.super_deduction:
            return f"{y}年度未享受研发费用加计扣除，不满足最近连续{n}个年度都享受的条件"
    return None


def valid_certificate(ev, args):
    """The company holds a certificate of the claim's kind still valid on the claim date."""
    claim = ev.claim
    years = int(ev.reading("certificate_validity_years"))
    kind = claim.get("kind")
    for rec in ev.case.history.recognitions:
        if rec.kind == kind and rec.date <= claim.date:
            try:
                end = rec.date.replace(year=rec.date.year + years)
            except ValueError:  # 29 February
                end = rec.date.replace(year=rec.date.year + years, day=28)
            if claim.date < end:
                return None
    label = ev.vocabulary.label("recognition_kinds", kind)
    return f"迁入日期{claim.date.isoformat()}时没有有效期内（{years}年）的{label}证书"


PREDICATES = {
    "first_recognition": Predicate(first_recognition, "首次获批", frozenset({"same_level"}),
                                   readings=("first_counts_out_of_region",)),
    "repeat_recognition": Predicate(repeat_recognition, "再次获批", frozenset({"same_level"}),
                                    readings=("first_counts_out_of_region",)),
    "consecutive_tech_sme": Predicate(consecutive_tech_sme, "科技型中小企业连续入库", param_args=frozenset({"years"})),
    "super_deduction_years": Predicate(super_deduction_years, "连续享受研发费用加计扣除",
                                       param_args=frozenset({"years"})),
    "valid_certificate": Predicate(valid_certificate, "证书在有效期内", readings=("certificate_validity_years",)),
}
