"""Which rules a claim meets, the history it is read against, and whether it qualifies (passes 1 and 2).

A claim matches a rule by its type and conditions; it qualifies when the
rule's document is in effect, its history requirements hold and its
recognition is new where the rule asks; what qualifies is an App, what
matches yet does not qualify an Exclusion with the reason.
"""

from __future__ import annotations

import datetime as dt

from core.engine.context import Context
from core.engine.counting import App
from core.engine.formulas import FORMULAS, Eval, Skip
from core.engine.predicates import PREDICATES, newly_recognized
from core.engine.result import Exclusion
from core.engine.trace import Trace
from core.model import Claim, CompanyCase, History, Recognition, claim_recognition
from core.policy.model import Rule
from core.subjects import normalize, recognition_subject


# ---------------------------------------------------------------- matching


def _matches(rule: Rule, claim: Claim, day: dt.date, company=None) -> bool:
    if claim.type == "entered" and rule.above_minimum:
        return claim.fields.get("rule_id") == rule.id  # the approved amount of an 'at least' award
    if rule.claim_type != claim.type:
        return False
    for c in rule.conditions:
        if c.of == "company":
            if company is not None and getattr(company, c.field, None) not in c.value:
                return False
            continue
        value = claim.fields.get(c.field)
        op = c.op
        if op == "eq":
            if value != c.value:
                return False
        elif op == "in":
            if value not in c.value:
                return False
        elif op == "contains":
            if value is None or c.value not in str(value):
                return False
        else:
            v = c.value.at(day)
            if v is None or value is None:
                return False
            if op == "at_least" and not value >= v.value:
                return False
            if op == "below" and not value < v.value:
                return False
    return True


def _in_order(pairs: list) -> list:
    """``(head, claim)`` pairs sorted by head, then by what the claim states and its id: a fixed order.

    The order is that of the key (head, claim.identity, claim.id); the
    identity, which normalizes every field, is worked out only for claims
    whose heads are equal.
    """
    pairs.sort(key=_first)
    n = len(pairs)
    if n < 2 or len({p[0] for p in pairs}) == n:
        return pairs
    i = 0
    while i < n:
        j = i + 1
        while j < n and pairs[j][0] == pairs[i][0]:
            j += 1
        if j - i > 1:
            pairs[i:j] = sorted(pairs[i:j], key=_tie)
        i = j
    return pairs


def _first(pair):
    return pair[0]


def _tie(pair):
    return pair[1].identity, pair[1].id


def _sorted_claims(claims) -> list[Claim]:
    """This batch's claims by date, type, subject (and what they state, and id), whatever order they came in."""
    return [c for _, c in _in_order([((c.date or dt.date.min, c.type, c.subject), c) for c in claims])]


# ---------------------------------------------------------------- the history a claim sees


def _with_own_claims(case: CompanyCase, claims) -> CompanyCase:
    """The case with this batch's recognitions and registrations added to its history.

    'First time', 'consecutive years' and 'newly recognized' then read the
    same facts whether two recognitions arrive in one batch or in two batches
    one after the other (approval records a batch's recognitions).
    """
    recs = [claim_recognition(c, source=c.id) for c in claims if c.type == "recognition" and c.date is not None]
    years = {c.get("year") for c in claims if c.type == "tech_sme_registration" and c.get("year") is not None}
    if not recs and not years:
        return case
    h = case.history
    history = History(h.recognitions + tuple(recs), h.tech_sme_years | years, h.rd, h.ledger, h.claims)
    return CompanyCase(case.company, history, case.claims)


def _recognition_claim(rec: Recognition, ctx) -> Claim:
    fields = dict(ctx.recognition_defaults)
    fields.update(kind=rec.kind, level=rec.level, date=rec.date, number=rec.number, stage=rec.stage)
    if rec.name:
        fields["name"] = rec.name
    return Claim("recognition", f"历史:{rec.kind}:{rec.date.isoformat()}", fields, rec.date)


def _history_installment_claims(case: CompanyCase, ctx: Context) -> list[Claim]:
    """Recognitions of earlier years whose multi-year support may reach this year, one per subject.

    A claim of this batch about the same platform does not replace it: both fall under one key (the
    platform and the year), where the support is counted once.
    """
    rules, kinds = ctx.multi_year(case.company.city)
    if not rules:
        return []
    out = {}
    recs = [
        r for r in case.history.recognitions if r.date.year <= ctx.award_year and (kinds is None or r.kind in kinds)
    ]
    for rec in sorted(recs, key=lambda r: (r.date, r.number, r.name)):
        claim = _recognition_claim(rec, ctx)
        if claim.subject in out:
            continue
        for rule in rules:
            if not _matches(rule, claim, rec.date, case.company):
                continue
            assert rule.years is not None  # multi-year rules state their years
            years = rule.years.at(rec.date)
            if years is not None and rec.date.year + int(years.value) > ctx.award_year:
                out[claim.subject] = claim
                break
    return list(out.values())


