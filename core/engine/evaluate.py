"""evaluate(company, history, claims, year, policies) -> award lines with traces.

One company at a time, in four passes:

1. every claim against every rule that can pay a company in its city: the
   rule's conditions, its history requirements and whether the recognition
   is new (``newly``), reading the history as approval will leave it, i.e.
   with this batch's own recognitions and registrations added;
2. per key (core.engine.counting): the claims of one subject (or company,
   or year, as the rule's ``once`` says) added up with the claims of earlier
   approved batches, less what was already awarded; of a 'highest' stacking
   group only the largest rule pays;
3. an 'exclusive' group that fires twice on one claim is an error;
4. caps that span subjects (per unit per year, per person), counting awards
   approved in earlier batches, allocated in a fixed order of claims so the
   result does not depend on the order they were given in.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.engine.counting import (App, Families, Worth, additive, earlier_award, make_line, paid_for, period,
                                  refusal, same_platform, worth)
from core.engine.formulas import FORMULAS, Eval, Skip
from core.engine.predicates import PREDICATES, newly_recognized
from core.engine.result import AwardLine, CompanyResult, EarlierAward, Exclusion
from core.model import Claim, CompanyCase, History, Recognition, claim_recognition
from core.money import ZERO, fmt_yuan, to_fen
from core.policy.model import CAP_LABELS, STACKING_LABELS, Rule, StackingGroup
from core.policy.policyset import PolicySet
from core.subjects import normalize, recognition_subject


class Context:
    """What stays the same for every company of one evaluation run."""

    def __init__(self, policies: PolicySet, award_year: int, as_of: dt.date | None = None,
                 include_drafts: bool = True):
        self.policies = policies
        self.vocabulary = policies.vocabulary
        self.award_year = award_year
        self.as_of = as_of or dt.date(award_year, 12, 31)
        self.include_drafts = include_drafts
        self.cap_rules = _cap_key_rules(policies)
        self.families = Families.build(policies)
        spec = self.vocabulary.claim_types["recognition"].fields
        self.recognition_defaults = {name: f.default for name, f in spec.items() if f.default is not None}
        self._multi_year: dict[str, tuple] = {}
        self._additive: dict[str, bool] = {}
        self.period_caps = {rid: tuple(c for c in rule.caps if c.per in PERIOD_CAPS)
                            for rid, rule in policies.rules.items()}

    def additive(self, rule: Rule) -> bool:
        """core.engine.counting.additive, once per rule."""
        found = self._additive.get(rule.id)
        if found is None:
            found = self._additive[rule.id] = additive(rule, self.vocabulary)
        return found

    def multi_year(self, city: str) -> tuple[tuple[Rule, ...], frozenset | None]:
        """The rules of ``city`` that pay for several years, and the recognition kinds they can match (None: any)."""
        found = self._multi_year.get(city)
        if found is None:
            rules = self.policies.multi_year_rules(city)
            filters = [rule.kind_filter for rule in rules]
            kinds = (None if any(f is None for f in filters)
                     else frozenset(kind for f in filters if f is not None for kind in f))
            found = self._multi_year[city] = (rules, kinds)
        return found


PERIOD_CAPS = ("company_year", "person_total", "person_year")  # caps that span subjects (the last pass)


def _cap_key_rules(policies: PolicySet) -> dict[str, frozenset]:
    out: dict[str, set] = {}
    for rule in policies.rules.values():
        for cap in rule.caps:
            out.setdefault(cap.key, set()).update(rule.family_ids)
    return {k: frozenset(v) for k, v in out.items()}


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
    recs = [r for r in case.history.recognitions
            if r.date.year <= ctx.award_year and (kinds is None or r.kind in kinds)]
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
        rc = _recognition_claim(rec, ctx)
        if not _matches(rule, rc, rec.date, case.company):
            continue
        if text and (normalize(rec.name) == text or normalize(rec.number) == text):
            found.add(recognition_subject(rec.kind, rec.level, rec.name, rec.number))
    if len(found) == 1:
        return found.pop()
    what = f"名称或证书编号为“{claim.get('subject', '')}”的"
    if not found:
        raise Skip(f"录入的核定金额须写明平台：在历史认定记录和本批次认定中找不到{what}{rule.summary}平台；"
                   f"请在“事项说明”中填写平台名称或证书编号")
    raise Skip(f"{what}平台有{len(found)}个，无法确定录入金额属于哪一个，请填写证书编号")


def _qualify(rule: Rule, claim: Claim, case: CompanyCase, ctx: Context, warnings: list, year: int,
             earlier: bool = False):
    """An App, an Exclusion (qualifies in form but not in substance), or None when the rule does not concern it."""
    if claim.date is not None:
        day = claim.date
    else:
        day = ctx.as_of if year == ctx.award_year else dt.date(year, 12, 31)
    if not _matches(rule, claim, day, case.company):
        return None
    doc = rule.document
    subject = claim.subject
    ev = Eval(ctx, rule, claim, case, day, warnings, award_year=year)
    try:
        if not doc.in_effect(day):
            raise Skip(f"事项日期{day.isoformat()}不在{doc.citation}有效期（{doc.period_text}）内")
        if doc.status == "draft" and not ctx.include_drafts:
            raise Skip(f"{doc.citation}为征求意见稿，按设置不予计算")
        if doc.status in ("repealed", "expired"):
            raise Skip(f"{doc.citation}已{'废止' if doc.status == 'repealed' else '失效'}")
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
        errors.append(f"事项{claim.id}：规则{rid}属于{rule.document.citation}，不适用于"
                      f"{ctx.vocabulary.label('cities', case.company.city)}单位")
        return None
    return (rule,)


# ---------------------------------------------------------------- counting per key

class _Keys:
    """This batch's apps and earlier approved ones, grouped by (family, period)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.new: dict[tuple, list[App]] = {}
        self.earlier: dict[tuple, list[App]] = {}
        self.dates: dict[tuple, set] = {}  # (family, subject) -> claim dates of any year (multi-year windows)

    def key(self, app: App) -> tuple:
        return (self.ctx.families.of[app.rule.id], app.once) + period(app.once, app.subject, app.year, app.day)

    def add(self, app: App) -> None:
        (self.earlier if app.earlier else self.new).setdefault(self.key(app), []).append(app)
        if app.rule.years is not None:
            self.dates.setdefault((self.ctx.families.of[app.rule.id], app.subject), set()).add(app.day)


