"""One rule's formula on one claim (or on the claims of one subject added up), with its trace.

:data:`FORMULAS` is the one list of formula kinds: what each needs in a policy
file, its Chinese label and how it computes; the loader, the screens and the
engine all read it. The parameters are read at the event date into the trace,
the caps that count by the subject and the floor are applied, and a rule that
pays nothing raises :class:`Skip` with the reason (Chinese).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from collections.abc import Callable

from core.engine.bases import BASES, field_base
from core.engine.trace import Input, ParamUse, ReadingUse, Trace
from core.money import ZERO, fmt_rate, fmt_yuan, to_fen
from core.policy.model import CAP_LABELS, Choice, Keyed, Param


class Skip(Exception):
    """A rule that matched but pays nothing; ``reason`` says why."""

    def __init__(self, reason: str, amount: Decimal | None = None):
        super().__init__(reason)
        self.reason, self.amount = reason, amount


# The vocabulary enum of each field a parameter may depend on (Keyed.by), to name its value in Chinese.
_KEY_ENUMS = {
    "level": "levels",
    "size": "sizes",
    "kind": "recognition_kinds",
    "rating": "ratings",
    "board": "boards",
    "mode": "purchase_modes",
    "grade": "prize_grades",
    "stage": "stages",
}


class Eval:
    """One rule applied to one claim: reads parameters at the event date into the trace."""

    __slots__ = ("ctx", "rule", "claim", "case", "day", "trace", "vocabulary", "award_year", "case_warnings")

    def __init__(self, ctx, rule, claim, case, day: dt.date, warnings=None, award_year: int | None = None):
        self.ctx, self.rule, self.claim, self.case, self.day = ctx, rule, claim, case, day
        self.case_warnings = warnings if warnings is not None else []
        self.vocabulary = ctx.vocabulary
        self.award_year = award_year if award_year is not None else ctx.award_year
        self.trace = Trace()

    def param(self, p: Param, record: bool = True) -> Decimal:
        """The value of ``p`` at the event date, recorded in the trace.

        The value and its ParamUse are looked up once per parameter and day
        for the whole run (Context.param_uses); traces share the ParamUse,
        which nothing changes once made.
        """
        uses = self.ctx.param_uses
        key = (id(p), self.day)
        hit = uses.get(key)
        if hit is None or hit[0] is not p:  # ``p`` itself is kept: an id is unique only while its object lives
            v = p.at(self.day)
            if v is None:
                raise Skip(f"参数“{p.label}”在{self.day.isoformat()}没有有效取值")
            hit = uses[key] = (
                p,
                v.value,
                ParamUse(p.path, p.label, v.value, p.unit, v.cite, v.start, self.day, v.source),
            )
        if record:
            self.trace.params.append(hit[2])
        return hit[1]

    def keyed(self, p: Param | Keyed, what: str) -> tuple[Decimal, str]:
        if isinstance(p, Keyed):
            key = self.claim.get(p.by)
            if key is None:
                key = getattr(self.case.company, p.by, None)
            chosen = p.pick(key)
            if chosen is None:
                raise Skip(f"条款未规定{self._key_label(p.by, key)}的{what}")
            return self.param(chosen), self._key_label(p.by, key) if chosen is p.entries.get(key) else "其他"
        return self.param(p), ""

    def _key_label(self, by: str, key) -> str:
        enum = _KEY_ENUMS.get(by)
        return self.vocabulary.label(enum, key) if enum and key is not None else str(key)

    def reading(self, name: str):
        r = self.rule.document.readings[name]
        readings = self.trace.readings
        for used in readings:
            if used[0] == name:
                return r.value
        readings.append(ReadingUse(name, r.value, r.note))
        return r.value

    def choose(self, value):
        """A rule setting that may depend on a reading (core.policy.model.Choice), as it applies here."""
        if isinstance(value, Choice):
            return value.when_true if self.reading(value.reading) else value.when_false
        return value

    def cap_active(self, cap) -> bool:
        if cap.if_reading and not self.reading(cap.if_reading):
            return False
        if cap.unless_reading and self.reading(cap.unless_reading):
            return False
        return True


def base(ev: Eval) -> Decimal:
    name = ev.rule.base
    fn = BASES.get(name)
    if fn is not None:
        value, inputs, problem = fn(ev.claim, ev.case, ev.ctx)
    else:
        spec = ev.vocabulary.claim_types[ev.rule.claim_type].fields[name]
        value, inputs, problem = field_base(spec, ev.claim)
    ev.trace.inputs.extend(inputs)
    if problem:
        raise Skip(problem, ZERO if value is not None else None)
    return value


def formula(ev: Eval) -> Decimal:
    """The amount the clause gives for ``ev.claim``, before the caps and the floor."""
    compute = FORMULAS[ev.rule.formula].compute
    assert compute is not None, ev.rule.formula  # rules whose formula computes nothing never reach here
    return to_fen(compute(ev))


def _fixed(ev: Eval) -> Decimal:
    amount, key = ev.keyed(ev.rule.amount, "金额")
    ev.trace.formula = f"{key + '：' if key else ''}定额 {fmt_yuan(amount)}元"
    return amount


def _rate(ev: Eval) -> Decimal:
    b = base(ev)
    rate, key = ev.keyed(ev.rule.rate, "比例")
    if b <= 0:
        raise Skip(f"计算基数为{fmt_yuan(b)}元，没有可补助的金额", ZERO)
    amount = to_fen(b * rate)
    ev.trace.formula = f"{fmt_yuan(b)}元 × {fmt_rate(rate)}{'（' + key + '）' if key else ''} = {fmt_yuan(amount)}元"
    return amount


def _multiple(ev: Eval) -> Decimal:
    b = base(ev)
    factor = ev.param(ev.rule.factor)
    amount = to_fen(b * factor)
    ev.trace.formula = f"{fmt_yuan(b)}元 × {factor.normalize():f}倍 = {fmt_yuan(amount)}元"
    return amount


def _entered(ev: Eval) -> Decimal:
    t = ev.trace
    amount = ev.claim.get("amount")
    t.inputs.append(Input("事项说明", str(ev.claim.get("subject", ""))))
    t.inputs.append(Input("经办人录入金额", fmt_yuan(amount) + "元"))
    t.formula = f"经办人录入 {fmt_yuan(amount)}元"
    return amount


def _per_step(ev: Eval) -> Decimal:
    rule, t = ev.rule, ev.trace
    b = base(ev)
    step = ev.param(rule.step)
    per, _ = ev.keyed(rule.amount, "每档金额")
    steps = (b / step).to_integral_value(rounding=ROUND_FLOOR) if b > 0 else ZERO
    amount = steps * per
    if rule.step.unit == "count":  # places, pieces: print as counts, not yuan
        bt, st, unit = f"{b.normalize():f}", f"{step.normalize():f}", ""
    else:
        bt, st, unit = fmt_yuan(b), fmt_yuan(step), "元"
    t.formula = f"{bt} ÷ {st} = {steps}档（不足一档不计）；{steps} × {fmt_yuan(per)}元 = {fmt_yuan(amount)}元"
    if steps <= 0:
        what = "增加额" if unit else "计算基数"
        raise Skip(f"{what}{bt}{unit}不足一档（每档{st}{unit}）", ZERO)
    return amount


def _at_least(ev: Eval) -> Decimal:
    """The stated minimum, or (``above_minimum: entered``) the amount the clerk entered, not below it."""
    rule, t = ev.rule, ev.trace
    minimum, key = ev.keyed(rule.minimum, "下限")
    if ev.claim.type == "entered":
        amount = ev.claim.get("amount")
        t.inputs.append(Input("事项说明", str(ev.claim.get("subject", ""))))
        t.inputs.append(Input("经办人录入的当年核定金额", fmt_yuan(amount) + "元"))
        if amount < minimum:
            raise Skip(
                f"录入的当年核定金额{fmt_yuan(amount)}元低于条款规定的下限{fmt_yuan(minimum)}元，请核对核定文件", amount
            )
        t.formula = f"经办人录入当年核定金额 {fmt_yuan(amount)}元（不低于条款下限{fmt_yuan(minimum)}元）"
        return amount
    t.formula = f"{key + '：' if key else ''}条款为“不低于{fmt_yuan(minimum)}元”，按下限计 {fmt_yuan(minimum)}元"
    if rule.above_minimum:
        t.notes.append(
            "条款只规定下限；当年核定金额更高的，请以“经办人录入金额”按本规则编号录入核定金额（不低于下限），"
            "程序按核定金额计算且同一平台每年只计一次"
        )
    else:
        t.notes.append("条款只规定下限；实际核定金额更高的，请以“经办人录入金额”另行申报并作说明")
    return minimum


@dataclass(frozen=True)
class FormulaKind:
    """One ``formula:`` a policy file may name: what it needs, what a clerk calls it, how it computes.

    ``claims`` says what makes a rule of this kind pay: a claim its ``when``
    matches ("when"), an amount a clerk entered under its id ("entered"), or
    nothing ("none": the clause states no amount). ``adds_up`` says when the
    claims of one key are totalled before the formula rather than the highest
    taken: "always" (entered amounts), "base" (when every field its base reads
    adds up, vocabulary ``sums``) or "never".
    """

    name: str
    label: str
    required: frozenset = frozenset()  # keys a rule of this kind must give (parameters, ``base``)
    optional: frozenset = frozenset()
    compute: Callable[[Eval], Decimal] | None = None
    claims: str = "when"
    adds_up: str = "never"

    @property
    def pays(self) -> bool:
        return self.claims != "none"


def _kinds(*kinds: FormulaKind) -> dict[str, FormulaKind]:
    return {k.name: k for k in kinds}


FORMULAS = _kinds(
    FormulaKind("fixed", "定额", frozenset({"amount"}), frozenset({"years"}), _fixed),
    FormulaKind("rate", "比例", frozenset({"rate", "base"}), compute=_rate, adds_up="base"),
    FormulaKind(
        "per_step", "按档累进（每满一档）", frozenset({"step", "amount", "base"}), compute=_per_step, adds_up="base"
    ),
    FormulaKind("multiple", "倍数/等额", frozenset({"factor", "base"}), compute=_multiple, adds_up="base"),
    FormulaKind("at_least", "不低于（按下限）", frozenset({"minimum"}), frozenset({"years"}), _at_least),
    FormulaKind(
        "entered",
        "经办人录入金额",
        optional=frozenset({"maximum", "years"}),
        compute=_entered,
        claims="entered",
        adds_up="always",
    ),
    FormulaKind("informational", "不涉及金额", claims="none"),
)


def caps_and_floor(ev: Eval, amount: Decimal, room) -> Decimal:
    """The caps counted by the subject, the entered-amount maximum and the floor, in that order.

    ``room(cap, top)`` is what is left of a cap for this subject and period
    after what other periods already used (the engine works it out).
    """
    rule, t = ev.rule, ev.trace
    if rule.formula == "entered" and rule.maximum is not None:
        top = ev.param(rule.maximum)
        if amount > top:
            t.steps.append(f"录入金额超过条款上限{fmt_yuan(top)}元，按上限计：{fmt_yuan(amount)} → {fmt_yuan(top)}")
            ev.case_warnings.append(
                f"事项{ev.claim.id}录入金额{fmt_yuan(amount)}元超过{rule.document.citation}"
                f"{rule.clause}规定的上限{fmt_yuan(top)}元，已按上限计"
            )
            amount = top
    for cap in rule.caps:
        if cap.per not in ("subject", "subject_year") or not ev.cap_active(cap):
            continue
        top = ev.param(cap.param)
        left, used_text = room(cap, top)
        label = CAP_LABELS[cap.per]
        if amount > left:
            t.steps.append(
                f"{label}上限{fmt_yuan(top)}元（“{cap.param.versions[0].cite}”）{used_text}："
                f"{fmt_yuan(amount)} → {fmt_yuan(left)}"
            )
            amount = to_fen(left)
        else:
            t.steps.append(f"{label}上限{fmt_yuan(top)}元{used_text}，未超出")
    if rule.floor is not None:
        floor = ev.param(rule.floor)
        if amount < floor:
            t.steps.append(f"起付线{fmt_yuan(floor)}元：计算金额{fmt_yuan(amount)}元低于起付线")
            raise Skip(f"计算金额{fmt_yuan(amount)}元低于{fmt_yuan(floor)}元，不予补助", amount)
        t.steps.append(f"起付线{fmt_yuan(floor)}元：已达到")
    if amount <= 0:
        raise Skip("计算金额为零", ZERO)
    return amount
