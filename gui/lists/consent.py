"""意愿确认: each company's answer to a list claim, and the 确认表 out and back in. A mixin of ListsPage."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.ask import ask
from gui.lists.common import RIGHT, _change, _fit, _run, _selected, _table, _yuan
from gui.models.base import Column, ListTableModel


class ConsentTab:
    def _consent_tab(self) -> QWidget:
        self.batch_box = QComboBox()
        self.batch_box.setObjectName("consent-batch")
        self.batch_box.setMinimumWidth(300)
        self.batch_box.currentIndexChanged.connect(lambda _i: self.reload_consent())
        self.consent_model = ListTableModel(
            [
                Column("统一社会信用代码", lambda r: r.uscc),
                Column("企业名称", lambda r: r.name),
                Column("奖补事项", lambda r: r.items),
                Column("金额（元）", lambda r: _yuan(r.amount), RIGHT),
                Column("开户行", lambda r: r.bank_name),
                Column("银行账号", lambda r: r.bank_account),
                Column("意愿确认", lambda r: r.consent_label),
                Column("日期", lambda r: r.consent_on.isoformat() if r.consent_on else ""),
                Column("记录人", lambda r: r.consent_by),
                Column("备注", lambda r: r.note),
            ],
            (),
            self,
        )
        self.consent_view = _table(self.consent_model, "consent-table")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("批次"))
        bar.addWidget(self.batch_box)
        for name, text, slot in (
            ("confirmed", "已确认账户", lambda: self.answer("confirmed")),
            ("declined", "放弃", lambda: self.answer("declined")),
            ("pending", "待确认", lambda: self.answer("pending")),
            ("export", "导出确认表…", self.export_consent),
            ("import", "导入确认表…", self.import_consent),
        ):
            b = QPushButton(text)
            b.setObjectName(f"consent-{name}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch()
        note = QLabel(
            "只有“已确认账户”的单位进入资金拨付明细表；草稿批次中表示放弃的单位，其名单事项移出批次（须重新计算）。"
        )
        note.setWordWrap(True)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(note)
        lay.addWidget(self.consent_view, 1)
        return w

    def reload_batches(self) -> None:
        from sqlalchemy import select

        from core.store.models import Batch, ListEntry

        store = self.ctx.store

        def work():
            with store.reading() as s:
                return list(
                    s.execute(
                        select(Batch.id, Batch.name, Batch.status)
                        .join(ListEntry, ListEntry.batch_id == Batch.id)
                        .distinct()
                        .order_by(Batch.id)
                    )
                )

        def done(rows):
            keep = self.batch_box.currentData()
            self.batch_box.blockSignals(True)
            self.batch_box.clear()
            for bid, name, status in rows:
                self.batch_box.addItem(f"{bid} {name}（{'草稿' if status == 'draft' else '已审批'}）", bid)
            if keep is not None and self.batch_box.findData(keep) >= 0:
                self.batch_box.setCurrentIndex(self.batch_box.findData(keep))
            self.batch_box.blockSignals(False)
            self.reload_consent()

        _run(self, "批次", work, done)

    def reload_consent(self) -> None:
        from core.lists.consent import consent_rows

        bid, store = self.batch_box.currentData(), self.ctx.store
        if bid is None:
            self.consent_model.set_rows([])
            return

        def done(rows):
            self.consent_model.set_rows(rows)
            _fit(self.consent_view)

        _run(self, "意愿确认", lambda: consent_rows(store, bid), done)

    def answer(self, state: str) -> None:
        from core.lists import service

        row, bid, store = _selected(self.consent_view), self.batch_box.currentData(), self.ctx.store
        if row is None or bid is None:
            return
        policies = self.ctx.base_policies

        def work():
            service.set_consent(store, bid, row.company_id, state)
            if state == service.DECLINED and store.batch(bid).status == "draft":
                store.calculate(bid, policies)

        def done(_r):
            self.reload_consent()

        _change(self, "意愿确认", work, done)

    def export_consent(self) -> None:
        from core.lists.consent import write_consent_sheet

        bid, store = self.batch_box.currentData(), self.ctx.store
        if bid is None:
            return
        path = ask().save_file(self, "导出确认表", f"批次{bid}_意愿确认表.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            _run(
                self,
                "导出确认表",
                lambda: write_consent_sheet(store, bid, path),
                lambda r: ask().info(self, "导出确认表", f"已导出{r[1]}家单位：{r[0]}"),
            )

    def import_consent(self) -> None:
        from core.lists.consent import read_consent_sheet

        store = self.ctx.store
        path = ask().open_file(self, "导入确认表", "Excel 工作簿 (*.xlsx)")
        if path:
            _change(
                self,
                "导入确认表",
                lambda: read_consent_sheet(store, path),
                lambda r: (
                    ask().info(self, "导入确认表", f"已导入批次{r[0]}的意愿确认：{r[1]}家单位"),
                    self.reload_consent(),
                ),
            )