def _earlier_apps(keys: _Keys, case: CompanyCase, ctx: Context, idx: dict, warnings: list) -> None:
    """Claims of earlier approved batches under the families and subjects this batch touches."""
    if not case.history.claims:
        return
    family_of = ctx.families.of
    wanted = {k[0] for k in keys.new}
    pending = []
    for year, claim in case.history.claims:
        if claim.type == "entered":
            rule = ctx.policies.rules.get(claim.fields.get("rule_id") or "")
            rules: Sequence[Rule] = (rule,) if rule is not None and rule.document.applies_to_city(case.company.city) else ()
        elif claim.type == "recognition":
            rules = idx.get(("recognition", claim.fields.get("kind")), ())
        else:
            rules = idx.get((claim.type, None), ())
        rules = [r for r in rules if family_of[r.id] in wanted]
        if rules:
            pending.append(((year, claim.date or dt.date.min, claim.type, claim.subject), claim, rules))
    for (year, *_), claim, rules in _in_order(pending):
        for rule in rules:
            if not _may_count(rule, claim, year, keys, ctx):
                continue
            out = _qualify(rule, claim, case, ctx, [], year, earlier=True)
            if isinstance(out, App):
                keys.add(out)


def _may_count(rule: Rule, claim: Claim, year: int, keys: _Keys, ctx: Context) -> bool:
    """Whether an earlier claim may fall under a key of this batch, as far as can be told before qualifying it.

    A claim under a rule that pays for several years counts wherever it is:
    its date starts the support period of its subject.
    """
    once = rule.once
    if rule.years is not None or type(once) is not str or (claim.type == "entered" and rule.formula == "at_least"):
        return True
    day = claim.date or (ctx.as_of if year == ctx.award_year else dt.date(year, 12, 31))
    return (ctx.families.of[rule.id], once) + period(once, claim.subject, year, day) in keys.new


