"""What the 政策沙盘 tabs share: a table, a chart and its bars, amount and label formats, report export."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
)

from core.money import WAN, fmt_yuan
from core.paths import RESOURCES
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
    return label if len(label) <= limit else label[: limit - 1] + "…"


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
