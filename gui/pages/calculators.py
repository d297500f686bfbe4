"""计算工具: one company's R&D post-subsidy estimate and the figure-only clauses, step by step."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.calculators import CALCULATORS, CalculatorInputError, run_calculator
from core.engine.evaluate import Context, evaluate_company
from core.model import Claim, Company, CompanyCase, History, RdYear
from core.money import MoneyError, fmt_yuan, parse_amount
from gui.ask import ask
from gui.tracehtml import CSS, result_html

# The calculator functions a clerk is offered, in this order, with a tab title.
TABS = (
    ("indirect_cost_tiers", "间接费用比例"),
    ("tech_transfer_income_tax", "技术转让所得税"),
    ("relocated_cit", "迁入企业所得税“三免三减半”"),
    ("soe_rd_addback", "国企研发投入加回"),
    ("job_invention_reward", "职务成果转化奖励"),
)
MONEY_HINT = "如 1,200,000 或 120万"


def calc_html(result) -> str:
    out = [
        CSS,
        f"<h3>{escape(result.title)}</h3>",
        f"<p><b>政策依据：</b>{escape(result.citation)}</p><p class='cite'>{escape(result.sentence)}</p>",
    ]
    out.append(
        "<p><b>输入</b></p><ul>" + "".join(f"<li>{escape(k)}：{escape(v)}</li>" for k, v in result.inputs) + "</ul>"
    )
    out.append("<p><b>计算过程</b></p><ol>" + "".join(f"<li>{escape(s)}</li>" for s in result.steps) + "</ol>")
    if result.notes:
        out.append("<p><b>说明</b></p><ul>" + "".join(f"<li>{escape(n)}</li>" for n in result.notes) + "</ul>")
    return "".join(out)


class _Error(QLabel):
    def __init__(self):
        super().__init__()
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)


def _lay_out(page, button: str, *blocks) -> None:
    """Inputs (``blocks``: layouts or widgets), the button and the error on the left, the working on the right."""
    page.error = _Error()
    run = QPushButton(button)
    run.clicked.connect(page.compute)
    page.output = QTextBrowser()
    left = QWidget()
    lay = QVBoxLayout(left)
    for block in blocks:
        (lay.addLayout if isinstance(block, QLayout) else lay.addWidget)(block)
    lay.addWidget(run)
    row = QHBoxLayout()
    page.print_button, page.pdf_button = QPushButton("打印…"), QPushButton("导出PDF…")
    page.print_button.clicked.connect(lambda: print_result(page))
    page.pdf_button.clicked.connect(lambda: export_result(page))
    row.addWidget(page.print_button)
    row.addWidget(page.pdf_button)
    lay.addLayout(row)
    lay.addWidget(page.error)
    lay.addStretch()
    for edit in left.findChildren(QLineEdit):  # Enter in any field runs the calculation (spin boxes' too)
        edit.returnPressed.connect(page.compute)
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(page.output)
    split.setSizes([420, 600])
    QVBoxLayout(page).addWidget(split)


def _result_ready(page, title: str) -> bool:
    if not page.output.toPlainText().strip():
        ask().info(page, title, "请先填写并点“计算”（或按回车），再打印或导出计算过程")
        return False
    return True


def print_result(page) -> bool:
    """The working shown on the right, on paper (the system's print dialog)."""
    from PySide6.QtPrintSupport import QPrinter

    if not _result_ready(page, "打印计算过程"):
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if not ask().printer(page, "打印计算过程", printer):
        return False
    page.output.document().print_(printer)
    return True


def export_result(page):
    """The working shown on the right as a PDF (asked where; the next time in the same folder)."""
    from PySide6.QtPrintSupport import QPrinter

    from gui.folders import app_settings, remember_folder, save_path

    if not _result_ready(page, "导出计算过程"):
        return None
    settings = app_settings()
    answer = ask().save_file(page, "导出计算过程", save_path(settings, "测算过程.pdf"), "PDF 文件 (*.pdf)")
    if not answer:
        return None
    path = answer if answer.lower().endswith(".pdf") else answer + ".pdf"
    remember_folder(settings, path)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    page.output.document().print_(printer)
    ask().saved(page, "导出计算过程", f"已导出计算过程：\n{path}", path)
    return path


class CalculatorTab(QWidget):
    """A form built from a calculator function's declared inputs."""

    def __init__(self, ctx, function: str):
        super().__init__()
        self.ctx, self.function = ctx, function
        self.spec = CALCULATORS[function]
        self.choices = [c for c in ctx.policies.calculators.values() if c.function == function]
        form = QFormLayout()
        self.source = QComboBox()
        # a document's citation is long: the combo box must not push the result pane aside
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source.setMinimumContentsLength(24)
        for c in self.choices:
            self.source.addItem(f"{c.document.citation}{c.clause}", c.id)
            self.source.setItemData(
                self.source.count() - 1, f"{c.document.citation}{c.clause}", Qt.ItemDataRole.ToolTipRole
            )
        form.addRow("政策依据", self.source)
        self.fields: dict[str, QWidget] = {}
        for name, (label, kind, default) in self.spec.inputs.items():
            if kind == "money_by_year":  # one row per year, labelled with the year once it is known
                edits, self.year_labels = [], []
                for i in range(1, 7):
                    e = QLineEdit()
                    e.setPlaceholderText(MONEY_HINT)
                    edits.append(e)
                    label = QLabel(f"第{i}年应纳企业所得税（元）")
                    self.year_labels.append(label)
                    form.addRow(label, e)
                self.fields[name] = edits
                continue
            if kind == "year":
                w = QSpinBox()
                w.setRange(2000, 2100)
                w.setValue(dt.date.today().year - 1)
            else:
                w = QLineEdit(default or "")
                w.setPlaceholderText("如 0.25 或 25%" if kind == "rate" else MONEY_HINT)
            w.setObjectName(name)
            self.fields[name] = w
            form.addRow(label, w)
        if "first_revenue_year" in self.fields and hasattr(self, "year_labels"):
            first = self.fields["first_revenue_year"]
            first.valueChanged.connect(self._label_years)
            self._label_years()
        _lay_out(self, "计算", form)

    def _label_years(self, *_args) -> None:
        first = self.fields["first_revenue_year"].value()
        for i, label in enumerate(self.year_labels):
            label.setText(f"第{i + 1}年（{first + i}年度）应纳企业所得税（元）")

    def inputs(self) -> dict:
        out = {}
        for name, w in self.fields.items():
            if isinstance(w, list):
                first = int(self.fields["first_revenue_year"].value())
                out[name] = {str(first + i): (e.text().strip() or "0") for i, e in enumerate(w)}
            elif isinstance(w, QSpinBox):
                out[name] = w.value()
            elif w.text().strip():
                out[name] = w.text().strip()
        return out

    def compute(self):
        calc = self.ctx.policies.calculators[self.source.currentData()]
        try:
            result = run_calculator(calc, self.inputs())
        except CalculatorInputError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        self.output.setHtml(calc_html(result))
        return result


class RdEstimateTab(QWidget):
    """研发投入后补助测算: one company, the engine's own rules for its city."""

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        vocab = ctx.policies.vocabulary
        self.city = QComboBox()
        for key, label in vocab.enums["cities"].items():
            self.city.addItem(label, key)
        self.size = QComboBox()
        for key, label in vocab.enums["sizes"].items():
            self.size.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(self._relabel)
        self.rd_prev, self.rd_last, self.deducted = QLineEdit(), QLineEdit(), QLineEdit()
        for e in (self.rd_prev, self.rd_last, self.deducted):
            e.setPlaceholderText(MONEY_HINT)
            e.setMinimumWidth(170)
        self.sd_prev, self.sd_last = QCheckBox("享受了加计扣除"), QCheckBox("享受了加计扣除")
        self.sd_prev.setChecked(True)
        self.sd_last.setChecked(True)
        self.labels = [QLabel(), QLabel(), QLabel()]
        group = QGroupBox("研发投入")
        g = QFormLayout(group)
        row_prev, row_last = QHBoxLayout(), QHBoxLayout()
        row_prev.addWidget(self.rd_prev)
        row_prev.addWidget(self.sd_prev)
        row_last.addWidget(self.rd_last)
        row_last.addWidget(self.sd_last)
        g.addRow(self.labels[0], row_prev)
        g.addRow(self.labels[1], row_last)
        g.addRow(self.labels[2], self.deducted)
        form = QFormLayout()
        form.addRow("所属盟市", self.city)
        form.addRow("企业规模", self.size)
        form.addRow("兑现年度", self.year)
        _lay_out(self, "测算", form, group)
        self._relabel()

    def _relabel(self) -> None:
        y = self.year.value()
        self.labels[0].setText(f"{y - 2}年研发投入（元）")
        self.labels[1].setText(f"{y - 1}年研发投入（元）")
        self.labels[2].setText(f"{y - 1}年加计扣除额（元）")
        self.deducted.setToolTip(f"{y - 1}年度已进行加计扣除的研发费用；不填则按当年研发投入计")

    def compute(self):
        y = self.year.value()
        try:
            prev = parse_amount(self.rd_prev.text() or "0")
            last = parse_amount(self.rd_last.text() or "0")
            deducted = parse_amount(self.deducted.text()) if self.deducted.text().strip() else None
        except MoneyError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        rd = {
            y - 2: RdYear(y - 2, prev, self.sd_prev.isChecked()),
            y - 1: RdYear(y - 1, last, self.sd_last.isChecked(), deducted),
        }
        company = Company("91110000600037341L", "测算单位", self.city.currentData(), size=self.size.currentData())
        case = CompanyCase(company, History(rd=rd), (Claim("rd_post_subsidy", "测算", {"rd_year": y - 1}, None),))
        result = evaluate_company(case, Context(self.ctx.policies, y))
        self.output.setHtml(
            result_html(result) + CSS + f"<p class='muted'>按{y}年度兑现、"
            f"{escape(self.city.currentText())}{escape(self.size.currentText())}测算；"
            f"增量 {fmt_yuan(last - prev)} 元。</p>"
        )
        return result


class CalculatorsPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.tabs = QTabWidget()
        self.rd = RdEstimateTab(ctx)
        self.tabs.addTab(self.rd, "研发投入后补助测算")
        self.calculators: dict[str, CalculatorTab] = {}
        for function, title in TABS:
            if any(c.function == function for c in ctx.policies.calculators.values()):
                tab = CalculatorTab(ctx, function)
                self.calculators[function] = tab
                self.tabs.addTab(tab, title)
        QVBoxLayout(self).addWidget(self.tabs)
