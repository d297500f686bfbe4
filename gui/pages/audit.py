"""审计日志: every change with who, when and what, and a 校验 button that checks the chain and the data.

The table shows the newest entries first (up to ``LIMIT``), filtered by
object (``batch:3``, ``company:12``, ``user:张三`` or a whole kind such as
``batch``) and by kind of action. 校验 runs ``store.verify_audit()`` off the
GUI thread and names the first broken entry or row.
"""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from core.audit.actions import action_label, change_summary, target_label, who_label
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.tables import equip

LIMIT = 2000
KINDS = (("", "全部操作"), ("batch", "批次"), ("company", "单位资料"), ("recognition", "认定记录"),
         ("tech_sme", "入库记录"), ("rd", "研发费用"), ("ledger", "历史台账"), ("override", "参数调整"),
         ("setting", "设置"), ("user", "用户"), ("letters", "通知书文号与出具"), ("backup", "备份恢复"),
         ("audit.tamper", "篡改警报（被拒绝的写入）"))


def entry_html(e) -> str:
    def block(title, value):
        if value is None:
            return ""
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return f"<p><b>{title}</b></p><pre>{_escape(text)}</pre>"

    return (f"<p><b>第{e.seq}条</b>　{_escape(e.at.replace('T', ' '))}　{_escape(who_label(e.who))}　"
            f"{_escape(action_label(e.action))}　{_escape(target_label(e.target))}</p>"
            + block("修改前", e.old) + block("修改后", e.new)
            + (f"<p>本条记录封存了{e.sealed_rows}行数据的状态。</p>" if e.sealed_rows else "")
            + f"<p style='color:#666'>哈希：{e.hash}</p>")


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


class AuditPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.main_window = ctx, window
        self.target_edit = QLineEdit()
        self.target_edit.setObjectName("audit-target")
        self.target_edit.setPlaceholderText("对象，如 batch:3、company:12、user:张三 或 batch")
        self.target_edit.returnPressed.connect(self.refresh)
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("audit-kind")
        for key, label in KINDS:
            self.kind_box.addItem(label, key)
        self.kind_box.currentIndexChanged.connect(self.refresh)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        self.verify_button = QPushButton("校验")
        self.verify_button.setObjectName("audit-verify")
        self.verify_button.setToolTip("校验审计日志的哈希链，并逐行核对受保护的数据（金额、台账、单位资料、用户等）")
        self.verify_button.clicked.connect(self.verify)
        self.head_label = QLabel()
        self.head_label.setObjectName("audit-head")
        self.head_label.setWordWrap(True)  # the hash is long: it wraps, never widens the window
        self.head_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("对象："))
        bar.addWidget(self.target_edit, 1)
        bar.addWidget(self.kind_box)
        bar.addWidget(refresh)
        bar.addWidget(self.verify_button)

        self.model = ListTableModel([
            Column("序号", lambda e: e.seq, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            Column("时间", lambda e: e.at.replace("T", " ")),
            Column("操作人", lambda e: who_label(e.who)),
            Column("操作", lambda e: action_label(e.action)),
            Column("对象", lambda e: target_label(e.target)),
            Column("内容", lambda e: change_summary(e.old, e.new, 160),
                   tooltip=lambda e: change_summary(e.old, e.new, 2000)),
        ], (), self)
        self.table = QTableView()
        self.table.setObjectName("audit-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_entry)
        equip(self.table, "审计日志", settings=ctx.settings)
        self.detail = QTextBrowser()
        self.detail.setObjectName("audit-detail")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.head_label)
        self.operation = None
        self.refresh()

    @property
    def store(self):
        return self.ctx.store

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        store = self.store
        if store is None:
            self.model.set_rows([])
            self.head_label.setText("本程序尚未包含数据库模块")
            return
        entries = store.audit_entries(target=self.target_edit.text().strip() or None,
                                      action=self.kind_box.currentData() or None, limit=LIMIT, newest_first=True)
        self.model.set_rows(entries)
        self.detail.clear()
        seq, digest = store.audit_head()
        shown = f"显示最近{LIMIT}条；" if len(entries) == LIMIT else ""
        self.head_label.setText(f"{shown}最后一条为第{seq}条，哈希 {digest}（可抄录留存，日后核对审计日志未被整体改写）")

    def _show_entry(self, current, _previous=None) -> None:
        e = self.model.row_object(current.row()) if current.isValid() else None
        self.detail.setHtml(entry_html(e) if e is not None else "")

    def verify(self) -> Operation | None:
        store = self.store
        if store is None or self.operation is not None:
            return None
        self.verify_button.setEnabled(False)

        def work(report, _cancelled):
            return store.verify_audit(progress=lambda done, total: report(done, total, "正在逐行核对……"))

        self.operation = Operation(self, "校验审计日志", work, on_success=self._verified, on_failure=self._failed,
                                   cancellable=False).start()
        return self.operation

    def _done(self) -> None:
        self.operation = None
        self.verify_button.setEnabled(True)

    def _verified(self, report) -> None:
        self._done()
        if report.ok:
            ask().info(self, "审计日志校验", report.summary)
            return
        lines = [str(p) for p in report.problems]
        more = f"\n……等共{report.problem_count}处" if report.problem_count > len(lines) else ""
        ask().error(self, "审计日志校验",
                    f"审计日志校验不通过：发现{report.problem_count}处问题。\n\n第一处：{lines[0]}\n\n"
                    f"数据库可能在本程序之外被改动，请保留现状并报告管理员。",
                    "\n".join(lines) + more)

    def _failed(self, exc) -> None:
        self._done()
        ask().error(self, "审计日志校验", f"校验未能完成：{exc}")
