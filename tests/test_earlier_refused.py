"""An earlier batch's claim that was refused counts as nothing paid, even once this batch brings its evidence.

《内蒙古自治区关于支持科技创新若干政策措施》(nmg-2020-kjxm) 野外科学观测研究站: "批准建设后，连续5年……对野外科学观测研究站
每年给予不低于100万元支持" (nmg20-08-field-station: at least 1,000,000 yuan a year, counted once per platform
and year). Batch 1 (approved) holds a 核定金额 of 1,200,000 for the station 甲平台, refused because no
recognition of 甲平台 was on file. Batch 2 brings the station's recognition. Worked by hand: batch 1 paid 0,
so batch 2 owes the clause's 1,000,000 for 2026 (the recognition at the floor; the refused 核定金额 is not
claimed again here) — not 0 as if batch 1's claim had been paid.
"""

import datetime as dt
from decimal import Decimal

from core.engine import Context, evaluate_company, load_policies
from core.model import Claim, Company, CompanyCase, History, LedgerEntry, claim_recognition

POLICIES = load_policies()
YEAR = 2026
COMPANY = Company(uscc="91150800MA0N000001", name="测试单位", city="bayannur", county="", size="large", industry="")
DAY = dt.date(2026, 3, 1)


def evaluate(case):
    return evaluate_company(case, Context(POLICIES, YEAR))


def test_a_refused_earlier_claim_is_not_deducted_when_its_platform_arrives():
    entered = Claim(
        "entered",
        "c1",
        {"rule_id": "nmg20-08-field-station", "date": DAY, "amount": Decimal("1200000"), "subject": "甲平台"},
        DAY,
    )
    empty = History((), frozenset(), {}, (), ())
    first = evaluate(CompanyCase(COMPANY, empty, (entered,)))
    assert first.total == 0
    assert any(e.rule.id == "nmg20-08-field-station" and "找不到" in e.reason for e in first.excluded)

    after_first = History(
        (),
        frozenset(),
        {},
        tuple(LedgerEntry(l.rule.id, YEAR, l.amount, l.subject, l.person, 1) for l in first.lines),
        ((YEAR, entered),),
    )
    station = Claim(
        "recognition",
        "c2",
        {"kind": "field_station", "level": "national", "date": DAY, "name": "甲平台", "stage": "approved"},
        DAY,
    )
    second = evaluate(CompanyCase(COMPANY, after_first, (station,)))
    paid = [l for l in second.lines if l.rule.id == "nmg20-08-field-station"]
    assert [l.amount for l in paid] == [Decimal("1000000.00")]
    assert second.total == Decimal("1000000.00")  # 巴彦淖尔 has no city measure of its own in the seeds
    assert claim_recognition(station).name == "甲平台"