def _deduped(before: list[App], new: list[App]) -> tuple[list[App], list[App]]:
    """The earlier and the new apps of a key with each claim stated twice under one rule counted once.

    Two apps are one claim stated twice when their rule and their identity are
    the same; apps of different rules never are, so identities (which
    normalize every field) are worked out only where a rule repeats.
    """
    apps = before + new
    if len(apps) < 2 or len({a.rule.id for a in apps}) == len(apps):
        return before, new
    seen: set = set()
    return _first_statements(before, seen), _first_statements(new, seen)


def _first_statements(apps: list[App], seen: set) -> list[App]:
    out = []
    for a in apps:
        ident = (a.rule.id, a.claim.identity)
        if ident not in seen:
            seen.add(ident)
            out.append(a)
    return out


def _window(keys: _Keys, case: CompanyCase, ctx: Context, family: str, subject: str):
    """The multi-year check for one subject: support runs N years from its first recognition or payment."""

    def check(ev: Eval) -> range:
        rule = ev.rule
        n = int(ev.param(rule.years))
        starts = [d.year for d in keys.dates.get((family, subject), ())]
        platform = same_platform(subject)
        for rec in case.history.recognitions:
            if platform(rec) and _matches(rule, _recognition_claim(rec, ctx), rec.date, case.company):
                starts.append(rec.date.year)
        starts += [e.year for e in case.history.ledger
                   if e.rule_id in ctx.families.ledger_ids[family] and e.subject == subject]
        start = min(starts) if starts else ev.day.year
        year = ev.award_year
        t = ev.trace
        if start < ev.day.year:
            t.notes.append(f"支持期自该事项最早的认定或兑现年度{start}年起算，不因再次认定或重新申报而重新起算")
        if year < start:
            t.notes.append(f"获批年度{start}晚于兑现年度{year}，按第1年计")
            start = year
        if year > start + n - 1:
            raise Skip(f"支持期为{start}—{start + n - 1}年，{year}年已不在支持期内")
        t.formula += f"；连续支持{n}年（{start}—{start + n - 1}年），本年度为第{year - start + 1}年"
        return range(start, start + n)

    return check


def _room(case: CompanyCase, ctx: Context, family: str, subject: str, year: int):
    """What a cap counted by the subject leaves for this key after other periods' payments."""

    def room(ev: Eval, cap, top):
        if cap.per == "subject" and ev.choose(ev.rule.once) == "subject_year":
            used = sum((e.amount for e in case.history.ledger
                        if e.rule_id in ctx.families.ledger_ids[family] and e.subject == subject and e.year != year),
                       ZERO)
            if used:
                return max(top - used, ZERO), f"，以前年度已兑现{fmt_yuan(used)}元"
        return top, ""

    return room


@dataclass
class _Tally:
    """What one key comes to: each rule's worth with and without this batch, the one that pays, and the due."""

    results: list  # (rule, this batch's apps, Worth of all claims, Worth of the earlier ones)
    winner: tuple  # the entry of ``results`` that pays
    group: StackingGroup | None  # the 'highest' stacking group, if the key's family is one
    found: EarlierAward | None  # what was already awarded for the key
    due: Decimal


def _tally(key: tuple, keys: _Keys, case: CompanyCase, ctx: Context, warnings: list) -> _Tally:
    family, once = key[0], key[1]
    new = keys.new[key]
    before, new_kept = _deduped(keys.earlier.get(key, []), new)
    first = new[0]
    window = _window(keys, case, ctx, family, first.subject)
    room = _room(case, ctx, family, first.subject, first.year)
    results = []
    if not before and all(a.rule is first.rule for a in new):  # the common key: one rule, nothing earlier
        results.append((first.rule, new, worth(first.rule, new_kept, ctx, warnings, room, window),
                        Worth(ZERO, None, [])))
    else:
        for rule in dict.fromkeys([a.rule for a in new] + [a.rule for a in before]):
            mine_before = [a for a in before if a.rule is rule]
            w_all = worth(rule, mine_before + [a for a in new_kept if a.rule is rule], ctx, warnings, room, window)
            w_before = worth(rule, mine_before, ctx, [], room, window)
            results.append((rule, [a for a in new if a.rule is rule], w_all, w_before))
    group = ctx.policies.group_of(first.rule) if family.startswith("group:") else None
    if len(results) == 1:
        winner = results[0]
        worth_before = winner[3].amount
    else:
        order = {rid: i for i, rid in enumerate(group.rules)} if group is not None else {}
        winner = max(results, key=lambda x: (x[2].amount, x[0].document.date, -order.get(x[0].id, 0)))
        worth_before = max(r[3].amount for r in results)
    entries = paid_for(case, ctx.families.ledger_ids[family], once, first.subject, first.year, first.day)
    subject = first.subject if once not in ("company", "company_year") else ""
    found = earlier_award(subject, entries, before, worth_before, ctx.vocabulary) if entries or before else None
    deducted = found.deducted if found is not None else ZERO
    amount = winner[2].amount
    return _Tally(results, winner, group, found, to_fen(amount - deducted) if amount > deducted else ZERO)


