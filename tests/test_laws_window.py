"""A multi-year support period (连续支持N年) starts at the same platform's first recognition or payment, the platform
told apart as everywhere else (core.engine.predicates.may_be_same_platform): by name, else by certificate number;
one with neither on one side cannot be told apart and is the same platform.

Hand-worked cases on 包头市《二十五条政策措施》（包党发〔2021〕24号）（八）“获批建设国家重点实验室和国家级工程（技术）
研究中心，每年分别给予1000万元资金支持，连续支持5年” (bt-08-national-key-lab: 10,000,000 a year, in the 5 years from
the year the lab was approved; a re-recognition does not start the period again). The award year is 2026, so a lab
first approved in 2021 (period 2021-2025) gets nothing more, one first approved in 2024 (2024-2028) gets 10,000,000.

Each case is worked in one batch and in two batches of 2026 (the first approved before the second): both pay the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_laws import (
    PAYING,
    POLICIES,
    USCC,
    YEAR,
    _explain,
    _lines as _all_lines,
    _period,
    approved,
    build_for,
    cities_for,
    evaluate,
    in_one_and_in_two_batches,
    money,
)

from core.engine import Context, evaluate_company
from core.model import Claim, Company, CompanyCase, History, LedgerEntry, Recognition
from core.platform_names import platform_kinds
from core.subjects import recognition_subject

D = Decimal
LAB = "bt-08-national-key-lab"
YEARLY = D("10000000.00")  # （八）“每年分别给予1000万元资金支持”
OLD = dt.date(2021, 9, 1)  # period 2021-2025: over by 2026 (the document is in force from 2021-08-14)
NEW = dt.date(2024, 3, 1)  # period 2024-2028: 2026 is its 3rd year


def _lab(cid: str, day: dt.date, name: str = "", number: str = "") -> Claim:
    fields = {"kind": "key_lab", "level": "national", "date": day, "stage": "approved", "moved_in": "none"}
    if name:
        fields["name"] = name
    if number:
        fields["number"] = number
    return Claim("recognition", cid, fields, day)


def _rec(day: dt.date, name: str = "", number: str = "") -> Recognition:
    return Recognition("key_lab", "national", day, number=number, name=name)


def _baotou(claims, recs=(), ledger=()) -> CompanyCase:
    return CompanyCase(
        Company(USCC, "测试单位", "baotou", size="large"),
        History(tuple(recs), frozenset(), {}, tuple(ledger)),
        tuple(claims),
    )


def _paid(result) -> Decimal:
    return sum((l.amount for l in result.lines if l.rule.id == LAB), D(0))


def _one_and_two(first: list, second: list) -> tuple[Decimal, Decimal]:
    """(八) paid for all claims in one batch, and in two batches (``first`` approved before ``second`` is worked out)."""
    one = _paid(evaluate(_baotou(first + second)))
    b1 = _baotou(first)
    r1 = evaluate(b1)
    r2 = evaluate(CompanyCase(b1.company, approved(b1, r1, 1), tuple(second)))
    return one, _paid(r1) + _paid(r2)


# ---------------------------------------------------------------- told apart by certificate number


def test_bt_8_unnamed_labs_with_other_numbers_are_two_labs():
    """（八）: N-001 approved 2021-09-01 and N-002 approved 2024-03-01, neither named. Two labs told apart by their
    numbers: N-001's period (2021-2025) is over, N-002's (2024-2028) is in its 3rd year: 10,000,000."""
    assert _paid(evaluate(_baotou([_lab("c2", NEW, number="N-002")], [_rec(OLD, number="N-001")]))) == YEARLY
    assert _one_and_two([_lab("c1", OLD, number="N-001")], [_lab("c2", NEW, number="N-002")]) == (YEARLY, YEARLY)


def test_bt_8_a_named_lab_is_told_apart_from_an_unnamed_one_by_its_number():
    """（八）: N-001 approved 2021-09-01 without a name; 甲实验室 N-002 approved 2024-03-01. Not both named, both
    numbered and the numbers differ: two labs, 甲实验室 in its 3rd year: 10,000,000."""
    claim = _lab("c2", NEW, name="甲实验室", number="N-002")
    assert _paid(evaluate(_baotou([claim], [_rec(OLD, number="N-001")]))) == YEARLY
    assert _one_and_two([_lab("c1", OLD, number="N-001")], [claim]) == (YEARLY, YEARLY)


def test_bt_8_the_same_number_under_a_new_name_is_the_same_lab():
    """（八）: N-001 approved 2021-09-01 without a name, re-recognized 2024-03-01 as 甲实验室 N-001: the same lab, its
    period runs from 2021 (“不因再次认定而重新起算”) and is over in 2026: 0."""
    claim = _lab("c2", NEW, name="甲实验室", number="N-001")
    result = evaluate(_baotou([claim], [_rec(OLD, number="N-001")]))
    assert _paid(result) == D(0)
    assert any(e.rule.id == LAB and "支持期为2021—2025年" in e.reason for e in result.excluded)
    assert _one_and_two([_lab("c1", OLD, number="N-001")], [claim]) == (D(0), D(0))


def test_bt_8_a_lab_that_cannot_be_told_apart_is_the_same_lab():
    """（八）: a lab approved 2021-09-01 with neither name nor number; 甲实验室 N-002 approved 2024-03-01 cannot be told
    apart from it, so it is read as the same lab (reading newly_per_platform): period 2021-2025, 0 in 2026."""
    claim = _lab("c2", NEW, name="甲实验室", number="N-002")
    assert _paid(evaluate(_baotou([claim], [_rec(OLD)]))) == D(0)
    assert _one_and_two([_lab("c1", OLD)], [claim]) == (D(0), D(0))


def test_bt_8_other_names_are_two_labs_whatever_their_numbers():
    """（八）: 甲实验室 N-001 (2021-09-01) and 乙实验室 N-001 (2024-03-01): both named, the names decide: two labs,
    乙实验室 in its 3rd year: 10,000,000."""
    first, second = _lab("c1", OLD, name="甲实验室", number="N-001"), _lab("c2", NEW, name="乙实验室", number="N-001")
    assert _one_and_two([first], [second]) == (YEARLY, YEARLY)


# ---------------------------------------------------------------- payments in the ledger


def _typed_in(subject: str, year: int = 2021) -> LedgerEntry:
    return LedgerEntry(LAB, year, YEARLY, subject)


def test_bt_8_a_payment_typed_in_for_a_named_lab_starts_the_period_of_an_unnamed_one():
    """（八）: the ledger shows 10,000,000 paid in 2021 for 甲实验室, typed in by hand (no recognition on file); a lab
    approved 2024-03-01 with number N-001 and no name cannot be told apart from it: the same lab, whose support
    started in 2021 and is over in 2026: 0."""
    paid = _typed_in(recognition_subject("key_lab", "national", "甲实验室"))
    assert _paid(evaluate(_baotou([_lab("c1", NEW, number="N-001")], ledger=[paid]))) == D(0)


def test_bt_8_a_payment_typed_in_for_another_number_does_not_start_the_period():
    """（八）: 10,000,000 typed in for 2021 under certificate N-001; the lab N-002 approved 2024-03-01 is another lab:
    its 3rd year, 10,000,000."""
    paid = _typed_in(recognition_subject("key_lab", "national", number="N-001"))
    assert _paid(evaluate(_baotou([_lab("c1", NEW, number="N-002")], ledger=[paid]))) == YEARLY


def test_bt_8_a_batch_payment_is_read_by_the_recognition_it_paid_for():
    """（八）: batch 7 of 2021 paid 甲实验室 (certificate N-001 on file; the ledger keeps only the name). A lab approved
    2024-03-01 as N-002 without a name is told apart by the number of the recognition paid for: another lab, its
    3rd year, 10,000,000. Read by the ledger's subject alone (甲实验室 against N-002) it could not be told apart."""
    paid = LedgerEntry(LAB, 2021, YEARLY, recognition_subject("key_lab", "national", "甲实验室"), batch_id=7)
    case = _baotou([_lab("c1", NEW, number="N-002")], [_rec(OLD, "甲实验室", "N-001")], [paid])
    assert _paid(evaluate(case)) == YEARLY


