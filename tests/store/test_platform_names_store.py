"""The store's own inputs name the platform where its identity decides money (core.platform_names): a recognition
typed into the company history editor and an award typed into the ledger by hand.

Hand-worked on 包头市《二十五条政策措施》（包党发〔2021〕24号）（八） “获批建设国家重点实验室……每年分别给予1000万元资金
支持，连续支持5年” (bt-08-national-key-lab, 10,000,000 a year).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from storehelp import Recognition, profile, uscc

from core.engine import Context, evaluate
from core.engine.registries import load_policies
from core.model import Claim, Company, CompanyCase
from core.store import InvalidData
from core.subjects import recognition_subject

LAB = "bt-08-national-key-lab"
YEARLY = Decimal("10000000.00")  # （八）“每年分别给予1000万元资金支持”
REASON = "请填写平台或载体名称"


def _company(store) -> int:
    return store.add_company(profile(1, "包头稀土新材料股份有限公司", city="baotou", county="昆都仑区", size="large"))


def test_bt_8_the_history_editor_refuses_a_lab_without_its_name(store):
    """A national key lab approved 2024 without a name, or known only by its number, is refused with the reason;
    named it is recorded; a 高新技术企业 certificate (a title) needs no name; a named lab cannot be edited nameless."""
    cid = _company(store)
    day = dt.date(2024, 3, 1)
    for unnamed in (Recognition("key_lab", "national", day), Recognition("key_lab", "national", day, "N-002")):
        with pytest.raises(InvalidData, match=REASON):
            store.add_recognition(cid, unnamed)
    lab = store.add_recognition(cid, Recognition("key_lab", "national", day, "N-002", name="稀土新材料全国重点实验室"))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2023, 11, 1), "GR2023"))
    with pytest.raises(InvalidData, match=REASON):
        store.update_recognition(lab, Recognition("key_lab", "national", day, "N-002"))
    assert sorted((r.kind, r.name) for r in store.history(cid).recognitions) == [
        ("high_tech", ""),
        ("key_lab", "稀土新材料全国重点实验室"),
    ]


def test_bt_8_a_payment_typed_in_must_name_its_lab_and_is_then_deducted_from_that_lab_only(store):
    """An award of (八) typed in for 2026 naming no lab (only a number, or nothing) is refused. Named 甲实验室 it is
    recorded, and a batch of 2026 claiming 甲实验室 and 乙实验室 (both approved 2024-03-01, 2026 their 3rd year)
    pays 乙实验室 10,000,000 and 甲实验室 10,000,000 - 10,000,000 typed in = 0. A title's award needs no name."""
    cid = _company(store)
    note = "包科发〔2026〕3号拨付"
    for subject in (recognition_subject("key_lab", "national", number="N-001"), ""):
        with pytest.raises(InvalidData, match=REASON):
            store.add_ledger_entry(cid, LAB, 2026, YEARLY, subject, note=note)
    store.add_ledger_entry(cid, LAB, 2026, YEARLY, recognition_subject("key_lab", "national", "甲实验室"), note=note)
    store.add_ledger_entry(cid, "nmg20-04-hte-first", 2025, Decimal("300000"), note="2025年纸质台账")
    day = dt.date(2024, 3, 1)
    fields = {"kind": "key_lab", "level": "national", "date": day, "stage": "approved", "moved_in": "none"}
    claims = tuple(
        Claim("recognition", f"c{i}", {**fields, "name": n}, day) for i, n in enumerate(("甲实验室", "乙实验室"))
    )
    company = Company(uscc(1), "包头稀土新材料股份有限公司", "baotou", size="large")
    case = CompanyCase(company, store.history(cid), claims)
    (result,) = evaluate([case], Context(load_policies(), 2026))
    paid = {l.subject: l.amount for l in result.lines if l.rule.id == LAB}
    assert paid == {recognition_subject("key_lab", "national", "乙实验室"): YEARLY}
