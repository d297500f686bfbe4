"""工具 → 备份数据库 / 从备份恢复 in the program (the command line had ``backup create`` / ``restore``).

A backup is a copy of the SQLite file in the backups folder. Restoring replaces
the database with a backup (the current state is kept as a safety backup
first, core.store) and closes the program: every screen and the lock hold the
old database, and the clerk starts again on the restored one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout

from gui.ask import ask
from gui.errors import show_failure
from gui.operations import Operation
from gui.restore import backups_table
from gui.screenfit import FitsScreen


def _sqlite_only(window, title: str) -> bool:
    store = window.ctx.store
    if store is None or not store.is_sqlite:
        ask().info(window, title, "数据库在服务器上（PostgreSQL），请由服务器管理员按单位制度备份和恢复。")
        return False
    return True


def back_up(window):
    """Copy the database into the backups folder (on a worker thread); the clerk is told where."""
    if not _sqlite_only(window, "备份数据库"):
        return None
    store = window.ctx.store

    def done(path):
        window.status.setText(f"已备份数据库：{path}")
        ask().saved(window, "备份数据库", f"已备份数据库：\n{path}", path)

    return Operation(
        window, "备份数据库", lambda report, cancelled: store.backup("manual"), on_success=done, cancellable=False
    ).start()


class BackupsDialog(FitsScreen, QDialog):
    """The backups of this database, newest first, and 恢复所选备份."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.store = window.ctx.store
        self.setWindowTitle("从备份恢复")
        stem = self.store.path.stem if self.store.path is not None else None
        self.backups = [b for b in self.store.backups() if stem is None or b.source == stem]
        self.model, self.view = backups_table(self, self.backups, QHeaderView.ResizeMode.Stretch)
        note = QLabel(
            "恢复会用所选备份替换当前数据库；替换前当前数据库自动另存为一个备份（可再恢复回来）。"
            "恢复后程序关闭，请重新启动。只有管理员可以恢复。"
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("恢复所选备份…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(self.backups))
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("本数据库的备份（最新的在前）：" if self.backups else "还没有本数据库的备份。"))
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        from gui.screenfit import fit

        fit(self, 760, 460)

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_object(rows[0].row()) if rows else None

    def restore(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        if not ask().confirm(
            self,
            "从备份恢复",
            f"用备份“{chosen.path.name}”（{chosen.created:%Y-%m-%d %H:%M}）替换当前数据库？\n\n"
            "当前数据库会先另存为备份。恢复后程序关闭。",
            ok="恢复",
        ):
            return False
        try:
            kept = self.store.restore(chosen.path.name)
        except Exception as exc:  # the store's refusal (not an administrator, a newer backup) in the clerk's words
            show_failure(self, "从备份恢复", exc)
            return False
        ask().info(
            self,
            "从备份恢复",
            f"已从“{chosen.path.name}”恢复。恢复前的数据库已另存为：\n{kept}\n\n程序将关闭，请重新启动。",
        )
        self.accept()
        self.window_.close()
        return True


def restore(window):
    """工具 → 从备份恢复: the backups of this database; an administrator restores one."""
    if not _sqlite_only(window, "从备份恢复"):
        return None
    dialog = BackupsDialog(window)
    dialog.open()
    window.dialog = dialog
    return dialog
