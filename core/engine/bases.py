"""Amounts a rate or step is applied to that come from history, not from one field.

Each returns ``(value, inputs, problem)``: the base in yuan, the inputs to show
in the trace as (label, text), and a reason (Chinese) when it cannot be worked
out. A rule whose ``base`` is a claim field reads the field instead.
"""

from __future__ import annotations

from decimal import Decimal

from core.engine.trace import Input
from core.money import ZERO, fmt_yuan


def _rd_year(claim, ctx) -> int:
    return claim.get("rd_year") or ctx.award_year - 1


def rd_increment(claim, case, ctx):
    """研发投入增量: R&D of the claimed year less R&D of the year before."""
    y = _rd_year(claim, ctx)
    cur, prev = case.history.rd.get(y), case.history.rd.get(y - 1)
    if cur is None or prev is None:
        missing = y if cur is None else y - 1
        return None, [], f"缺少{missing}年度研发费用，无法计算研发投入增量"
    inc = cur.expense - prev.expense
    inputs = [
        Input(f"{y}年度研发投入", fmt_yuan(cur.expense) + "元"),
        Input(f"{y - 1}年度研发投入", fmt_yuan(prev.expense) + "元"),
        Input("研发投入增量", fmt_yuan(inc) + "元"),
    ]
    return inc, inputs, None


def rd_deducted(claim, case, ctx):
    """上年度已进行加计扣除的研发费用."""
    y = _rd_year(claim, ctx)
    rd = case.history.rd.get(y)
    if rd is None:
        return None, [], f"缺少{y}年度研发费用记录"
    if not rd.super_deduction:
        return ZERO, [Input(f"{y}年度是否享受加计扣除", "否")], f"{y}年度未进行研发费用加计扣除"
    value = rd.deducted if rd.deducted is not None else rd.expense
    label = f"{y}年度已加计扣除的研发费用"
    inputs = [Input(label, fmt_yuan(value) + "元")]
    if rd.deducted is None:
        inputs.append(Input("说明", "未单独填写加计扣除金额，按当年研发费用计"))
    return value, inputs, None


def turnover_increase(claim, case, ctx):
    """技术合同认定登记成交额较上年的增加额."""
    cur, prev = claim.get("turnover"), claim.get("previous_turnover")
    inc = cur - prev
    return (
        inc,
        [
            Input("本年度认定登记成交额", fmt_yuan(cur) + "元"),
            Input("上年度认定登记成交额", fmt_yuan(prev) + "元"),
            Input("增加额", fmt_yuan(inc) + "元"),
        ],
        None,
    )


BASES = {
    "rd_increment": rd_increment,
    "rd_deducted": rd_deducted,
    "turnover_increase": turnover_increase,
}
# The claim fields each derived base reads (none: it reads history only).
BASE_FIELDS = {
    "rd_increment": (),
    "rd_deducted": (),
    "turnover_increase": ("turnover", "previous_turnover"),
}


def field_base(spec, claim):
    """A base read straight from a claim field (``spec`` is its FieldSpec)."""
    value = claim.get(spec.name)
    if value is None:
        return None, [], f"缺少“{spec.label}”"
    value = Decimal(value)
    text = fmt_yuan(value) + "元" if spec.type == "money" else f"{value.normalize():f}"
    return value, [Input(spec.label, text)], None
