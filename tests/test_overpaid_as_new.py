"""A 'newly' award an earlier batch paid on a record that a later batch shows was not new is flagged (core.engine.overpaid).

Hand-worked on 呼伦贝尔市《关于进一步提升科技创新能力的政策措施（征求意见稿）》（三） hlb-03-platform “对新认定的国家级……
野外科学观测研究站……分别给予100万元” (the draft, in force from 2026-01-01; reading newly_per_platform: a platform is
paid once, on its first recognition) and 《科技兴蒙》（八） nmg20-08-field-station (1,000,000 a year, one platform once a
year). Award year 2026. 甲站 is on file recognized 2026-12-30.

Batch 1 (no claims) knows only the 2026-12-30 record: hlb-03 pays it as new, 1,000,000, and nmg20-08 pays 甲站's
2026, 1,000,000: 2,000,000. Batch 2 claims 甲站 recognized 2025-07-01: hlb-03 refuses both (c0 predates the draft;
the 2026-12-30 record is no new recognition) and nmg20-08 has paid 甲站's 2026 already: 0. In one batch the same
facts pay 1,000,000 (nmg20-08 only). The program does not undo batch 1's approved 1,000,000 under hlb-03: batch 2
says it may have been overpaid (the strict xfail in tests/test_laws_window.py keeps the law that cannot hold).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from test_laws import USCC, approved, evaluate

from core.model import Claim, Company, CompanyCase, History, LedgerEntry, Recognition

D = Decimal
ON_FILE = dt.date(2026, 12, 30)
EARLIER = dt.date(2025, 7, 1)
STATION = dict(kind="field_station", level="national", stage="approved", moved_in="none")
COMPANY = Company(USCC, "测试单位", "hulunbuir", size="small_micro")
FLAG = "已拨付的款项可能多付"


def _claim(day: dt.date, name: str = "甲站", number: str = "N-001") -> Claim:
    fields = {**STATION, "date": day, "number": number}
    if name:
        fields["name"] = name
    return Claim("recognition", "c0", fields, day)


def _history(name: str = "甲站") -> History:
    return History((Recognition("field_station", "national", ON_FILE, name=name),), frozenset(), {}, ())


def _two_batches(c0: Claim, history: History | None = None):
    """Batch 1 without claims on ``history``, approved as batch 1; then batch 2 with ``c0``."""
    b1 = CompanyCase(COMPANY, history or _history(), ())
    r1 = evaluate(b1)
    return r1, evaluate(CompanyCase(COMPANY, approved(b1, r1, 1), (c0,)))


def _flags(result) -> list[str]:
    return [w for w in result.warnings if FLAG in w]


def test_hlb_3_an_earlier_recognition_in_a_later_batch_flags_the_payment_as_new_with_what_it_paid():
    """（三）“对新认定的……给予100万元”: batch 1 pays 2,000,000 (hlb-03 1,000,000 on the 2026-12-30 record as new, and
    nmg20-08 1,000,000), batch 2 pays 0 and warns that batch 1's 1,000,000 under （三） was paid on a record later than
    甲站's recognition of 2025-07-01 claimed now."""
    r1, r2 = _two_batches(_claim(EARLIER))
    assert {l.rule.id: l.amount for l in r1.lines} == {
        "hlb-03-platform": D("1000000.00"),
        "nmg20-08-field-station": D("1000000.00"),
    }
    assert (r1.total, r2.total) == (D("2000000.00"), D("0"))
    assert not _flags(r1)
    assert _flags(r2) == [
        "本批次事项c0申报的国家级野外科学观测研究站“甲站”认定日期（2025-07-01，证书号N-001）早于此前按新认定拨付的记录"
        "（批次1：呼伦贝尔市《关于进一步提升科技创新能力的政策措施（征求意见稿）》（三），规则hlb-03-platform，"
        "依据2026-12-30的认定记录，2026年拨付1,000,000.00元），该认定按本条款不予支持（事项日期2025-07-01不在"
        "《关于进一步提升科技创新能力的政策措施（征求意见稿）》有效期（2026-01-01至今）内）：该平台不属于新认定，"
        "已拨付的款项可能多付，请核实并按规定处理（追回或说明）"
    ]


