"""帮助手册 (F1 at the page shown), backup and restore in the program, 最近导入的工作簿 (issue 15)."""

import re

from PySide6.QtCore import Qt

from gui.manual import INDEX, MANUAL_DIR, SECTIONS
from gui_support import SAMPLE, settle


def test_the_manual_has_a_section_and_pictures_for_every_page(window):
    html = INDEX.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a name="([^"]+)"', html))
    assert {key for key, *_ in window.pages} <= set(SECTIONS) and set(SECTIONS.values()) <= anchors
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) >= 6 and all((MANUAL_DIR / i).is_file() for i in images)


def test_f1_opens_the_manual_at_the_page_shown(qtbot, window, asker):
    window.show_page("targets")
    window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    dialog = window.manual
    assert dialog.isVisible() and "目标监测" in dialog.browser.toPlainText()
    top = dialog.browser.verticalScrollBar().value()
    window.show_page("companies")
    window.manual_action.trigger()
    assert dialog.browser.verticalScrollBar().value() < top  # 企业档案 comes before 目标监测


def test_the_bundle_ships_the_manual_and_the_regions():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    spec = (root / "installer" / "kjjb.spec").read_text(encoding="utf-8")
    assert '"resources" / "manual"' in spec and '"resources" / "regions.yaml"' in spec
    import installer.windows_build as wb

    assert "resources/manual" in wb.APP_PARTS and "resources/regions.yaml" in wb.APP_PARTS


def test_backup_and_restore_from_the_menu(qtbot, window, asker):
    store = window.ctx.store
    store.create_first_admin("管理员甲", "Admin-2026")
    window.backup_action.trigger()
    settle(qtbot)
    kind, title, text = asker.asked[-1]
    assert (kind, title) == ("saved", "备份数据库") and text.startswith("已备份数据库：")
    store.set_setting("bureau.name", "恢复后应不见")
    window.restore_action.trigger()
    dialog = window.dialog
    assert dialog.model.rowCount() >= 1
    asker.answers = [True]
    assert dialog.restore()
    assert not window.isVisible()  # the program closes after a restore
    assert asker.asked[-1][0] == "info" and "程序将关闭" in asker.asked[-1][2]


def test_recent_workbooks_reopen_the_import(qtbot, window, asker):
    from gui import menus

    page = window.show_page("batches")
    settle(qtbot)
    wizard = page.import_workbook(str(SAMPLE))
    wizard.start_check()
    settle(qtbot)
    wizard.reject()
    menus.fill_recent(window)
    actions = window.recent_menu.actions()
    assert actions[0].text() == f"&1 {SAMPLE.name}" and actions[0].isEnabled()
    actions[0].trigger()
    assert page.wizard.file_edit.text() == str(SAMPLE.resolve())
    page.wizard.reject()