def test_bt_8_a_payment_of_another_kind_of_platform_does_not_count():
    """（八）: an engineering center (国家级工程（技术）研究中心) paid since 2021 under the same clause is another
    platform than the key lab N-001 approved 2024-03-01, though neither is named: the lab's 3rd year, 10,000,000."""
    paid = _typed_in(recognition_subject("engineering_center", "national", number="N-001"))
    assert _paid(evaluate(_baotou([_lab("c1", NEW, number="N-001")], ledger=[paid]))) == YEARLY


# ---------------------------------------------------------------- one payment a year per platform


def _lab_lines(result) -> list:
    return [l for l in result.lines if l.rule.id == LAB]


def test_bt_8_two_records_that_cannot_be_told_apart_are_paid_once_a_year():
    """（八）“每年分别给予1000万元” is per lab and year: N-001 (no name, 2024-03-01) and 甲实验室 (no number,
    2025-03-01) cannot be told apart, so they are one lab (reading newly_per_platform), whose period runs from 2024:
    10,000,000 for 2026, not 20,000,000. One line names both claims; two batches pay the same."""
    a, b = _lab("c1", NEW, number="N-001"), _lab("c2", dt.date(2025, 3, 1), name="甲实验室")
    lines = _lab_lines(evaluate(_baotou([a, b])))
    assert [l.amount for l in lines] == [YEARLY]
    assert set(lines[0].claim_ids) == {"c1", "c2"}
    assert _one_and_two([a], [b]) == (YEARLY, YEARLY)


