"""A 'newly' award an earlier batch paid on a record that a recognition this batch brings shows was not new.

Reading newly_per_platform, a platform is paid as newly recognized once, on its first recognition. A batch pays
on what it knows: if it knew only a later record of a platform (甲站 recognized 2026-12-30), it paid that as new;
a later batch bringing an earlier recognition of the same platform (2025-07-01) shows the payment was not for a
new recognition. The program does not undo an approved payment: the later batch says so in a company warning,
naming the payment and the earlier recognition, for the clerk to check before approval (追回或说明). Where the
earlier recognition is itself one the rule pays as new (in force then, of the rule's level ...), the platform was
paid once as new, on another of its records, and nothing is said.

What a payment was made on: the ledger keeps the subject (the platform's name), not the record, so the records on
file under that subject, dated no later than the year it was paid, are the ones it may have been paid on, and the
earliest of them is compared. A record on file under the same name therefore never contradicts the payment (it
may be the one paid on); a recognition this batch claims does. Platforms are the same only by name on both
sides (core.engine.predicates.may_be_same_platform with names): a record or claim without a name cannot be told
apart from any platform of its kind, and a warning about money paid is not raised on that fallback. An entry
typed in by hand (no batch) is not checked: what record it was paid on is not known.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.engine.context import Context
from core.engine.counting import App
from core.engine.formulas import Eval
from core.engine.matching import _qualify
from core.engine.predicates import _before_approval, _counts_outside, _paid_for_recognitions, may_be_same_platform
from core.model import CompanyCase, History
from core.money import ZERO, fmt_yuan
from core.subjects import normalize, parse_recognition_subject


def _per_platform_newly(rule, ev: Eval) -> bool:
    """Whether ``rule`` pays a platform once as newly recognized (its 'newly' reads 'platform' here)."""
    return rule.newly is not None and ev.choose(rule.newly) == "platform" and not _before_approval(rule)


def _paid_per_platform(case: CompanyCase, ctx: Context) -> dict:
    """Approved batches' ledger entries of per-platform 'newly' rules, added up by (rule, subject, batch, year)."""
    paid: dict = {}
    for entry in case.history.ledger:
        if entry.batch_id is None:
            continue
        rule = ctx.policies.rules.get(entry.rule_id)
        if rule is None or rule.newly is None:
            continue
        key = (rule, entry.subject, entry.batch_id, entry.year)
        paid[key] = paid.get(key, ZERO) + entry.amount
    return paid


def overpaid_as_new(case: CompanyCase, view: CompanyCase, ctx: Context) -> list[str]:
    """Warnings (Chinese), one per earlier payment as new that a recognition claimed in this batch predates.

    ``view`` is the case with this batch's own recognitions added to its history (source = the claim's id).
    """
    if not case.history.ledger:
        return []
    own = [r for r in view.history.recognitions if r.source and r.name and r.stage != "cultivation"]
    if not own:
        return []
    out = []
    for (rule, subject, batch_id, year), amount in _paid_per_platform(case, ctx).items():
        if amount <= 0:
            continue
        parsed = parse_recognition_subject(subject)
        if parsed is None or not parsed[2]:
            continue  # a platform known by number alone: not told apart by name
        kind, level, name = parsed[0], parsed[1], parsed[2]
        ev = Eval(ctx, rule, None, view, dt.date(year, 12, 31))
        if not _per_platform_newly(rule, ev):
            continue
        entry = _Entry(subject, batch_id)
        on = [
            r
            for r in _paid_for_recognitions(ev, entry, kind)
            if (r.level or None) == level and r.stage != "cultivation" and r.date.year <= year and r.name
        ]
        if not on:
            continue
        paid_on = min(on, key=lambda r: r.date)
        counts_outside = _counts_outside(ev)
        earlier = [
            r
            for r in own
            if r.kind == kind
            and (r.level or None) == level
            and may_be_same_platform(normalize(r.name), normalize(r.number), name, "")
            and r.date < paid_on.date
            and not (r.issued_in and not counts_outside)
        ]
        if not earlier:
            continue
        first = min(earlier, key=lambda r: (r.date, r.source))
        why = _not_paid_as_new(rule, subject, first, case, view, ctx)
        if why is not None:
            out.append(_warning(ctx, rule, first, paid_on, batch_id, year, amount, why))
    return out


def _not_paid_as_new(rule, subject: str, rec, case: CompanyCase, view: CompanyCase, ctx: Context) -> str | None:
    """Why ``rule`` would not pay the platform's earlier recognition ``rec`` (a claim of this batch), else None.

    Read without what approved batches paid for the platform (this rule's payment, and any other the 'newly' check
    would read as its payment as new, e.g. a yearly support of the same record): where the earlier recognition is itself a new recognition
    the rule pays (甲站 first recognized 2026-06-01, paid on its 2026-12-30 record), the platform was paid once
    as new, only on another of its records, and nothing was overpaid. Where it is not (dated before the document
    took effect, another level ...), the payment was for a platform that was not newly recognized.
    """
    claim = next((c for c in case.claims if c.id == rec.source), None)
    if claim is None:
        return None
    h = view.history
    ledger = tuple(e for e in h.ledger if e.batch_id is None or e.subject != subject)
    unpaid = CompanyCase(view.company, History(h.recognitions, h.tech_sme_years, h.rd, ledger, h.claims), view.claims)
    out = _qualify(rule, claim, unpaid, ctx, [], ctx.award_year)
    if type(out) is App:
        return None
    return out.reason if out is not None else f"不符合{rule.summary}的条件"


class _Entry:
    """What :func:`core.engine.predicates._paid_for_recognitions` reads of a ledger entry."""

    __slots__ = ("subject", "batch_id")

    def __init__(self, subject: str, batch_id: int):
        self.subject, self.batch_id = subject, batch_id


def _warning(ctx: Context, rule, rec, paid_on, batch_id: int, year: int, amount: Decimal, why: str) -> str:
    vocab = ctx.vocabulary
    level = vocab.label("levels", rec.level) if rec.level else ""
    platform = f"{level}{vocab.label('recognition_kinds', rec.kind)}“{rec.name}”"
    number = f"，证书号{rec.number}" if rec.number else ""
    return (
        f"本批次事项{rec.source}申报的{platform}认定日期（{rec.date.isoformat()}{number}）早于此前按新认定拨付的记录"
        f"（批次{batch_id}：{rule.document.issuer}{rule.document.citation}{rule.clause}，规则{rule.id}，依据{paid_on.date.isoformat()}的认定记录，"
        f"{year}年拨付{fmt_yuan(amount)}元），该认定按本条款不予支持（{why}）：该平台不属于新认定，已拨付的款项可能多付，请核实并按规定处理（追回或说明）"
    )
