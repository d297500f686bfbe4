"""The batch page's buttons follow core.batchactions (greyed with the reason), and its shortcuts work window-wide."""

from PySide6.QtCore import Qt

from gui_support import sample_batch, settle


def test_a_reviewer_sees_calculate_greyed_with_the_reason(qtbot, window, asker):
    store = window.ctx.store
    store.create_first_admin("管理员甲", "Admin-2026")
    store.add_user("李审", "Check-2026", ["reviewer"])
    store.add_user("王敏", "Clerk-2026", ["preparer"])
    store.login("王敏", "Clerk-2026")
    batch_id = sample_batch(window)
    page = window.show_page("batches")
    page.refresh(select=batch_id)
    settle(qtbot)
    calc = page.actions_by_name["calculate"]
    assert calc.isEnabled() and calc.toolTip() == "计算（F9）"
    approve = page.actions_by_name["approve"]
    assert not approve.isEnabled() and approve.toolTip() == "审批：需要审核人角色（当前用户“王敏”的角色为经办人）"
    asker.answers = [("李审", "Check-2026")]
    window.switch_user_action.trigger()  # the page follows the new user at once
    assert not calc.isEnabled()
    assert calc.toolTip() == "计算（F9）：需要经办人角色（当前用户“李审”的角色为审核人）"
    assert approve.isEnabled()
    assert not page.actions_by_name["import"].isEnabled()


def test_shortcuts_work_with_focus_in_the_navigation(qtbot, window, asker):
    batch_id = sample_batch(window, calculated=False)
    page = window.show_page("batches")
    page.refresh(select=batch_id)
    settle(qtbot)
    window.activateWindow()
    window.nav.setFocus()
    assert page.actions_by_name["calculate"].shortcutContext() == Qt.ShortcutContext.WindowShortcut
    qtbot.keyClick(window.nav, Qt.Key.Key_F9)
    settle(qtbot, 60000)
    assert window.status.text().startswith(f"批次{batch_id}计算完成")


def test_other_screens_grey_what_the_role_does_not_allow(qtbot, window, asker):
    """Issue 15: a user without the role finds out before filling in a form, from the greyed button's tooltip."""
    store = window.ctx.store
    store.create_first_admin("管理员甲", "Admin-2026")
    store.add_user("李审", "Check-2026", ["reviewer"])
    companies = window.show_page("companies")
    policies = window.show_page("policies")
    from gui import menus

    menus.user_changed(window)
    assert not companies.add_button.isEnabled()  # the administrator is no 经办人
    assert companies.add_button.toolTip() == "新增企业：需要经办人角色（当前用户“管理员甲”的角色为管理员）"
    assert policies.override_button.isEnabled() and window.restore_action.isEnabled()
    assert not window.import_action.isEnabled()
    asker.answers = [("李审", "Check-2026")]
    window.switch_user_action.trigger()
    assert not policies.override_button.isEnabled() and "需要管理员角色" in policies.override_button.toolTip()
    assert not window.restore_action.isEnabled()
    assert policies.override_note.text() == "调整人：李审"


def test_a_batch_read_that_comes_back_after_the_page_is_gone_is_dropped(qtbot, window, asker, monkeypatch):
    """The read of a batch runs on a worker; when the page was deleted meanwhile (the window closed), the
    result is dropped instead of touching deleted views ("QTableView already deleted")."""
    import threading

    from shiboken6 import delete, isValid

    batch_id = sample_batch(window, calculated=False)
    page = window.show_page("batches")
    settle(qtbot)
    store = window.ctx.store
    release, reading = threading.Event(), threading.Event()
    read = store.company_results

    def slow_read(bid):
        reading.set()
        release.wait(10)
        return read(bid)

    monkeypatch.setattr(store, "company_results", slow_read)
    page._load_batch(batch_id)
    assert reading.wait(10)
    view = page.batch_view
    delete(view)
    assert not isValid(view)
    release.set()
    settle(qtbot)
    assert page.loading  # nothing was shown, and nothing raised
