"""用户管理 (administrators) and 修改密码 (everyone).

Users are never deleted or renamed, since the audit log names them; one who
leaves is 停用. The store refuses what the logged-in user may not do, and
keeps at least one active administrator.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from core.audit.roles import ROLE_DUTIES, ROLE_LABELS, ROLES, role_labels
from core.store.errors import StoreError
from gui.ask import ask
from gui.errors import is_tampered, show_alarm, show_failure
from gui.models.base import Column, ListTableModel
from gui.screenfit import FitsScreen
from gui.tables import equip


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setObjectName(name)
    return edit


class UserFormDialog(FitsScreen, QDialog):
    """One form for: a new user (name, roles, password), roles only, a password only, or one's own password."""

    NEW, ROLES, RESET, OWN = "new", "roles", "reset", "own"

    def __init__(self, store, mode: str, name: str = "", roles=(), parent=None):
        super().__init__(parent)
        self.store, self.mode, self.name = store, mode, name
        titles = {
            self.NEW: "添加用户",
            self.ROLES: f"设置“{name}”的角色",
            self.RESET: f"重设“{name}”的密码",
            self.OWN: "修改密码",
        }
        self.setWindowTitle(titles[mode])
        form = QFormLayout()
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("user-name")
        if mode == self.NEW:
            form.addRow("用户名：", self.name_edit)
        self.role_boxes = {}
        if mode in (self.NEW, self.ROLES):
            for role in ROLES:
                box = QCheckBox(f"{ROLE_LABELS[role]}（{ROLE_DUTIES[role]}）")
                box.setObjectName(f"role-{role}")
                box.setChecked(role in set(roles))
                self.role_boxes[role] = box
                form.addRow("角色：" if role == ROLES[0] else "", box)
        self.old_edit = _password_edit("user-old-password")
        self.password_edit = _password_edit("user-password")
        self.confirm_edit = _password_edit("user-confirm")
        if mode == self.OWN:
            form.addRow("原密码：", self.old_edit)
        if mode in (self.NEW, self.RESET, self.OWN):
            form.addRow("新密码：" if mode != self.NEW else "密码：", self.password_edit)
            form.addRow("再次输入：", self.confirm_edit)
        self.message = QLabel()
        self.message.setObjectName("user-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def roles(self) -> list[str]:
        return [r for r, box in self.role_boxes.items() if box.isChecked()]

    def save(self) -> None:
        if self.mode != self.ROLES and self.password_edit.text() != self.confirm_edit.text():
            self.message.setText("两次输入的密码不一致")
            return
        try:
            if self.mode == self.NEW:
                self.store.add_user(self.name_edit.text(), self.password_edit.text(), self.roles())
            elif self.mode == self.ROLES:
                self.store.set_roles(self.name, self.roles())
            elif self.mode == self.RESET:
                self.store.set_password(self.name, self.password_edit.text())
            else:
                self.store.set_password(self.name, self.password_edit.text(), self.old_edit.text())
        except StoreError as exc:
            if is_tampered(exc):
                show_alarm(self, exc)
            self.message.setText(str(exc))
            return
        self.accept()


class UsersDialog(FitsScreen, QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("用户管理")
        self.resize(760, 420)
        self.model = ListTableModel(
            [
                Column("用户名", lambda u: u.name),
                Column("角色", lambda u: role_labels(u.roles)),
                Column("状态", lambda u: "正常" if u.active else "已停用"),
                Column("最近登录", lambda u: f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "未登录过"),
                Column("添加人", lambda u: u.created_by or "—"),
            ],
            (),
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("users-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        equip(self.table, "用户")
        self.add_button = QPushButton("添加用户…")
        self.roles_button = QPushButton("设置角色…")
        self.reset_button = QPushButton("重设密码…")
        self.active_button = QPushButton("停用")
        close = QPushButton("关闭")
        self.add_button.clicked.connect(self.add_user)
        self.roles_button.clicked.connect(self.edit_roles)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.add_button, self.roles_button, self.reset_button, self.active_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        note = QLabel("用户不删除、不改名（审计日志以用户名记录操作人）；离岗人员请停用。")
        note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(row)
        self.forms: list[UserFormDialog] = []  # the last form opened (tests fill it in)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.store.users())
        self._update_buttons()

    def selected(self):
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def select(self, name: str) -> None:
        for row, u in enumerate(self.model.rows):
            if u.name == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for b in (self.roles_button, self.reset_button, self.active_button):
            b.setEnabled(user is not None)
        self.active_button.setText("启用" if user is not None and not user.active else "停用")

    def _run(self, form: UserFormDialog) -> bool:
        self.forms = [form]
        ok = form.exec() == QDialog.DialogCode.Accepted
        self.refresh()
        return ok

    def add_user(self) -> bool:
        return self._run(UserFormDialog(self.store, UserFormDialog.NEW, parent=self))

    def edit_roles(self) -> bool:
        user = self.selected()
        return user is not None and self._run(
            UserFormDialog(self.store, UserFormDialog.ROLES, user.name, user.roles, self)
        )

    def reset_password(self) -> bool:
        user = self.selected()
        return user is not None and self._run(UserFormDialog(self.store, UserFormDialog.RESET, user.name, parent=self))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active and not ask().confirm(
            self, "停用用户", f"停用“{user.name}”？停用后该用户不能登录，其已打开的程序也不能再修改数据。", ok="停用"
        ):
            return
        try:
            self.store.set_user_active(user.name, not user.active)
        except StoreError as exc:
            show_failure(self, "用户管理", exc)
        self.refresh()
        self.select(user.name)