def test_bt_8_records_on_file_that_cannot_be_told_apart_are_paid_once_a_year():
    """（八）: the same two recognitions on file (approved in earlier years' batches, nothing claimed this year): the
    yearly support the program works out for 2026 is 10,000,000 for the one lab, not once per record."""
    recs = [_rec(NEW, number="N-001"), _rec(dt.date(2025, 3, 1), name="甲实验室")]
    assert [l.amount for l in _lab_lines(evaluate(_baotou([], recs)))] == [YEARLY]


def test_bt_8_a_payment_of_this_year_for_a_lab_that_cannot_be_told_apart_is_deducted():
    """（八）: the ledger shows 10,000,000 typed in for 2026 for 甲实验室; a claim of the lab N-001 (no name, approved
    2024-03-01) cannot be told apart from it: its 2026 support was paid, 0."""
    paid = _typed_in(recognition_subject("key_lab", "national", "甲实验室"), 2026)
    result = evaluate(_baotou([_lab("c1", NEW, number="N-001")], ledger=[paid]))
    assert _paid(result) == D(0)
    assert any(e.rule.id == LAB and "台账显示已于2026年兑现" in e.reason for e in result.excluded)


def test_bt_8_two_labs_told_apart_are_each_paid_a_year():
    """（八）: 甲实验室 and 乙实验室 (2024-03-01 and 2025-03-01), and N-001 and N-002 (unnamed): two labs each,
    10,000,000 each for 2026: 20,000,000, in one batch or two."""
    named = [_lab("c1", NEW, name="甲实验室"), _lab("c2", dt.date(2025, 3, 1), name="乙实验室")]
    numbered = [_lab("c1", NEW, number="N-001"), _lab("c2", dt.date(2025, 3, 1), number="N-002")]
    for a, b in (named, numbered):
        assert _one_and_two([a], [b]) == (2 * YEARLY, 2 * YEARLY)


def test_bt_8_an_unnamed_record_does_not_join_two_labs_told_apart():
    """（八）: N-001 (no name, 2024-03-01) cannot be told apart from 甲实验室 (no number, 2025-03-01), which is paid
    with it once; 乙实验室 N-002 (2025-06-01) is told apart from both (by name from 甲, by number from N-001):
    another lab. 2026: 10,000,000 + 10,000,000 = 20,000,000, in one batch or two."""
    a, b = _lab("c1", NEW, number="N-001"), _lab("c2", dt.date(2025, 3, 1), name="甲实验室")
    c = _lab("c3", dt.date(2025, 6, 1), name="乙实验室", number="N-002")
    assert _one_and_two([a, b], [c]) == (2 * YEARLY, 2 * YEARLY)
    assert _one_and_two([a], [b, c]) == (2 * YEARLY, 2 * YEARLY)


