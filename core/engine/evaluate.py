"""evaluate(company, history, claims, year, policies) -> award lines with traces.

One company at a time, in three passes:

1. every claim against every rule that can pay a company in its city: the
   rule's conditions, its history requirements, whether the thing was paid
   before, the formula, the per-item cap and the floor;
2. stacking groups: of lines in one 'highest' group only the largest stays,
   an 'exclusive' group that fires twice is an error;
3. caps that span several lines (per unit per year, per person), counting
   awards approved in earlier batches, allocated in a fixed order of claims so
   the result does not depend on the order they were given in.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from core.engine.bases import BASES, field_base
from core.engine.predicates import PREDICATES
from core.engine.result import AwardLine, CompanyResult, Exclusion, ParamUse, Trace
from core.model import Claim, CompanyCase
from core.money import ZERO, fmt_rate, fmt_yuan, to_fen
from core.policy.model import STACKING_LABELS, Keyed, Param, Rule
from core.policy.policyset import PolicySet


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
        self.group_rules = {g.id: frozenset(g.rules) for g in policies.groups.values()}


def _cap_key_rules(policies: PolicySet) -> dict[str, frozenset]:
    out: dict[str, set] = {}
    for rule in policies.rules.values():
        for cap in rule.caps:
            out.setdefault(cap.key, set()).add(rule.id)
    return {k: frozenset(v) for k, v in out.items()}


class _Skip(Exception):
    """A rule that matched but pays nothing; ``reason`` says why."""

    def __init__(self, reason: str, amount: Decimal | None = None):
        super().__init__(reason)
        self.reason, self.amount = reason, amount


class _Eval:
    """One rule applied to one claim: reads parameters at the event date into the trace."""

    __slots__ = ("ctx", "rule", "claim", "case", "day", "trace", "vocabulary", "award_year", "case_warnings")

    def __init__(self, ctx: Context, rule: Rule, claim: Claim, case: CompanyCase, day: dt.date, warnings=None):
        self.ctx, self.rule, self.claim, self.case, self.day = ctx, rule, claim, case, day
        self.case_warnings = warnings if warnings is not None else []
        self.vocabulary, self.award_year = ctx.vocabulary, ctx.award_year
        self.trace = Trace()

    def param(self, p: Param, record: bool = True) -> Decimal:
        v = p.at(self.day)
        if v is None:
            raise _Skip(f"参数“{p.label}”在{self.day.isoformat()}没有有效取值")
        if record:
            self.trace.params.append(ParamUse(p.path, p.label, v.value, p.unit, v.cite, v.start, self.day, v.source))
        return v.value

    def keyed(self, p: Param | Keyed, what: str) -> tuple[Decimal, str]:
        if isinstance(p, Keyed):
            key = self.claim.get(p.by)
            if key is None:
                key = getattr(self.case.company, p.by, None)
            chosen = p.pick(key)
            if chosen is None:
                raise _Skip(f"条款未规定{self._key_label(p.by, key)}的{what}")
            return self.param(chosen), self._key_label(p.by, key) if chosen is p.entries.get(key) else "其他"
        return self.param(p), ""

    def _key_label(self, by: str, key) -> str:
        enum = {"level": "levels", "size": "sizes", "kind": "recognition_kinds", "rating": "ratings",
                "board": "boards", "mode": "purchase_modes", "grade": "prize_grades",
                "stage": "stages"}.get(by)
        return self.vocabulary.label(enum, key) if enum and key is not None else str(key)

    def reading(self, name: str):
        r = self.rule.document.readings[name]
        if not any(n == name for n, _, _ in self.trace.readings):
            self.trace.readings.append((name, r.value, r.note))
        return r.value


# ---------------------------------------------------------------- matching

def _matches(rule: Rule, claim: Claim, day: dt.date) -> bool:
    if rule.claim_type != claim.type:
        return False
    for c in rule.conditions:
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


def _claim_key(claim: Claim):
    return (claim.date or dt.date.min, claim.type, claim.subject, repr(sorted((k, str(v)) for k, v in claim.fields.items())))


# ---------------------------------------------------------------- one rule

def _evaluate_rule(rule: Rule, claim: Claim, case: CompanyCase, ctx: Context, seen: set, warnings: list):
    """An AwardLine, an Exclusion, or None when the rule does not concern the claim."""
    day = claim.date or ctx.as_of
    if not _matches(rule, claim, day):
        return None
    doc = rule.document
    subject = claim.subject
    ev = _Eval(ctx, rule, claim, case, day, warnings)
    try:
        if not doc.in_effect(day):
            raise _Skip(f"事项日期{day.isoformat()}不在{doc.citation}有效期（{doc.period_text}）内")
        if doc.status == "draft" and not ctx.include_drafts:
            raise _Skip(f"{doc.citation}为征求意见稿，按设置不予计算")
        if doc.status in ("repealed", "expired"):
            raise _Skip(f"{doc.citation}已{'废止' if doc.status == 'repealed' else '失效'}")
        for req in rule.requires:
            gate = req.args.get("if_reading")
            if gate and not ev.reading(gate):
                continue
            reason = PREDICATES[req.name].fn(ev, req.args)
            if reason:
                raise _Skip(reason)
        once = rule.once
        if rule.once_if_reading:
            once = bool(ev.reading(rule.once_if_reading))
        elif rule.once_unless_reading:
            once = not ev.reading(rule.once_unless_reading)
        _check_not_paid(rule, claim, subject, case, ctx, seen, once)
        amount, schedule = _formula(ev)
        amount = _item_caps_and_floor(ev, amount)
    except _Skip as skip:
        return Exclusion(rule, claim.id, subject, skip.reason, skip.amount, ev.trace)
    seen.add((rule.id, subject))
    line = AwardLine(rule, claim.id, subject, amount, ev.trace, day, schedule,
                     person=str(claim.fields.get("person_id", "")), provisional=doc.status == "draft")
    if line.provisional:
        ev.trace.notes.append("依据征求意见稿测算，文件正式印发前仅供参考，不得据此拨付")
    return line


def _check_not_paid(rule: Rule, claim: Claim, subject: str, case: CompanyCase, ctx: Context, seen: set,
                    once: bool):
    family = ctx.group_rules.get(rule.group, frozenset((rule.id,))) if rule.group else frozenset((rule.id,))
    if (rule.id, subject) in seen:
        raise _Skip("与本批次另一项申报为同一事项，不重复计算")
    multi_year = rule.years is not None
    for entry in case.history.ledger:
        if entry.rule_id not in family:
            continue
        if once:
            raise _Skip(f"本条奖励每个单位只享受一次，已于{entry.year}年兑现（规则{entry.rule_id}）")
        if entry.subject == subject and (not multi_year or entry.year == ctx.award_year):
            when = f"{entry.year}年度" if multi_year else f"{entry.year}年"
            raise _Skip(f"该事项已于{when}按规则{entry.rule_id}兑现，不重复支持")


# ---------------------------------------------------------------- formulas

def _base(ev: _Eval) -> Decimal:
    name = ev.rule.base
    fn = BASES.get(name)
    if fn is not None:
        value, inputs, problem = fn(ev.claim, ev.case, ev.ctx)
    else:
        spec = ev.vocabulary.claim_types[ev.rule.claim_type].fields[name]
        value, inputs, problem = field_base(spec, ev.claim)
    ev.trace.inputs.extend(inputs)
    if problem:
        raise _Skip(problem, ZERO if value is not None else None)
    return value


def _formula(ev: _Eval):
    rule, t = ev.rule, ev.trace
    f = rule.formula
    if f == "fixed":
        amount, key = ev.keyed(rule.amount, "金额")
        t.formula = f"{key + '：' if key else ''}定额 {fmt_yuan(amount)}元"
    elif f == "rate":
        base = _base(ev)
        rate, key = ev.keyed(rule.rate, "比例")
        if base <= 0:
            raise _Skip(f"计算基数为{fmt_yuan(base)}元，没有可补助的金额", ZERO)
        amount = to_fen(base * rate)
        t.formula = f"{fmt_yuan(base)}元 × {fmt_rate(rate)}{'（' + key + '）' if key else ''} = {fmt_yuan(amount)}元"
    elif f == "per_step":
        base = _base(ev)
        step = ev.param(rule.step)
        per, _ = ev.keyed(rule.amount, "每档金额")
        steps = (base / step).to_integral_value(rounding=ROUND_FLOOR) if base > 0 else ZERO
        amount = steps * per
        if rule.step.unit == "count":  # places, pieces: print as counts, not yuan
            b, s, unit = f"{base.normalize():f}", f"{step.normalize():f}", ""
        else:
            b, s, unit = fmt_yuan(base), fmt_yuan(step), "元"
        t.formula = (f"{b} ÷ {s} = {steps}档（不足一档不计）；"
                     f"{steps} × {fmt_yuan(per)}元 = {fmt_yuan(amount)}元")
        if steps <= 0:
            what = "增加额" if unit else "计算基数"
            raise _Skip(f"{what}{b}{unit}不足一档（每档{s}{unit}）", ZERO)
    elif f == "multiple":
        base = _base(ev)
        factor = ev.param(rule.factor)
        amount = to_fen(base * factor)
        t.formula = f"{fmt_yuan(base)}元 × {factor.normalize():f}倍 = {fmt_yuan(amount)}元"
    elif f == "at_least":
        amount, key = ev.keyed(rule.minimum, "下限")
        t.formula = f"{key + '：' if key else ''}条款为“不低于{fmt_yuan(amount)}元”，按下限计 {fmt_yuan(amount)}元"
        t.notes.append("条款只规定下限；实际核定金额更高的，请以“经办人录入金额”另行申报并作说明")
    elif f == "entered":
        amount = ev.claim.get("amount")
        t.inputs.append(("事项说明", str(ev.claim.get("subject", ""))))
        t.inputs.append(("经办人录入金额", fmt_yuan(amount) + "元"))
        t.formula = f"经办人录入 {fmt_yuan(amount)}元"
        if rule.maximum is not None:
            top = ev.param(rule.maximum)
            if amount > top:
                t.steps.append(f"录入金额超过条款上限{fmt_yuan(top)}元，按上限计：{fmt_yuan(amount)} → {fmt_yuan(top)}")
                ev.case_warnings.append(f"事项{ev.claim.id}录入金额{fmt_yuan(amount)}元超过{rule.document.citation}"
                                        f"{rule.clause}规定的上限{fmt_yuan(top)}元，已按上限计")
                amount = top
    else:  # pragma: no cover - loader refuses other formulas
        raise AssertionError(f)
    amount = to_fen(amount)
    schedule = None
    if rule.years is not None:
        n = int(ev.param(rule.years))
        start = ev.day.year
        index = ev.award_year - start + 1
        if index < 1:
            index = 1
            t.notes.append(f"获批年度{start}晚于兑现年度{ev.award_year}，按第1年计")
        if index > n:
            raise _Skip(f"支持期为{start}—{start + n - 1}年，{ev.award_year}年已不在支持期内")
        schedule = tuple((start + i, amount) for i in range(n))
        t.formula += f"；连续支持{n}年（{start}—{start + n - 1}年），本年度为第{index}年"
    return amount, schedule


def _cap_active(ev: _Eval, cap) -> bool:
    if cap.if_reading and not ev.reading(cap.if_reading):
        return False
    if cap.unless_reading and ev.reading(cap.unless_reading):
        return False
    return True


def _item_caps_and_floor(ev: _Eval, amount: Decimal) -> Decimal:
    rule, t = ev.rule, ev.trace
    for cap in rule.caps:
        if cap.scope != "item" or not _cap_active(ev, cap):
            continue
        top = ev.param(cap.param)
        if amount > top:
            t.steps.append(f"单项上限{fmt_yuan(top)}元（“{cap.param.versions[0].cite}”）：{fmt_yuan(amount)} → {fmt_yuan(top)}")
            amount = to_fen(top)
    if rule.floor is not None:
        floor = ev.param(rule.floor)
        if amount < floor:
            t.steps.append(f"起付线{fmt_yuan(floor)}元：计算金额{fmt_yuan(amount)}元低于起付线")
            raise _Skip(f"计算金额{fmt_yuan(amount)}元低于{fmt_yuan(floor)}元，不予补助", amount)
        t.steps.append(f"起付线{fmt_yuan(floor)}元：已达到")
    if amount <= 0:
        raise _Skip("计算金额为零", ZERO)
    return amount


# ---------------------------------------------------------------- stacking

def _stack(lines: list, ctx: Context, excluded: list, errors: list) -> list:
    groups: dict = {}
    kept = []
    for line in lines:
        g = ctx.policies.group_of(line.rule)
        if g is None or g.policy == "sum":
            kept.append(line)
            continue
        key = (g.id, line.subject if g.scope == "claim" else "")
        groups.setdefault(key, []).append(line)
    for (gid, _), members in groups.items():
        if len(members) == 1:
            kept.append(members[0])
            continue
        g = ctx.policies.groups[gid]
        principle = g.document.stacking_principle or STACKING_LABELS[g.policy]
        names = "、".join(f"{m.rule.document.citation}{m.rule.clause}" for m in members)
        if g.policy == "exclusive":
            errors.append(f"互斥组“{g.label}”中{len(members)}项同时适用（{names}），需人工核定，均未计入")
            for m in members:
                excluded.append(Exclusion(m.rule, m.claim_id, m.subject,
                                          f"互斥组“{g.label}”同时适用多项，需人工核定", m.amount, m.trace))
            continue
        order = {rid: i for i, rid in enumerate(g.rules)}
        winner = max(members, key=lambda m: (m.amount, m.rule.document.date, -order[m.rule.id]))
        winner.trace.steps.append(
            f"叠加：与{len(members) - 1}项同属“{g.label}”，按“{principle}”只计一项，本项{fmt_yuan(winner.amount)}元保留")
        kept.append(winner)
        for m in members:
            if m is winner:
                continue
            reason = (f"与{winner.rule.document.citation}{winner.rule.clause}（规则{winner.rule.id}，"
                      f"{fmt_yuan(winner.amount)}元）同属“{g.label}”，按“{principle}”只计金额较高的一项；{g.note}")
            m.trace.steps.append(f"叠加：被{winner.rule.id}取代")
            excluded.append(Exclusion(m.rule, m.claim_id, m.subject, reason, m.amount, m.trace))
    return kept


# ---------------------------------------------------------------- period caps

def _ledger_used(case: CompanyCase, ctx: Context, cap, scope: str, person: str) -> Decimal:
    rules = ctx.cap_rules[cap.key]
    used = ZERO
    for e in case.history.ledger:
        if e.rule_id not in rules:
            continue
        if scope == "company_year" and e.year == ctx.award_year:
            used += e.amount
        elif scope == "person_total" and e.person == person:
            used += e.amount
        elif scope == "person_year" and e.person == person and e.year == ctx.award_year:
            used += e.amount
    return used


def _period_caps(lines: list, case: CompanyCase, ctx: Context, excluded: list) -> list:
    used: dict = {}
    kept = []
    for line in lines:
        rule = line.rule
        caps = [c for c in rule.caps if c.scope != "item"]
        if not caps:
            kept.append(line)
            continue
        ev = _Eval(ctx, rule, None, case, line.event_date)
        ev.trace = line.trace
        keys = []
        for cap in caps:
            if not _cap_active(ev, cap):
                continue
            if cap.scope == "company_year":
                k = (cap.key, ctx.award_year)
            else:
                k = (cap.key, cap.scope, line.person, ctx.award_year if cap.scope == "person_year" else 0)
            if k not in used:
                used[k] = _ledger_used(case, ctx, cap, cap.scope, line.person)
            top = ev.param(cap.param)
            room = max(top - used[k], ZERO)
            scope_text = {"company_year": f"每个单位{ctx.award_year}年度", "person_total": "同一人累计",
                          "person_year": f"同一人{ctx.award_year}年度"}[cap.scope]
            if line.amount > room:
                line.trace.steps.append(
                    f"{scope_text}上限{fmt_yuan(top)}元（“{cap.param.versions[0].cite}”），已用{fmt_yuan(used[k])}元，"
                    f"剩余{fmt_yuan(room)}元：{fmt_yuan(line.amount)} → {fmt_yuan(room)}")
                line.amount = to_fen(room)
            else:
                line.trace.steps.append(f"{scope_text}上限{fmt_yuan(top)}元，已用{fmt_yuan(used[k])}元，未超出")
            keys.append(k)
        for k in keys:
            used[k] += line.amount
        if line.amount <= 0:
            excluded.append(Exclusion(rule, line.claim_id, line.subject, "已达到上限，本项不再支持", ZERO, line.trace))
        else:
            kept.append(line)
    return kept


# ---------------------------------------------------------------- company

def _history_installment_claims(case: CompanyCase, ctx: Context, batch_subjects: set) -> list[Claim]:
    """Recognitions from earlier years whose multi-year support reaches this year."""
    out = []
    rules = ctx.policies.multi_year_rules(case.company.city)
    if not rules:
        return out
    defaults = ctx.vocabulary.claim_types["recognition"].fields
    for rec in case.history.recognitions:
        if rec.date.year > ctx.award_year:
            continue
        fields = {name: spec.default for name, spec in defaults.items() if spec.default is not None}
        fields.update(kind=rec.kind, level=rec.level, date=rec.date, number=rec.number, stage=rec.stage)
        if rec.name:
            fields["name"] = rec.name
        claim = Claim("recognition", f"历史:{rec.kind}:{rec.date.isoformat()}", fields, rec.date)
        if claim.subject in batch_subjects:
            continue
        for rule in rules:
            if not _matches(rule, claim, rec.date):
                continue
            years = rule.years.at(rec.date)
            if years is not None and rec.date.year + int(years.value) > ctx.award_year:
                out.append(claim)
                break
    return out


def evaluate_company(case: CompanyCase, ctx: Context) -> CompanyResult:
    idx = ctx.policies.index_for(case.company.city)
    lines, excluded, errors, warnings = [], [], [], []
    seen: set = set()  # (rule id, subject) already paid in this batch; groups are the stacking pass's job
    claims = sorted(case.claims, key=_claim_key)
    claims += _history_installment_claims(case, ctx, {c.subject for c in claims})
    for claim in claims:
        if claim.type == "entered":
            rules = _entered_rule(claim, case, ctx, errors)
        elif claim.type == "recognition":
            rules = idx.get(("recognition", claim.fields.get("kind")), ())
        else:
            rules = idx.get((claim.type, None), ())
        if rules is None:
            continue
        before = len(lines) + len(excluded)
        for rule in rules:
            out = _evaluate_rule(rule, claim, case, ctx, seen, warnings)
            if out is None:
                continue
            (lines if isinstance(out, AwardLine) else excluded).append(out)
        if len(lines) + len(excluded) == before:
            label = ctx.vocabulary.claim_types[claim.type].label
            warnings.append(f"事项{claim.id}（{label}）没有适用于{ctx.vocabulary.label('cities', case.company.city)}"
                            f"单位的条款")
    lines = _stack(lines, ctx, excluded, errors)
    lines = _period_caps(lines, case, ctx, excluded)
    if any(l.provisional for l in lines):
        warnings.append("含依据征求意见稿测算的金额，文件正式印发前不得拨付")
    return CompanyResult(case.company, ctx.award_year, lines, excluded, errors, warnings)


def _entered_rule(claim: Claim, case: CompanyCase, ctx: Context, errors: list):
    rid = claim.fields.get("rule_id")
    rule = ctx.policies.rules.get(rid)
    if rule is None or rule.formula != "entered":
        errors.append(f"事项{claim.id}：规则“{rid}”不存在或不是经办人录入金额的条款")
        return None
    if not rule.document.applies_to_city(case.company.city):
        errors.append(f"事项{claim.id}：规则{rid}属于{rule.document.citation}，不适用于"
                      f"{ctx.vocabulary.label('cities', case.company.city)}单位")
        return None
    return (rule,)


def evaluate(cases, ctx: Context):
    """Evaluate many companies; yields CompanyResult in input order."""
    for case in cases:
        yield evaluate_company(case, ctx)
