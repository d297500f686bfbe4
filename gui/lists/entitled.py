"""应享未享: awards a company was entitled to and not paid, and their workbook. A mixin of ListsPage."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.ask import ask
from gui.lists.common import NAV_LABEL, RIGHT, _fit, _run, _table, _yuan
from gui.models.base import Column, ListTableModel
from gui.operations import Operation


class EntitledTab:
    def _entitled_tab(self) -> QWidget:
        from core.lists.entitled import DEFAULT_SPAN

        self.year = QSpinBox()
        self.year.setObjectName("entitled-year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.span = QSpinBox()
        self.span.setRange(1, 10)
        self.span.setValue(DEFAULT_SPAN)
        self.entitled_model = ListTableModel(
            [
                Column("统一社会信用代码", lambda i: i.uscc),
                Column("企业名称", lambda i: i.company_name),
                Column("盟市", lambda i: self.vocab.label("cities", i.city)),
                Column("旗县区", lambda i: i.county),
                Column("奖补事项", lambda i: i.summary + ("（测算）" if i.provisional else "")),
                Column("金额（元）", lambda i: _yuan(i.amount), RIGHT),
                Column("原因", lambda i: i.why, tooltip=lambda i: i.why),
                Column("政策依据", lambda i: i.basis, tooltip=lambda i: i.sentence),
            ],
            (),
            self,
        )
        self.entitled_view = _table(self.entitled_model, "entitled-table")
        self.entitled_total = QLabel()
        self.entitled_total.setObjectName("entitled-total")
        self.entitled_items = []
        bar = QHBoxLayout()
        bar.addWidget(QLabel("兑现年度"))
        bar.addWidget(self.year)
        bar.addWidget(QLabel("看最近几年的认定和入库"))
        bar.addWidget(self.span)
        for name, text, slot in (
            ("run", "测算", self.reload_entitled),
            ("export", "导出工作簿…", self.export_entitled),
        ):
            b = QPushButton(text)
            b.setObjectName(f"entitled-{name}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch()
        note = QLabel(
            "按库中认定、入库记录和台账测算应享而未兑现的奖补（已在草稿批次中的不列）；兑现前请核实，可由名单或申报表生成申报事项。"
        )
        note.setWordWrap(True)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(note)
        lay.addWidget(self.entitled_view, 1)
        lay.addWidget(self.entitled_total)
        return w

    def reload_entitled(self) -> None:
        from core.lists.entitled import entitled

        store, policies, year, span = self.ctx.store, self.ctx.base_policies, self.year.value(), self.span.value()

        def work(report, cancelled):
            return entitled(store, policies, year, span=span, progress=report, cancel=cancelled)

        def done(items):
            self.entitled_items = items
            self.entitled_model.set_rows(items)
            _fit(self.entitled_view)
            total = sum((i.amount for i in items), 0)
            self.entitled_total.setText(
                f"{year}年度应享未享：{len({i.uscc for i in items})}家单位、{len(items)}项，合计{total:,.2f}元"
            )
            set_nav_count(self.window, len(items))

        Operation(self, "应享未享", work, on_success=done).start()

    def export_entitled(self) -> None:
        from core.lists.report import write_entitled_workbook

        year, items = self.year.value(), list(self.entitled_items)
        path = ask().save_file(self, "导出应享未享", f"{year}年度应享未享.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:

            def label(k):
                return self.vocab.label("cities", k)

            _run(
                self,
                "导出应享未享",
                lambda: write_entitled_workbook(items, year, path, label),
                lambda p: ask().info(self, "导出应享未享", f"已导出：{p}"),
            )


def set_nav_count(window, count: int) -> None:
    """The navigation entry shows how many awards are entitled and unpaid (应享未享) this year."""
    model = getattr(window, "nav_model", None)
    if model is None:
        return
    for row in range(model.rowCount()):
        item = model.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "lists":
            item.setText(f"{NAV_LABEL}（{count}）" if count else NAV_LABEL)
            item.setToolTip(f"{dt.date.today().year}年度应享未享{count}项" if count else "")
