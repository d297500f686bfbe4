"""Paying each award once: per key, this batch's claims added to earlier ones, less what was awarded.

A rule's ``once`` (core.policy.model.ONCE_LABELS) says what its award counts
by. Every qualified (rule, claim) pair -- an :class:`App` -- falls under a key:
the rule's family (itself, or its 'highest' stacking group) and the period
its ``once`` names (the subject; the subject and award year; the subject and
event date; the company; the company and award year). For each key with a
claim of this batch the engine works out

* what all claims of the key are worth together, this batch's and those of
  earlier approved batches (``History.claims``): amounts that add up
  (vocabulary ``sums``) are totalled before the rate and the caps counted by
  the subject, other awards take the highest claim;
* what the earlier claims alone are worth, and what the ledger shows paid
  for the key;

and pays the difference between the first and the larger of the other two.
So splitting a claim, claiming a paid subject again, spreading claims over
two batches or reordering them never raises the total (tests/test_laws.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.engine.bases import BASE_FIELDS
from core.engine.formulas import FORMULAS, Eval, Skip, caps_and_floor, formula
from core.engine.result import AwardLine, EarlierAward, Exclusion
from core.engine.trace import Trace
from core.model import Claim
from core.policy.model import Rule
from core.money import ZERO, fmt_yuan
from core.subjects import describe

ONCE_PHRASES = {
    "subject": "同一事项只支持一次",
    "subject_year": "同一事项{year}年度只支持一次",
    "event": "同一次认定（评估、续签）只支持一次",
    "company": "本条奖励每个单位只享受一次",
    "company_year": "本条奖励每个单位{year}年度只享受一次",
}


@dataclass(slots=True)
class App:
    """A claim that qualifies under a rule: what remains is to count it with the others of its key."""

    rule: Rule
    claim: Claim
    subject: str
    year: int  # the award year it belongs to: this batch's, or the earlier batch's
    earlier: bool
    ev: Eval  # the qualification, whose trace holds the readings it read
    once: str
    day: dt.date


def period(once: str, subject: str, year: int, day: dt.date) -> tuple:
    """The part of a key that ``once`` counts by (core.policy.model.ONCE_LABELS)."""
    if once == "subject":
        return (subject,)
    if once == "subject_year":
        return (subject, year)
    if once == "event":
        return (subject, day)
    if once == "company":
        return ()
    if once == "company_year":
        return (year,)
    raise KeyError(once)


@dataclass(slots=True)
class Worth:
    """What a rule gives for the claims of one key: the amount (ZERO if nothing) and how."""

    amount: Decimal
    ev: Eval | None
    apps: list
    reason: str = ""
    would: Decimal | None = None
    schedule: tuple | None = None
    failed: list = field(default_factory=list)  # (app, Worth) of claims that give nothing beside one that pays


@dataclass
class Families:
    """Rules paid as one: a 'highest' stacking group is one family; ledger ids include former rule ids."""

    of: dict = field(default_factory=dict)  # rule id -> family id
    ledger_ids: dict = field(default_factory=dict)  # family id -> rule ids whose ledger entries count

    @classmethod
    def build(cls, policies) -> Families:
        out = cls()
        for rule in policies.rules.values():
            g = policies.group_of(rule)
            fid = f"group:{g.id}" if g is not None and g.policy == "highest" else rule.id
            out.of[rule.id] = fid
            out.ledger_ids[fid] = out.ledger_ids.get(fid, frozenset()) | frozenset(rule.family_ids)
        return out


def additive(rule, vocabulary) -> bool:
    """Whether the rule's amount grows with fields that add up over one subject's claims."""
    adds_up = FORMULAS[rule.formula].adds_up
    if adds_up == "always":
        return True
    if adds_up != "base" or rule.claim_type is None:
        return False
    fields = vocabulary.claim_types[rule.claim_type].fields
    used = BASE_FIELDS.get(rule.base, (rule.base,))
    return bool(used) and all(name in fields and fields[name].sums for name in used)


def merged_claim(apps: list, vocabulary) -> Claim:
    """The first claim with every adding-up field totalled over ``apps``."""
    first = apps[0].claim
    spec = vocabulary.claim_types[first.type].fields
    fields = dict(first.fields)
    for name, f in spec.items():
        if f.sums:
            values = [a.claim.get(name) for a in apps if a.claim.get(name) is not None]
            if values:
                fields[name] = sum(values, Decimal(0) if f.type == "money" else 0)
    return Claim(first.type, first.id, fields, first.date)


def _copy_readings(trace: Trace, apps: list) -> None:
    for a in apps:
        for r in a.ev.trace.readings:
            if all(r[0] != n for n, _, _ in trace.readings):
                trace.readings.append(r)
        for note in a.ev.trace.notes:
            if note not in trace.notes:
                trace.notes.append(note)


def worth(rule, apps: list, ctx, warnings, room, window) -> Worth:
    """What ``rule`` gives for ``apps`` (one key) together."""
    if not apps:
        return Worth(ZERO, None, [])
    if ctx.additive(rule):
        groups = [apps]
    else:
        groups = [[a] for a in apps]
    best: Worth | None = None
    tried = []
    for group in groups:
        first = group[0]
        if len(group) == 1 and not first.earlier and not first.ev.trace.formula:
            ev = first.ev  # the qualification's own: its trace already holds what qualified the claim
            ev.case_warnings = warnings
        else:
            claim = merged_claim(group, ctx.vocabulary) if len(group) > 1 else first.claim
            ev = Eval(ctx, rule, claim, first.ev.case, first.day, warnings, award_year=first.year)
            _copy_readings(ev.trace, group)
        if len(group) > 1:
            ids = "、".join(a.claim.id + (f"（{a.year}年已审批）" if a.earlier else "") for a in group)
            ev.trace.notes.append(f"同一事项的{len(group)}项申报合并计算：{ids}")
        try:
            amount = formula(ev)
            years = window(ev) if rule.years is not None else None
            amount = caps_and_floor(ev, amount, lambda cap, top: room(ev, cap, top))
            schedule = tuple((y, amount) for y in years) if years else None
            w = Worth(amount, ev, group, schedule=schedule)
        except Skip as skip:
            w = Worth(ZERO, ev, group, skip.reason, skip.amount)
        tried.append(w)
        if best is None or w.amount > best.amount:
            best = w
    assert best is not None  # ``groups`` is not empty
    if len(groups) > 1 and best.amount > 0:
        best.failed = [(w.apps[0], w) for w in tried if w.amount <= 0]
        best.apps = [a for a in apps if all(a is not f for f, _ in best.failed)]
        if len(best.apps) > 1 and best.ev is not None:
            ids = "、".join(a.claim.id + (f"（{a.year}年已审批）" if a.earlier else "") for a in best.apps)
            best.ev.trace.notes.append(f"同一事项的{len(best.apps)}项申报（{ids}）只计一次，取金额最高的一项")
    return best


def paid_for(case, ledger_ids, once: str, subject: str, year: int, day: dt.date, same=None) -> list:
    """The ledger entries that paid the key (family, once, subject, year, day).

    ``same(entry)``, if given, says whether an entry of another subject paid the same thing (a platform's
    yearly support paid under another record of it).
    """
    out = []
    for e in case.history.ledger:
        if e.rule_id not in ledger_ids:
            continue
        if once in ("subject", "subject_year", "event") and e.subject != subject and (same is None or not same(e)):
            continue
        if once in ("subject_year", "company_year") and e.year != year:
            continue
        if once == "event" and (e.year < day.year or e.batch_id is not None):
            # The ledger does not say which event it paid: an approved batch's payment is known by its claims
            # (History.claims, dated); only a payment typed in by hand is taken as one of this or a later date.
            continue
        out.append(e)
    return out


def earlier_award(subject: str, entries: list, earlier_apps: list, worth_before: Decimal, vocab) -> EarlierAward:
    return EarlierAward(
        subject=subject,
        subject_text=describe(subject, vocab) if subject else "",
        paid=sum((e.amount for e in entries), ZERO),
        entries=tuple(
            sorted(
                ((e.year, e.batch_id, e.amount, e.rule_id) for e in entries),
                key=lambda x: (x[0], x[1] or 0, x[3], x[2]),
            )
        ),
        claims=tuple(sorted({(a.year, a.claim.id) for a in earlier_apps})),
        worth=worth_before,
    )


def earlier_text(found: EarlierAward) -> str:
    """What was found already awarded, in Chinese: which year, which batch, how much."""
    parts = []
    if found.entries:
        years = "、".join(sorted({str(y) for y, _, _, _ in found.entries}))
        batches = sorted({b for _, b, _, _ in found.entries if b is not None})
        where = f"（批次{'、'.join(map(str, batches))}）" if batches else "（台账录入）"
        parts.append(f"台账显示已于{years}年兑现{fmt_yuan(found.paid)}元{where}")
    if found.claims:
        years = "、".join(sorted({str(y) for y, _ in found.claims}))
        ids = "、".join(c for _, c in found.claims)
        parts.append(f"已在{years}年审批的批次中申报（事项{ids}），按本条计应得{fmt_yuan(found.worth)}元")
    return "；".join(parts)


def make_line(w: Worth, new_apps: list, subject: str, due: Decimal, found: EarlierAward | None) -> AwardLine:
    assert w.ev is not None  # a line is made only from a worth that pays
    rule = w.ev.rule
    first = new_apps[0]
    trace = w.ev.trace
    if found is not None and found.deducted > 0:
        trace.steps.append(
            f"扣除已兑现或已审批部分：{earlier_text(found)}；"
            f"{fmt_yuan(w.amount)} − {fmt_yuan(found.deducted)} = {fmt_yuan(due)}"
        )
    line = AwardLine(
        rule,
        first.claim.id,
        subject,
        due,
        trace,
        first.day,
        w.schedule,
        person=str(first.claim.fields.get("person_id", "")),
        provisional=rule.document.status == "draft",
        claim_ids=(first.claim.id,) if len(new_apps) == 1 else tuple(dict.fromkeys(a.claim.id for a in new_apps)),
        earlier=found if found is not None and found.deducted > 0 else None,
    )
    if line.provisional:
        trace.notes.append("依据征求意见稿测算，文件正式印发前仅供参考，不得据此拨付")
    return line


def refusal(app: App, w: Worth, found: EarlierAward, vocab) -> Exclusion:
    """The Exclusion of a new claim whose key was already awarded as much as it is worth."""
    what = describe(app.subject, vocab) if app.once not in ("company", "company_year") else ""
    reason = f"{ONCE_PHRASES[app.once].format(year=app.year)}：{what}{'，' if what else ''}{earlier_text(found)}"
    if w.amount > 0:
        reason += f"；本次合计应得{fmt_yuan(w.amount)}元，已全部兑现或已审批，不再重复支持"
    else:
        reason += "，不再重复支持"
    trace = w.ev.trace if w.ev else app.ev.trace
    step = (
        f"扣除已兑现或已审批部分：{earlier_text(found)}；应得{fmt_yuan(w.amount)}元不超过已扣除的"
        f"{fmt_yuan(found.deducted)}元，本次为0"
    )
    if step not in trace.steps:
        trace.steps.append(step)
    return Exclusion(app.rule, app.claim.id, app.subject, reason, w.amount, trace, found)