def test_hlb_3_the_same_facts_in_one_batch_pay_1000000_and_flag_nothing():
    """One batch: hlb-03 pays nothing (c0 predates the draft; the 2026-12-30 record is no new recognition), nmg20-08
    pays 甲站's 2026 once: 1,000,000, and nothing was paid before to flag."""
    result = evaluate(CompanyCase(COMPANY, _history(), (_claim(EARLIER),)))
    assert result.total == D("1000000.00")
    assert [l.rule.id for l in result.lines] == ["nmg20-08-field-station"]
    assert not _flags(result)


def test_hlb_3_a_later_recognition_in_a_later_batch_flags_nothing():
    """Batch 2 claims 甲站 re-recognized 2026-12-31, after the record batch 1 paid on as new: （三） refuses it as no new
    recognition (2026-12-30 was first) and the payment stands: no flag, batch 2 pays 0."""
    r1, r2 = _two_batches(_claim(dt.date(2026, 12, 31), number="N-002"))
    assert (r1.total, r2.total) == (D("2000000.00"), D("0"))
    assert not _flags(r2)


def test_hlb_3_an_earlier_recognition_that_is_itself_new_flags_nothing_and_pays_as_one_batch():
    """Batch 2 claims 甲站 recognized 2026-06-01, before the 2026-12-30 record batch 1 paid on, but itself a new
    recognition under （三） (the draft in force from 2026-01-01): the platform was paid once as new, on another of its
    records. One batch: c0 is new (hlb-03 1,000,000; the 2026-12-30 record is no new recognition) and nmg20-08 pays
    甲站's 2026 once (1,000,000): 2,000,000. Two batches: 2,000,000 and 0 (both already paid). Nothing overpaid."""
    c0 = _claim(dt.date(2026, 6, 1))
    one = evaluate(CompanyCase(COMPANY, _history(), (c0,)))
    r1, r2 = _two_batches(c0)
    assert (one.total, r1.total, r2.total) == (D("2000000.00"), D("2000000.00"), D("0"))
    assert not _flags(r2)


def test_hlb_3_an_earlier_recognition_of_another_named_platform_flags_nothing():
    """Batch 2 claims 乙站 recognized 2025-07-01: another platform by name, so 甲站's payment as new stands (乙站's own
    2025 recognition predates the draft: hlb-03 pays nothing for it)."""
    _, r2 = _two_batches(_claim(EARLIER, name="乙站"))
    assert not _flags(r2)


def test_hlb_3_an_earlier_recognition_without_a_name_flags_nothing():
    """Only names tell platforms apart for this warning: a claim without a name (stored before names were required)
    cannot be told apart from any station, and a warning about money paid is not raised on that fallback."""
    _, r2 = _two_batches(_claim(EARLIER, name=""))
    assert not _flags(r2)


def test_hlb_3_a_payment_typed_in_by_hand_is_not_flagged():
    """A ledger entry typed in by hand (no batch) does not say which record it was paid on: not flagged."""
    hand = LedgerEntry("hlb-03-platform", 2026, D("1000000.00"), "recognition:field_station:national:name=甲站")
    h = _history()
    history = History(h.recognitions, h.tech_sme_years, h.rd, (hand,))
    result = evaluate(CompanyCase(COMPANY, history, (_claim(EARLIER),)))
    assert not _flags(result)


def test_hlb_3_a_payment_undone_by_an_adjustment_is_not_flagged():
    """Batch 1's 1,000,000 under （三） taken back by an adjustment of batch 1 (-1,000,000): nothing left to flag."""
    b1 = CompanyCase(COMPANY, _history(), ())
    h = approved(b1, evaluate(b1), 1)
    back = LedgerEntry("hlb-03-platform", 2026, D("-1000000.00"), "recognition:field_station:national:name=甲站", "", 1)
    history = History(h.recognitions, h.tech_sme_years, h.rd, h.ledger + (back,), h.claims)
    assert not _flags(evaluate(CompanyCase(COMPANY, history, (_claim(EARLIER),))))
