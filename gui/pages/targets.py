"""目标监测: valid high-tech enterprises and registered tech SMEs by year for the region or one city,
counted from the store, against the targets of the policy documents; a table beside each chart.

QtCharts is imported when this page is first shown, not at start-up.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QLogValueAxis,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.targets import METRICS, REGION, STORE_NOTE, series, targets_for
from gui.tables import equip
from gui.models.base import Column, ListTableModel
from gui.operations import Operation

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ACTUAL_COLOR = QColor("#4a7ebb")
TARGET_COLOR = QColor("#d9822b")
BASELINE_COLOR = QColor("#6a9955")


def _num(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def reached_text(reached) -> str:
    """完成率 that never reads 0% for a few companies: 0.03% below 1%, 2.5% below 10%, else whole percents."""
    if reached is None:
        return "—"
    if reached == 0:
        return "0%"
    if reached < 0.01:
        return f"{reached:.2%}"
    if reached < 0.1:
        return f"{reached:.1%}"
    return f"{reached:.0%}"


LOG_FROM = 50  # a target this many times the largest count: the counts would be invisible bars on a linear axis
LOG_BOTTOM = 0.8  # the log axis' lowest value: a count of 1 still shows a bar


class MetricPanel(QGroupBox):
    """One metric: the chart (bars = counted, line = target, dots = baseline stated in the document) and its table."""

    def __init__(self, metric: str):
        super().__init__(METRICS[metric])
        self.metric_key = metric
        self.series = None
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.model = ListTableModel(
            [
                Column("年度", lambda r: r.year),
                Column("库内统计", lambda r: _num(r.actual), RIGHT),
                Column("目标", lambda r: _num(r.target), RIGHT),
                Column("完成率", lambda r: reached_text(r.reached), RIGHT),
                Column("文件所列基数", lambda r: _num(r.baseline), RIGHT),
            ],
            (),
            self,
        )
        self.table = QTableView()
        self.table.setObjectName(f"table-{metric}")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFixedWidth(400)
        equip(self.table, "目标监测", sortable=False)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: #555555; font-size: 9pt;")
        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.source)
        row = QHBoxLayout(self)
        row.addWidget(self.chart_view, 1)
        row.addLayout(right)

    def show_series(self, s, scope_label: str) -> None:
        self.series = s
        self.model.set_rows(s.rows)
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        years = [str(r.year) for r in s.rows]
        top = max([r.actual for r in s.rows] + [1])
        highest = max([float(v) for r in s.rows for v in (r.target, r.baseline) if v is not None] + [top])
        self.log_scale = highest / top >= LOG_FROM
        bars = QBarSet("库内统计")
        bars.setColor(ACTUAL_COLOR)
        for r in s.rows:  # a log axis has no 0 (QtCharts: "Logarithms of zero"): a zero count is a bar of no height
            bars.append(max(r.actual, LOG_BOTTOM) if self.log_scale else r.actual)
        bar_series = QBarSeries()
        bar_series.append(bars)
        bar_series.setLabelsVisible(not self.log_scale)  # on a log axis the counts are labelled by _count_labels
        bar_series.setLabelsFormat("@value")
        bar_series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        bars.setLabelColor(QColor("#1f3f66"))
        chart.addSeries(bar_series)
        x = QBarCategoryAxis()
        x.append(years)
        if self.log_scale:  # a county's few companies stay visible beside the region's thousands
            y = QLogValueAxis()
            y.setBase(10)
            y.setLabelFormat("%d")
        else:
            y = QValueAxis()
            y.setLabelFormat("%d")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        bar_series.attachAxis(x)
        bar_series.attachAxis(y)
        if s.has_targets:
            line = QLineSeries()
            line.setName("目标")
            line.setPen(QPen(TARGET_COLOR, 2.5))
            line.setPointsVisible(True)
            for i, r in enumerate(s.rows):
                if r.target is not None:
                    line.append(i, float(r.target))
                    top = max(top, float(r.target))
            chart.addSeries(line)
            line.attachAxis(x)
            line.attachAxis(y)
        if any(r.baseline is not None for r in s.rows):
            dots = QScatterSeries()
            dots.setName("文件所列基数")
            dots.setColor(BASELINE_COLOR)
            dots.setMarkerSize(10)
            for i, r in enumerate(s.rows):
                if r.baseline is not None:
                    dots.append(i, float(r.baseline))
                    top = max(top, float(r.baseline))
            chart.addSeries(dots)
            dots.attachAxis(x)
            dots.attachAxis(y)
        if self.log_scale:
            self._count_labels(s.rows, x, y)
            y.setRange(LOG_BOTTOM, top * 2)
        else:
            y.setRange(0, top * 1.15)
            y.applyNiceNumbers()
        chart.setTitle(f"{scope_label}{METRICS[s.metric]}（家）" + ("　对数刻度" if self.log_scale else ""))
        if s.sources:
            self.source.setText("目标依据：" + "；".join(f"{c}“{t}”" for c, t in s.sources))
        else:
            self.source.setText("政策文件没有规定该范围的数量目标，只显示库内统计。")

    def _count_labels(self, rows, x, y) -> None:
        """The counts above the bars of a log axis, 0 included (a bar label would say the bar's height, LOG_BOTTOM).

        Points with no marker at each bar's top, each labelled with its count; not in the legend."""
        labels = QScatterSeries()
        labels.setMarkerSize(0.1)
        labels.setColor(QColor(0, 0, 0, 0))
        labels.setBorderColor(QColor(0, 0, 0, 0))
        for i, r in enumerate(rows):
            labels.append(i, max(r.actual, LOG_BOTTOM))
            labels.setPointConfiguration(i, {QScatterSeries.PointConfiguration.LabelFormat: f"{r.actual:,}"})
        labels.setPointLabelsVisible(True)
        labels.setPointLabelsColor(QColor("#1f3f66"))
        labels.setPointLabelsClipping(False)
        self.chart.addSeries(labels)
        labels.attachAxis(x)
        labels.attachAxis(y)
        for marker in self.chart.legend().markers(labels):
            marker.setVisible(False)


class TargetsPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.loading = False
        self._generation = 0
        ps = ctx.policies
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        for key, label in ((REGION, "全区"), *ps.vocabulary.enums["cities"].items()):
            marked = any(targets_for(ps, m, key) for m in METRICS)
            self.scope.addItem(f"{label}（有目标）" if marked else label, key)
        saved = ctx.settings.value("targets/scope")
        if saved is not None and self.scope.findData(saved) >= 0:
            self.scope.setCurrentIndex(self.scope.findData(saved))
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.county = QComboBox()
        self.county.setObjectName("county")
        self._fill_counties()
        self.county.currentIndexChanged.connect(lambda _i: self.reload())
        note = QLabel(STORE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        self.status = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计范围"))
        bar.addWidget(self.scope)
        bar.addWidget(self.county)
        bar.addWidget(self.status)
        bar.addStretch()
        self.panels = {m: MetricPanel(m) for m in METRICS}
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(note)
        for panel in self.panels.values():
            lay.addWidget(panel, 1)

    def activated(self) -> None:
        self.reload()  # approvals and imports elsewhere change the counts

    def _fill_counties(self) -> None:
        """The 旗县区 of the city chosen (core.regions); none for the whole region."""
        from core.regions import regions

        city = regions().city(self.scope.currentData() or "")
        self.county.blockSignals(True)
        self.county.clear()
        self.county.addItem("全部旗县区", None)
        for name in city.county_names() if city is not None else ():
            self.county.addItem(name, name)
        self.county.setEnabled(city is not None)
        self.county.blockSignals(False)

    def _scope_changed(self, _index) -> None:
        self._fill_counties()
        self.reload()

    def reload(self) -> None:
        scope = self.scope.currentData()
        county = self.county.currentData()
        label = self.scope.currentText().replace("（有目标）", "") + (county or "")
        self.ctx.settings.setValue("targets/scope", scope)
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.status.setText("正在统计…")
        ctx = self.ctx

        def work(report, cancelled):
            return [series(ctx.store, ctx.policies, m, scope, cancel=cancelled, county=county) for m in METRICS]

        def done(result):
            if generation != self._generation:
                return
            for s in result:
                self.panels[s.metric].show_series(s, label)
            self.loading = False
            self.status.setText("")

        def failed(exc):
            self.loading = False
            self.status.setText("")
            from gui.errors import show_failure

            show_failure(self, "目标监测", exc)

        Operation(self, "目标监测", work, on_success=done, on_failure=failed, progress=False).start()
