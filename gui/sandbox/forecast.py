"""预算测算: committed and expected outlays by year and fiscal level, the assumptions editable."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCharts import (
    QBarSet,
    QStackedBarSeries,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
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
    _bars,
    _chart,
    _cities,
    _clear,
    _Export,
    _table,
    _wan,
    _year_amount,
)


class ForecastTab(QWidget):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.forecast = None
        self.edited: dict[str, str] = {}
        self.first = QSpinBox()
        self.first.setObjectName("forecast-from")
        self.first.setRange(2000, 2100)
        self.first.setValue(2027)
        self.years = QSpinBox()
        self.years.setRange(1, 10)
        self.years.setValue(5)
        self.level = QComboBox()
        self.level.setObjectName("forecast-level")
        for label, key in (("各级财政", None), ("自治区", "region"), ("盟市", "city"), ("旗县区", "county")):
            self.level.addItem(label, key)
        self.city = QComboBox()
        for label, key in _cities(ctx):
            self.city.addItem(label, key)
        self.run_button = QPushButton("测算")
        self.run_button.setObjectName("forecast-run")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("导出预算测算表…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._export_asked)
        self.status = QLabel()
        bar = QHBoxLayout()
        for w in (
            QLabel("自"),
            self.first,
            QLabel("年起"),
            self.years,
            QLabel("年"),
            self.level,
            self.city,
            self.run_button,
            self.export_button,
        ):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        from core.forecast.expected import Assumptions

        self.assume_box = QGroupBox("测算假设（可修改后重新测算）")
        form = QFormLayout(self.assume_box)
        self.assume_fields: dict[str, QLineEdit] = {}
        self.assume_basis: dict[str, QLabel] = {}
        for name, (label, unit) in Assumptions.LABELS.items():
            edit = QLineEdit()
            edit.setObjectName(f"assume-{name}")
            edit.setMaximumWidth(90)
            edit.textEdited.connect(lambda text, n=name: self.edited.__setitem__(n, text))
            basis = QLabel()
            basis.setStyleSheet("color: #555555;")
            basis.setWordWrap(True)
            row = QHBoxLayout()
            row.addWidget(edit)
            row.addWidget(basis, 1)
            form.addRow(label, row)
            self.assume_fields[name], self.assume_basis[name] = edit, basis
        self.chart, self.chart_view = _chart()
        self.model = ListTableModel([], (), self)
        self.table = _table("forecast-table")
        self.table.setModel(self.model)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555555;")
        top = QHBoxLayout()
        top.addWidget(self.chart_view, 3)
        top.addWidget(self.assume_box, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(top, 3)
        lay.addWidget(self.table, 2)
        lay.addWidget(self.notes)

    @staticmethod
    def assumptions(defaults, edited: dict):
        """``defaults`` with what the clerk typed (a rate as 80% or 0.8); raises ValueError naming the field."""
        from core.forecast.expected import Assumptions

        values = {}
        for name, text in edited.items():
            label, unit = Assumptions.LABELS[name]
            t = text.strip()
            try:
                value = Decimal(t.rstrip("%")) / (100 if t.endswith("%") else 1)
            except InvalidOperation:
                raise ValueError(f"“{label}”应为数值，实际为“{text}”") from None
            values[name] = int(value) if unit == "count" else value
        return defaults.changed(**values) if values else defaults

    def run(self) -> None:
        from core.forecast import expected as exp
        from core.forecast.budget import forecast

        ctx = self.ctx
        first, years = self.first.value(), self.years.value()
        level, city = self.level.currentData(), self.city.currentData()
        edited = dict(self.edited)
        self.status.setText("正在测算…")
        self.run_button.setEnabled(False)

        def work(progress, cancelled):
            _, histories = exp.load_population(ctx.store, city, cancelled)
            assumptions = self.assumptions(exp.default_assumptions(histories, first), edited)
            return forecast(
                ctx.store,
                ctx.base_policies,
                first,
                years,
                level=level,
                city=city,
                assumptions=assumptions,
                report=progress,
                cancelled=cancelled,
            )

        Operation(
            self, "预算测算", work, on_success=self.show_forecast, on_failure=self.failed, on_cancel=self._cancelled
        ).start()

    def _cancelled(self) -> None:
        self.run_button.setEnabled(True)
        self.status.setText("已取消")

    def failed(self, exc) -> None:
        self.run_button.setEnabled(True)
        if isinstance(exc, ValueError):
            self.status.setText(str(exc))
            return
        self.status.setText("")
        from gui.errors import show_failure

        show_failure(self, "预算测算", exc)

    def show_forecast(self, f) -> None:
        from core.forecast.budget import COMMITTED, EXPECTED, GROUP_LABELS
        from core.forecast.levels import LEVEL_LABELS

        self.forecast = f
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.status.setText(f"已承诺{len(f.commitments)}项，预计{len(f.expected)}项")
        for name, label, value, unit, basis in f.assumptions.rows():
            self.assume_fields[name].setText(show(value, "rate") if unit == "rate" else str(value))
            self.assume_basis[name].setText(basis)
        self.edited = {}
        _clear(self.chart)
        by_year = f.by_year()
        series = QStackedBarSeries()
        top = 0.0
        for i, group in enumerate((COMMITTED, EXPECTED)):
            bars = QBarSet(GROUP_LABELS[group])
            bars.setColor(COLORS[i])
            for y in f.year_list:
                bars.append(_wan(by_year[y][group]))
            series.append(bars)
        for y in f.year_list:
            top = max(top, _wan(by_year[y][COMMITTED] + by_year[y][EXPECTED]))
        _bars(self.chart, series, [str(y) for y in f.year_list], top, f"{f.place}奖补支出测算（万元）")
        rows = [(LEVEL_LABELS[lv], GROUP_LABELS[g], row) for (lv, g), row in f.by_level().items()]
        columns = [Column("财政层级", lambda r: r[0]), Column("类别", lambda r: r[1])]
        columns += [Column(f"{y}年（元）", _year_amount(y), RIGHT) for y in f.year_list]
        columns.append(Column("合计（元）", lambda r: fmt_yuan(sum(r[2].values(), Decimal(0))), RIGHT))
        self.model.set_table(columns, rows)
        self.notes.setText("\n".join(f.notes))

    def _export_asked(self) -> None:
        path = ask().save_file(self, "导出预算测算表", "预算测算表.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path, done=None) -> None:
        from core.forecast.budget import forecast_report

        _Export(self, "导出预算测算表").run(forecast_report(self.forecast), path, done)
