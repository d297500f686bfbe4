"""Login, the first administrator, the lock after inactivity, the audit page and user management, offscreen."""

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from core.store import open_store
from gui.lock import InactivityLock
from gui.login import FirstAdminDialog, LoginDialog, login_at_start

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026"}


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "trust.sqlite3"


@pytest.fixture
def store(db):
    s = open_store(f"sqlite:///{db}")
    s.create_first_admin("管理员", PW["管理员"])
    s.add_user("张三", PW["张三"], ["preparer"])
    s.logout()
    yield s
    s.close()


@pytest.fixture
def clock(store):
    """The store's clock and sleep, under the test's control: no real waiting."""
    now = [dt.datetime(2026, 11, 2, 9, 0, 0)]
    slept = []
    store.clock = lambda: now[0]
    store.sleep = slept.append
    return now, slept


@pytest.fixture
def window(qtbot, db, store, asker):
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    ctx = AppContext(f"sqlite:///{db}")
    ctx._store = store
    store.login("管理员", PW["管理员"])
    ctx.warm_up()  # the program does this on a worker thread while the window shows
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    yield w
    if w.lock is not None:
        w.lock.stop()
    ctx._store = None


def test_login_slows_down_wrong_passwords(qtbot, store, clock):
    now, slept = clock
    dialog = LoginDialog(store, name="张三")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "登录"
    dialog.password_edit.setText("wrong-password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "用户名或密码错误"
    assert dialog.password_edit.text() == ""
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.text() == "请等待1秒"
    now[0] += dt.timedelta(seconds=1)
    dialog.tick()
    assert dialog.ok_button.isEnabled()
    dialog.password_edit.setText("wrong-again")
    dialog.try_login()
    assert dialog.message.text() == "用户名或密码错误（已连续2次）" and dialog.ok_button.text() == "请等待2秒"
    dialog.password_edit.setText(PW["张三"])
    dialog.try_login()  # pressing Enter while waiting does nothing
    assert store.user is None and dialog.result() == 0
    now[0] += dt.timedelta(seconds=2)
    dialog.tick()
    dialog.try_login()
    assert dialog.result() == QDialog.DialogCode.Accepted and store.user.name == "张三"
    assert slept == []  # the dialog waited, the store never had to


def test_the_first_run_creates_the_administrator(qtbot, db):
    store = open_store(f"sqlite:///{db}")
    dialog = FirstAdminDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("管理员")
    dialog.password_edit.setText("Admin-2026")
    dialog.confirm_edit.setText("Admin-2027")
    dialog.create()
    assert dialog.message.text() == "两次输入的密码不一致"
    dialog.confirm_edit.setText("Admin-2026")
    dialog.password_edit.setText("short")
    dialog.confirm_edit.setText("short")
    dialog.create()
    assert dialog.message.text() == "密码至少8位"
    dialog.password_edit.setText("Admin-2026")
    dialog.confirm_edit.setText("Admin-2026")
    dialog.create()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert store.user.name == "管理员" and store.has_users()
    store.close()


def test_login_at_start(qtbot, db, store, asker):
    from gui.context import AppContext

    ctx = AppContext(f"sqlite:///{db}")
    ctx._store = store

    def answer(password):
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LoginDialog)
        dialog.name_edit.setText("张三")
        dialog.password_edit.setText(password)
        if password is None:
            dialog.reject()
        else:
            dialog.try_login()

    QTimer.singleShot(0, lambda: answer(PW["张三"]))
    assert login_at_start(ctx)
    assert store.user.name == "张三" and ctx.settings.value("login/last_user") == "张三"
    store.logout()
    QTimer.singleShot(0, lambda: answer(None))  # 退出程序
    assert not login_at_start(ctx)
    ctx._store = None


def test_the_program_locks_after_inactivity_and_asks_the_same_users_password(qtbot, window, clock):
    store = window.ctx.store
    lock = InactivityLock(window, store, interval_ms=150)
    window.lock = lock
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
    assert not window.isVisible()
    dialog = lock.dialog
    assert dialog.windowTitle() == "已锁定" and dialog.name_edit.text() == "管理员" and dialog.name_edit.isReadOnly()
    dialog.password_edit.setText(PW["张三"])  # another clerk's password does not unlock it
    dialog.try_login()
    assert lock.is_locked and dialog.message.text() == "用户名或密码错误"
    clock[0][0] += dt.timedelta(seconds=5)
    dialog.tick()
    dialog.password_edit.setText(PW["管理员"])
    dialog.try_login()
    assert not lock.is_locked and window.isVisible() and store.user.name == "管理员"
    lock.stop()