def test_bt_8_the_reading_is_in_the_trace_and_can_be_taken_the_other_way():
    """（八）: the line that pays N-001 and 甲实验室 once names reading yearly_support_per_platform; taken the other
    way (each record named differently supported by itself) the two records are paid 10,000,000 each, 20,000,000,
    while the period still starts with the first of them (2024: both in it)."""
    from core.policy.policyset import Override

    case = _baotou([_lab("c1", NEW, number="N-001"), _lab("c2", dt.date(2025, 3, 1), name="甲实验室")])
    (line,) = _lab_lines(evaluate(case))
    assert any(r[0] == "yearly_support_per_platform" for r in line.trace.readings)
    doc = POLICIES.rules[LAB].document
    flip = Override(
        doc.id,
        "reading.yearly_support_per_platform",
        False,
        doc.effective_from,
        None,
        "测试",
        dt.datetime(2026, 1, 1),
        "改读",
    )
    other = evaluate_company(case, Context(POLICIES.with_overrides([flip]), YEAR))
    assert sorted(l.amount for l in _lab_lines(other)) == [YEARLY, YEARLY]


# ---------------------------------------------------------------- a probe of the laws biased to yearly support

MULTI = [r for r in PAYING if r.years is not None]
IDENTS = [("", ""), ("", "N-001"), ("", "N-002"), ("甲平台", ""), ("甲平台", "N-001"), ("乙平台", "N-002")]
# What input accepts now (core.platform_names): every platform named, the number optional and free to differ.
NAMED_IDENTS = [("甲平台", ""), ("甲平台", "N-001"), ("乙平台", ""), ("乙平台", "N-002"), ("甲平台", "N-002")]
PLATFORM_KINDS = platform_kinds(POLICIES)


def _ident(fields: dict, rng, idents: list = IDENTS) -> dict:
    out = {k: v for k, v in fields.items() if k not in ("name", "number")}
    name, number = rng.choice(idents)
    if "name" in fields and "稀土" in str(fields["name"]):  # a condition on the name (包头（二）) stays met
        name = fields["name"]
    if name:
        out["name"] = name
    if number:
        out["number"] = number
    return out


def build_multi(rng, named: bool = False) -> CompanyCase:
    """Claims for 1-2 multi-year rules with names and numbers drawn so records often cannot be told apart or
    share a day, recognitions of their kinds on file and, now and then, a payment typed in.

    ``named``: only what input accepts now (core.platform_names): every platform record and every payment typed
    in for a platform names it; names and numbers are drawn so that one name often has two numbers and one
    number two names."""
    idents = NAMED_IDENTS if named else IDENTS
    rule = rng.choice(MULTI)
    city = rng.choice(cities_for(rule))
    rules = [rule] + ([rng.choice([r for r in MULTI if city in cities_for(r)])] if rng.random() < 0.4 else [])
    case = build_for(rng, city, rules)
    lo, hi = _period(rule)
    days = [lo, lo + (hi - lo) / 2, hi - dt.timedelta(days=1)]
    claims, recs, ledger = [], list(case.history.recognitions), []  # (payments drawn below, not build_for's)
    if named:
        recs = [
            replace(r, name=rng.choice(["甲平台", "乙平台"])) if r.kind in PLATFORM_KINDS and not r.name else r
            for r in recs
        ]
    for c in case.claims:
        if c.type == "recognition":
            day = rng.choice(days)
            fields = {**_ident(c.fields, rng, idents), "date": day}
            claims.append(Claim(c.type, c.id, fields, day))
            if rng.random() < 0.5:
                rf = _ident(c.fields, rng, idents)
                recs.append(
                    Recognition(
                        c.get("kind"), c.get("level"), rng.choice(days), rf.get("number", ""), name=rf.get("name", "")
                    )
                )
            if rng.random() < 0.2:
                # A payment typed in for an earlier year (one typed in for this year is read against the platforms
                # the records show, which a later batch may change: tests/test_laws_found.py).
                name, number = rng.choice(idents)
                subject = recognition_subject(c.get("kind"), c.get("level"), name, number)
                ledger.append(LedgerEntry(rng.choice(rules).id, rng.choice([YEAR - 3, YEAR - 1]), money(rng), subject))
        elif c.type == "entered":
            fields = {**c.fields, "subject": rng.choice(["甲平台", "N-001", "N-002"])}
            claims.append(Claim(c.type, c.id, fields, c.date))
        else:
            claims.append(c)
    seen: set = set()
    distinct = tuple(c for c in claims if not (c.identity in seen or seen.add(c.identity)))
    h = case.history
    return CompanyCase(case.company, History(tuple(recs), h.tech_sme_years, h.rd, tuple(ledger)), distinct)


