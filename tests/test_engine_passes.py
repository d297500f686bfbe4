"""The passes after counting return what they keep and what they take out; the lines they are given stay as they were.

Hulunbuir (十二): "按技术交易额5%给予补贴，单个技术合同最高补贴50万元，每个单位每年最高补贴200万元".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.engine import Context
from core.engine.evaluate import _exclusive, _period_caps
from core.engine.result import AwardLine
from core.engine.trace import Trace
from core.model import Company, CompanyCase, History

RULE = "hlb-12-tech-contract"


def _lines(policies, amounts):
    rule = policies.rules[RULE]
    return [
        AwardLine(rule, f"c{i}", f"contract:ht-{i}", Decimal(a), Trace(formula=f"第{i}项"), dt.date(2026, i, 1))
        for i, a in enumerate(amounts, start=1)
    ]


def _case():
    return CompanyCase(Company("91150702MA0000000X", "甲", "hulunbuir"), History(), ())


def test_the_company_year_cap_replaces_the_line_it_cuts_and_leaves_the_given_one_alone(policies):
    # 5% of 10,000,000 = 500,000 (at the single-contract cap) three times, then 300,000: 1,800,000 used;
    # the fifth, 400,000, is cut to the 200,000 left of 2,000,000; a sixth gets nothing and is taken out.
    given = _lines(policies, ["500000.00", "500000.00", "500000.00", "300000.00", "400000.00", "100000.00"])
    before = [(l.amount, list(l.trace.steps), list(l.trace.params)) for l in given]
    out = _period_caps(given, _case(), Context(policies, 2026))
    assert [l.amount for l in out.kept] == [
        Decimal(x) for x in ("500000.00", "500000.00", "500000.00", "300000.00", "200000.00")
    ]
    assert out.kept[4].trace.steps[-1] == (
        "每个单位2026年度上限2,000,000.00元（“每个单位每年最高补贴200万元”），"
        "已用1,800,000.00元，剩余200,000.00元：400,000.00 → 200,000.00"
    )
    assert out.kept[4].trace.params[-1].path == "cap.company_year"
    (gone,) = out.excluded
    assert (gone.claim_id, gone.amount, gone.reason) == ("c6", Decimal("0"), "已达到每个单位每年上限，本项不再支持")
    assert [(l.amount, l.trace.steps, l.trace.params) for l in given] == before
    assert out.kept[0] is not given[0] and out.kept[0].trace is not given[0].trace


def test_a_line_outside_any_exclusive_group_passes_through_unchanged(policies):
    given = _lines(policies, ["500000.00"])
    out = _exclusive(given, Context(policies, 2026))
    assert out.kept == given and out.excluded == [] and out.errors == ()


def test_two_rules_of_an_exclusive_group_on_one_claim_are_both_taken_out_with_an_error(policies):
    # Hulunbuir group hlb-hte: a recognition is either the first (一) or a repeat, never both.
    first, repeat = policies.rules["hlb-01-hte-first"], policies.rules["hlb-01-hte-repeat"]
    day = dt.date(2026, 3, 1)
    given = [
        AwardLine(first, "c1", "recognition:high_tech:national:", Decimal("500000.00"), Trace(), day),
        AwardLine(repeat, "c1", "recognition:high_tech:national:", Decimal("100000.00"), Trace(), day),
    ]
    out = _exclusive(given, Context(policies, 2026))
    assert out.kept == []
    assert [(e.rule.id, e.amount) for e in out.excluded] == [
        ("hlb-01-hte-first", Decimal("500000.00")),
        ("hlb-01-hte-repeat", Decimal("100000.00")),
    ]
    assert len(out.errors) == 1 and out.errors[0].startswith("互斥组“呼伦贝尔高新技术企业认定奖励”中2项同时适用")
