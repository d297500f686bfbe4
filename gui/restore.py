"""从备份恢复, offered at start-up when the database file cannot be used (damaged, empty, not a database).

The program never opens such a file nor puts a new empty database in its
place. This dialog says what is wrong, lists the backups (newest first) and
restores the one chosen: an administrator of that backup authorises it with
their name and password as the backup knows them (the damaged file has no
users to ask). The damaged file is moved aside into the backups folder, not
deleted.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from gui.ask import ask
from gui.errors import clerk_message, log, show_failure
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.screenfit import FitsScreen


def backups_table(parent, backups: list, resize: QHeaderView.ResizeMode) -> tuple[ListTableModel, QTableView]:
    """The list of backups a clerk picks one from (newest first), the newest selected."""
    model = ListTableModel(
        [
            Column("备份文件", lambda b: b.path.name),
            Column("时间", lambda b: f"{b.created:%Y-%m-%d %H:%M:%S}"),
            Column("类型", lambda b: b.reason_label),
            Column("大小", lambda b: f"{b.size / 1024:,.0f} KB"),
        ],
        backups,
        parent,
    )
    view = QTableView()
    view.setObjectName("backups")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(resize)
    if backups:
        view.selectRow(0)
    return model, view


class RestoreDialog(FitsScreen, QDialog):
    def __init__(self, url: str, problem: str, parent=None):
        super().__init__(parent)
        from core.store import backup
        from core.store.db import sqlite_path

        self.url = url
        self.restored = None  # where the damaged file was put, once restored
        self.setWindowTitle("数据库无法使用")
        self.resize(820, 520)
        note = QLabel(problem)
        note.setObjectName("problem")
        note.setWordWrap(True)
        note.setStyleSheet("color: #b00020;")
        path = sqlite_path(url)
        self.backups = [b for b in backup.list_backups() if path is None or b.source == path.stem]
        self.model, self.view = backups_table(self, self.backups, QHeaderView.ResizeMode.ResizeToContents)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("restore-name")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("restore-password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("管理员用户名：", self.name_edit)
        form.addRow("密码：", self.password_edit)
        hint = QLabel(
            "由所选备份中的管理员凭其在该备份中的密码授权（备份中尚无用户时可不填）。"
            "损坏的数据库文件会移到备份文件夹中保存，不会删除。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.message = QLabel()
        self.message.setObjectName("restore-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restore")
        self.restore_button.setEnabled(bool(self.backups))
        self.buttons.addButton("退出程序", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(QLabel("可从以下备份恢复（最新的在前）：" if self.backups else "没有找到该数据库的备份。"))
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.operation = None

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.message.setText("请先选择要恢复的备份")
            return
        name = self.name_edit.text().strip()
        credentials = (name, self.password_edit.text()) if name else None
        url = self.url
        self.restore_button.setEnabled(False)
        self.message.setText("正在恢复…")

        def work(report, cancelled):
            from core.store import Store

            store = Store(url)
            try:
                return store.restore(str(chosen.path), credentials)
            finally:
                store.close()

        def done(kept):
            self.restored = kept
            log.info("已从备份%s恢复数据库；损坏的文件移至%s", chosen.path.name, kept)
            ask().info(
                self, "从备份恢复", f"已从备份 {chosen.path.name} 恢复数据库。\n损坏的数据库文件已移至：\n{kept}"
            )
            self.accept()

        def failed(exc):
            self.restore_button.setEnabled(True)
            self.password_edit.clear()
            message = clerk_message(exc)
            if message is None:
                self.message.setText("")
                show_failure(self, "从备份恢复", exc)
            else:
                self.message.setText(message)

        self.operation = Operation(
            self, "从备份恢复", work, on_success=done, on_failure=failed, cancellable=False, progress=False
        ).start()


def offer_restore(url: str, problem: str, parent=None) -> bool:
    """Show what is wrong with the database and offer its backups; True once one was restored."""
    dialog = RestoreDialog(url, problem, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted and dialog.restored is not None
