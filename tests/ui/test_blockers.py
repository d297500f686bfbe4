"""Issue 15, "Blocks work": each item reproduced as the clerk met it, and now working.

(The window and dialogs off the screen are tests/ui/test_screen_fit.py.)
"""

from decimal import Decimal

from PySide6.QtCore import Qt

from core.firstrun import CLERK_NAME_KEY
from gui_support import settle

PASSWORD = "Admin-2026"
CLERK_PASSWORD = "Clerk-2026"
REVIEWER_PASSWORD = "Check-2026"
RULE = "hlb-12-tech-contract"


def first_admin(window, name="管理员甲"):
    store = window.ctx.store
    store.create_first_admin(name, PASSWORD)
    window.show_user()
    return store


def test_override_is_made_by_the_logged_in_administrator_not_the_first_run_clerk(qtbot, window, asker):
    store = first_admin(window)
    store.set_setting(CLERK_NAME_KEY, "张三")  # the first-run 经办人
    page = window.show_page("policies")
    row = next(i for i, d in enumerate(page.doc_model.rows) if d.id == "hlb-2025-draft")
    page.docs.selectRow(row)
    page.rules.selectRow(next(i for i, r in enumerate(page.rule_model.rows) if r.id == RULE))
    dialog = page.add_override(path="cap.subject")
    assert dialog.fields["who"].text() == "管理员甲"
    dialog.fields["value"].setText("60万")
    dialog.fields["start"].setText("2026-01-01")
    dialog.fields["reason"].setText("依据呼科发〔2026〕3号通知上调单个合同上限")
    dialog.accept()
    assert not dialog.isVisible(), dialog.error.text()  # was: 调整人应为当前登录用户…
    o = store.overrides()[0].override
    assert (o.who, o.value) == ("管理员甲", Decimal("600000.00"))
    assert page.override_note.text() == "调整人：管理员甲"


def test_letter_settings_change_the_first_run_clerk(qtbot, window, asker, tmp_path):
    from gui.letters.settings_dialog import LetterSettingsDialog

    store = first_admin(window)
    store.set_setting(CLERK_NAME_KEY, "张三")
    dialog = LetterSettingsDialog(window, store)
    qtbot.addWidget(dialog)
    assert dialog.clerk.text() == "张三"
    dialog.clerk.setText("")
    assert not dialog.save() and "请填写经办人姓名" in dialog.error.text()
    dialog.clerk.setText("王敏")
    assert dialog.save(), dialog.error.text()
    assert store.setting(CLERK_NAME_KEY) == "王敏"


def test_the_administrator_at_first_start_loads_the_demo_as_a_new_clerk(qtbot, window, asker):
    store = first_admin(window)
    store.set_setting(CLERK_NAME_KEY, "王敏")
    from gui import menus

    asker.answers = [True, ("王敏", CLERK_PASSWORD), True]  # add the 经办人 and log in, then the demo's own confirm
    menus.load_demo(window)
    settle(qtbot, 60000)
    assert [q[0] for q in asker.asked] == ["confirm", "new_user", "confirm"]
    assert "添加经办人账户“王敏”" in asker.asked[0][2]
    assert store.user.name == "王敏" and store.user.roles == frozenset({"preparer"})
    assert window.user_label.text() == "当前用户：王敏（经办人）"
    batches = store.batches()
    assert len(batches) == 1 and batches[0].created_by == "王敏"
    assert len(store.lines(batches[0].id)) > 20


def test_the_administrator_who_declines_loads_nothing(qtbot, window, asker):
    store = first_admin(window)
    from gui import menus

    asker.answers = [False]
    assert menus.load_demo(window) is None
    assert store.batches() == [] and store.user.name == "管理员甲"


def test_first_run_demo_for_the_administrator_goes_through_a_clerk(qtbot, window, asker):
    from gui.firstrun import Startup

    store = first_admin(window)
    startup = Startup(window)
    startup.run()
    dialog = startup.dialog
    for field, text in ((dialog.issuer, "呼伦贝尔市科学技术局"), (dialog.code, "呼科发"), (dialog.clerk, "王敏")):
        field.insert(text)
    asker.answers = [True, ("王敏", CLERK_PASSWORD)]
    with qtbot.waitSignal(startup.finished, timeout=60000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert startup.demo_batch is not None and store.batch(startup.demo_batch).created_by == "王敏"


def test_switch_user_for_the_second_person_of_an_approval(qtbot, window, asker):
    store = first_admin(window)
    store.add_user("王敏", CLERK_PASSWORD, ["preparer"])
    store.add_user("李审", REVIEWER_PASSWORD, ["reviewer"])
    assert [a.text() for a in window.file_menu.actions() if a.text()][-3:] == ["切换用户(&W)…", "注销(&O)", "退出(&X)"]
    asker.answers = [("王敏", CLERK_PASSWORD)]
    window.switch_user_action.trigger()
    assert store.user.name == "王敏" and "王敏" in window.user_label.text()
    from gui_support import sample_batch

    batch_id = sample_batch(window)
    asker.answers = [None]  # cancelled: still 王敏
    window.switch_user_action.trigger()
    assert store.user.name == "王敏"
    asker.answers = [("李审", REVIEWER_PASSWORD)]
    window.switch_user_action.trigger()
    assert window.user_label.text() == "当前用户：李审（审核人）"
    store.approve(batch_id, allow_provisional=True)  # the reviewer, without restarting the program
    assert store.batch(batch_id).status == "approved"
    assert (store.batch(batch_id).preparer, store.batch(batch_id).reviewer) == ("王敏", "李审")


def test_log_out_asks_who_next_and_quitting_closes_the_window(qtbot, window, asker):
    store = first_admin(window)
    store.add_user("王敏", CLERK_PASSWORD, ["preparer"])
    asker.answers = [("王敏", CLERK_PASSWORD)]
    window.logout_action.trigger()
    assert asker.asked[-1] == ("login", "登录", "管理员甲")  # the last user's name is filled in
    assert store.user.name == "王敏" and window.isVisible()
    asker.answers = [None]  # 退出程序
    window.logout_action.trigger()
    assert store.user is None and not window.isVisible()


def test_switch_user_without_users_says_there_is_nothing_to_switch(qtbot, window, asker):
    window.switch_user_action.trigger()
    assert asker.asked[-1][0] == "info" and "尚未设置用户" in asker.asked[-1][2]