def _multi_total(result) -> Decimal:
    return sum((l.amount for l in result.lines if l.rule.years is not None), D(0))


def law_batches_multi(rng) -> None:
    """law_batches (tests/test_laws.py) over :func:`build_multi`, on what the multi-year rules pay.

    (Recognitions on file are drawn on any day, some after the claims, which the one-off 'newly' rules read
    as the order of events; the probe is about the yearly support.)
    """
    one, r1, r2 = in_one_and_in_two_batches(build_multi(rng), rng)
    assert _multi_total(r1) + _multi_total(r2) == _multi_total(one), (_explain(one), _explain(r1), _explain(r2))


def law_repeat_multi(rng) -> None:
    """law_repeat over :func:`build_multi`: the same claims again after approval pay nothing."""
    case = build_multi(rng)
    first = evaluate(case)
    again = tuple(Claim(c.type, f"again-{c.id}", c.fields, c.date) for c in case.claims)
    result = evaluate(CompanyCase(case.company, approved(case, first, 1), again))
    assert result.total == 0, (_explain(first), _explain(result))


def law_order_multi(rng) -> None:
    """law_order over :func:`build_multi`: lines and total do not depend on the claims' order."""
    case = build_multi(rng)
    shuffled = list(case.claims)
    rng.shuffle(shuffled)
    a, b = evaluate(case), evaluate(CompanyCase(case.company, case.history, tuple(shuffled)))
    assert a.total == b.total and _all_lines(a) == _all_lines(b)


def _on_file_after_a_claim(case: CompanyCase) -> bool:
    """Whether a recognition on file is dated after a claimed recognition of its kind (see the xfail below)."""
    claimed = [(c.get("kind"), c.date) for c in case.claims if c.type == "recognition"]
    return any(r.kind == kind and r.date > day for r in case.history.recognitions for kind, day in claimed)


def law_batches_named(rng) -> None:
    """law_batches over :func:`build_multi` restricted to what input accepts (every platform named): the whole
    total, every rule's lines (yearly support, 'newly', once-only), one batch against two.

    Where a recognition on file is dated after a claim of its kind, a first batch may pay it as new before a
    later batch brings the earlier recognition (the strict xfail of 野外科学观测研究站 below, not a matter of
    names): there the multi-year rules' total is compared, as :func:`law_batches_multi` does.
    """
    case = build_multi(rng, named=True)
    one, r1, r2 = in_one_and_in_two_batches(case, rng)
    total = _multi_total if _on_file_after_a_claim(case) else (lambda r: r.total)
    assert total(r1) + total(r2) == total(one), (_explain(one), _explain(r1), _explain(r2))


MULTI_LAWS = [law_batches_multi, law_repeat_multi, law_order_multi, law_batches_named]


@pytest.mark.parametrize("law", MULTI_LAWS, ids=[f.__name__ for f in MULTI_LAWS])
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_law_multi(law, rng):
    law(rng)


@pytest.mark.slow
@pytest.mark.parametrize("law", MULTI_LAWS, ids=[f.__name__ for f in MULTI_LAWS])
@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_law_multi_deep(law, rng):
    """The probe over many more cases: ``pytest -m slow tests/test_laws_window.py``."""
    law(rng)


