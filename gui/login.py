"""登录: who is using the program, asked before the main window and again by the lock screen.

``login_at_start(ctx)`` is what the program runs before its main window:
with no users yet it offers to create the first administrator (skippable:
the program then works as before users existed, and says so in the status
bar); otherwise it asks for a user name and password.

A wrong password is answered more slowly each time (core.audit.passwords
failure_delay, counted in the database): the dialog shows the wait and only
asks the store again once it is over, so the window never freezes.
"""

from __future__ import annotations

import os

import math

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from core.audit.roles import role_labels
from core.store.errors import LoginFailed, StoreError
from gui.ask import ask
from gui.errors import is_tampered, show_alarm
from gui.screenfit import FitsScreen

LAST_USER_KEY = "login/last_user"
TICK_MS = 250


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setObjectName(name)
    return edit


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("login-message")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


class LoginDialog(FitsScreen, QDialog):
    """User name and password; ``locked=True`` is the lock screen (the same user, 解锁 or 退出程序)."""

    def __init__(self, store, parent=None, *, name: str = "", locked: bool = False, cancel: str = "退出程序"):
        super().__init__(parent)
        self.store, self.locked = store, locked
        self.user = None
        self.setWindowTitle("已锁定" if locked else "登录")
        self.setModal(True)
        self.name_edit = QLineEdit(store.user.name if locked and store.user else name)
        self.name_edit.setObjectName("login-name")
        self.name_edit.setReadOnly(locked)
        self.password_edit = _password_edit("login-password")
        self.message = _message_label()
        intro = QLabel(
            f"程序已锁定。请输入“{self.name_edit.text()}”的密码继续使用。"
            if locked
            else "请登录。修改数据的每一步都会以您的名义记入审计日志。"
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名：", self.name_edit)
        form.addRow("密码：", self.password_edit)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("解锁" if locked else "登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("login-ok")
        self.ok_button.setDefault(True)
        self.quit_button = self.buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        (self.password_edit if self.name_edit.text() else self.name_edit).setFocus()
        self.tick()

    def wait_seconds(self) -> float:
        name = self.name_edit.text().strip()
        return self.store.login_wait(name) if name else 0.0

    def tick(self) -> None:
        """Enable the button once any wait after a wrong password is over; show what is left meanwhile."""
        wait = self.wait_seconds()
        self.ok_button.setEnabled(wait <= 0)
        if wait > 0:
            self.ok_button.setText(f"请等待{math.ceil(wait)}秒")
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.ok_button.setText("解锁" if self.locked else "登录")
            self.timer.stop()

    def try_login(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.message.setText("请输入用户名")
            return
        if self.wait_seconds() > 0:
            self.tick()
            return
        try:
            self.user = (
                self.store.unlock(self.password_edit.text())
                if self.locked
                else self.store.login(name, self.password_edit.text())
            )
        except LoginFailed as exc:
            self.message.setText(str(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            self.tick()
            return
        except StoreError as exc:
            if is_tampered(exc):
                show_alarm(self, exc)
            self.message.setText(str(exc))
            return
        self.timer.stop()
        self.accept()


class FirstAdminDialog(FitsScreen, QDialog):
    """The first run of a database without users: create the administrator (or go on without users for now)."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.user = None
        self.setWindowTitle("创建管理员")
        self.setModal(True)
        intro = QLabel(
            "本数据库尚未设置用户。请创建管理员账户：管理员登录后再添加经办人、审核人，"
            "此后每一次修改都记录操作人，批次须由经办人以外的审核人审批。"
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("admin-name")
        self.password_edit = _password_edit("admin-password")
        self.confirm_edit = _password_edit("admin-confirm")
        self.message = _message_label()
        form = QFormLayout()
        form.addRow("管理员用户名：", self.name_edit)
        form.addRow("密码：", self.password_edit)
        form.addRow("再次输入密码：", self.confirm_edit)
        hint = QLabel("密码至少8位，含字母、数字、符号中的两类。")
        hint.setStyleSheet("color: #555;")
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("创建并登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = self.buttons.addButton("暂不设置", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def create(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self.message.setText("两次输入的密码不一致")
            return
        try:
            self.user = self.store.create_first_admin(self.name_edit.text(), self.password_edit.text())
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


def user_text(store) -> str:
    """For the status bar: who is logged in, or that the database has no users."""
    if store is None:
        return ""
    if store.user is None:
        return "未设置用户（修改不记录操作人）"
    return f"当前用户：{store.user.name}（{role_labels(store.user.roles)}）"


def login_at_start(ctx, parent=None) -> bool:
    """Before the main window: True to go on, False when the clerk chose 退出程序."""
    try:
        store = ctx.store
        has_users = store.has_users()
    except StoreError as exc:  # the pages show the problem too; nothing to log in to
        ask().error(parent, "数据库", str(exc))
        return True
    if not has_users:
        dialog = FirstAdminDialog(store, parent)
        if os.environ.get("KJJB_AUTOPILOT"):
            from gui.autopilot import answer_first_admin

            answer_first_admin(dialog)
        dialog.exec()
        return True
    dialog = LoginDialog(store, parent, name=str(ctx.settings.value(LAST_USER_KEY, "") or ""))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    ctx.settings.setValue(LAST_USER_KEY, dialog.user.name)
    return True
