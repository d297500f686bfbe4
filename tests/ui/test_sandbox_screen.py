"""政策沙盘 page: each tab's workflow offscreen (run off the GUI thread, table, chart, export)."""

import datetime as dt
from decimal import Decimal

from gui_support import settle
from PySide6.QtCharts import QBarSeries, QLineSeries, QStackedBarSeries

from core.model import RdYear, Recognition
from core.records import CompanyProfile
from core.uscc import check_character

D = Decimal
HTE_30 = """
title: 首次获批高企奖励调整测算
base: [hlb-2025-draft]
name: 首次高企30万
changes:
  - {rule: hlb-01-hte-first, param: amount, value: 300000, clause: （一）,
     cite: 对首次获批的国家高新技术企业给予50万元经费支持}
"""


def _uscc(n):
    first17 = "911507" + f"{n:011d}"
    return first17 + check_character(first17)


def three_companies(store):
    """As tests/store/test_scenario.py: 1 first HTE 2026; 2 repeat HTE; 3 first HTE + tech SME 3 years + R&D."""
    ids = [
        store.add_company(
            CompanyProfile(_uscc(n), f"呼伦贝尔沙盘{n}号科技有限公司", city="hulunbuir", county="海拉尔区", size=size)
        )
        for n, size in ((1, "medium"), (2, "medium"), (3, "small_micro"))
    ]
    a, b, c = ids
    store.add_recognition(a, Recognition("high_tech", "national", dt.date(2026, 3, 1), "GR1"))
    store.add_recognition(b, Recognition("high_tech", "national", dt.date(2023, 3, 1), "GR2a"))
    store.add_recognition(b, Recognition("high_tech", "national", dt.date(2026, 3, 1), "GR2b"))
    store.add_recognition(c, Recognition("high_tech", "national", dt.date(2026, 5, 1), "GR3"))
    for y in (2024, 2025, 2026):
        store.add_tech_sme(c, y)
    store.set_rd_year(c, RdYear(2024, D("1000000"), True, None, D("20000000")))
    store.set_rd_year(c, RdYear(2025, D("1600000"), True, None, D("25000000")))
    return ids


def test_sandbox_tab_compares_and_exports(window, qtbot, qtmodeltester, tmp_path):
    three_companies(window.ctx.store)
    page = window.show_page("sandbox")
    tab = page.scenario
    assert tab.file.count() >= 1 and "hlb-2025-draft" in tab.editor.toPlainText()
    tab.editor.setPlainText(HTE_30)
    tab.year.setValue(2026)
    tab.city.setCurrentIndex(tab.city.findData("hulunbuir"))
    qtbot.mouseClick(tab.run_button, qtbot_left())
    settle(qtbot)
    cmp = tab.comparison
    # （一）50万 → 30万 for the two first-time HTEs (companies 1 and 3): −400,000 (tests/store/test_scenario.py)
    assert cmp.totals == [D("1280000.00"), D("880000.00")]
    assert "880,000.00" in tab.summary.text() and "−400,000.00" in tab.summary.text()
    assert [type(s) for s in tab.chart.series()] == [QBarSeries]
    qtmodeltester.check(tab.model)
    tab.view_by.setCurrentIndex(tab.view_by.findData("changes"))
    assert tab.model.rowCount() == 2 and tab.model.index(0, 0).data().startswith("呼伦贝尔沙盘")
    tab.view_by.setCurrentIndex(tab.view_by.findData("parameters"))
    assert tab.model.index(0, 4).data() == "300000"
    written = []
    tab.export_to(tmp_path / "测算报告.xlsx", lambda x, p: written.append((x, p)))
    settle(qtbot)
    qtbot.waitUntil(lambda: bool(written), timeout=30000)
    xlsx, pdf = written[0]
    assert xlsx.exists() and pdf.read_bytes()[:5] == b"%PDF-"


def test_sandbox_tab_names_a_bad_scenario(window, qtbot):
    page = window.show_page("sandbox")
    tab = page.scenario
    tab.editor.setPlainText(HTE_30.replace("300000", "abc"))
    tab.run()
    settle(qtbot)
    assert "测算方案有误" in tab.status.text() and tab.run_button.isEnabled()


