"""政策沙盘 over a small store, every figure worked out by hand from the Hulunbuir draft's clauses.

（一）“对首次获批的国家高新技术企业给予50万元经费支持；对再次获批的高新技术企业给予15万元经费支持。
      对连续3年认定的国家科技型中小企业给予10万元经费支持。”
（二）“按照研发投入增量给予企业5%的后补助支持……少于1万元的不予补助”（最近连续两个年度享受加计扣除）.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from storehelp import RdYear, Recognition, batch_data, hte, profile, uscc

from core.cli import main
from core.scenario.compare import compare
from core.scenario.population import store_population
from core.scenario.run import run_scenario
from core.scenario.spec import ScenarioError, parse_scenario_text

D = Decimal

HTE_30 = """
title: 首次获批高企奖励调整测算
base: [hlb-2025-draft]
scenarios:
  - name: 首次高企30万
    changes:
      - rule: hlb-01-hte-first
        param: amount
        value: 300000
        clause: （一）
        cite: 对首次获批的国家高新技术企业给予50万元经费支持
        reason: 由50万元调为30万元
  - name: 停止科技型中小企业奖励
    rules_off:
      - {rule: hlb-01-tech-sme-3y, reason: 测算不设连续入库奖励}
"""


def three_companies(store):
    """1: first HTE in 2026; 2: HTE 2023 and again 2026 (Hailar → Zhalantun); 3: first HTE 2026, tech SME
    2024-2026, R&D 100万 (2024) → 160万 (2025), both with 加计扣除."""
    a = store.add_company(profile(1))
    b = store.add_company(profile(2, county="扎兰屯市"))
    c = store.add_company(profile(3, size="small_micro", industry="装备制造"))
    store.add_recognition(a, Recognition("high_tech", "national", dt.date(2026, 3, 1), "GR1"))
    store.add_recognition(b, Recognition("high_tech", "national", dt.date(2023, 3, 1), "GR2a"))
    store.add_recognition(b, Recognition("high_tech", "national", dt.date(2026, 3, 1), "GR2b"))
    store.add_recognition(c, Recognition("high_tech", "national", dt.date(2026, 5, 1), "GR3"))
    for y in (2024, 2025, 2026):
        store.add_tech_sme(c, y)
    store.set_rd_year(c, RdYear(2024, D("1000000"), True))
    store.set_rd_year(c, RdYear(2025, D("1600000"), True))


def test_first_time_hte_30_wan_over_three_companies(store, policies):
    three_companies(store)
    spec = parse_scenario_text(HTE_30)
    cmp = run_scenario(store, policies, spec, year=2026)
    # baseline, by hand:
    #   1: （一）首次获批 500,000
    #   2: （一）再次获批 150,000 (the 2023 certificate makes 2026 a repeat)
    #   3: （一）首次获批 500,000 + （一）连续3年科技型中小企业 100,000 + （二）(1,600,000 − 1,000,000) × 5% = 30,000
    #   total 500,000 + 150,000 + 630,000 = 1,280,000
    # 首次高企30万: companies 1 and 3 get 300,000 instead of 500,000 → 880,000, i.e. −400,000
    # 停止科技型中小企业奖励: company 3 loses its 100,000 → 1,180,000
    assert cmp.columns == ["现行（原文）", "首次高企30万", "停止科技型中小企业奖励"]
    assert cmp.totals == [D("1280000.00"), D("880000.00"), D("1180000.00")]
    clause = {r.label.rsplit("》", 1)[1]: r.amounts for r in cmp.breakdowns["clause"][1]}
    assert clause["（一）"] == [D("1250000.00"), D("850000.00"), D("1150000.00")]
    assert clause["（二）"] == [D("30000.00")] * 3
    county = {r.label: r.amounts for r in cmp.breakdowns["county"][1]}
    assert county["呼伦贝尔市 扎兰屯市"] == [D("150000.00")] * 3  # a repeat HTE: untouched by either
    assert county["呼伦贝尔市 海拉尔区"] == [D("1130000.00"), D("730000.00"), D("1030000.00")]
    size = {r.label: r.amounts for r in cmp.breakdowns["size"][1]}
    assert size["小微企业"] == [D("630000.00"), D("430000.00"), D("530000.00")]
    assert cmp.losers == [(2, D("-400000.00")), (1, D("-100000.00"))]
    assert cmp.gainers == [(0, D("0")), (0, D("0"))]
    assert [c.uscc for c in cmp.largest()] == [uscc(1), uscc(3)]  # both −200,000 in the first scenario
    assert cmp.largest()[1].diffs() == [D("-200000.00"), D("-100000.00")]
    assert cmp.change_rows[0]["was"] == "500000" and cmp.change_rows[0]["becomes"] == "300000"


def test_scenario_never_touches_the_policies_it_copies(store, policies):
    three_companies(store)
    before = policies.rules["hlb-01-hte-first"].amount.versions
    run_scenario(store, policies, parse_scenario_text(HTE_30), year=2026)
    assert policies.rules["hlb-01-hte-first"].amount.versions == before
    assert store.overrides() == [] and store.batches() == []


def test_over_a_batch_its_claims_are_what_is_counted(store, policies):
    data = batch_data(
        "2026年第一批",
        2026,
        [profile(1), profile(2)],
        [(uscc(1), hte("2026-03-01")), (uscc(2), hte("2026-04-01", "c2"))],
    )
    batch_id, _ = store.apply_import(data)
    cmp = run_scenario(store, policies, parse_scenario_text(HTE_30), batch=batch_id)
    # two first-time HTEs: 2 × 500,000 = 1,000,000; at 300,000 each: 600,000
    assert cmp.totals[:2] == [D("1000000.00"), D("600000.00")]
    assert cmp.companies == 2


def test_a_city_limits_the_population(store, policies):
    three_companies(store)
    other = store.add_company(profile(4, city="tongliao", county="科尔沁区"))
    store.add_recognition(other, Recognition("high_tech", "national", dt.date(2026, 3, 1), "GR4"))
    pop = store_population(store, 2026, city="hulunbuir")
    assert len(pop) == 3
    # a Tongliao company is not paid by the Hulunbuir draft at all
    cmp = compare(policies, parse_scenario_text(HTE_30), store_population(store, 2026))
    assert cmp.totals[0] == D("1280000.00") and cmp.companies == 4


def test_the_command_writes_report_and_json(store, db_url, tmp_path, capsys):
    three_companies(store)
    path = tmp_path / "hte30.yaml"
    path.write_text(HTE_30, encoding="utf-8")
    out = tmp_path / "测算报告.xlsx"
    code = main(
        [
            "--db",
            db_url,
            "--policies",
            str(_hlb_dir(tmp_path)),
            "scenario",
            "run",
            str(path),
            "--year",
            "2026",
            "-o",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"] == ["1280000.00", "880000.00", "1180000.00"]
    assert data["differences"] == ["-400000.00", "-100000.00"]
    assert out.exists() and out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["汇总", "按文件条款", "按盟市"] and "参数调整" in wb.sheetnames
    rows = list(wb["参数调整"].iter_rows(values_only=True))
    assert any(r[2] == "（一）" and r[4] == "500000" and r[5] == "300000" for r in rows)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_the_command_names_a_bad_scenario(store, db_url, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(HTE_30.replace("clause: （一）", "clause: （二）"), encoding="utf-8")
    code = main(["--db", db_url, "--policies", str(_hlb_dir(tmp_path)), "scenario", "run", str(path), "--year", "2026"])
    assert code == 2
    assert "出自（一），方案写的是（二）" in capsys.readouterr().err


def _hlb_dir(tmp_path):
    import shutil

    from core.paths import POLICIES

    folder = tmp_path / "pol"
    (folder / "texts").mkdir(parents=True)
    shutil.copy(POLICIES / "hlb-2025-draft.yaml", folder)
    shutil.copy(POLICIES / "texts" / "hlb-2025-draft.txt", folder / "texts")
    return folder


@pytest.mark.parametrize(
    "text, message",
    [
        ("base: [nope]\nname: x\n", "未知政策文件"),
        (
            (
                "base: [hlb-2025-draft]\nname: x\nchanges:\n  - {rule: hlb-01-hte-first, param: amount, value: 1, clause: （一）,"
                " cite: 给予15万元经费支持}\n"
            ),
            "没有写到规则",
        ),
        (
            (
                "base: [hlb-2025-draft]\nname: x\nchanges:\n  - {rule: hlb-01-hte-first, param: rate, value: 1, clause: （一）,"
                " cite: 50万元}\n"
            ),
            "没有参数“rate”",
        ),
        ("base: [hlb-2025-draft]\nname: x\nrules_off:\n  - {rule: nmg-x}\n", "不在方案复制的文件"),
    ],
)
def test_bad_changes_are_refused_with_a_reason(policies, text, message):
    from core.scenario.apply import apply_scenario

    spec = parse_scenario_text(text)
    with pytest.raises(ScenarioError, match=message):
        apply_scenario(policies, spec, spec.scenarios[0])


def test_the_documented_example_by_hand(store, policies):
    """resources/scenarios/hlb-2025-draft-example.yaml (docs/scenarios.md) over the three companies.

    压减方案 takes effect 2026-07-01, so the recognitions of March and May 2026 fall before the draft applies
    (0); 连续3年 is switched off; （二）at 4%: (1,600,000 − 1,000,000) × 4% = 24,000 (dated by the award year,
    31 December: in effect; the 300万 cap and the 1万 floor do not bind).
    """
    from core.paths import RESOURCES
    from core.scenario.spec import load_scenario_file

    three_companies(store)
    cmp = run_scenario(
        store, policies, load_scenario_file(RESOURCES / "scenarios" / "hlb-2025-draft-example.yaml"), year=2026
    )
    assert cmp.columns == ["征求意见稿原文", "首次获批高企30万元", "压减方案"]
    assert cmp.totals == [D("1280000.00"), D("880000.00"), D("24000.00")]
    assert {r["what"] for r in cmp.change_rows} >= {"研发投入增量后补助：比例", "施行日期改为2026-07-01"}


def test_a_reading_taken_the_other_way(store, policies):
    """（三）“对新认定的……自治区级重点实验室……给予……50万元”: with newly_per_platform (the draft's reading) a
    second, differently named lab of the company is new (500,000); read per company it is not (0)."""
    c = store.add_company(profile(5))
    store.add_recognition(c, Recognition("key_lab", "regional", dt.date(2024, 5, 1), "L1", name="寒地作物重点实验室"))
    store.add_recognition(c, Recognition("key_lab", "regional", dt.date(2026, 5, 1), "L2", name="草原生态重点实验室"))
    spec = parse_scenario_text("""
base: [hlb-2025-draft]
name: 按单位判断新认定
readings:
  - {document: hlb-2025-draft, name: newly_per_platform, value: false, reason: 测算按单位判断}
""")
    cmp = run_scenario(store, policies, spec, year=2026)
    assert cmp.totals == [D("500000.00"), D("0")]
    assert cmp.change_rows[0]["was"] == "是" and cmp.change_rows[0]["becomes"] == "否"


def test_a_cancelled_run_raises_and_changes_nothing(store, policies):
    from core.progress import Cancelled
    from core.store.errors import Cancelled as StoreCancelled

    three_companies(store)
    with pytest.raises((Cancelled, StoreCancelled)):  # reading (the store's) or evaluating: both end the run
        run_scenario(store, policies, parse_scenario_text(HTE_30), year=2026, cancelled=lambda: True)
    assert store.batches() == [] and store.overrides() == []
