"""政策效益 on a small store, by hand: funded (an approved award in the ledger) against the rest."""

import json
from decimal import Decimal

from storehelp import RdYear, profile

from core.cli import main
from core.forecast.effect import CAVEAT, FUNDED, OTHERS, effect

D = Decimal


def small_store(store):
    f = store.add_company(profile(1))
    o = store.add_company(profile(2))
    o2 = store.add_company(profile(3))
    store.add_ledger_entry(f, "hlb-01-hte-first", 2024, D("500000"), note="呼科发〔2024〕1号")
    store.set_rd_year(f, RdYear(2024, D("1000000"), True, None, D("20000000")))
    store.set_rd_year(f, RdYear(2025, D("1200000"), True, None, D("24000000")))
    store.set_rd_year(o, RdYear(2024, D("500000"), False, None, D("10000000")))
    store.set_rd_year(o, RdYear(2025, D("450000"), False))
    store.set_rd_year(o2, RdYear(2025, D("300000"), False, None, D("30000000")))


def test_rd_growth_and_intensity_by_hand(store, policies):
    small_store(store)
    e = effect(store, policies)
    assert (e.funded, e.others, e.years) == (1, 2, [2024, 2025])
    f25, o25 = e.rows[(FUNDED, 2025)], e.rows[(OTHERS, 2025)]
    # funded: 1,200,000 / 1,000,000 − 1 = 20%; 1,200,000 / 24,000,000 = 5%
    assert (f25.companies, f25.expense, f25.growth, f25.intensity) == (1, D("1200000"), D("0.2000"), D("0.0500"))
    # others: 450,000 + 300,000; growth only company 2 (in both years): 450,000 / 500,000 − 1 = −10%;
    # intensity only company 3 (revenue recorded): 300,000 / 30,000,000 = 1%
    assert (o25.companies, o25.expense, o25.growth, o25.intensity) == (2, D("750000"), D("-0.1000"), D("0.0100"))
    assert e.rows[(FUNDED, 2024)].growth is None and e.rows[(OTHERS, 2024)].intensity == D("0.0500")


def test_effect_command_says_correlation_not_cause(store, db_url, tmp_path, capsys):
    small_store(store)
    assert main(["--db", db_url, "effect", "--json", "-o", str(tmp_path / "政策效益.xlsx")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["caveat"] == CAVEAT and "相关关系" in CAVEAT and "不能说明" in CAVEAT
    assert any(t["scope"] == "通辽市" and t["year"] == 2025 and t["target"] == "100" for t in data["targets"])
    assert (tmp_path / "政策效益.pdf").exists()
    assert main(["--db", db_url, "effect"]) == 0
    assert CAVEAT in capsys.readouterr().out
