"""'Newly recognized' reads the ledger as it reads the recognitions on file, so one batch and two pay the same.

Hand-worked cases for the two clauses the batches law found paying differently (tests/test_laws_found.py):

* 《关于加快推进“科技兴蒙”行动支持科技创新若干政策措施》（九）“新获批的自治区级高新技术产业开发区……给予一次性1000万元”
  (nmg20-09-new-regional-zone, reading newly_per_platform): a zone is told apart by its name, else by its
  certificate number; one with neither cannot be told apart and is the same zone, paid once;
* 呼伦贝尔（一）“对首次获批的国家高新技术企业给予50万元” (hlb-01-hte-first): support paid for a 高企 in
  cultivation (培育期) is no recognition, in the ledger as on file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from test_laws import USCC, approved, evaluate

from core.model import Claim, Company, CompanyCase, History, LedgerEntry, Recognition

D = Decimal
ZONE_RULE = "nmg20-09-new-regional-zone"
HTE_FIRST = "hlb-01-hte-first"
EXCELLENT = {"rating": "excellent", "lead": True}


def _zone(cid: str, day: dt.date, name: str = "", number: str = "") -> Claim:
    fields = {"kind": "high_tech_zone", "level": "regional", "date": day, "moved_in": "city", "stage": "approved"}
    fields.update(EXCELLENT, ip_standard_certified=False)
    if name:
        fields["name"] = name
    if number:
        fields["number"] = number
    return Claim("recognition", cid, fields, day)


def _baotou(claims, recs=()) -> CompanyCase:
    return CompanyCase(
        Company(USCC, "测试单位", "baotou", size="large"), History(tuple(recs), frozenset(), {}, ()), tuple(claims)
    )


def _paid(result, rule_id: str) -> Decimal:
    return sum((l.amount for l in result.lines if l.rule.id == rule_id), D(0))


def _second(first: CompanyCase, claims) -> tuple[Decimal, object]:
    """What the first batch paid under (九) and the second batch's result, the first approved."""
    r1 = evaluate(first)
    second = CompanyCase(first.company, approved(first, r1, 1), tuple(claims))
    return _paid(r1, ZONE_RULE), evaluate(second)


# ---------------------------------------------------------------- （九）新获批的自治区级高新区: one batch


def test_kjxm_9_an_unnamed_zone_after_a_named_one_is_not_new():
    """（九）: 甲园区 recognized 2022-01-01 on file (its 3 years of (十) support ended with 2024,
    so it is not claimed again); a claim of a regional zone with neither name nor number dated
    2025-01-01 cannot be told apart from it, so it is not 新获批: 0 under (九) (10,000,000 only for a new zone)."""
    case = _baotou(
        [_zone("c1", dt.date(2025, 1, 1))],
        [Recognition("high_tech_zone", "regional", dt.date(2022, 1, 1), name="甲园区")],
    )
    result = evaluate(case)
    assert _paid(result, ZONE_RULE) == D(0)
    assert any(e.rule.id == ZONE_RULE and e.reason.startswith("非新认定") for e in result.excluded)


def test_kjxm_9_a_zone_with_another_certificate_number_is_new():
    """（九）: neither side named, certificate N-001 on file (2022) and N-002 claimed (2025): two zones told apart by
    their numbers, so N-002 is 新获批 and paid 10,000,000 (“给予一次性1000万元研发经费支持”)."""
    on_file = Recognition("high_tech_zone", "regional", dt.date(2022, 1, 1), number="N-001")
    case = _baotou([_zone("c1", dt.date(2025, 1, 1), number="N-002")], [on_file])
    assert _paid(evaluate(case), ZONE_RULE) == D("10000000.00")


def test_kjxm_9_the_same_number_under_no_name_is_the_same_zone():
    """（九）: N-001 on file as 甲园区 (2022), claimed again as N-001 without a name (2025): the same zone, 0."""
    on_file = Recognition("high_tech_zone", "regional", dt.date(2022, 1, 1), number="N-001", name="甲园区")
    case = _baotou([_zone("c1", dt.date(2025, 1, 1), number="N-001")], [on_file])
    assert _paid(evaluate(case), ZONE_RULE) == D(0)


# ---------------------------------------------------------------- （九）: two batches


