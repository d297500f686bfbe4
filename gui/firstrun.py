"""What happens once the main window is up: open the database, say if it was upgraded, and on the
first run ask (one dialog) for the bureau and the clerk, and offer the demonstration data.

Later runs go straight to where the clerk left off (the window restores its
own layout and page). A run counts as the first until the dialog is accepted
(``firstrun/done`` in the per-user settings.ini).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from core.firstrun import FirstRunAnswers, current_answers, save_answers
from core.paths import user_data_dir
from core.version import APP_NAME
from gui.ask import ask
from gui.errors import log
from gui.screenfit import FitsScreen

DONE_KEY = "firstrun/done"
AUTOPILOT_ENV = "KJJB_AUTOPILOT"  # a JSON file of answers: gui/autopilot.py walks the start-up without a person


def needed(ctx) -> bool:
    return ctx.settings.value(DONE_KEY, False, type=bool) is not True


def open_database(ctx, parent=None) -> bool:
    """Open (create, or back up and upgrade) the database before anything reads it; False after telling
    the clerk why it cannot be used (a database of a newer program, a server out of reach ...).

    A SQLite file that is damaged, empty or not a database is never opened nor replaced: the clerk is told
    so and offered the backups (gui.restore); once one is restored, the database is opened again.
    """
    try:
        ctx.store  # noqa: B018 (the property opens it)
    except Exception as exc:
        from core.store.db import is_sqlite, resolve_url
        from core.store.errors import DatabaseBroken, StoreError

        if not isinstance(exc, StoreError):
            raise
        log.error("打开数据库失败：%s", exc)
        url = resolve_url(ctx.db_url)
        if isinstance(exc, DatabaseBroken) and is_sqlite(url):
            from gui.restore import offer_restore

            return offer_restore(url, str(exc), parent) and open_database(ctx, parent)
        ask().error(parent, "无法打开数据库", f"{exc}\n\n数据文件夹：{user_data_dir()}")
        return False
    return True


class FirstRunDialog(FitsScreen, QDialog):
    """首次使用设置: 发文机关, 机关代字, 经办人, and whether to load the demonstration batch."""

    def __init__(self, parent, store, *, has_batches: bool):
        super().__init__(parent)
        self.store = store
        self.answers: FirstRunAnswers | None = None
        self.setWindowTitle(f"欢迎使用{APP_NAME}")
        self.setMinimumWidth(520)
        saved = current_answers(store)
        intro = QLabel(
            "首次使用，请填写本单位和经办人信息。兑现通知书的发文机关和文号使用这里的内容，"
            "以后可在“工具 → 兑现通知书设置”中修改。"
        )
        intro.setWordWrap(True)
        self.issuer = QLineEdit(saved.issuer)
        self.issuer.setPlaceholderText("如：呼伦贝尔市科学技术局")
        self.code = QLineEdit(saved.code)
        self.code.setPlaceholderText("如：呼科发（文号为“呼科发〔2026〕1号”）")
        self.clerk = QLineEdit(saved.clerk)
        self.clerk.setPlaceholderText("如：张三")
        for name, w in (("issuer", self.issuer), ("code", self.code), ("clerk", self.clerk)):
            w.setObjectName(name)
        form = QFormLayout()
        form.addRow("发文机关：", self.issuer)
        form.addRow("机关代字：", self.code)
        form.addRow("经办人：", self.clerk)
        self.demo = QCheckBox("载入演示数据（30家示例企业的申报批次，已计算，可随时删除）")
        self.demo.setObjectName("demo")
        self.demo.setChecked(not has_batches)
        self.demo.setVisible(not has_batches)
        where = QLabel(f"数据保存在：{user_data_dir()}（卸载或升级程序都不会删除）")
        where.setWordWrap(True)
        where.setStyleSheet("color: #666666;")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later = self.buttons.addButton("下次再说", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(where)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def current(self) -> FirstRunAnswers:
        return FirstRunAnswers(
            self.issuer.text(), self.code.text(), self.clerk.text(), self.demo.isVisible() and self.demo.isChecked()
        )

    def accept(self) -> None:
        answers = self.current()
        problems = answers.problems()
        if problems:
            self.error.setText("\n".join(problems))
            return
        try:
            save_answers(self.store, answers)
        except (ValueError, OSError) as exc:
            self.error.setText(f"未能保存：{exc}")
            return
        self.answers = answers
        super().accept()


class Startup(QObject):
    """The steps after the window shows; ``finished`` is emitted when they are all done."""

    finished = Signal()
    asking = Signal(object)  # the first-run dialog, just opened (gui/autopilot.py answers it)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.dialog: FirstRunDialog | None = None
        self.notices: list[str] = []
        self.demo_batch: int | None = None
        self.done = False

    def run(self) -> None:
        store = self._open_store()
        if store is None:
            return self._finish()
        upgrade = getattr(store, "last_upgrade", None)
        if upgrade:
            old, new, saved = upgrade
            where = f"，升级前的数据库已备份为 {saved}" if saved else ""
            self.notice(f"数据库已从结构版本{old}升级到{new}{where}")
        if not needed(self.ctx):
            return self._finish()
        has_batches = bool(store.batches())
        self.dialog = FirstRunDialog(self.window, store, has_batches=has_batches)
        self.dialog.finished.connect(self._answered)
        self.dialog.open()
        self.asking.emit(self.dialog)

    def _open_store(self):
        return self.ctx.store if open_database(self.ctx, self.window) else None

    def notice(self, text: str) -> None:
        """A message that stays in the status bar (a temporary one would vanish at the next hover)."""
        self.notices.append(text)
        log.info(text)
        self.window.status.setText(text)
        self.window.status.setToolTip(text)

    def _answered(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        answers = dialog.answers if result == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        if answers is None:
            return self._finish()  # asked again next time
        self.ctx.settings.setValue(DONE_KEY, True)
        self.ctx.settings.sync()
        if not answers.demo:
            return self._finish()
        self.load_demo()

    def load_demo(self) -> None:
        from core.demo import load_demo_data
        from gui.operations import Operation

        from gui.menus import ensure_preparer

        store, policies = self.ctx.store, self.ctx.base_policies
        if not ensure_preparer(self.window, "载入演示数据"):
            self.notice("未载入演示数据：需要经办人登录（可随时在“帮助 → 载入演示数据”中载入）")
            return self._finish()

        def work(report, cancelled):
            return load_demo_data(store, policies, report, cancelled)

        def done(batch_id):
            self.demo_batch = batch_id
            self.ctx.data_changed()
            self.notice(f"已载入演示数据：批次{batch_id}“{store.batch(batch_id).name}”")
            if any(p[0] == "batches" for p in self.window.pages):
                self.window.show_page("batches")
            self._finish()

        def failed(exc):
            log.error("载入演示数据失败：%r", exc)
            ask().error(self.window, "载入演示数据", f"演示数据未能载入：{exc}")
            self._finish()

        Operation(self.window, "载入演示数据", work, on_success=done, on_failure=failed, on_cancel=self._finish).start()

    def _finish(self) -> None:
        if not self.done:
            self.done = True
            self.finished.emit()


def start(window) -> Startup:
    """Run the start-up steps once the event loop turns (the window is on screen by then)."""
    from PySide6.QtCore import QTimer

    startup = Startup(window)
    window.startup = startup
    if os.environ.get(AUTOPILOT_ENV):
        from gui.autopilot import attach

        attach(startup, os.environ[AUTOPILOT_ENV])
    QTimer.singleShot(0, startup.run)
    return startup
