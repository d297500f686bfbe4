"""Named history checks a rule can require: 'first time', 'three consecutive years' ...

Each returns None when the company qualifies, or the reason (Chinese) it does
not. Numbers they need ("连续3年") are cited parameters in the policy file;
where the text can be read two ways the check reads a named ``reading`` of the
document, so the choice is written down and can be changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Callable

from core.model import claim_recognition
from core.money import fmt_yuan
from core.subjects import normalize, parse_recognition_subject, recognition_subject


@dataclass(frozen=True)
class Predicate:
    fn: Callable
    label: str
    args: frozenset = frozenset()  # plain options
    param_args: frozenset = frozenset()  # cited numbers
    readings: tuple = ()


def _counts_outside(ev) -> bool:
    if "first_counts_out_of_region" in ev.rule.document.readings:
        return bool(ev.reading("first_counts_out_of_region"))
    return True


def may_be_same_platform(name: str, number: str, other_name: str, other_number: str) -> bool:
    """Whether two recognitions of one kind (and level) cannot be told apart as two platforms (normalized texts).

    A platform is known by its name, else by its certificate number, as its subject is
    (core.subjects.recognition_subject): names on both sides decide (a re-recognized platform keeps its name
    and may get a new number); else numbers on both sides decide; a recognition with neither on one side
    cannot be told apart from any of its kind and is read as the same platform (reading newly_per_platform:
    paid once, the clerk is asked to fill in the name). Input now requires the name of a platform
    (core.platform_names): the fallbacks serve records stored before.
    """
    if name and other_name:
        return name == other_name
    if number and other_number:
        return number == other_number
    return True


def platform_of(subject: str, claim=None) -> tuple | None:
    """(kind, level, name, number) of the platform a recognition subject names (normalized), else None.

    A subject keeps the name or, without one, the number; a recognition claim states both, so its own are read.
    """
    parsed = parse_recognition_subject(subject)
    if parsed is None:
        return None
    if claim is not None and claim.type == "recognition":
        return parsed[0], parsed[1], normalize(claim.get("name", "")), normalize(claim.get("number", ""))
    return parsed


def recognition_platform(rec) -> tuple:
    """:func:`platform_of` of a recognition on file."""
    return rec.kind, rec.level or None, normalize(rec.name), normalize(rec.number)


def entry_platforms(recognitions, entry) -> list:
    """The platforms a ledger entry paid for: those of the recognitions an approved batch paid for (on file since
    it was approved, under the entry's subject), else the one its subject names; [] for any other subject.

    Read the way the 'newly' check reads the ledger (:func:`_paid_for_recognitions`).
    """
    parsed = parse_recognition_subject(entry.subject)
    if parsed is None:
        return []
    if entry.batch_id is not None:
        known = [
            recognition_platform(r)
            for r in recognitions
            if not r.source and recognition_subject(r.kind, r.level, r.name, r.number) == entry.subject
        ]
        if known:
            return known
    return [parsed]


def may_be_same(platform: tuple, other: tuple) -> bool:
    """Whether two :func:`platform_of` platforms may be one: same kind and level, and :func:`may_be_same_platform`."""
    return (
        platform[0] == other[0]
        and platform[1] == other[1]
        and may_be_same_platform(platform[2], platform[3], other[2], other[3])
    )


def _approved_of_kind(ev, same_level: bool) -> list:
    """Recognitions on file (this batch's own included) of the claim's kind (and level) that count, of any date:
    not in cultivation, and not issued outside the region where the document does not count those."""
    claim = ev.claim
    kind, level = claim.get("kind"), claim.get("level")
    counts_outside = _counts_outside(ev)
    return [
        rec
        for rec in ev.case.history.recognitions
        if rec.kind == kind
        and rec.stage != "cultivation"  # a platform in cultivation has not yet been approved
        and not (same_level and rec.level != level)
        and not (rec.issued_in and not counts_outside)
    ]


def _ident(rec) -> tuple:
    return normalize(rec.name), normalize(rec.number)


def _another_platforms(rec, mine: tuple, recs: list) -> bool:
    """Whether ``rec`` may be a platform recognized before it that is told apart from ``mine`` (name, number).

    Reading newly_per_platform: such a recognition is read as that earlier platform recognized again, so it is
    no recognition (nor payment) of ``mine``'s platform, though it cannot be told apart from it. What decides is
    then what was recognized before it, which every batch holding it holds too: one batch and two pay the same.
    """
    its = _ident(rec)
    return any(
        o.date < rec.date and may_be_same_platform(*its, *_ident(o)) and not may_be_same_platform(*mine, *_ident(o))
        for o in recs
    )


def _earlier_same_kind(ev, same_level: bool, platform: bool = False):
    """Recognitions of the claim's kind dated before it (this batch's own included), not in cultivation.

    ``platform``: only those that may be the same platform (:func:`may_be_same_platform`) and are not read as
    another platform recognized again (:func:`_another_platforms`). One of the claim's day is none: a platform is
    not re-recognized on the day it is recognized, so two of one day are two platforms.
    """
    claim = ev.claim
    recs = _approved_of_kind(ev, same_level)
    before = [r for r in recs if r.date < claim.date and r.source != claim.id]
    if not platform:
        return before
    mine = (normalize(claim.get("name", "")), normalize(claim.get("number", "")))
    return [r for r in before if may_be_same_platform(*mine, *_ident(r)) and not _another_platforms(r, mine, recs)]


def _paid_for_recognitions(ev, entry, kind: str) -> list:
    """The recognitions an approved batch's ledger entry paid for: on file since that batch was approved.

    An entry typed in by hand (no batch) is known by its subject alone: the recognitions on file under that
    subject may have come later, and what it paid must not change as they do.
    """
    if entry.batch_id is None:
        return []
    return [
        rec
        for rec in ev.case.history.recognitions
        if not rec.source
        and rec.kind == kind
        and recognition_subject(rec.kind, rec.level, rec.name, rec.number) == entry.subject
    ]


def _paid_same_kind(ev, same_level: bool, platform: bool):
    """Ledger entries paid for a recognition of the claim's kind (and level, and platform): earlier awards.

    They are read as the recognitions on file are (:func:`_earlier_same_kind`): support paid for a recognition
    in cultivation (培育期) is no recognition; a platform is told apart by the name and number of the recognition
    paid for (the subject keeps only one of them); one recognized the claim's day is another platform unless it
    is the claim's subject. A payment for a platform recognized later than the claim counts: paid as new, it
    is the claim's platform if the two cannot be told apart. An entry whose recognition is not on file (typed
    in by hand) is read by its subject.
    """
    claim = ev.claim
    kind, level = claim.get("kind"), claim.get("level")
    name, number = normalize(claim.get("name", "")), normalize(claim.get("number", ""))
    found = []
    rules = ev.ctx.policies.rules
    counted = _approved_of_kind(ev, same_level) if platform else []
    for entry in ev.case.history.ledger:
        paid_by = rules.get(entry.rule_id)
        if paid_by is not None and _before_approval(paid_by):
            continue  # support in cultivation (培育期) is not a recognition
        parsed = parse_recognition_subject(entry.subject)
        if parsed is None or parsed[0] != kind or (same_level and parsed[1] != level):
            continue
        recs = _paid_for_recognitions(ev, entry, kind)
        approved = [r for r in recs if r.stage != "cultivation"]
        if recs and not approved:
            continue  # paid for a platform (or company) in cultivation, not yet approved
        if platform:
            if approved and entry.subject != claim.subject:
                approved = [r for r in approved if r.date != claim.date]
                if not approved:
                    continue
            if approved:
                approved = [r for r in approved if not _another_platforms(r, (name, number), counted)]
                if not approved:
                    continue  # paid for another platform recognized again
            known = [(normalize(r.name), normalize(r.number)) for r in approved] or [(parsed[2], parsed[3])]
            if not any(may_be_same_platform(name, number, n, no) for n, no in known):
                continue
        found.append(entry)
    return found


NEWLY_READINGS = ("first_counts_out_of_region",)  # readings the 'newly' check reads when the document has them
YEARS_READINGS = ("yearly_support_per_platform",)  # what a multi-year rule reads when the document has them


def _before_approval(rule) -> bool:
    """Whether a rule pays only platforms in cultivation (培育期), not yet approved."""
    for c in rule.conditions:
        if c.field == "stage":
            stages = (c.value,) if c.op == "eq" else tuple(c.value)
            return set(stages) <= {"cultivation"}
    return False


def newly_recognized(ev, mode: str) -> str | None:
    """None when the claim is a new recognition counted by ``mode`` (core.policy.model.NEWLY_LABELS), else why not."""
    same_level = mode != "company_any_level"
    platform = mode == "platform"
    label = ev.vocabulary.label("recognition_kinds", ev.claim.get("kind"))
    earlier = _earlier_same_kind(ev, same_level, platform)
    if earlier:
        rec = min(earlier, key=lambda r: r.date)
        where = f"（{rec.issued_in}）" if rec.issued_in else ""
        named = f"“{rec.name}”" if rec.name else ""
        number = f"，证书号{rec.number}" if rec.number else ""
        batch = f"（本批次事项{rec.source}）" if rec.source else ""
        if not platform:
            return f"非首次获批：{rec.date.isoformat()}已获{label}认定{where}{number}{batch}"
        level = ev.vocabulary.label("levels", rec.level) if rec.level else ""
        text = f"非新认定：{rec.date.isoformat()}已获{level}{label}{named}认定{where}{number}{batch}"
        if not (rec.name and ev.claim.get("name")):
            text += "；如为另一平台，请在认定记录和本次申报中填写平台名称或证书编号"
        return text
    paid = _paid_same_kind(ev, same_level, platform)
    if paid:
        e = min(paid, key=lambda x: x.year)
        batch = f"（批次{e.batch_id}）" if e.batch_id else ""
        what = "非新认定" if platform else "非首次获批"
        return f"{what}：台账显示{e.year}年已按规则{e.rule_id}兑现{label}认定奖补{fmt_yuan(e.amount)}元{batch}"
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
    """The company holds a certificate of ``kind`` (default: the claim's) still valid on the claim date."""
    claim = ev.claim
    years = int(ev.reading("certificate_validity_years"))
    kind = args.get("kind") or claim.get("kind")
    moved = claim.get("moved_in") not in (None, "none")
    own = claim_recognition(claim) if claim.type == "recognition" else None
    for rec in ev.case.history.recognitions:
        if rec.kind != kind or rec.date > claim.date or rec.source == claim.id or rec.stage == "cultivation":
            continue
        if own is not None and replace(rec, source="") == own:
            continue  # the claim's own recognition, on file since an earlier batch was approved: not a certificate
        if moved and rec.date == claim.date and rec.issued_in:
            continue  # the move itself, as approval records it: not the certificate the company moved in with
        try:
            end = rec.date.replace(year=rec.date.year + years)
        except ValueError:  # 29 February
            end = rec.date.replace(year=rec.date.year + years, day=28)
        if claim.date < end:
            return None
    label = ev.vocabulary.label("recognition_kinds", kind)
    when = "迁入日期" if moved else "认定日期"
    return f"{when}{claim.date.isoformat()}时没有有效期内（{years}年）的{label}证书"


PREDICATES = {
    "repeat_recognition": Predicate(
        repeat_recognition, "再次获批", frozenset({"same_level"}), readings=("first_counts_out_of_region",)
    ),
    "consecutive_tech_sme": Predicate(consecutive_tech_sme, "科技型中小企业连续入库", param_args=frozenset({"years"})),
    "super_deduction_years": Predicate(
        super_deduction_years, "连续享受研发费用加计扣除", param_args=frozenset({"years"})
    ),
    "valid_certificate": Predicate(
        valid_certificate, "证书在有效期内", frozenset({"kind"}), readings=("certificate_validity_years",)
    ),
}
