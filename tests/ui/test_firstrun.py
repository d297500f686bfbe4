"""Start-up in the window: the first-run dialog, the demo data, the upgrade notice, About and the log folder."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.firstrun import CLERK_NAME_KEY
from core.letters.settings import load_letter_settings
from gui.firstrun import DONE_KEY, FirstRunDialog, Startup, needed


def start(qtbot, window) -> Startup:
    startup = Startup(window)
    startup.run()
    return startup


def type_answers(qtbot, dialog, issuer, code, clerk):
    for field, text in ((dialog.issuer, issuer), (dialog.code, code), (dialog.clerk, clerk)):
        field.selectAll()
        field.insert(text)  # as typed (QTest cannot type Chinese)


def test_first_run_asks_once_saves_the_answers_and_loads_the_demo(qtbot, window, asker):
    assert needed(window.ctx)
    startup = start(qtbot, window)
    dialog = startup.dialog
    assert isinstance(dialog, FirstRunDialog) and dialog.isVisible()
    assert (dialog.issuer.text(), dialog.code.text(), dialog.clerk.text()) == ("", "", "")
    assert dialog.demo.isVisible() and dialog.demo.isChecked()

    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # nothing filled in: refused, dialog stays
    assert "请填写发文机关" in dialog.error.text() and "请填写经办人姓名" in dialog.error.text()
    assert dialog.isVisible() and needed(window.ctx)

    type_answers(qtbot, dialog, "呼伦贝尔市科学技术局", "呼科发", "王敏")
    with qtbot.waitSignal(startup.finished, timeout=60000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert startup.dialog is None and not needed(window.ctx)
    settings = load_letter_settings()
    assert (settings.issuer, settings.code) == ("呼伦贝尔市科学技术局", "呼科发")
    store = window.ctx.store
    assert store.setting(CLERK_NAME_KEY) == "王敏"
    assert [b.id for b in store.batches()] == [startup.demo_batch]
    assert len(store.lines(startup.demo_batch)) > 20
    assert window.status.text().startswith(f"已载入演示数据：批次{startup.demo_batch}")
    assert asker.asked == []

    later = start(qtbot, window)  # the next start goes straight to work
    assert later.dialog is None and later.done


def test_later_asks_again_next_time_and_without_demo_no_batch(qtbot, window, asker):
    startup = start(qtbot, window)
    with qtbot.waitSignal(startup.finished):
        qtbot.mouseClick(startup.dialog.later, Qt.MouseButton.LeftButton)
    assert needed(window.ctx) and load_letter_settings().issuer == "××市科学技术局"

    again = start(qtbot, window)
    dialog = again.dialog
    type_answers(qtbot, dialog, "通辽市科学技术局", "通科发", "李四")
    dialog.demo.setChecked(False)
    with qtbot.waitSignal(again.finished):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not needed(window.ctx) and window.ctx.store.batches() == []
    assert window.ctx.settings.value(DONE_KEY, type=bool) is True


def test_answers_already_saved_are_filled_in_and_no_demo_is_offered_over_real_batches(qtbot, window, policies):
    from core.demo import load_demo_data
    from core.firstrun import FirstRunAnswers, save_answers

    store = window.ctx.store
    save_answers(store, FirstRunAnswers("包头市科学技术局", "包科发", "赵六"))
    load_demo_data(store, policies)
    dialog = start(qtbot, window).dialog
    assert (dialog.issuer.text(), dialog.code.text(), dialog.clerk.text()) == ("包头市科学技术局", "包科发", "赵六")
    assert not dialog.demo.isVisible() and not dialog.current().demo
    dialog.reject()


def test_an_upgraded_database_is_announced_in_the_status_bar(qtbot, tmp_path, monkeypatch, asker):
    from core.store import migrate
    from core.store.db import make_engine
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0002")
    engine.dispose()
    ctx = AppContext(url)
    ctx.settings.setValue(DONE_KEY, True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        startup = start(qtbot, window)
        assert startup.done and startup.dialog is None
        text = window.status.text()
        assert text.startswith(f"数据库已从结构版本0002升级到{migrate.head_revision()}，升级前的数据库已备份为 ")
        assert str(tmp_path / "data" / "backups") in text and text.endswith("-migrate.sqlite3")
    finally:
        ctx.close()


def test_a_database_of_a_newer_program_is_refused_before_the_window_opens(qtbot, tmp_path, monkeypatch, asker):
    import sqlite3

    from gui.context import AppContext
    from gui.firstrun import open_database

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    con.execute("INSERT INTO alembic_version VALUES ('9999')")
    con.commit()
    con.close()
    ctx = AppContext(f"sqlite:///{path}")
    assert open_database(ctx) is False
    ((kind, title, text),) = asker.asked
    assert (kind, title) == ("error", "无法打开数据库")
    assert "较新版本的程序创建" in text and str(tmp_path / "data") in text
    ctx.close()


def test_about_lists_version_folders_and_every_policy_document(qtbot, window):
    from core.paths import user_data_dir
    from core.version import __version__
    from gui.about import AboutDialog

    about = AboutDialog(window, window.ctx)
    qtbot.addWidget(about)
    docs = window.ctx.base_policies.documents
    assert about.documents.rowCount() == len(docs)
    titles = {about.documents.item(r, 0).text() for r in range(about.documents.rowCount())}
    assert titles == {d.title for d in docs.values()}
    assert about.places["数据文件夹"] == str(user_data_dir())
    assert about.places["数据库"].endswith("test.sqlite3")
    text = about.text()
    assert __version__ in text and "内政办发〔2021〕35号" in text


def test_help_menu_opens_the_log_folder(qtbot, window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from gui.errors import log_path

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    action = next(a for a in window.help_menu.actions() if a.text() == "打开日志文件夹(&L)")
    action.trigger()
    assert opened == [str(log_path().parent)] and log_path().parent.is_dir()


def test_when_the_folder_cannot_be_opened_the_clerk_is_told_where_it_is(qtbot, window, monkeypatch, asker):
    from PySide6.QtGui import QDesktopServices

    from gui.errors import log_path

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window.open_log_folder()
    assert asker.asked == [
        ("info", "打开日志文件夹", f"无法自动打开文件夹，请在资源管理器中打开：\n{log_path().parent}")
    ]


@pytest.mark.parametrize("code", [QDialog.DialogCode.Rejected])
def test_first_run_dialog_closed_by_the_window_button_counts_as_later(qtbot, window, code):
    startup = start(qtbot, window)
    with qtbot.waitSignal(startup.finished):
        startup.dialog.done(code)
    assert needed(window.ctx)