def test_forecast_tab_with_edited_assumption(window, qtbot, qtmodeltester):
    three_companies(window.ctx.store)
    page = window.show_page("sandbox")
    page.tabs.setCurrentIndex(1)
    tab = page.forecast
    tab.first.setValue(2027)
    field = tab.assume_fields["hte_renewal_rate"]
    field.selectAll()
    qtbot.keyClicks(field, "50%")  # typed: textEdited marks it as the clerk's value
    tab.run()
    settle(qtbot)
    f = tab.forecast
    assert f.assumptions.hte_renewal_rate == D("0.5") and f.assumptions.basis["hte_renewal_rate"] == "使用者输入"
    # the three 2026 certificates expire in 2029: 再次获批 150,000 each (hlb （一）) at 50%
    renewals = [e for e in f.expected if e.kind == "hte_renewal" and e.rule_id == "hlb-01-hte-repeat"]
    assert [(e.year, e.amount) for e in renewals] == [(2029, D("75000.00"))] * 3
    assert tab.assume_fields["hte_renewal_rate"].text() == "50.00%"
    assert [type(s) for s in tab.chart.series()] == [QStackedBarSeries]
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() >= 1 and tab.model.columnCount() == 2 + 5 + 1


def test_effect_tab_says_correlation_not_cause(window, qtbot, qtmodeltester):
    three_companies(window.ctx.store)
    page = window.show_page("sandbox")
    page.tabs.setCurrentIndex(2)
    tab = page.effect
    tab.run()
    settle(qtbot)
    assert "相关关系" in tab.findChild(type(tab.status), "effect-caveat").text()
    qtmodeltester.check(tab.rd_model)
    rows = {(r[0], r[1]): r[2] for r in tab.rd_model.rows}
    assert rows[(2025, "其他企业")].growth == D("0.6000")  # 1,600,000 / 1,000,000 − 1
    assert rows[(2025, "其他企业")].intensity == D("0.0640")  # 1,600,000 / 25,000,000
    assert all(isinstance(s, QLineSeries) for s in tab.chart.series())
    assert any(t[1] == "通辽市" for t in tab.target_model.rows)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_sandbox_tab_inserts_a_change_with_its_clause(window, qtbot):
    three_companies(window.ctx.store)
    page = window.show_page("sandbox")
    tab = page.scenario
    tab.editor.setPlainText("title: 试算\nbase: [hlb-2025-draft]\nname: 首次高企30万\nchanges:")
    cursor = tab.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    tab.editor.setTextCursor(cursor)
    tab.rule.setCurrentIndex(tab.rule.findData("hlb-01-hte-first"))
    tab.param.setCurrentIndex(tab.param.findData("amount"))
    tab.value.setText("300000")
    tab.insert_change()
    assert "clause: （一）" in tab.editor.toPlainText()
    assert "对首次获批的国家高新技术企业给予50万元经费支持" in tab.editor.toPlainText()
    tab.year.setValue(2026)
    tab.run()
    settle(qtbot)
    assert tab.comparison.totals == [D("1280000.00"), D("880000.00")]


def test_budget_and_effect_tabs_are_built_when_first_chosen(window, qtbot):
    """Issue 14: the first showing builds 沙盘 only; 预算测算 and 政策效益 are built into their tab when chosen,
    once, with the same tabs in the same order and the same choices as before."""
    from gui.sandbox.effect import EffectTab
    from gui.sandbox.forecast import ForecastTab

    page = window.show_page("sandbox")
    settle(qtbot)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["沙盘", "预算测算", "政策效益"]
    assert page.findChildren(ForecastTab) == [] and page.findChildren(EffectTab) == []
    page.tabs.setCurrentIndex(1)
    settle(qtbot)
    forecast = page.findChildren(ForecastTab)
    assert forecast == [page.forecast] and page.forecast.isVisible() and page.findChildren(EffectTab) == []
    level = page.forecast.level
    assert [(level.itemText(i), level.itemData(i)) for i in range(level.count())] == [
        ("各级财政", None),
        ("自治区", "region"),
        ("盟市", "city"),
        ("旗县区", "county"),
    ]
    page.tabs.setCurrentIndex(2)
    page.tabs.setCurrentIndex(1)
    assert page.findChildren(ForecastTab) == forecast and len(page.findChildren(EffectTab)) == 1  # built once
    assert page.effect.city.count() == page.forecast.city.count() == page.scenario.city.count() > 1
