"""Clauses that state figures but pay nothing: tax relief, indirect-cost tiers, ...

Each calculator reads its numbers from the policy file (cited parameters) and
the case's inputs, and shows its working step by step. They answer a clerk's
or a company's question ("how much tax does this save?"); they never make an
award line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from collections.abc import Callable

from core.money import ZERO, fmt_rate, fmt_yuan, parse_amount, to_fen


class CalculatorInputError(ValueError):
    pass


@dataclass
class CalcResult:
    calculator_id: str
    title: str
    citation: str
    sentence: str
    inputs: list = field(default_factory=list)  # (label, text)
    steps: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)  # name -> Decimal
    schedule: list = field(default_factory=list)  # dicts per year
    notes: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "calculator_id": self.calculator_id,
            "title": self.title,
            "citation": self.citation,
            "sentence": self.sentence,
            "inputs": [{"label": k, "value": v} for k, v in self.inputs],
            "steps": list(self.steps),
            "outputs": {k: str(v) for k, v in self.outputs.items()},
            "schedule": [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in self.schedule
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class CalculatorFn:
    fn: Callable
    params: tuple  # names the policy file must give
    inputs: dict  # name -> (label, kind, default)


def _money(inputs: dict, name: str, label: str, default=None) -> Decimal:
    raw = inputs.get(name, default)
    if raw is None:
        raise CalculatorInputError(f"缺少输入“{label}”（{name}）")
    try:
        value = parse_amount(raw)
    except ValueError as exc:
        raise CalculatorInputError(f"输入“{label}”{exc}") from None
    if value < 0:
        raise CalculatorInputError(f"输入“{label}”不能为负数")
    return value


def _rate(inputs: dict, name: str, label: str, default: str) -> Decimal:
    raw = inputs.get(name, default)
    try:
        text = str(raw).strip()
        value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except Exception:
        raise CalculatorInputError(f"输入“{label}”应为比例，如0.25或25%") from None
    if not 0 <= value <= 1:
        raise CalculatorInputError(f"输入“{label}”应在0到1之间")
    return value


def tech_transfer_income_tax(p: dict, inputs: dict, out: CalcResult) -> None:
    """001（四）: transfer income up to the limit is exempt, the excess taxed at half."""
    income = _money(inputs, "income", "技术转让所得")
    rate = _rate(inputs, "tax_rate", "企业所得税税率", "0.25")
    limit, ratio = p["exempt_limit"], p["excess_ratio"]
    exempt = min(income, limit)
    excess = income - exempt
    taxable = to_fen(excess * ratio)
    tax = to_fen(taxable * rate)
    full = to_fen(income * rate)
    out.inputs += [("技术转让所得", fmt_yuan(income) + "元"), ("企业所得税税率", fmt_rate(rate))]
    out.steps += [
        f"免征部分：min({fmt_yuan(income)}, {fmt_yuan(limit)}) = {fmt_yuan(exempt)}元",
        f"超过部分：{fmt_yuan(income)} − {fmt_yuan(exempt)} = {fmt_yuan(excess)}元，减半计入应纳税所得额："
        f"{fmt_yuan(excess)} × {fmt_rate(ratio)} = {fmt_yuan(taxable)}元",
        f"应纳企业所得税：{fmt_yuan(taxable)} × {fmt_rate(rate)} = {fmt_yuan(tax)}元",
        f"不享受优惠时应纳：{fmt_yuan(income)} × {fmt_rate(rate)} = {fmt_yuan(full)}元；减免 {fmt_yuan(full - tax)}元",
    ]
    out.outputs.update(exempt_income=exempt, taxable_income=taxable, tax=tax, tax_saved=full - tax)
    out.notes.append("税率为输入项（一般企业25%，高新技术企业15%），不是本条款的规定")


def relocated_cit(p: dict, inputs: dict, out: CalcResult) -> None:
    """001（四）: relocated tech company, local share of CIT exempt years 1-3, halved 4-6."""
    try:
        first_year = int(inputs["first_revenue_year"])
    except (KeyError, ValueError, TypeError):
        raise CalculatorInputError("缺少输入“取得第一笔生产经营收入所属纳税年度”（first_revenue_year）") from None
    share = _rate(inputs, "local_share", "地方分享比例", "0.4")
    yearly = inputs.get("cit_by_year") or {}
    exempt_to, half_to, half = int(p["exempt_until_year"]), int(p["halved_until_year"]), p["halved_ratio"]
    out.inputs += [("取得第一笔生产经营收入所属纳税年度", str(first_year)), ("企业所得税地方分享比例", fmt_rate(share))]
    total = ZERO
    for i in range(1, half_to + 1):
        year = first_year + i - 1
        cit = _money(yearly, str(year), f"{year}年度应纳企业所得税", default="0")
        local = to_fen(cit * share)
        relief = local if i <= exempt_to else to_fen(local * half)
        what = "免征地方分享部分" if i <= exempt_to else f"地方分享部分减半（{fmt_rate(half)}）"
        out.schedule.append(
            {"year": year, "index": i, "cit": cit, "local_share": local, "relief": relief, "treatment": what}
        )
        out.steps.append(
            f"第{i}年（{year}）：应纳{fmt_yuan(cit)} × {fmt_rate(share)} = 地方分享{fmt_yuan(local)}元，"
            f"{what}，减免{fmt_yuan(relief)}元"
        )
        total += relief
    out.outputs["total_relief"] = total
    out.steps.append(f"六年合计减免 {fmt_yuan(total)}元")
    out.notes.append("地方分享比例为输入项（现行企业所得税中央与地方按60%:40%分享），不是本条款的规定")


def indirect_cost_tiers(p: dict, inputs: dict, out: CalcResult) -> None:
    """001（二十三）: indirect costs up to 30% / 25% / 20% of direct costs less equipment, progressively."""
    direct = _money(inputs, "direct_costs", "直接费用")
    equipment = _money(inputs, "equipment_costs", "设备费", default="0")
    if equipment > direct:
        raise CalculatorInputError("设备费不能大于直接费用")
    base = direct - equipment
    t1, r1, t2, r2, r3 = p["tier1_limit"], p["tier1_rate"], p["tier2_limit"], p["tier2_rate"], p["tier3_rate"]
    part1 = min(base, t1)
    part2 = min(max(base - t1, ZERO), t2 - t1)
    part3 = max(base - t2, ZERO)
    a1, a2, a3 = to_fen(part1 * r1), to_fen(part2 * r2), to_fen(part3 * r3)
    total = a1 + a2 + a3
    out.inputs += [("直接费用", fmt_yuan(direct) + "元"), ("设备费", fmt_yuan(equipment) + "元")]
    out.steps += [
        f"计算基数：{fmt_yuan(direct)} − {fmt_yuan(equipment)} = {fmt_yuan(base)}元",
        f"{fmt_yuan(t1)}元以下（含）部分：{fmt_yuan(part1)} × {fmt_rate(r1)} = {fmt_yuan(a1)}元",
        f"{fmt_yuan(t1)}至{fmt_yuan(t2)}元（含）部分：{fmt_yuan(part2)} × {fmt_rate(r2)} = {fmt_yuan(a2)}元",
        f"{fmt_yuan(t2)}元以上部分：{fmt_yuan(part3)} × {fmt_rate(r3)} = {fmt_yuan(a3)}元",
        f"间接费用最高可提至 {fmt_yuan(total)}元",
    ]
    out.outputs.update(base=base, indirect_max=total)


def soe_rd_addback(p: dict, inputs: dict, out: CalcResult) -> None:
    """Region / Baotou: SOE assessment treats R&D as profit, the increment counted at 150%."""
    rd = _money(inputs, "rd_expense", "本年度研发投入")
    prev = _money(inputs, "previous_rd_expense", "上年度研发投入")
    profit = _money(inputs, "profit", "考核利润", default="0")
    ratio = p["increment_ratio"]
    inc = max(rd - prev, ZERO)
    addback = to_fen(rd - inc + inc * ratio)
    out.inputs += [
        ("本年度研发投入", fmt_yuan(rd) + "元"),
        ("上年度研发投入", fmt_yuan(prev) + "元"),
        ("考核利润", fmt_yuan(profit) + "元"),
    ]
    out.steps += [
        f"增量：max({fmt_yuan(rd)} − {fmt_yuan(prev)}, 0) = {fmt_yuan(inc)}元",
        f"视同利润加回：{fmt_yuan(rd - inc)} + {fmt_yuan(inc)} × {fmt_rate(ratio)} = {fmt_yuan(addback)}元",
        f"考核口径利润：{fmt_yuan(profit)} + {fmt_yuan(addback)} = {fmt_yuan(profit + addback)}元",
    ]
    out.outputs.update(increment=inc, addback=addback, assessed_profit=profit + addback)


def job_invention_reward(p: dict, inputs: dict, out: CalcResult) -> None:
    """002（十二）: minimum rewards for a job invention where no rule or contract sets them."""
    net = _money(inputs, "net_income", "转让或许可净收入（或技术入股形成的股权作价）", default="0")
    profit = _money(inputs, "annual_profit", "自主实施转化投产后年营业利润", default="0")
    t_share, p_share, years, main = p["transfer_share"], p["profit_share"], int(p["years"]), p["main_share"]
    from_transfer = to_fen(net * t_share)
    per_year = to_fen(profit * p_share)
    out.inputs += [("净收入或股权作价", fmt_yuan(net) + "元"), ("年营业利润", fmt_yuan(profit) + "元")]
    out.steps += [
        f"转让、许可或作价入股：不低于 {fmt_yuan(net)} × {fmt_rate(t_share)} = {fmt_yuan(from_transfer)}元",
        f"自主实施：投产后{years}年内每年不低于 {fmt_yuan(profit)} × {fmt_rate(p_share)} = {fmt_yuan(per_year)}元",
        f"其中主要贡献人员不低于奖励总额的{fmt_rate(main)}",
    ]
    out.outputs.update(
        min_reward_transfer=from_transfer,
        min_reward_per_year=per_year,
        min_main_transfer=to_fen(from_transfer * main),
        min_main_per_year=to_fen(per_year * main),
    )


CALCULATORS = {
    "tech_transfer_income_tax": CalculatorFn(
        tech_transfer_income_tax,
        ("exempt_limit", "excess_ratio"),
        {"income": ("技术转让所得（元）", "money", None), "tax_rate": ("企业所得税税率", "rate", "0.25")},
    ),
    "relocated_cit": CalculatorFn(
        relocated_cit,
        ("exempt_until_year", "halved_until_year", "halved_ratio"),
        {
            "first_revenue_year": ("取得第一笔生产经营收入所属纳税年度", "year", None),
            "local_share": ("企业所得税地方分享比例", "rate", "0.4"),
            "cit_by_year": ("各年度应纳企业所得税（元）", "money_by_year", None),
        },
    ),
    "indirect_cost_tiers": CalculatorFn(
        indirect_cost_tiers,
        ("tier1_limit", "tier1_rate", "tier2_limit", "tier2_rate", "tier3_rate"),
        {"direct_costs": ("直接费用（元）", "money", None), "equipment_costs": ("其中设备费（元）", "money", "0")},
    ),
    "soe_rd_addback": CalculatorFn(
        soe_rd_addback,
        ("increment_ratio",),
        {
            "rd_expense": ("本年度研发投入（元）", "money", None),
            "previous_rd_expense": ("上年度研发投入（元）", "money", None),
            "profit": ("考核利润（元）", "money", "0"),
        },
    ),
    "job_invention_reward": CalculatorFn(
        job_invention_reward,
        ("transfer_share", "profit_share", "years", "main_share"),
        {
            "net_income": ("转让或许可净收入（元）", "money", "0"),
            "annual_profit": ("投产后年营业利润（元）", "money", "0"),
        },
    ),
}


def run_calculator(calc, inputs: dict, day: dt.date | None = None) -> CalcResult:
    """Run a policy calculator (``calc`` from PolicySet.calculators) on ``inputs``."""
    spec = CALCULATORS[calc.function]
    day = day or calc.document.effective_from
    params = {}
    for name, param in calc.params.items():
        v = param.at(day) or param.versions[-1]
        params[name] = v.value
    out = CalcResult(calc.id, calc.summary, f"{calc.document.citation}{calc.clause}", calc.sentence)
    spec.fn(params, inputs, out)
    return out
