"""The passes over a company's lines after counting per key: exclusive groups (3) and caps across subjects (4)."""

from __future__ import annotations

from dataclasses import dataclass

from core.engine.context import Context
from core.engine.formulas import Eval
from core.engine.result import AwardLine, Exclusion
from core.model import CompanyCase
from core.money import ZERO, fmt_yuan, to_fen
from core.policy.model import CAP_LABELS


@dataclass(frozen=True, slots=True)
class Pass:
    """What one pass over the lines keeps, and what it takes out (with the reason in each Exclusion)."""

    kept: list[AwardLine]
    excluded: list[Exclusion]
    errors: tuple[str, ...] = ()


# ---------------------------------------------------------------- exclusive groups


def _exclusive(lines: list[AwardLine], ctx: Context) -> Pass:
    """Lines of an 'exclusive' group that two rules pay for one claim are taken out, with an error to decide."""
    if not any(line.rule.group for line in lines):
        return Pass(list(lines), [])
    groups: dict = {}
    kept, excluded, errors = [], [], []
    for line in lines:
        g = ctx.policies.group_of(line.rule)
        if g is None or g.policy != "exclusive":
            kept.append(line)
            continue
        groups.setdefault((g.id, line.claim_id), []).append(line)  # one claim that two exclusive rules both pay
    for (gid, _), members in groups.items():
        if len(members) == 1:
            kept.append(members[0])
            continue
        g = ctx.policies.groups[gid]
        names = "、".join(f"{m.rule.document.citation}{m.rule.clause}" for m in members)
        errors.append(f"互斥组“{g.label}”中{len(members)}项同时适用（{names}），需人工核定，均未计入")
        for m in members:
            excluded.append(
                Exclusion(
                    m.rule, m.claim_id, m.subject, f"互斥组“{g.label}”同时适用多项，需人工核定", m.amount, m.trace
                )
            )
    return Pass(kept, excluded, tuple(errors))


# ---------------------------------------------------------------- caps across subjects


def _ledger_used(case: CompanyCase, ctx: Context, cap, person: str) -> tuple:
    rules = ctx.cap_rules[cap.key]
    used, entries = ZERO, []
    for e in case.history.ledger:
        if e.rule_id not in rules:
            continue
        if (
            (cap.per == "company_year" and e.year == ctx.award_year)
            or (cap.per == "person_total" and e.person == person)
            or (cap.per == "person_year" and e.person == person and e.year == ctx.award_year)
        ):
            used += e.amount
            entries.append(e)
    return used, entries


def _period_caps(lines: list[AwardLine], case: CompanyCase, ctx: Context) -> Pass:
    """Caps per unit and year or per person: each capped line is replaced by one of the amount left, with the step.

    Lines are taken in a fixed order (event date, document, clause, subject),
    so what a cap leaves does not depend on the order the claims came in.
    """
    used: dict = {}
    kept, excluded = [], []
    period_caps = ctx.period_caps
    if len(lines) > 1:
        lines = sorted(lines, key=lambda l: (l.event_date, l.rule.document.id, l.rule.order, l.subject, l.claim_id))
    for line in lines:
        rule = line.rule
        caps = period_caps[rule.id]
        if not caps:
            kept.append(line)
            continue
        ev = Eval(ctx, rule, None, case, line.event_date)
        ev.trace = trace = line.trace.copy()
        amount = line.amount
        keys = []
        for cap in caps:
            if not ev.cap_active(cap):
                continue
            k: tuple
            if cap.per == "company_year":
                k = (cap.key, ctx.award_year)
            else:
                k = (cap.key, cap.per, line.person, ctx.award_year if cap.per == "person_year" else 0)
            if k not in used:
                used[k] = _ledger_used(case, ctx, cap, line.person)[0]
            top = ev.param(cap.param)
            room = max(top - used[k], ZERO)
            scope_text = (
                f"每个单位{ctx.award_year}年度"
                if cap.per == "company_year"
                else "同一人累计"
                if cap.per == "person_total"
                else f"同一人{ctx.award_year}年度"
            )
            if amount > room:
                trace.steps.append(
                    f"{scope_text}上限{fmt_yuan(top)}元（“{cap.param.versions[0].cite}”），已用{fmt_yuan(used[k])}元，"
                    f"剩余{fmt_yuan(room)}元：{fmt_yuan(amount)} → {fmt_yuan(room)}"
                )
                amount = to_fen(room)
            else:
                trace.steps.append(f"{scope_text}上限{fmt_yuan(top)}元，已用{fmt_yuan(used[k])}元，未超出")
            keys.append(k)
        for k in keys:
            used[k] += amount
        if amount <= 0:
            names = "、".join(CAP_LABELS[c.per] for c in caps)
            excluded.append(
                Exclusion(
                    rule, line.claim_id, line.subject, f"已达到{names}上限，本项不再支持", ZERO, trace, line.earlier
                )
            )
        else:
            kept.append(line.capped(amount, trace))
    return Pass(kept, excluded)
