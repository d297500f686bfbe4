"""The program-wide menu items that belong to no one screen: import, template, demonstration data.

``install(window)`` adds them to the main window's menus (kept out of
mainwindow.py so that file stays small).
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from gui.ask import ask
from gui.operations import Operation


def install(window) -> None:
    file_menu, help_menu = window.file_menu, window.help_menu
    first = file_menu.actions()[0] if file_menu.actions() else None
    window.import_action = QAction("导入申报工作簿(&I)…", window, shortcut=QKeySequence("Ctrl+I"),
                                   triggered=lambda: import_workbook(window))
    window.template_action = QAction("生成申报模板(&T)…", window, triggered=lambda: save_template(window))
    file_menu.insertAction(first, window.import_action)
    file_menu.insertAction(first, window.template_action)
    file_menu.insertSeparator(first)
    window.demo_action = QAction("载入演示数据(&D)…", window, triggered=lambda: load_demo(window))
    actions = help_menu.actions()
    help_menu.insertAction(actions[0] if actions else None, window.demo_action)
    help_menu.insertSeparator(actions[0] if actions else None)


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

    return Operation(window, "生成申报模板", work, cancellable=False,
                     on_success=lambda p: ask().info(window, "生成申报模板", f"已生成申报模板：\n{p}")).start()


def load_demo(window):
    """帮助 → 载入演示数据: the sample workbook imported into this database and calculated (confirmed first)."""
    ctx = window.ctx
    if not ask().confirm(window, "载入演示数据",
                         "将把示例工作簿（30家示例企业、2026年度）导入当前数据库，作为一个草稿批次并计算。\n\n"
                         "示例企业会出现在企业档案中；演示批次可在“申报批次”中随时删除。导入前自动备份数据库。",
                         ok="载入"):
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