@pytest.mark.slow
def test_law_batches_named_over_the_probe_seeds():
    """The full-total probe as it was run (random.Random(seed), seeds 0-11,999; 42 mismatches over the builder
    with unnamed and number-only records), over what input accepts now: none. 3,171 of the seeds hold a recognition
    on file dated after a claim of its kind and are compared on the multi-year total (12 of them differ in the
    whole total: hlb-03-platform, the xfail below)."""
    for seed in range(12_000):
        law_batches_named(random.Random(seed))


def test_bt_8_an_unnamed_record_goes_to_the_first_lab_it_may_be_whichever_batch_holds_it():
    """（八）: 乙实验室 on file (2024-07-20, no number); N-002 (2024-01-01) and N-001 (2024-02-01) without names. Each
    number may be 乙实验室, but not both (the numbers differ): taken in order, N-001 is 乙实验室 and N-002 another
    lab. 2026 is the 3rd year of both: 20,000,000. Over two batches (N-002 first) the first batch, knowing no
    N-001, pays N-002 as 乙实验室 (10,000,000); the second pays N-001 as 乙实验室, already paid, and N-002 as the
    other lab (10,000,000): 20,000,000 too."""
    on_file = [_rec(dt.date(2024, 7, 20), name="乙实验室")]
    c0, c1 = _lab("c0", dt.date(2024, 1, 1), number="N-002"), _lab("c1", dt.date(2024, 2, 1), number="N-001")
    one = evaluate(_baotou([c0, c1], on_file))
    assert sorted((l.subject, l.amount) for l in _lab_lines(one)) == [
        (recognition_subject("key_lab", "national", "乙实验室"), YEARLY),
        (recognition_subject("key_lab", "national", number="N-002"), YEARLY),
    ]
    b1 = _baotou([c0], on_file)
    r1 = evaluate(b1)
    r2 = evaluate(CompanyCase(b1.company, approved(b1, r1, 1), (c1,)))
    assert (_paid(r1), _paid(r2)) == (YEARLY, YEARLY)


def test_bt_8_a_batch_payment_of_a_lab_without_name_or_number_is_deducted_once():
    """（八）: c0 a lab with neither name nor number (2024-03-01), c1 甲实验室 (2024-04-01), c2 乙实验室 N-002
    (2024-05-01). One batch: c0 joins the first lab by name (乙实验室 before 甲实验室 in code order): two labs, 2026 the
    3rd year of both: 20,000,000. Two batches (c0, then c1 and c2): the first pays c0's lab 10,000,000; the second
    reads that payment by the recognition it paid for, as one batch joins it, so only 乙实验室 deducts it: 甲实验室
    10,000,000, 20,000,000 in all (a payment typed in by hand naming no lab is deducted from every lab it may have
    been for; one a batch made is not)."""
    c0 = _lab("c0", NEW)
    c1, c2 = _lab("c1", dt.date(2024, 4, 1), "甲实验室"), _lab("c2", dt.date(2024, 5, 1), "乙实验室", "N-002")
    assert _one_and_two([c0], [c1, c2]) == (2 * YEARLY, 2 * YEARLY)


def test_bt_8_a_lab_named_on_input_is_paid_the_same_in_one_batch_and_in_two():
    """（八）: what was the strict xfail "a number paid as a lab of its own is not merged by a later record without a
    number" (乙实验室 N-001 on file; c0 N-002 without a name, then c1 乙实验室 without a number: 10,000,000 in one batch,
    20,000,000 over two) cannot be input any more: c0 names no lab and is refused at import
    (tests/test_platform_names.py, test_bt_8_an_unnamed_lab_claim_is_refused_at_import_naming_sheet_row_and_column).
    As input now has it, c0 names its lab, 丙实验室 N-002 (2024-04-01): two labs told apart by name, 乙实验室 (first
    approved 2024-03-01) and 丙实验室 (2024-04-01), 2026 the 3rd year of both: 20,000,000 in one batch. Over two,
    the first pays 丙实验室 and 乙实验室's 2026 from its record on file (a multi-year support reaches this year from
    an earlier recognition): 20,000,000; the second's c1 is 乙实验室's, paid for 2026 already: 0."""
    on_file = [_rec(NEW, "乙实验室", "N-001")]
    c0, c1 = _lab("c0", dt.date(2024, 4, 1), "丙实验室", "N-002"), _lab("c1", dt.date(2024, 5, 1), "乙实验室")
    one = _paid(evaluate(_baotou([c0, c1], on_file)))
    b1 = _baotou([c0], on_file)
    r1 = evaluate(b1)
    r2 = evaluate(CompanyCase(b1.company, approved(b1, r1, 1), (c1,)))
    assert (one, _paid(r1), _paid(r2)) == (2 * YEARLY, 2 * YEARLY, 0)


