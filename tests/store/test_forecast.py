"""预算测算 on a small store, worked out by hand.

Policies: the Hulunbuir draft and 包头《……》(bt-2021-24) only.
- bt （八）“获批建设国家重点实验室……每年分别给予1000万元资金支持，连续支持5年” (盟市 budget);
- hlb （一）“对再次获批的高新技术企业给予15万元经费支持”“对连续3年认定的国家科技型中小企业给予10万元经费支持”;
- hlb （二）“按照研发投入增量给予企业5%的后补助支持……少于1万元的不予补助”.
"""

import datetime as dt
import json
import shutil
from decimal import Decimal

import pytest
from storehelp import RdYear, Recognition, batch_data, profile, uscc

from core.cli import main
from core.engine import load_policies
from core.forecast import expected as exp
from core.forecast.budget import COMMITTED, EXPECTED, forecast
from core.paths import POLICIES

D = Decimal
LAB = {
    "type": "recognition",
    "kind": "key_lab",
    "level": "national",
    "date": "2026-04-01",
    "name": "稀土新材料国家重点实验室",
    "id": "lab",
}


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("policies-hlb-bt")
    (folder / "texts").mkdir()
    for doc in ("hlb-2025-draft", "bt-2021-24"):
        shutil.copy(POLICIES / f"{doc}.yaml", folder)
        shutil.copy(POLICIES / "texts" / f"{doc}.txt", folder / "texts")
    return folder


@pytest.fixture(scope="module")
def ps(two_docs):
    return load_policies(two_docs)


def baotou_lab(store, ps):
    """A Baotou company whose national key lab, approved in 2026, is paid 1000万 a year for 2026-2030."""
    data = batch_data("2026年第一批", 2026, [profile(7, city="baotou", county="昆都仑区")], [(uscc(7), LAB)])
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, ps)
    (line,) = store.lines(batch_id)
    assert line.rule_id == "bt-08-national-key-lab" and line.amount == D("10000000.00")
    assert [y for y, _ in line.schedule] == [2026, 2027, 2028, 2029, 2030]
    store.approve(batch_id, "张三", "李四")
    return batch_id


def hulunbuir_company(store):
    """HTE certificate 2024-06-01; tech SME 2025 and 2026; R&D 200万 (2025) and 220万 (2026), both 加计扣除."""
    h = store.add_company(profile(8))
    store.add_recognition(h, Recognition("high_tech", "national", dt.date(2024, 6, 1), "GR2024"))
    store.add_tech_sme(h, 2025)
    store.add_tech_sme(h, 2026)
    store.set_rd_year(h, RdYear(2025, D("2000000"), True))
    store.set_rd_year(h, RdYear(2026, D("2200000"), True))
    return h


def _fixed(**kw):
    return exp.Assumptions(hte_renewal_rate=D("0.8"), tech_sme_continue_rate=D("0.5"), **kw)


def test_committed_multi_year_schedule_and_unpaid(store, ps):
    baotou_lab(store, ps)
    f = forecast(store, ps, 2027, 5, assumptions=_fixed())
    # approved, not paid: the 2026 installment, due now → 2027; the schedule's 2027-2030 installments
    committed = {(c.kind, c.year): c.amount for c in f.commitments}
    assert committed == {
        ("approved_unpaid", 2027): D("10000000.00"),
        ("scheduled", 2027): D("10000000"),
        ("scheduled", 2028): D("10000000"),
        ("scheduled", 2029): D("10000000"),
        ("scheduled", 2030): D("10000000"),
    }
    assert {c.level for c in f.commitments} == {"city"}  # 包头市人民政府: the city's budget
    by_year = f.by_year()
    assert [by_year[y][COMMITTED] for y in range(2027, 2032)] == [D("20000000")] + [D("10000000")] * 3 + [D(0)]
    store.mark_paid(1)
    f = forecast(store, ps, 2027, 5, assumptions=_fixed())
    assert [f.by_year()[y][COMMITTED] for y in range(2027, 2032)] == [D("10000000")] * 4 + [D(0)]