# ---------------------------------------------------------------- qualifying


def _platform_subject(rule: Rule, claim: Claim, case: CompanyCase, ctx: Context) -> str:
    """The platform an amount entered under an 'at least' rule is for, found by its name or certificate number."""
    text = normalize(claim.get("subject", ""))
    found = set()
    for rec in case.history.recognitions:
        if claim.date is not None and rec.date > claim.date:
            continue  # a platform recognized after the amount was approved is not what it was approved for
        rc = _recognition_claim(rec, ctx)
        if not _matches(rule, rc, rec.date, case.company):
            continue
        if text and (normalize(rec.name) == text or normalize(rec.number) == text):
            found.add(recognition_subject(rec.kind, rec.level, rec.name, rec.number))
    if len(found) == 1:
        return found.pop()
    what = f"名称或证书编号为“{claim.get('subject', '')}”的"
    if not found:
        raise Skip(
            f"录入的核定金额须写明平台：在历史认定记录和本批次认定中找不到{what}{rule.summary}平台；"
            f"请在“事项说明”中填写平台名称或证书编号"
        )
    raise Skip(f"{what}平台有{len(found)}个，无法确定录入金额属于哪一个，请填写证书编号")


def _qualify(
    rule: Rule, claim: Claim, case: CompanyCase, ctx: Context, warnings: list, year: int, earlier: bool = False
):
    """An App, an Exclusion (qualifies in form but not in substance), or None when the rule does not concern it."""
    if claim.date is not None:
        day = claim.date
    else:
        day = ctx.as_of if year == ctx.award_year else dt.date(year, 12, 31)
    if not _matches(rule, claim, day, case.company):
        return None
    subject = claim.subject
    refused = _document_refusal(rule.document, day, ctx)
    if refused is not None:
        return Exclusion(rule, claim.id, subject, refused, None, Trace())
    ev = Eval(ctx, rule, claim, case, day, warnings, award_year=year)
    try:
        for req in rule.requires:
            gate = req.args.get("if_reading")
            if gate and not ev.reading(gate):
                continue
            reason = PREDICATES[req.name].fn(ev, req.args)
            if reason:
                raise Skip(reason)
        newly = rule.newly
        if newly is not None:
            newly = ev.choose(newly)
            if newly:
                reason = newly_recognized(ev, newly)
                if reason:
                    raise Skip(reason)
        once = rule.once if type(rule.once) is str else ev.choose(rule.once)
        if claim.type == "entered" and rule.formula == "at_least":
            subject = _platform_subject(rule, claim, case, ctx)
    except Skip as skip:
        return Exclusion(rule, claim.id, subject, skip.reason, skip.amount, ev.trace)
    return App(rule, claim, subject, year, earlier, ev, once, day)


def _document_refusal(doc, day: dt.date, ctx: Context) -> str | None:
    """Why a claim of ``day`` cannot be paid under ``doc`` at all (not in effect, a draft left out, repealed), or None.

    Worked out once per document and day for the run (Context.document_refusals).
    """
    key = (doc.id, day)
    refusals = ctx.document_refusals
    if key in refusals:
        return refusals[key]
    reason = None
    if not doc.in_effect(day):
        reason = f"事项日期{day.isoformat()}不在{doc.citation}有效期（{doc.period_text}）内"
    elif doc.status == "draft" and not ctx.include_drafts:
        reason = f"{doc.citation}为征求意见稿，按设置不予计算"
    elif doc.status in ("repealed", "expired"):
        reason = f"{doc.citation}已{'废止' if doc.status == 'repealed' else '失效'}"
    refusals[key] = reason
    return reason


def _rules_for(claim: Claim, case: CompanyCase, ctx: Context, idx: dict, errors: list):
    if claim.type == "entered":
        return _entered_rule(claim, case, ctx, errors)
    if claim.type == "recognition":
        return idx.get(("recognition", claim.fields.get("kind")), ())
    return idx.get((claim.type, None), ())


def _entered_rule(claim: Claim, case: CompanyCase, ctx: Context, errors: list):
    rid = claim.fields.get("rule_id")
    rule = ctx.policies.rules.get(rid or "")
    if rule is None or not (FORMULAS[rule.formula].claims == "entered" or rule.above_minimum):
        errors.append(f"事项{claim.id}：规则“{rid}”不存在或不是经办人录入金额的条款")
        return None
    if not rule.document.applies_to_city(case.company.city):
        errors.append(
            f"事项{claim.id}：规则{rid}属于{rule.document.citation}，不适用于"
            f"{ctx.vocabulary.label('cities', case.company.city)}单位"
        )
        return None
    return (rule,)