@pytest.mark.xfail(
    strict=True,
    reason="a first batch pays a record as new before a later batch brings an earlier one; the program does not undo "
    "an approved payment: the later batch warns it may have been overpaid (tests/test_overpaid_as_new.py)",
)
def test_hlb_3_an_earlier_recognition_claimed_in_a_later_batch_does_not_undo_a_payment_as_new():
    """呼伦贝尔（三） hlb-03-platform “对新认定的国家级……野外科学观测研究站……给予100万元” (the draft, in force from
    2026-01-01) and 科技兴蒙（八） nmg20-08-field-station (1,000,000 a year, one platform once a year). 甲站 on file,
    recognized 2026-12-30; c0 claims 甲站 N-001 recognized 2025-07-01. One batch: c0 is dated before the draft
    took effect, and the 2026-12-30 record is no new recognition (甲站 was recognized 2025-07-01): hlb-03 pays
    nothing; nmg20-08 pays 甲站's 2026 once: 1,000,000. Two batches (none of the claims, then c0): the first
    knows only the 2026-12-30 record and pays it as new (1,000,000) besides the year's 1,000,000: 2,000,000. The
    names agree: this is the order of events, not identity (probe: law_batches_named, random.Random(7118))."""
    station = dict(kind="field_station", level="national", stage="approved", moved_in="none")
    on_file = [Recognition("field_station", "national", dt.date(2026, 12, 30), name="甲站")]
    day = dt.date(2025, 7, 1)
    c0 = Claim("recognition", "c0", {**station, "date": day, "name": "甲站", "number": "N-001"}, day)
    company = Company(USCC, "测试单位", "hulunbuir", size="small_micro")
    case = CompanyCase(company, History(tuple(on_file), frozenset(), {}, ()), (c0,))
    one = evaluate(case).total
    b1 = CompanyCase(company, case.history, ())
    r1 = evaluate(b1)
    r2 = evaluate(CompanyCase(company, approved(b1, r1, 1), (c0,)))
    assert (one, r1.total + r2.total) == (D("1000000.00"), D("1000000.00"))


def test_bt_8_a_lab_paid_though_it_cannot_be_told_apart_from_one_on_file_says_so():
    """（八）: 乙实验室 on file (2024-03-01, no number); c0 N-001 (2024-04-01) and c1 N-002 (2024-05-01) without names.
    N-001 joins 乙实验室 (the first unnamed number in order); N-002, told apart from N-001, is a lab of its own, though
    it cannot be told apart from 乙实验室's record: 10,000,000 each, 20,000,000, and N-002's line tells the clerk to
    check before approval (reading yearly_support_per_platform)."""
    result = evaluate(
        _baotou(
            [_lab("c0", dt.date(2024, 4, 1), number="N-001"), _lab("c1", dt.date(2024, 5, 1), number="N-002")],
            [_rec(NEW, "乙实验室")],
        )
    )
    lines = {l.subject: l for l in _lab_lines(result)}
    assert {s: l.amount for s, l in lines.items()} == {
        recognition_subject("key_lab", "national", "乙实验室"): YEARLY,
        recognition_subject("key_lab", "national", number="N-002"): YEARLY,
    }
    other = lines[recognition_subject("key_lab", "national", number="N-002")].trace.notes
    assert any(n.startswith("可能为同一平台：本平台只有证书编号，与“乙实验室”") for n in other)
    assert not any(
        "可能为同一平台" in n for n in lines[recognition_subject("key_lab", "national", "乙实验室")].trace.notes
    )
