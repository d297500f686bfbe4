"""The program-wide menu items that belong to no one screen: import, template, recent workbooks,
demonstration data, 切换用户 and 注销, backup and restore, and the manual (F1).

``install(window)`` adds them to the main window's menus (kept out of
mainwindow.py so that file stays small).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.ask import ask
from gui.operations import Operation


def install(window) -> None:
    file_menu, help_menu = window.file_menu, window.help_menu
    first = file_menu.actions()[0] if file_menu.actions() else None
    window.import_action = QAction(
        "导入申报工作簿(&I)…", window, shortcut=QKeySequence("Ctrl+I"), triggered=lambda: import_workbook(window)
    )
    window.template_action = QAction("生成申报模板(&T)…", window, triggered=lambda: save_template(window))
    file_menu.insertAction(first, window.import_action)
    window.recent_menu = QMenu("最近导入的工作簿(&R)", window)
    file_menu.insertMenu(first, window.recent_menu)
    window.recent_menu.aboutToShow.connect(lambda: fill_recent(window))
    fill_recent(window)
    file_menu.insertAction(first, window.template_action)
    file_menu.insertSeparator(first)
    quit_action = file_menu.actions()[-1]
    window.switch_user_action = QAction("切换用户(&W)…", window, triggered=lambda: switch_user(window))
    window.logout_action = QAction("注销(&O)", window, triggered=lambda: log_out(window))
    file_menu.insertAction(quit_action, window.switch_user_action)
    file_menu.insertAction(quit_action, window.logout_action)
    file_menu.insertSeparator(quit_action)
    window.demo_action = QAction("载入演示数据(&D)…", window, triggered=lambda: load_demo(window))
    window.manual_action = QAction(
        "帮助手册(&M)", window, shortcut=QKeySequence.StandardKey.HelpContents, triggered=lambda: show_manual(window)
    )
    window.manual_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # F1 in any window
    actions = help_menu.actions()
    help_menu.insertAction(actions[0] if actions else None, window.manual_action)
    help_menu.insertAction(actions[0] if actions else None, window.demo_action)
    help_menu.insertSeparator(actions[0] if actions else None)
    tools = window.tools_menu
    window.backup_action = QAction("备份数据库(&B)", window, triggered=lambda: _backups().back_up(window))
    window.restore_action = QAction("从备份恢复(&R)…", window, triggered=lambda: _backups().restore(window))
    tools.addSeparator()
    tools.addAction(window.backup_action)
    tools.addAction(window.restore_action)


def _backups():
    from gui import backups

    return backups


def show_manual(window):
    """F1: the manual, at the section of the page shown."""
    from gui.manual import open_manual

    current = window.nav.currentIndex()
    key = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
    return open_manual(window, key)


RECENT_KEY = "files/recent_workbooks"
RECENT_COUNT = 8


def recent_workbooks(settings) -> list[str]:
    value = settings.value(RECENT_KEY) or []
    return [str(v) for v in ([value] if isinstance(value, str) else value) if v]


def remember_workbook(settings, path) -> None:
    """``path`` first in 最近导入的工作簿 (once; at most RECENT_COUNT)."""
    path = str(path)
    paths = [path] + [p for p in recent_workbooks(settings) if p != path]
    settings.setValue(RECENT_KEY, paths[:RECENT_COUNT])


def fill_recent(window) -> None:
    from pathlib import Path

    menu = window.recent_menu
    menu.clear()
    paths = recent_workbooks(window.ctx.settings)
    for i, path in enumerate(paths, 1):
        act = menu.addAction(f"&{i} {Path(path).name}", lambda p=path: import_workbook(window, p))
        act.setToolTip(path)
        act.setEnabled(Path(path).is_file())
    if not paths:
        menu.addAction("（还没有导入过工作簿）").setEnabled(False)


def _batches(window):
    if not any(p[0] == "batches" for p in window.pages):
        return None
    return window.show_page("batches")


def import_workbook(window, path: str | None = None):
    page = _batches(window)
    return page.import_workbook(path) if page is not None else None


def save_template(window):
    path = ask().save_file(window, "生成申报模板", "申报模板.xlsx", "Excel 工作簿 (*.xlsx)")
    if not path:
        return None

    def work(report, cancelled):
        from core.excel.template import write_template

        return write_template(path)

    return Operation(
        window,
        "生成申报模板",
        work,
        cancellable=False,
        on_success=lambda p: ask().info(window, "生成申报模板", f"已生成申报模板：\n{p}"),
    ).start()


# ---------------------------------------------------------------- who is using the program
def user_changed(window) -> None:
    """Another user logged in (or nobody): the status bar, the remembered name and every screen follow."""
    from gui.login import LAST_USER_KEY

    store = window.ctx.store
    window.show_user()
    if store.user is not None:
        window.ctx.settings.setValue(LAST_USER_KEY, store.user.name)
    window.ctx.data_changed()
    for widget in window._widgets.values():
        if hasattr(widget, "user_changed"):
            widget.user_changed()
    gate_menus(window)


def gate_menus(window) -> None:
    """The menu items of roles the user lacks, greyed with the reason (the store refuses them anyway)."""
    from core.audit.roles import ADMIN, PREPARER
    from gui.roles import gate

    gate(window.import_action, window.ctx, PREPARER, "导入申报工作簿（Ctrl+I）")
    gate(window.restore_action, window.ctx, ADMIN, "用备份替换当前数据库（管理员）")


def _has_users(window, title: str) -> bool:
    store = window.ctx.store
    if store is None or not store.has_users():
        ask().info(window, title, "本数据库尚未设置用户，无需登录。可在“工具 → 用户管理”中创建管理员。")
        return False
    return True


def switch_user(window):
    """文件 → 切换用户: another user logs in (the second person of an approval); cancelled, nothing changes."""
    if not _has_users(window, "切换用户"):
        return None
    store = window.ctx.store
    user = ask().login(window, store, "", cancel="取消")
    if user is not None:
        user_changed(window)
        window.status.setText(f"已切换为用户“{user.name}”")
    return user


def log_out(window):
    """文件 → 注销: nobody is logged in until someone logs in again; 退出程序 on the login dialog closes the program."""
    if not _has_users(window, "注销"):
        return None
    store = window.ctx.store
    old = store.user.name if store.user is not None else ""
    store.logout()
    user_changed(window)
    window.hide()
    user = ask().login(window, store, old, cancel="退出程序")
    if user is None:
        window.close()
        return None
    window.show()
    user_changed(window)
    window.status.setText(f"用户“{user.name}”已登录")
    return user


def ensure_preparer(window, doing: str) -> bool:
    """Whether the logged-in user may import and calculate (经办人), after offering a way when they may not.

    At first start the only user is the administrator. A bureau keeps the administrator out of batches
    (maker-checker: the 经办人 imports, another person reviews), so the administrator is offered to log in as a
    经办人 (an existing one, or one added now with the name given at first run), not to do it themselves.
    """
    from core.audit.roles import ADMIN, PREPARER, role_labels
    from core.firstrun import clerk_name

    store = window.ctx.store
    user = store.user
    if user is None or PREPARER in user.roles:
        return True
    preparers = [u for u in store.users() if u.active and PREPARER in u.roles] if ADMIN in user.roles else []
    if ADMIN not in user.roles or preparers:
        if not ask().confirm(
            window,
            doing,
            f"{doing}需要经办人角色，当前用户“{user.name}”的角色为{role_labels(user.roles)}。"
            "\n\n现在以经办人身份登录吗？",
            ok="切换用户",
        ):
            return False
        name = preparers[0].name if len(preparers) == 1 else ""
        if ask().login(window, store, name, cancel="取消") is None:
            return False
        user_changed(window)
        return PREPARER in store.user.roles or ensure_preparer(window, doing)
    clerk = clerk_name(store)
    if not ask().confirm(
        window,
        doing,
        f"{doing}要由经办人导入和计算，管理员“{user.name}”不经办批次"
        "（批次须由经办人以外的审核人审批）。\n\n"
        f"现在添加经办人账户{f'“{clerk}”' if clerk else ''}并以其身份登录吗？",
        ok="添加经办人并登录",
    ):
        return False
    answer = ask().new_user(window, store, clerk, (PREPARER,))
    if answer is None:
        return False
    store.login(*answer)
    user_changed(window)
    return True


def load_demo(window):
    """帮助 → 载入演示数据: the sample workbook imported into this database and calculated (confirmed first)."""
    ctx = window.ctx
    if not ensure_preparer(window, "载入演示数据"):
        return None
    if not ask().confirm(
        window,
        "载入演示数据",
        "将把示例工作簿（30家示例企业、2026年度）导入当前数据库，作为一个草稿批次并计算。\n\n"
        "示例企业会出现在企业档案中；演示批次可在“申报批次”中随时删除。导入前自动备份数据库。",
        ok="载入",
    ):
        return None

    def work(report, cancelled):
        from core.demo import load_demo_data

        return load_demo_data(ctx.store, ctx.base_policies, report, cancelled)

    def done(batch_id):
        window.status.setText(f"已载入演示数据：批次{batch_id}")
        page = _batches(window)
        if page is not None:
            page.refresh(select=batch_id)
        ctx.data_changed()

    def cancelled():
        window.status.setText("已取消载入演示数据")

    return Operation(window, "载入演示数据", work, on_success=done, on_cancel=cancelled).start()