def _not_failed(apps: list, w) -> list:
    if not w.failed:
        return apps
    return [a for a in apps if all(a is not f for f, _ in w.failed)]


def _verdict(t: _Tally, vocab, excluded: list) -> AwardLine | None:
    """The key's line (what is due); an exclusion for every claim of this batch it does not pay goes to ``excluded``."""
    rule, mine, w, _ = t.winner
    for other, other_new, ow, _ in t.results:
        for app, fw in ow.failed:  # beside a claim that pays, one that gives nothing says why
            if not app.earlier:
                excluded.append(Exclusion(other, app.claim.id, app.subject, fw.reason or "计算金额为零", fw.would,
                                          fw.ev.trace))
        other_new = _not_failed(other_new, ow)
        if not other_new or (other is rule and t.due > 0):
            continue
        if ow.amount <= 0:
            excluded.extend(Exclusion(other, a.claim.id, a.subject, ow.reason or "计算金额为零", ow.would,
                                      ow.ev.trace if ow.ev else a.ev.trace) for a in other_new)
        elif t.due <= 0:
            found = t.found
            assert found is not None  # worth something yet nothing due: an earlier award took it
            excluded.extend(refusal(a, ow, found, vocab) for a in other_new)
        else:
            _stacked_out(t.group, rule, w, other, other_new, ow, excluded)
    if t.due <= 0:
        return None
    mine = _not_failed(mine, w)
    if t.group is not None and len(t.results) > 1:
        principle = t.group.document.stacking_principle or STACKING_LABELS[t.group.policy]
        w.ev.trace.steps.append(f"叠加：与{len(t.results) - 1}项同属“{t.group.label}”，按“{principle}”只计一项，"
                                f"本项{fmt_yuan(w.amount)}元保留")
    return make_line(w, mine, mine[0].subject, t.due, t.found)


@dataclass(frozen=True, slots=True)
class Pass:
    """What one pass over the lines keeps, and what it takes out (with the reason in each Exclusion)."""

    kept: list[AwardLine]
    excluded: list[Exclusion]
    errors: tuple[str, ...] = ()


def _settle(keys: _Keys, case: CompanyCase, ctx: Context, warnings: list) -> Pass:
    """One line per key that is worth more than was already awarded for it; exclusions for the rest."""
    lines: list[AwardLine] = []
    excluded: list[Exclusion] = []
    for key in keys.new:  # in the order of the (sorted) claims, whatever order they came in
        line = _verdict(_tally(key, keys, case, ctx, warnings), ctx.vocabulary, excluded)
        if line is not None:
            lines.append(line)
    return Pass(lines, excluded)


def _stacked_out(g, winner: Rule, w, rule: Rule, new: list, ow, excluded: list) -> None:
    principle = g.document.stacking_principle or STACKING_LABELS[g.policy]
    reason = (f"与{winner.document.citation}{winner.clause}（规则{winner.id}，{fmt_yuan(w.amount)}元）同属“{g.label}”，"
              f"按“{principle}”只计金额较高的一项；{g.note}")
    ow.ev.trace.steps.append(f"叠加：被{winner.id}取代")
    for a in new:
        excluded.append(Exclusion(rule, a.claim.id, a.subject, reason, ow.amount, ow.ev.trace))


# ---------------------------------------------------------------- exclusive groups