def test_a_later_batch_holding_the_installment_is_not_counted_twice(store, ps):
    baotou_lab(store, ps)
    store.mark_paid(1)
    data = batch_data(
        "2027年第一批",
        2027,
        [profile(7, city="baotou", county="昆都仑区")],
        [(uscc(7), {"type": "tech_sme_registration", "year": "2027", "id": "sme"})],
    )
    b2, _ = store.apply_import(data)
    store.calculate(b2, ps)
    assert [l.amount for l in store.lines(b2) if l.rule_id == "bt-08-national-key-lab"] == [D("10000000.00")]
    store.approve(b2, "张三", "李四")
    f = forecast(store, ps, 2027, 5, assumptions=_fixed())
    # 2027: the 2027 batch's installment, approved and unpaid (not again as the 2026 line's schedule)
    assert sorted((c.kind, c.year) for c in f.commitments) == [
        ("approved_unpaid", 2027),
        ("scheduled", 2028),
        ("scheduled", 2029),
        ("scheduled", 2030),
    ]


def test_expected_outlays_by_hand(store, ps):
    hulunbuir_company(store)
    f = forecast(store, ps, 2027, 5, assumptions=_fixed())
    got = {(e.kind, e.year): e.amount for e in f.expected}
    assert got == {
        # certificate 2024-06-01 expires in 2027: 150,000 × 80%; the 2027 one again in 2030: 150,000 × 80% × 80%
        ("hte_renewal", 2027): D("120000.00"),
        ("hte_renewal", 2030): D("96000.00"),
        # 2025, 2026 recorded, 2027 registered with 50%: 连续3年 100,000 × 50%; only once (2028 pays nothing)
        ("tech_sme", 2027): D("50000.00"),
        # R&D trend +10%/year: 2026 increment 200,000 × 5% = 10,000; then 220,000 → 11,000; 242,000 → 12,100;
        # 266,200 → 13,310; 292,820 → 14,641
        ("rd_post_subsidy", 2027): D("10000.00"),
        ("rd_post_subsidy", 2028): D("11000.00"),
        ("rd_post_subsidy", 2029): D("12100.00"),
        ("rd_post_subsidy", 2030): D("13310.00"),
        ("rd_post_subsidy", 2031): D("14641.00"),
    }
    assert [f.by_year()[y][EXPECTED] for y in range(2027, 2032)] == [
        D("180000.00"),
        D("11000.00"),
        D("12100.00"),
        D("109310.00"),
        D("14641.00"),
    ]
    assert {e.level for e in f.expected} == {"city"}
    assert all(e.provisional for e in f.expected) and "征求意见稿" in f.notes[-1]  # the Hulunbuir draft


def test_default_assumptions_come_from_history(store, ps):
    a = store.add_company(profile(1))
    b = store.add_company(profile(2))
    for cid, renewed in ((a, True), (b, False)):
        store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2020, 5, 1)))
        if renewed:
            store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2023, 5, 1)))
    store.add_tech_sme(a, 2024)
    store.add_tech_sme(a, 2025)
    store.add_tech_sme(b, 2024)
    _, histories = exp.load_population(store)
    d = exp.default_assumptions(histories, 2027)
    # records up to 2025 are complete (2026 is the current year): certificates due 2023: a's renewed, b's not →
    # 50% (a's 2023 one, due 2026, is not counted yet)
    assert d.hte_renewal_rate == D("0.5000")
    # 2024 → 2025: a yes, b no → 50% (2025 → 2026 is not counted yet)
    assert d.tech_sme_continue_rate == D("0.5000")
    assert "2025年及以前到期的2张证书中1张" in d.basis["hte_renewal_rate"]


def test_forecast_command(store, db_url, ps, two_docs, tmp_path, capsys):
    baotou_lab(store, ps)
    hulunbuir_company(store)
    out = tmp_path / "预算测算表.xlsx"
    code = main(
        [
            "--db",
            db_url,
            "--policies",
            str(two_docs),
            "forecast",
            "--from",
            "2027",
            "--years",
            "5",
            "--level",
            "city",
            "--assume",
            "hte_renewal_rate=80%",
            "--assume",
            "tech_sme_continue_rate=0.5",
            "-o",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_year"]["2027"] == {"committed": "20000000.00", "expected": "180000.00"}
    assert data["by_year"]["2031"] == {"committed": "0", "expected": "14641.00"}
    assert [a["value"] for a in data["assumptions"]][:1] == ["0.8"]
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "按文件条款", "已承诺明细", "预计明细", "测算假设"]
    assert out.with_suffix(".pdf").exists()
    code = main(
        ["--db", db_url, "--policies", str(two_docs), "forecast", "--from", "2027", "--level", "region", "--json"]
    )
    assert json.loads(capsys.readouterr().out)["by_level"] == []  # neither document is the region's