def test_activity_restarts_the_idle_time_and_quitting_the_lock_screen_closes_the_window(qtbot, window):
    lock = InactivityLock(window, window.ctx.store, interval_ms=10_000)
    window.lock = lock
    lock.timer.stop()  # as if the idle time were running out ...
    # ... a key press anywhere starts it again: sent as the window system sends it, to the window (Qt then passes
    # it to the widget with the focus)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_A)
    assert lock.timer.isActive() and lock.timer.remainingTime() > 9_500
    from gui.about import AboutDialog

    dialog = AboutDialog(window, window.ctx)  # and in a dialog that opened since
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle(), timeout=5000)
    lock.timer.stop()
    qtbot.mouseClick(dialog.windowHandle(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert lock.timer.isActive() and lock.timer.remainingTime() > 9_500
    lock.timer.stop()
    qtbot.mouseMove(dialog.windowHandle(), QPoint(20, 20))
    assert lock.timer.isActive()
    dialog.close()
    window.lock_now()  # 工具 → 锁定
    assert lock.is_locked
    lock.dialog.reject()  # 退出程序
    assert not window.isVisible() and not lock.timer.isActive()


def test_nothing_locks_without_a_logged_in_user(qtbot, window):
    window.ctx.store.logout()
    lock = InactivityLock(window, window.ctx.store, interval_ms=50)
    qtbot.wait(300)
    assert not lock.is_locked and window.isVisible()
    lock.stop()


def test_the_audit_page_lists_entries_and_verifies(qtbot, window, db, asker):
    page = window.show_page("audit")
    assert window.user_label.text() == "当前用户：管理员（管理员）"
    model = page.model
    assert [model.index(r, 3).data() for r in range(model.rowCount())] == ["添加用户", "添加用户", "启用审计日志"]
    assert model.index(0, 2).data() == "管理员" and model.index(0, 4).data() == "用户张三"
    page.table.selectRow(0)
    detail = page.detail.toPlainText()
    assert "修改后" in detail and "角色" in detail and "经办人" in detail and "preparer" not in detail
    page.who_box.setCurrentIndex(page.who_box.findData("管理员"))  # chosen from a list, not typed as user:张三
    assert model.rowCount() == 2
    page.who_box.setCurrentIndex(0)
    page.kind_box.setCurrentIndex(page.kind_box.findData("batch"))
    assert model.rowCount() == 0

    op = page.verify()
    qtbot.waitUntil(lambda: page.operation is None, timeout=10000)
    assert asker.asked[-1][0] == "info" and asker.asked[-1][2].startswith("审计日志完整：共")

    con = sqlite3.connect(db)
    con.execute("UPDATE users SET roles = 'preparer,admin' WHERE name = '张三'")
    con.commit()
    con.close()
    page.verify()
    qtbot.waitUntil(lambda: page.operation is None, timeout=10000)
    kind, title, text = asker.asked[-1]
    assert (kind, title) == ("error", "审计日志校验")
    assert "第一处：用户“张三”与第3条审计记录" in text and "被直接改动" in text
    assert op is not None


def test_user_management(qtbot, window, asker):
    from gui.users import UserFormDialog, UsersDialog

    store = window.ctx.store
    dialog = UsersDialog(store, window)
    qtbot.addWidget(dialog)
    assert [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())] == ["张三", "管理员"]
    form = UserFormDialog(store, UserFormDialog.NEW, parent=dialog)
    qtbot.addWidget(form)
    form.name_edit.setText("李四")
    form.role_boxes["reviewer"].setChecked(True)
    form.password_edit.setText("Li-2026x")
    form.confirm_edit.setText("Li-2026x")
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted
    dialog.refresh()
    dialog.select("李四")
    assert dialog.model.index(dialog.table.currentIndex().row(), 1).data() == "审核人"
    asker.answers.append(True)
    dialog.toggle_active()
    assert asker.asked[-1][:2] == ("confirm", "停用用户")
    assert [u.active for u in store.users() if u.name == "李四"] == [False]
    assert dialog.active_button.text() == "启用"
    dialog.select("管理员")
    asker.answers.append(True)
    dialog.toggle_active()
    assert asker.asked[-1] == ("error", "用户管理", "不能停用自己的账户")
    roles = UserFormDialog(store, UserFormDialog.ROLES, "管理员", ["admin"], dialog)
    roles.role_boxes["admin"].setChecked(False)
    roles.role_boxes["reviewer"].setChecked(True)
    roles.save()
    assert roles.message.text() == "“管理员”是唯一的管理员，不能取消其管理员角色"
    own = UserFormDialog(store, UserFormDialog.OWN, "管理员", parent=dialog)
    own.old_edit.setText("wrong")
    own.password_edit.setText("Admin-2027")
    own.confirm_edit.setText("Admin-2027")
    own.save()
    assert own.message.text() == "原密码不正确"
    own.old_edit.setText(PW["管理员"])
    own.save()
    assert own.result() == QDialog.DialogCode.Accepted
    store.login("管理员", "Admin-2027")
