"""政策效益: funded companies' R&D growth and intensity against the rest, counts against targets."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.money import fmt_yuan
from core.scenario.tables import show
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.sandbox.common import (
    COLORS,
    RIGHT,
    _chart,
    _cities,
    _clear,
    _Export,
    _table,
)


class EffectTab(QWidget):
    def __init__(self, ctx):
        super().__init__()
        from core.forecast.effect import CAVEAT

        self.ctx = ctx
        self.effect = None
        self.city = QComboBox()
        self.city.setObjectName("effect-city")
        for label, key in _cities(ctx):
            self.city.addItem(label, key)
        self.run_button = QPushButton("统计")
        self.run_button.setObjectName("effect-run")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("导出…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._export_asked)
        self.status = QLabel()
        caveat = QLabel(CAVEAT)
        caveat.setObjectName("effect-caveat")
        caveat.setWordWrap(True)
        caveat.setStyleSheet("color: #8a4b00; background: #fff4e0; padding: 6px;")
        bar = QHBoxLayout()
        for w in (QLabel("范围"), self.city, self.run_button, self.export_button):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        self.chart, self.chart_view = _chart()
        self.rd_model = ListTableModel(
            [
                Column("年度", lambda r: r[0]),
                Column("企业分组", lambda r: r[1]),
                Column("有研发记录（家）", lambda r: r[2].companies, RIGHT),
                Column("研发费用（元）", lambda r: fmt_yuan(r[2].expense), RIGHT),
                Column("研发费用增长（同口径）", lambda r: show(r[2].growth, "rate"), RIGHT),
                Column("研发投入强度", lambda r: show(r[2].intensity, "rate"), RIGHT),
            ],
            (),
            self,
        )
        self.rd_table = _table("effect-rd")
        self.rd_table.setModel(self.rd_model)
        self.target_model = ListTableModel(
            [
                Column("指标", lambda r: r[0]),
                Column("范围", lambda r: r[1]),
                Column("年度", lambda r: r[2]),
                Column("库内数", lambda r: r[3], RIGHT),
                Column("目标", lambda r: "—" if r[4] is None else f"{r[4]:,.0f}", RIGHT),
                Column("完成率", lambda r: show(r[5], "rate"), RIGHT),
            ],
            (),
            self,
        )
        self.target_table = _table("effect-targets")
        self.target_table.setModel(self.target_model)
        tables = QHBoxLayout()
        tables.addWidget(self.rd_table, 3)
        tables.addWidget(self.target_table, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(caveat)
        lay.addWidget(self.chart_view, 1)
        lay.addLayout(tables, 1)

    def run(self) -> None:
        from core.forecast.effect import effect

        ctx, city = self.ctx, self.city.currentData()
        self.status.setText("正在统计…")

        def work(progress, cancelled):
            return effect(ctx.store, ctx.base_policies, city, cancelled)

        Operation(self, "政策效益", work, on_success=self.show_effect, on_failure=self.failed, progress=False).start()

    def failed(self, exc) -> None:
        self.status.setText("")
        from gui.errors import show_failure

        show_failure(self, "政策效益", exc)

    def show_effect(self, e) -> None:
        from core.forecast.effect import FUNDED, GROUP_LABELS, OTHERS

        self.effect = e
        self.export_button.setEnabled(True)
        self.status.setText(f"获得奖补的企业{e.funded}家，其他企业{e.others}家")
        self.rd_model.set_rows([(y, GROUP_LABELS[g], e.rows[(g, y)]) for y in e.years for g in (FUNDED, OTHERS)])
        self.target_model.set_rows(e.targets)
        _clear(self.chart)
        x = QBarCategoryAxis()
        x.append([str(y) for y in e.years] or ["—"])
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%.1f")
        y_axis.setTitleText("%")
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        top, bottom = 1.0, 0.0
        for i, g in enumerate((FUNDED, OTHERS)):
            for what, attr in (("研发投入强度", "intensity"), ("研发费用增长", "growth")):
                line = QLineSeries()
                line.setName(f"{GROUP_LABELS[g]}{what}")
                pen = line.pen()
                pen.setColor(COLORS[i])
                pen.setWidthF(2.5)
                if attr == "growth":
                    pen.setStyle(Qt.PenStyle.DashLine)
                line.setPen(pen)
                line.setPointsVisible(True)
                for k, year in enumerate(e.years):
                    value = getattr(e.rows[(g, year)], attr)
                    if value is not None:
                        line.append(k, float(value * 100))
                        top, bottom = max(top, float(value * 100)), min(bottom, float(value * 100))
                self.chart.addSeries(line)
                line.attachAxis(x)
                line.attachAxis(y_axis)
        y_axis.setRange(bottom * 1.15, top * 1.15)
        y_axis.applyNiceNumbers()
        self.chart.setTitle(f"{e.place}：获得奖补的企业与其他企业（实线：研发投入强度；虚线：研发费用增长）")

    def _export_asked(self) -> None:
        path = ask().save_file(self, "导出政策效益", "政策效益.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path, done=None) -> None:
        from core.forecast.effect import effect_report

        _Export(self, "导出政策效益").run(effect_report(self.effect), path, done)