def test_kjxm_9_an_unnamed_zone_is_not_paid_again_after_a_named_one_was_paid():
    """（九）: batch 1 pays 甲园区 (2025-03-01) 10,000,000 as new; batch 2 claims a zone without name or number dated
    earlier (2025-02-01). It cannot be told apart from the zone paid, so it is refused: 10,000,000 in all, as one
    batch of both pays (the unnamed one new, 甲园区 then not new)."""
    named, unnamed = _zone("c1", dt.date(2025, 3, 1), name="甲园区"), _zone("c2", dt.date(2025, 2, 1))
    assert _paid(evaluate(_baotou([named, unnamed])), ZONE_RULE) == D("10000000.00")
    first, second = _second(_baotou([named]), [unnamed])
    assert first == D("10000000.00")
    assert _paid(second, ZONE_RULE) == D(0)
    assert any(e.rule.id == ZONE_RULE and "台账显示" in e.reason for e in second.excluded)


def test_kjxm_9_a_zone_of_another_name_is_paid_after_one_was_paid():
    """（九）: batch 1 pays 甲园区 10,000,000; batch 2's 乙园区 is another zone: 10,000,000 more, 20,000,000 in all."""
    first, second = _second(
        _baotou([_zone("c1", dt.date(2025, 3, 1), name="甲园区")]), [_zone("c2", dt.date(2025, 4, 1), name="乙园区")]
    )
    assert first + _paid(second, ZONE_RULE) == D("20000000.00")


def test_kjxm_9_a_zone_of_another_number_is_paid_after_one_was_paid():
    """（九）: batch 1 pays the zone N-001 (no name) 10,000,000; batch 2's N-002 (no name) is another: 20,000,000 in all,
    as one batch of both pays."""
    a, b = _zone("c1", dt.date(2025, 3, 1), number="N-001"), _zone("c2", dt.date(2025, 4, 1), number="N-002")
    assert _paid(evaluate(_baotou([a, b])), ZONE_RULE) == D("20000000.00")
    first, second = _second(_baotou([a]), [b])
    assert first + _paid(second, ZONE_RULE) == D("20000000.00")


def test_kjxm_9_a_number_paid_under_a_name_is_told_apart_by_the_recognition_on_file():
    """（九）: batch 1 pays 甲园区 certificate N-001 (the ledger keeps only the name); batch 2 claims N-002 without a
    name. The recognition paid for, on file, has N-001: another zone, paid 10,000,000 (20,000,000 in all), as one
    batch of both pays."""
    a, b = (
        _zone("c1", dt.date(2025, 3, 1), name="甲园区", number="N-001"),
        _zone("c2", dt.date(2025, 4, 1), number="N-002"),
    )
    assert _paid(evaluate(_baotou([a, b])), ZONE_RULE) == D("20000000.00")
    first, second = _second(_baotou([a]), [b])
    assert first + _paid(second, ZONE_RULE) == D("20000000.00")


# ---------------------------------------------------------------- 呼伦贝尔（一）首次获批高企


def _hte(cid: str, day: dt.date, stage: str, number: str = "") -> Claim:
    fields = {"kind": "high_tech", "level": "national", "date": day, "moved_in": "none", "stage": stage}
    fields.update(EXCELLENT, ip_standard_certified=False)
    if number:
        fields["number"] = number
    return Claim("recognition", cid, fields, day)


def _hulunbuir(claims, history: History | None = None) -> CompanyCase:
    return CompanyCase(
        Company(USCC, "测试单位", "hulunbuir", size="large"),
        history or History((), frozenset(), {}, ()),
        tuple(claims),
    )


CULTIVATED = _hte("c1", dt.date(2024, 1, 1), "cultivation", number="N-001")
RECOGNIZED = _hte("c2", dt.date(2026, 1, 1), "approved")


def test_hlb_1_a_hte_in_cultivation_is_no_first_recognition_in_one_batch():
    """呼伦贝尔（一）: a 高企 in cultivation (2024) is not 获批; the recognition of 2026 is the first: 500,000.
    内政办发〔2021〕35号 4. pays 300,000 for the claim of 2024 (its text has no stage): 800,000 in all."""
    result = evaluate(_hulunbuir([CULTIVATED, RECOGNIZED]))
    assert _paid(result, HTE_FIRST) == D("500000.00")
    assert _paid(result, "nmg35-04-hte-first") == D("300000.00")
    assert result.total == D("800000.00")


def test_hlb_1_support_paid_in_cultivation_does_not_make_the_recognition_a_repeat():
    """呼伦贝尔（一）: batch 1 pays 300,000 under 35号 4. for the 高企 in cultivation; in batch 2 that ledger entry is
    support for a company not yet recognized, so the 2026 recognition is still the first: 500,000 (800,000 in
    all, as one batch)."""
    first = _hulunbuir([CULTIVATED])
    r1 = evaluate(first)
    assert r1.total == D("300000.00")
    r2 = evaluate(_hulunbuir([RECOGNIZED], approved(first, r1, 1)))
    assert _paid(r2, HTE_FIRST) == D("500000.00")
    assert r1.total + r2.total == D("800000.00")


