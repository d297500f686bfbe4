"""The store's trust on screen (issue 13): a tamper refusal is an alarm of its own, a damaged database is
explained at start-up and restored from a backup."""

import sqlite3

from gui_support import settle, sample_batch

from core.store import backup as backups
from core.store import open_store
from gui.context import AppContext
from gui.errors import show_failure
from gui.firstrun import open_database
from gui.restore import RestoreDialog

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026"}


def test_a_refused_write_over_a_changed_row_is_a_tamper_alarm_not_an_error(window, qtbot, asker, tmp_path):
    batch_id = sample_batch(window)
    page = window.show_page("batches")
    settle(qtbot)
    if page.current is None or page.current.id != batch_id:
        page.refresh(select=batch_id)
        settle(qtbot)
    con = sqlite3.connect(tmp_path / "test.sqlite3")
    con.execute("UPDATE award_lines SET amount = '5000000.00' WHERE id = 1")
    con.commit()
    con.close()
    asker.answers = [True, False]  # delete the draft, keep its companies
    page.delete_draft()
    settle(qtbot)
    kind, title, text = asker.asked[-1]
    assert (kind, title) == ("alarm", "数据篡改警报")
    assert text.startswith("【数据篡改警报】“删除草稿批次”已被拒绝，数据库未作任何修改。数据表award_lines中的")
    assert "被改动的列：金额（amount）" in text
    assert [b.id for b in window.ctx.store.batches()] == [batch_id]
    assert window.ctx.store.audit_entries(action="audit.tamper")


def test_the_alarm_dialog_looks_like_an_alarm(qtbot):
    """The real dialog: critical icon, its own title and words, the refusal in full (grabbed offscreen)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gui.ask import Asker

    seen = {}

    def look():
        box = QApplication.activeModalWidget()
        seen.update(
            title=box.windowTitle(),
            icon=box.icon(),
            text=box.text(),
            info=box.informativeText(),
            buttons=[b.text() for b in box.buttons()],
        )
        box.reject()

    QTimer.singleShot(50, look)
    Asker().alarm(None, "数据篡改警报", "【数据篡改警报】“审批批次”已被拒绝……")
    assert seen["title"] == "数据篡改警报" and seen["icon"] == QMessageBox.Icon.Critical
    assert "数据库中的数据在本程序之外被改动过" in seen["text"] and "立即通知管理员" in seen["text"]
    assert seen["info"].startswith("【数据篡改警报】") and "复制详情" in seen["buttons"]


def test_show_failure_routes_tampering_to_the_alarm(asker):
    from core.store.errors import InvalidData, Tampered

    show_failure(None, "审批", Tampered("【数据篡改警报】x"))
    show_failure(None, "审批", InvalidData("经办人和审核人不能是同一人"))
    assert [a[0] for a in asker.asked] == ["alarm", "error"]


def _damaged_database(tmp_path, monkeypatch):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'data' / 'kjjb.sqlite3'}"
    store = open_store(url)
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("张三", PW["张三"], ["preparer"])
    saved = store.backup()
    path = store.path
    store.close()
    path.write_bytes(path.read_bytes()[:8192])  # cut short
    return url, path, saved


def test_a_damaged_database_at_start_up_is_explained_and_offered_its_backups(qtbot, tmp_path, monkeypatch, asker):
    url, path, saved = _damaged_database(tmp_path, monkeypatch)
    offered = []
    monkeypatch.setattr("gui.restore.offer_restore", lambda u, problem, parent=None: offered.append((u, problem)))
    ctx = AppContext(url)
    assert not open_database(ctx)
    ((where, problem),) = offered
    assert where == url and problem.startswith(f"数据库文件{path}无法使用：文件已损坏")
    assert f"最近的备份是{saved.name}" in problem
    assert asker.asked == []  # the restore dialog is the message


def test_the_restore_dialog_restores_the_chosen_backup_for_its_administrator(qtbot, tmp_path, monkeypatch, asker):
    url, path, saved = _damaged_database(tmp_path, monkeypatch)
    damaged = path.read_bytes()
    dialog = RestoreDialog(url, "数据库文件无法使用")
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1 and dialog.selected().path == saved
    dialog.name_edit.setText("张三")
    dialog.password_edit.setText(PW["张三"])
    dialog.restore()
    settle(qtbot)
    assert "不能从备份恢复（需要管理员角色）" in dialog.message.text() and path.read_bytes() == damaged
    dialog.name_edit.setText("管理员")
    dialog.password_edit.setText("wrong-password")
    dialog.restore()
    settle(qtbot)
    assert dialog.message.text() == "用户名或密码错误" and path.read_bytes() == damaged
    dialog.password_edit.setText(PW["管理员"])
    asker.answers = []
    dialog.restore()
    settle(qtbot)
    assert dialog.restored is not None and dialog.restored.read_bytes() == damaged
    assert asker.asked[-1][:2] == ("info", "从备份恢复")
    ctx = AppContext(url)
    assert open_database(ctx)
    assert [u.name for u in ctx.store.users()] == ["张三", "管理员"]
    assert ctx.store.audit_entries(action="backup.restore")[0].who == "管理员"
    assert [b.path for b in backups.list_backups()] == [saved]
    ctx.close()
