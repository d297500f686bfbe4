"""应享未享: hand-worked cases, award year 2026, all five documents, each citing its clause."""

import datetime as dt
from decimal import Decimal

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.engine import load_policies
from core.lists.entitled import entitled
from core.lists.report import write_entitled_workbook
from core.model import Recognition

D = Decimal


@pytest.fixture(scope="module")
def all_policies():
    return load_policies()


def _found(store, policies, **kw):
    return sorted((i.uscc, i.rule_id, i.amount) for i in entitled(store, policies, 2026, **kw))


def test_three_years_registered_never_paid(store, all_policies):
    # 呼伦贝尔（一）“对连续3年认定的国家科技型中小企业给予10万元经费支持”: 2024, 2025, 2026 in the history, no batch
    cid = store.add_company(profile(1))
    for year in (2024, 2025, 2026):
        store.add_tech_sme(cid, year)
    items = entitled(store, all_policies, 2026)
    assert [(i.rule_id, i.amount, i.provisional) for i in items] == [("hlb-01-tech-sme-3y", D("100000.00"), True)]
    assert "2024、2025、2026" in items[0].why and "没有兑现记录" in items[0].why
    assert items[0].basis.endswith("（一）")


def test_recognized_never_claimed_and_what_the_ledger_shows_paid(store, all_policies):
    # 包头（六）“认定为国家高新技术企业，给予30万元后补助资金支持” and, in 2025, 内政办发〔2021〕35号 4.“对首次获批
    # 国家高新技术企业的区内企业……一次性奖励30万元用于研发活动” (科技兴蒙（四）restated, one award of the two):
    # a 2025 certificate typed into the history, never claimed
    cid = store.add_company(profile(2, "包头测试储能科技有限公司", city="baotou", county="九原区"))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2025, 12, 1), "GR202515000999"))
    assert _found(store, all_policies) == [
        (uscc(2), "bt-06-hte", D("300000.00")),
        (uscc(2), "nmg35-04-hte-first", D("300000.00")),
    ]
    # the region's award was paid in 2025 on paper (under 科技兴蒙（四）) and typed into the ledger: only the city's
    # is left
    store.add_ledger_entry(cid, "nmg20-04-hte-first", 2025, D("300000"), note="2025年纸质台账")
    assert _found(store, all_policies) == [(uscc(2), "bt-06-hte", D("300000.00"))]


def test_renewal_is_a_second_recognition(store, all_policies):
    # 呼伦贝尔（一）“对再次获批的高新技术企业给予15万元经费支持”: first recognized 2023, renewed 2026-11-18
    cid = store.add_company(profile(3))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2023, 11, 20), "GR202315000212"))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2026, 11, 18), "GR202615000233"))
    assert _found(store, all_policies) == [(uscc(3), "hlb-01-hte-repeat", D("150000.00"))]
    # looking back four years, the 2023 first recognition was never paid either: 内政办发〔2021〕35号 4. 30万元
    # (呼伦贝尔's draft is in effect from 2026 only, so it pays nothing for 2023)
    assert _found(store, all_policies, span=4) == [
        (uscc(3), "hlb-01-hte-repeat", D("150000.00")),
        (uscc(3), "nmg35-04-hte-first", D("300000.00")),
    ]


def test_claimed_in_an_approved_or_a_draft_batch_is_not_owed(store, all_policies, tmp_path):
    # the same 2026 first recognition: paid through an approved batch, or in hand in a draft
    paid = batch_data(
        "2026年第一批",
        2026,
        [profile(4, "呼伦贝尔已兑现科技有限公司")],
        claims=[(uscc(4), hte("2026-03-15"))],
        recognitions=[],
    )
    batch_id, _ = store.apply_import(paid)
    store.calculate(batch_id, all_policies)
    store.approve(batch_id, preparer="张三", reviewer="李四", allow_provisional=True)
    in_hand = batch_data(
        "2026年第二批", 2026, [profile(5, "呼伦贝尔在办科技有限公司")], claims=[(uscc(5), hte("2026-04-01"))]
    )
    store.apply_import(in_hand)
    # their recognitions are in the history too (approval recorded the first; the second was typed in)
    store.add_recognition(
        store.company_id(uscc(5)), Recognition("high_tech", "national", dt.date(2026, 4, 1), "GR2026")
    )
    assert _found(store, all_policies) == []
    out = write_entitled_workbook([], 2026, tmp_path / "应享未享.xlsx")
    assert out.exists()