def test_hlb_1_a_first_recognition_paid_by_hand_makes_the_next_a_repeat():
    """呼伦贝尔（一）: the ledger holds 300,000 typed in by hand under 35号 4. for the 高企 N-001, whose recognition is not
    on file: read as paid for a recognition (not known to be in cultivation), so the 2026 recognition is not the
    first: 0 under (一) 首次."""
    ledger = (LedgerEntry("nmg35-04-hte-first", 2025, D("300000.00"), "recognition:high_tech:national:no=n-001"),)
    result = evaluate(_hulunbuir([RECOGNIZED], History((), frozenset(), {}, ledger)))
    assert _paid(result, HTE_FIRST) == D(0)
    assert any(e.rule.id == HTE_FIRST and e.reason.startswith("非首次获批：台账显示") for e in result.excluded)


def test_kjxm_9_two_zones_recognized_the_same_day_are_two_zones():
    """（九）: 甲园区 and a zone without name or number, both recognized 2025-03-01: a zone is not re-recognized on the
    day it is recognized, so they are two new zones, 10,000,000 each (20,000,000), in one batch as in two (甲园区
    approved first: its payment, for a zone of the claim's day, does not make the other one not new)."""
    day = dt.date(2025, 3, 1)
    named, unnamed = _zone("c1", day, name="甲园区"), _zone("c2", day)
    assert _paid(evaluate(_baotou([unnamed, named])), ZONE_RULE) == D("20000000.00")
    first, second = _second(_baotou([named]), [unnamed])
    assert first + _paid(second, ZONE_RULE) == D("20000000.00")


def test_kjxm_9_two_zones_of_one_day_with_other_names_are_both_new():
    """（九）: 甲园区 and 乙园区 recognized the same day are two zones: 10,000,000 each, 20,000,000."""
    day = dt.date(2025, 3, 1)
    result = evaluate(_baotou([_zone("c1", day, name="甲园区"), _zone("c2", day, name="乙园区")]))
    assert _paid(result, ZONE_RULE) == D("20000000.00")


# ---------------------------------------------------------------- 科技兴蒙（八）核定金额 names a platform by its name


def _platform(cid: str, kind: str, day: dt.date, name: str) -> Claim:
    fields = {"kind": kind, "level": "national", "date": day, "name": name, "moved_in": "none", "stage": "approved"}
    fields.update(EXCELLENT, ip_standard_certified=False)
    return Claim("recognition", cid, fields, day)


def test_kjxm_8_an_amount_entered_names_a_platform_recognized_by_its_date():
    """（八）“对重点实验室和工程研究中心、制造业创新中心每年给予不低于1000万元支持”: a 制造业创新中心 甲平台 approved
    2024-12-12 with 13,138,597.82 entered that day as its approved amount, and a 重点实验室 also named 甲平台
    approved 2026-06-06. The amount is for the centre, the only 甲平台 there was on 2024-12-12: 13,138,597.82
    for it and the 10,000,000 floor for the lab, 23,138,597.82, in one batch as in two (the centre first)."""
    centre = _platform("c1", "manufacturing_innovation_center", dt.date(2024, 12, 12), "甲平台")
    entered = Claim(
        "entered",
        "c2",
        {
            "rule_id": "nmg20-08-national-lab",
            "date": dt.date(2024, 12, 12),
            "amount": D("13138597.82"),
            "subject": "甲平台",
        },
        dt.date(2024, 12, 12),
    )
    lab = _platform("c3", "key_lab", dt.date(2026, 6, 6), "甲平台")
    company = Company(USCC, "测试单位", "hohhot", size="large")
    one = evaluate(CompanyCase(company, History((), frozenset(), {}, ()), (centre, entered, lab)))
    assert _paid(one, "nmg20-08-national-lab") == D("23138597.82")
    first = CompanyCase(company, History((), frozenset(), {}, ()), (centre, entered))
    r1 = evaluate(first)
    assert _paid(r1, "nmg20-08-national-lab") == D("13138597.82")
    r2 = evaluate(CompanyCase(company, approved(first, r1, 1), (lab,)))
    assert _paid(r1, "nmg20-08-national-lab") + _paid(r2, "nmg20-08-national-lab") == D("23138597.82")
