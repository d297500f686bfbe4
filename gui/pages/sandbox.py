"""政策沙盘: three tabs — 沙盘 (a scenario beside the policy as it stands), 预算测算 (committed and expected
outlays) and 政策效益 (funded companies against the rest). The work runs off the GUI thread
(gui.operations) with progress and cancel; tables are model/view; charts are QtCharts.

QtCharts is imported when this page is first shown, not at start-up.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.money import WAN, fmt_yuan
from core.paths import RESOURCES
from core.scenario.tables import show
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
COLORS = [QColor("#4a7ebb"), QColor("#d9822b"), QColor("#6a9955"), QColor("#a05195"), QColor("#c9a227")]
SCENARIOS = RESOURCES / "scenarios"
CHART_ROWS = 8  # breakdown rows drawn in the chart (the table has all)


def _table(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _chart() -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return chart, view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def _bars(chart: QChart, series, categories: list[str], top: float, title: str, unit: str = "万元") -> None:
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(categories)
    y = QValueAxis()
    y.setLabelFormat("%.0f")
    y.setTitleText(unit)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    y.setRange(min(0.0, y.min()), max(top, 1.0) * 1.15)
    y.applyNiceNumbers()
    chart.setTitle(title)


def _wan(value: Decimal) -> float:
    return float(value / WAN)


def _short(label: str, limit: int = 14) -> str:
    """A chart category: the clause of a long document title, or the label cut short."""
    if "》" in label:
        title, _, clause = label.rpartition("》")
        title = title.lstrip("《")
        return (title[:6] + "…" if len(title) > 6 else title) + clause
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _item(key):
    return lambda row: row[key]


def _year_amount(year):
    return lambda row: fmt_yuan(row[2][year])


def _cities(ctx) -> list[tuple[str, str | None]]:
    return [("全区", None), *((label, key) for key, label in ctx.base_policies.vocabulary.enums["cities"].items())]


class _Export:
    """Writing a report: the workbook on a worker thread, then its PDF on the GUI thread (fonts live there)."""

    def __init__(self, page, title: str):
        self.page, self.title = page, title

    def run(self, report, path, done=None) -> None:
        from core.scenario.tables import write_workbook

        path = Path(path)

        def work(progress, cancelled):
            progress(0, 0, "正在写出工作簿")
            return write_workbook(report, path)

        def written(xlsx):
            from core.letters.settings import load_letter_settings
            from gui.printing.fonts import resolve_font
            from gui.reportpdf import write_report_pdf

            pdf = xlsx.with_suffix(".pdf")
            try:
                write_report_pdf(report, pdf, resolve_font(load_letter_settings().fonts))
            except Exception as exc:  # the workbook is written; say why the PDF is not
                self.page.status.setText(f"已导出 {xlsx.name}；PDF未能写出：{exc}")
                return
            self.page.status.setText(f"已导出 {xlsx.name} 和 {pdf.name}")
            if done:
                done(xlsx, pdf)

        Operation(self.page, self.title, work, on_success=written, on_failure=self.page.failed).start()


# ---------------------------------------------------------------- 沙盘

class ScenarioTab(QWidget):
    BREAKDOWNS = (("clause", "按文件条款"), ("city", "按盟市"), ("county", "按旗县区"), ("size", "按企业规模"),
                  ("industry", "按行业"), ("changes", "增减企业"), ("parameters", "参数调整"))

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.comparison = None
        self.file = QComboBox()
        self.file.setObjectName("scenario-file")
        for path in sorted(SCENARIOS.glob("*.yaml")):
            self.file.addItem(path.stem, str(path))
        self.file.currentIndexChanged.connect(lambda _i: self.load_file(self.file.currentData()))
        open_button = QPushButton("打开方案文件…")
        open_button.clicked.connect(self._open)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("scenario-text")
        self.editor.setFont(QFont("Monospace", 9))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setToolTip("测算方案（YAML，格式见 docs/scenarios.md）：可直接修改参数后运行；不会保存任何数据")
        self.rule = QComboBox()
        self.rule.setObjectName("scenario-rule")
        self.rule.setToolTip("选择要调整的规则和参数，填写测算值后插入到光标所在行之后（条款和原文自动填写）")
        for rule in sorted(ctx.base_policies.rules.values(), key=lambda r: (r.document.id, r.order)):
            if rule.pays and any(True for _ in rule.params()):
                self.rule.addItem(f"{rule.clause}{rule.summary}（{rule.id}）", rule.id)
        self.param = QComboBox()
        self.param.setObjectName("scenario-param")
        for combo in (self.rule, self.param):  # long rule names must not widen the page (1024x600 screens)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.rule.view().setMinimumWidth(600)
        self.rule.currentIndexChanged.connect(lambda _i: self._fill_params())
        self.value = QLineEdit()
        self.value.setObjectName("scenario-value")
        self.value.setPlaceholderText("测算值")
        self.value.setMaximumWidth(110)
        insert = QPushButton("插入调整")
        insert.setObjectName("scenario-insert")
        insert.clicked.connect(self.insert_change)
        self._fill_params()
        self.by_batch = QRadioButton("按批次")
        self.by_store = QRadioButton("按库内企业（历史记录）")
        self.by_store.setChecked(True)
        self.batch = QComboBox()
        self.batch.setObjectName("scenario-batch")
        self.year = QSpinBox()
        self.year.setObjectName("scenario-year")
        self.year.setRange(2000, 2100)
        self.year.setValue(2026)
        self.city = QComboBox()
        self.city.setObjectName("scenario-city")
        for label, key in _cities(ctx):
            self.city.addItem(label, key)
        self.run_button = QPushButton("运行测算")
        self.run_button.setObjectName("scenario-run")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("导出测算报告…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._export_asked)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("scenario-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.view_by = QComboBox()
        self.view_by.setObjectName("scenario-breakdown")
        for key, label in self.BREAKDOWNS:
            self.view_by.addItem(label, key)
        self.view_by.currentIndexChanged.connect(lambda _i: self._show_breakdown())
        self.model = ListTableModel([], (), self)
        self.table = _table("scenario-table")
        self.table.setModel(self.model)
        self.chart, self.chart_view = _chart()

        left = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(open_button)
        left.addLayout(row)
        left.addWidget(self.editor, 1)
        helper = QHBoxLayout()
        helper.addWidget(self.rule, 2)
        helper.addWidget(self.param, 1)
        helper.addWidget(self.value)
        helper.addWidget(insert)
        left.addLayout(helper)
        who = QFormLayout()
        b = QHBoxLayout()
        b.addWidget(self.by_batch)
        b.addWidget(self.batch, 1)
        who.addRow(b)
        s = QHBoxLayout()
        s.addWidget(self.by_store)
        s.addWidget(QLabel("年度"))
        s.addWidget(self.year)
        s.addWidget(self.city)
        who.addRow(s)
        left.addLayout(who)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.export_button)
        left.addLayout(buttons)
        left.addWidget(self.status)
        left_box = QWidget()
        left_box.setLayout(left)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.chart_view, 1)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("明细"))
        pick.addWidget(self.view_by)
        pick.addStretch()
        right.addLayout(pick)
        right.addWidget(self.table, 1)
        right_box = QWidget()
        right_box.setLayout(right)
        split = QSplitter()
        split.addWidget(left_box)
        split.addWidget(right_box)
        split.setStretchFactor(1, 2)
        split.setSizes([380, 860])
        QVBoxLayout(self).addWidget(split)
        if self.file.count():
            self.load_file(self.file.currentData())

    def _fill_params(self) -> None:
        self.param.clear()
        rule = self.ctx.base_policies.rules.get(self.rule.currentData())
        for path, p in rule.params() if rule is not None else ():
            self.param.addItem(f"{p.label}（{path}，现为{p.versions[0].value}）", path)

    def insert_change(self) -> None:
        """A change of the chosen rule and parameter, its clause and cite filled in, after the cursor's line.

        It takes the indentation of that line (written as a list item of ``changes:``).
        """
        rule = self.ctx.base_policies.rules.get(self.rule.currentData())
        path = self.param.currentData()
        value = self.value.text().strip()
        if rule is None or path is None:
            return
        try:
            Decimal(value)
        except InvalidOperation:
            self.status.setText("测算值应为数值（金额以元计，比例如0.04）")
            return
        cite = dict(rule.params())[path].versions[0].cite
        cursor = self.editor.textCursor()
        line = cursor.block().text()
        indent = line[:len(line) - len(line.lstrip())]
        if line.strip().endswith("changes:"):
            indent += "  "
        reason = f"由{dict(rule.params())[path].versions[0].value}调为{value}"
        text = (f"{indent}- {{rule: {rule.id}, param: {path}, value: {value}, clause: {rule.clause}, "
                f"cite: {json.dumps(cite, ensure_ascii=False)}, reason: {json.dumps(reason, ensure_ascii=False)}}}")
        cursor.movePosition(cursor.MoveOperation.EndOfBlock)
        cursor.insertText("\n" + text)
        self.editor.setTextCursor(cursor)
        self.status.setText(f"已插入：{rule.clause}{rule.summary} {path} → {value}")

    def refresh_batches(self) -> None:
        current = self.batch.currentData()
        self.batch.clear()
        store = self.ctx.store
        for b in store.batches() if store is not None else ():
            self.batch.addItem(f"{b.id} {b.name}（{b.award_year}年）", b.id)
        if current is not None and self.batch.findData(current) >= 0:
            self.batch.setCurrentIndex(self.batch.findData(current))

    def load_file(self, path) -> None:
        if path:
            self.editor.setPlainText(Path(path).read_text(encoding="utf-8"))

    def _open(self) -> None:
        path = ask().open_file(self, "打开测算方案", "测算方案 (*.yaml *.yml)")
        if path:
            self.load_file(path)

    def run(self) -> None:
        from core.scenario.run import run_scenario
        from core.scenario.spec import parse_scenario_text

        ctx = self.ctx
        text = self.editor.toPlainText()
        batch = self.batch.currentData() if self.by_batch.isChecked() else None
        if self.by_batch.isChecked() and batch is None:
            self.status.setText("请先选择批次")
            return
        year = None if batch is not None else self.year.value()
        city = None if batch is not None else self.city.currentData()
        self.status.setText("正在测算…")
        self.run_button.setEnabled(False)

        def work(progress, cancelled):
            spec = parse_scenario_text(text, "测算方案")
            return run_scenario(ctx.store, ctx.base_policies, spec, batch=batch, year=year, city=city,
                                report=progress, cancelled=cancelled)

        Operation(self, "政策沙盘测算", work, on_success=self.show_comparison, on_failure=self.failed,
                  on_cancel=self._cancelled).start()

    def _cancelled(self) -> None:
        self.run_button.setEnabled(True)
        self.status.setText("已取消")

    def failed(self, exc) -> None:
        from core.scenario.spec import ScenarioError

        self.run_button.setEnabled(True)
        if isinstance(exc, ScenarioError):
            self.status.setText(f"测算方案有误：{exc}")
            return
        self.status.setText("")
        from gui.errors import show_failure

        show_failure(self, "政策沙盘", exc)

    def show_comparison(self, cmp) -> None:
        self.comparison = cmp
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.status.setText(f"已测算{cmp.companies}家企业，用时{cmp.total_seconds:.1f}秒")
        parts = [f"<b>{cmp.title}</b>　{cmp.population}"]
        for i, (name, total) in enumerate(zip(cmp.columns, cmp.totals)):
            diff = total - cmp.totals[0]
            color = "#b00020" if diff < 0 else "#1b7f3b"
            extra = (f"，<span style='color:{color}'>{'+' if diff >= 0 else '−'}{fmt_yuan(abs(diff))}元</span>"
                     if i else "")
            parts.append(f"{name}：<b>{fmt_yuan(total)}</b>元（{cmp.companies_paid[i]}家）{extra}")
        for name, up, down in zip(cmp.columns[1:], cmp.gainers, cmp.losers):
            parts.append(f"{name}：{up[0]}家增加，{down[0]}家减少")
        if cmp.errors:
            parts.append(f"<span style='color:#b00020'>{len(cmp.errors)}家企业无法计算，未计入</span>")
        self.summary.setText("<br>".join(parts))
        self._draw()
        self._show_breakdown()

    def _draw(self) -> None:
        cmp = self.comparison
        _clear(self.chart)
        rows = cmp.breakdowns["clause"][1][:CHART_ROWS]
        series = QBarSeries()
        top = 0.0
        for i, name in enumerate(cmp.columns):
            bars = QBarSet(name)
            bars.setColor(COLORS[i % len(COLORS)])
            bars.append(_wan(cmp.totals[i]))
            for r in rows:
                bars.append(_wan(r.amounts[i]))
            top = max(top, _wan(cmp.totals[i]))
            series.append(bars)
        _bars(self.chart, series, ["合计"] + [_short(r.label) for r in rows], top, "测算总额及按条款分项（万元）")

    def _show_breakdown(self) -> None:
        cmp = self.comparison
        if cmp is None:
            return
        key = self.view_by.currentData()
        money = [(f"{n}（元）", i) for i, n in enumerate(cmp.columns)]
        diffs = [(f"{n}增减（元）", i) for i, n in enumerate(cmp.columns) if i]

        def amount(i):
            return lambda r: fmt_yuan(r.amounts[i])

        def diff(i):
            return lambda r: fmt_yuan(r.amounts[i] - r.amounts[0])

        if key == "parameters":
            columns = [Column(t, _item(k)) for t, k in (
                ("方案", "scenario"), ("条款", "clause"), ("调整事项", "what"), ("原值", "was"), ("测算值", "becomes"),
                ("原文", "cite"), ("说明", "reason"))]
            rows = cmp.change_rows
        elif key == "changes":
            columns = [Column("企业名称", lambda c: c.name), Column("盟市", lambda c: c.city),
                       Column("旗县区", lambda c: c.county)]
            columns += [Column(t, amount(i), RIGHT) for t, i in money] + [Column(t, diff(i), RIGHT) for t, i in diffs]
            rows = cmp.changes
        else:
            rows = cmp.breakdowns[key][1]
            columns = [Column(dict(self.BREAKDOWNS)[key][1:], lambda r: r.label)]
            columns += [Column(t, amount(i), RIGHT) for t, i in money] + [Column(t, diff(i), RIGHT) for t, i in diffs]
            columns.append(Column("获奖补企业（家）", lambda r: r.companies[0], RIGHT))
        self.model.set_table(columns, rows)

    def _export_asked(self) -> None:
        path = ask().save_file(self, "导出测算报告", f"{self.comparison.title}测算报告.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path, done=None) -> None:
        from core.scenario.report import comparison_report

        _Export(self, "导出测算报告").run(comparison_report(self.comparison), path, done)


# ---------------------------------------------------------------- 预算测算

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
        for w in (QLabel("自"), self.first, QLabel("年起"), self.years, QLabel("年"), self.level, self.city,
                  self.run_button, self.export_button):
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
            return forecast(ctx.store, ctx.base_policies, first, years, level=level, city=city,
                            assumptions=assumptions, report=progress, cancelled=cancelled)

        Operation(self, "预算测算", work, on_success=self.show_forecast, on_failure=self.failed,
                  on_cancel=self._cancelled).start()

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


# ---------------------------------------------------------------- 政策效益

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
        self.rd_model = ListTableModel([
            Column("年度", lambda r: r[0]), Column("企业分组", lambda r: r[1]),
            Column("有研发记录（家）", lambda r: r[2].companies, RIGHT),
            Column("研发费用（元）", lambda r: fmt_yuan(r[2].expense), RIGHT),
            Column("研发费用增长（同口径）", lambda r: show(r[2].growth, "rate"), RIGHT),
            Column("研发投入强度", lambda r: show(r[2].intensity, "rate"), RIGHT),
        ], (), self)
        self.rd_table = _table("effect-rd")
        self.rd_table.setModel(self.rd_model)
        self.target_model = ListTableModel([
            Column("指标", lambda r: r[0]), Column("范围", lambda r: r[1]), Column("年度", lambda r: r[2]),
            Column("库内数", lambda r: r[3], RIGHT),
            Column("目标", lambda r: "—" if r[4] is None else f"{r[4]:,.0f}", RIGHT),
            Column("完成率", lambda r: show(r[5], "rate"), RIGHT),
        ], (), self)
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

        Operation(self, "政策效益", work, on_success=self.show_effect, on_failure=self.failed,
                  progress=False).start()

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


class SandboxPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sandbox-tabs")
        self.scenario = ScenarioTab(ctx)
        self.forecast = ForecastTab(ctx)
        self.effect = EffectTab(ctx)
        self.tabs.addTab(self.scenario, "沙盘")
        self.tabs.addTab(self.forecast, "预算测算")
        self.tabs.addTab(self.effect, "政策效益")
        note = QLabel("测算只读取数据，不修改参数调整、批次和兑现通知书；金额为测算值，不作为拨付依据。")
        note.setStyleSheet("color: #555555;")
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.tabs, 1)

    def activated(self) -> None:
        self.scenario.refresh_batches()
