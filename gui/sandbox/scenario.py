"""沙盘: a scenario file run over a batch or the store's companies beside the policy as it stands."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.money import fmt_yuan
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.sandbox.common import (
    CHART_ROWS,
    COLORS,
    RIGHT,
    SCENARIOS,
    _bars,
    _chart,
    _cities,
    _clear,
    _Export,
    _item,
    _short,
    _table,
    _wan,
)


class ScenarioTab(QWidget):
    BREAKDOWNS = (
        ("clause", "按文件条款"),
        ("city", "按盟市"),
        ("county", "按旗县区"),
        ("size", "按企业规模"),
        ("industry", "按行业"),
        ("changes", "增减企业"),
        ("parameters", "参数调整"),
    )

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
        indent = line[: len(line) - len(line.lstrip())]
        if line.strip().endswith("changes:"):
            indent += "  "
        reason = f"由{dict(rule.params())[path].versions[0].value}调为{value}"
        text = (
            f"{indent}- {{rule: {rule.id}, param: {path}, value: {value}, clause: {rule.clause}, "
            f"cite: {json.dumps(cite, ensure_ascii=False)}, reason: {json.dumps(reason, ensure_ascii=False)}}}"
        )
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
            return run_scenario(
                ctx.store,
                ctx.base_policies,
                spec,
                batch=batch,
                year=year,
                city=city,
                report=progress,
                cancelled=cancelled,
            )

        Operation(
            self,
            "政策沙盘测算",
            work,
            on_success=self.show_comparison,
            on_failure=self.failed,
            on_cancel=self._cancelled,
        ).start()

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
            extra = (
                f"，<span style='color:{color}'>{'+' if diff >= 0 else '−'}{fmt_yuan(abs(diff))}元</span>" if i else ""
            )
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
            columns = [
                Column(t, _item(k))
                for t, k in (
                    ("方案", "scenario"),
                    ("条款", "clause"),
                    ("调整事项", "what"),
                    ("原值", "was"),
                    ("测算值", "becomes"),
                    ("原文", "cite"),
                    ("说明", "reason"),
                )
            ]
            rows = cmp.change_rows
        elif key == "changes":
            columns = [
                Column("企业名称", lambda c: c.name),
                Column("盟市", lambda c: c.city),
                Column("旗县区", lambda c: c.county),
            ]
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
