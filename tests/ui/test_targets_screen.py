"""目标监测: counts from the store by year against the documents' targets, a chart and a table per metric."""

from decimal import Decimal

from gui_support import sample_batch, settle
from PySide6.QtCharts import QBarSeries, QLineSeries, QScatterSeries

from core.targets import REGION, series


def test_targets_for_tongliao_chart_and_table(window, qtbot, qtmodeltester):
    sample_batch(window)
    page = window.show_page("targets")
    page.scope.setCurrentIndex(page.scope.findData("tongliao"))
    settle(qtbot)
    assert "有目标" in page.scope.currentText()
    hte = page.panels["hte_count"]
    qtmodeltester.check(hte.model)
    rows = {r.year: r for r in hte.model.rows}
    assert rows[2025].target == Decimal("100") and rows[2022].baseline == Decimal("53")
    expected = series(window.ctx.store, window.ctx.policies, "hte_count", "tongliao")
    assert [(r.year, r.actual) for r in hte.model.rows] == [(r.year, r.actual) for r in expected.rows]
    row_2025 = [r.year for r in hte.model.rows].index(2025)
    assert hte.model.index(row_2025, 2).data() == "100"
    kinds = {type(s) for s in hte.chart.series()}
    assert kinds == {QBarSeries, QLineSeries, QScatterSeries}
    assert "通辽市有效期内高新技术企业" in hte.chart.title()
    assert "通创办发" in hte.source.text()
    sme = page.panels["tech_sme_count"]
    assert {r.year: r.target for r in sme.model.rows}[2024] == Decimal("130")


def test_region_and_a_city_without_targets(window, qtbot):
    sample_batch(window)
    page = window.show_page("targets")
    page.scope.setCurrentIndex(page.scope.findData(REGION))
    settle(qtbot)
    hte = page.panels["hte_count"]
    assert {r.year: r.target for r in hte.model.rows}[2025] == Decimal("2000")
    assert sum(r.actual for r in hte.model.rows) > 0
    page.scope.setCurrentIndex(page.scope.findData("baotou"))
    settle(qtbot)
    assert not page.panels["hte_count"].series.has_targets
    assert "没有规定" in page.panels["hte_count"].source.text()
    assert [type(s) for s in page.panels["hte_count"].chart.series()] == [QBarSeries]
    assert window.ctx.settings.value("targets/scope") == "baotou"


def test_small_counts_stay_visible_and_a_county_can_be_chosen(window, qtbot, asker, tmp_path):
    """Issue 15: a few companies against the region's thousands: a log axis and 完成率 that is not 0%."""
    from PySide6.QtCharts import QLogValueAxis

    from gui.pages.targets import reached_text

    assert [reached_text(v) for v in (None, 0, 1 / 4000, 0.025, 0.5)] == ["—", "0%", "0.03%", "2.5%", "50%"]
    sample_batch(window)
    page = window.show_page("targets")
    page.scope.setCurrentIndex(page.scope.findData(REGION))
    settle(qtbot)
    hte = page.panels["hte_count"]
    assert hte.log_scale and "对数刻度" in hte.chart.title()
    assert any(isinstance(a, QLogValueAxis) for a in hte.chart.axes())
    row = [r.year for r in hte.model.rows].index(2025)
    actual = hte.model.rows[row].actual
    assert 0 < actual < 20 and hte.model.index(row, 3).data() == reached_text(Decimal(actual) / Decimal(2000))
    assert not page.county.isEnabled()
    page.scope.setCurrentIndex(page.scope.findData("hulunbuir"))
    settle(qtbot)
    assert page.county.isEnabled() and page.county.itemText(1) == "海拉尔区"
    page.county.setCurrentIndex(page.county.findData("海拉尔区"))
    settle(qtbot)
    expected = series(window.ctx.store, window.ctx.policies, "hte_count", "hulunbuir", county="海拉尔区")
    assert [(r.year, r.actual, r.target) for r in hte.model.rows] == [(r.year, r.actual, None) for r in expected.rows]
    assert "呼伦贝尔市海拉尔区" in hte.chart.title()
    target = tmp_path / "目标.xlsx"
    asker.answers = [str(target)]
    hte.table.table_actions["export"].trigger()  # 导出当前列表
    settle(qtbot)
    assert target.exists()


def test_a_log_axis_gets_no_zero_and_labels_each_count(qtbot, qtlog):
    """QtCharts warned "Logarithms of zero…" for every year with no company: the bars fed the log axis 0."""
    from core.targets import TargetSeries, YearRow
    from gui.pages.targets import LOG_BOTTOM, MetricPanel

    panel = MetricPanel("hte_count")
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    panel.show()
    rows = [YearRow(2023, 0, Decimal(2000)), YearRow(2024, 3, Decimal(3000)), YearRow(2025, 0, None, Decimal(1500))]
    panel.show_series(TargetSeries("hte_count", REGION, rows), "全区")
    qtbot.wait(50)
    assert panel.log_scale
    assert not [m.message for m in qtlog.records if "Logarithms" in m.message]
    bars = next(s for s in panel.chart.series() if isinstance(s, QBarSeries))
    assert [bars.barSets()[0].at(i) for i in range(3)] == [LOG_BOTTOM, 3, LOG_BOTTOM]
    assert not bars.isLabelsVisible()
    labels = next(s for s in panel.chart.series() if isinstance(s, QScatterSeries) and s.pointLabelsVisible())
    formats = [labels.pointConfiguration(i)[QScatterSeries.PointConfiguration.LabelFormat] for i in range(3)]
    assert formats == ["0", "3", "0"]
    assert not any(m.isVisible() for m in panel.chart.legend().markers(labels))