def _exclusive(lines: list[AwardLine], ctx: Context) -> Pass:
    """Lines of an 'exclusive' group that two rules pay for one claim are taken out, with an error to decide."""
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
            excluded.append(Exclusion(m.rule, m.claim_id, m.subject,
                                      f"互斥组“{g.label}”同时适用多项，需人工核定", m.amount, m.trace))
    return Pass(kept, excluded, tuple(errors))


# ---------------------------------------------------------------- caps across subjects

def _ledger_used(case: CompanyCase, ctx: Context, cap, person: str) -> tuple:
    rules = ctx.cap_rules[cap.key]
    used, entries = ZERO, []
    for e in case.history.ledger:
        if e.rule_id not in rules:
            continue
        if ((cap.per == "company_year" and e.year == ctx.award_year)
                or (cap.per == "person_total" and e.person == person)
                or (cap.per == "person_year" and e.person == person and e.year == ctx.award_year)):
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
            scope_text = (f"每个单位{ctx.award_year}年度" if cap.per == "company_year" else
                          "同一人累计" if cap.per == "person_total" else f"同一人{ctx.award_year}年度")
            if amount > room:
                trace.steps.append(
                    f"{scope_text}上限{fmt_yuan(top)}元（“{cap.param.versions[0].cite}”），已用{fmt_yuan(used[k])}元，"
                    f"剩余{fmt_yuan(room)}元：{fmt_yuan(amount)} → {fmt_yuan(room)}")
                amount = to_fen(room)
            else:
                trace.steps.append(f"{scope_text}上限{fmt_yuan(top)}元，已用{fmt_yuan(used[k])}元，未超出")
            keys.append(k)
        for k in keys:
            used[k] += amount
        if amount <= 0:
            names = "、".join(CAP_LABELS[c.per] for c in caps)
            excluded.append(Exclusion(rule, line.claim_id, line.subject, f"已达到{names}上限，本项不再支持", ZERO,
                                      trace, line.earlier))
        else:
            kept.append(line.capped(amount, trace))
    return Pass(kept, excluded)


# ---------------------------------------------------------------- company

def evaluate_company(case: CompanyCase, ctx: Context) -> CompanyResult:
    idx = ctx.policies.index_for(case.company.city)
    excluded: list[Exclusion] = []
    errors: list[str] = []
    warnings: list[str] = []
    claims = _sorted_claims(case.claims)
    view = _with_own_claims(case, claims)
    claims += _history_installment_claims(case, ctx)
    keys = _Keys(ctx)
    firsts: dict = {}
    of_type: dict = {}
    for claim in claims:
        of_type[claim.type] = of_type.get(claim.type, 0) + 1
    for claim in claims:
        rules = _rules_for(claim, view, ctx, idx, errors)
        if rules is None:
            continue
        # a claim stated twice has one identity; one alone of its type cannot have been
        same = firsts.setdefault(claim.identity, claim) if of_type[claim.type] > 1 else claim
        produced = False
        for rule in rules:
            out = _qualify(rule, claim, view, ctx, warnings, ctx.award_year)
            if out is None:
                continue
            produced = True
            if same is not claim:
                excluded.append(Exclusion(rule, claim.id, claim.subject,
                                          f"与本批次事项{same.id}为同一事项的同一申报，不重复计算"))
            elif isinstance(out, App):
                keys.add(out)
            else:
                excluded.append(out)
        if not produced:
            label = ctx.vocabulary.claim_types[claim.type].label
            warnings.append(f"事项{claim.id}（{label}）没有适用于{ctx.vocabulary.label('cities', case.company.city)}"
                            f"单位的条款")
    _earlier_apps(keys, view, ctx, idx, warnings)
    settled = _settle(keys, view, ctx, warnings)
    exclusive = _exclusive(settled.kept, ctx)
    capped = _period_caps(exclusive.kept, view, ctx)
    lines = capped.kept
    excluded += settled.excluded + exclusive.excluded + capped.excluded
    errors += exclusive.errors
    if any(l.provisional for l in lines):
        warnings.append("含依据征求意见稿测算的金额，文件正式印发前不得拨付")
    return CompanyResult(case.company, ctx.award_year, lines, excluded, errors, warnings)


def evaluate(cases, ctx: Context):
    """Evaluate many companies; yields CompanyResult in input order."""
    for case in cases:
        yield evaluate_company(case, ctx)

