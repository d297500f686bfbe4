"""审计日志: every change with who, when and what, and a 校验 button that checks the chain and the data.

The table shows the newest entries first (up to ``LIMIT``), filtered by
batch, by who did it and by kind of action, chosen from lists; an entry's
detail is a table of what changed, in Chinese. 校验 runs ``store.verify_audit()`` off the
GUI thread and names the first broken entry or row.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.audit.actions import NOBODY, action_label, change_summary, field_label, target_label, who_label
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.tables import equip

LIMIT = 2000
KINDS = (
    ("", "全部操作"),
    ("batch", "批次"),
    ("company", "单位资料"),
    ("recognition", "认定记录"),
    ("tech_sme", "入库记录"),
    ("rd", "研发费用"),
    ("ledger", "历史台账"),
    ("override", "参数调整"),
    ("setting", "设置"),
    ("user", "用户"),
    ("letters", "通知书文号与出具"),
    ("backup", "备份恢复"),
    ("export", "导出文件"),
    ("audit.tamper", "篡改警报（被拒绝的写入）"),
)


STATUS_WORDS = {"draft": "草稿", "approved": "已审批", "paid": "已拨付"}
KIND_WORDS = {"preview": "预览", "print": "打印", "pdf": "导出PDF"}


def shown_value(key: str, value) -> str:
    """A logged value as a clerk reads it: roles, states and yes/no in Chinese, lists joined, nothing as 空."""
    from core.audit.roles import parse_roles, role_labels

    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "roles" and isinstance(value, str):
        return role_labels(parse_roles(value))
    if key == "status" and isinstance(value, str):
        return STATUS_WORDS.get(value, value)
    if key == "kind" and isinstance(value, str) and value in KIND_WORDS:
        return KIND_WORDS[value]
    if isinstance(value, (list, tuple)):
        return "、".join(shown_value(key, v) for v in value) or "空"
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{shown_value(k, v)}" for k, v in value.items()) or "空"
    return str(value)


def _shown(values):
    return {k: shown_value(k, v) for k, v in values.items()} if isinstance(values, dict) else values


def entry_summary(e, limit: int = 160) -> str:
    return change_summary(_shown(e.old), _shown(e.new), limit)


def entry_html(e) -> str:
    """An entry as a table of what changed: each item's Chinese name, before and after (not the raw record)."""
    old, new = e.old if isinstance(e.old, dict) else {}, e.new if isinstance(e.new, dict) else {}
    keys = list(dict.fromkeys([*old, *new]))
    rows = "".join(
        f"<tr><td>{_escape(field_label(k))}</td><td>{_escape(shown_value(k, old.get(k)) if k in old else '—')}</td>"
        f"<td>{_escape(shown_value(k, new.get(k)) if k in new else '—')}</td></tr>"
        for k in keys
    )
    table = (
        (
            "<table border='1' cellspacing='0' cellpadding='3'><tr><th>项目</th><th>修改前</th><th>修改后</th></tr>"
            f"{rows}</table>"
        )
        if keys
        else ""
    )
    return (
        f"<p><b>第{e.seq}条</b>　{_escape(e.at.replace('T', ' '))}　{_escape(who_label(e.who))}　"
        f"{_escape(action_label(e.action))}　{_escape(target_label(e.target))}</p>"
        + table
        + (f"<p>本条记录封存了{e.sealed_rows}行数据的状态。</p>" if e.sealed_rows else "")
        + f"<p style='color:#666'>哈希：{e.hash}</p>"
    )


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


class AuditPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.main_window = ctx, window
        self.target_edit = QLineEdit()  # what the two lists below choose, for whoever typed batch:3 before
        self.target_edit.setVisible(False)
        self.batch_box = QComboBox()
        self.batch_box.setObjectName("audit-batch")
        self.batch_box.setMinimumContentsLength(14)
        self.batch_box.currentIndexChanged.connect(self._filter_changed)
        self.who_box = QComboBox()
        self.who_box.setObjectName("audit-who")
        self.who_box.currentIndexChanged.connect(self._filter_changed)
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
        bar.addWidget(QLabel("批次："))
        bar.addWidget(self.batch_box, 1)
        bar.addWidget(QLabel("操作人："))
        bar.addWidget(self.who_box)
        bar.addWidget(QLabel("操作："))
        bar.addWidget(self.kind_box)
        bar.addWidget(refresh)
        bar.addWidget(self.verify_button)

        self.model = ListTableModel(
            [
                Column("序号", lambda e: e.seq, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                Column("时间", lambda e: e.at.replace("T", " ")),
                Column("操作人", lambda e: who_label(e.who)),
                Column("操作", lambda e: action_label(e.action)),
                Column("对象", lambda e: target_label(e.target)),
                Column("内容", lambda e: entry_summary(e, 160), tooltip=lambda e: entry_summary(e, 2000)),
            ],
            (),
            self,
        )
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
        equip(self.table, "审计日志", settings=ctx.settings, store=lambda: ctx.store)
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
        ctx.subscribe(self._on_changes, owner=self)

    @property
    def store(self):
        return self.ctx.store

    def activated(self) -> None:
        self.refresh()

    def _on_changes(self, changes) -> None:
        """A change wrote to the audit log: show it (when on screen; activated() reads it otherwise)."""
        if self.isVisible() and (changes.audit or changes.database):
            self.refresh()

    def refresh(self) -> None:
        store = self.store
        self._fill_choices(store)
        who = self.who_box.currentData()
        entries = store.audit_entries(
            target=self.target_edit.text().strip() or self.batch_box.currentData() or None,
            action=self.kind_box.currentData() or None,
            limit=LIMIT,
            newest_first=True,
            who="" if who == NOBODY else who,
        )
        self.model.set_rows(entries)
        self.detail.clear()
        seq, digest = store.audit_head()
        shown = f"显示最近{LIMIT}条；" if len(entries) == LIMIT else ""
        self.head_label.setText(
            f"{shown}最后一条为第{seq}条，哈希 {digest}（可抄录留存，日后核对审计日志未被整体改写）"
        )

    def _fill_choices(self, store) -> None:
        """The batches and the people of the log as choices (kept as chosen while they are still there)."""
        batches = [(f"{b.id} {b.name}", f"batch:{b.id}") for b in reversed(store.batches())]
        people = [(u.name, u.name) for u in store.users()] + [(NOBODY, NOBODY)]
        for box, everything, items in ((self.batch_box, "全部批次", batches), (self.who_box, "全部操作人", people)):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, None)
            for label, data in items:
                box.addItem(label, data)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)

    def _filter_changed(self, *_args) -> None:
        self.refresh()

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

        self.operation = Operation(
            self, "校验审计日志", work, on_success=self._verified, on_failure=self._failed, cancellable=False
        ).start()
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
        ask().error(
            self,
            "审计日志校验",
            f"审计日志校验不通过：发现{report.problem_count}处问题。\n\n第一处：{lines[0]}\n\n"
            f"数据库可能在本程序之外被改动，请保留现状并报告管理员。",
            "\n".join(lines) + more,
        )

    def _failed(self, exc) -> None:
        self._done()
        ask().error(self, "审计日志校验", f"校验未能完成：{exc}")
