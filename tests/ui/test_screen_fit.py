"""Every page and every dialog at 1366x768 and 1024x600 (a 40 px task bar below): every button on the screen.

Also after a 60-character company name has been shown, and with a window size saved on a larger screen
(issue 15, "Blocks work": the window grew to 1,607 px; the letters dialog opened at 1100x800).
"""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

from core.records import CompanyProfile
from core.uscc import check_character
from gui import screenfit
from gui_support import sample_batch, settle

TASKBAR = 40
SCREENS = {"1366x768": QRect(0, 0, 1366, 768 - TASKBAR), "1024x600": QRect(0, 0, 1024, 600 - TASKBAR)}
LONG_NAME = "内蒙古自治区呼伦贝尔市莫力达瓦达斡尔族自治旗北疆现代农牧业科技创新研究与成果转化应用示范有限责任公司"


@pytest.fixture(params=list(SCREENS))
def screen(request):
    previous = screenfit.set_screen(SCREENS[request.param])
    yield SCREENS[request.param]
    screenfit.set_screen(previous)


def global_rect(w: QWidget) -> QRect:
    return QRect(w.mapToGlobal(QPoint(0, 0)), w.size())


def scroller_of(w: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds ``w`` (its buttons are reached by scrolling)."""
    parent = w.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(w):
            return parent
        parent = parent.parentWidget()
    return None


def outside(top: QWidget, area: QRect) -> list[str]:
    """What of ``top`` (a window or dialog) lies outside ``area``: the window, its minimum, its visible buttons."""
    QApplication.processEvents()
    QApplication.processEvents()
    problems = []
    frame = top.frameGeometry()
    if not area.contains(frame):
        problems.append(f"{type(top).__name__} at {frame.getRect()}")
    if top.minimumSize().width() > area.width() or top.minimumSize().height() > area.height():
        problems.append(f"{type(top).__name__} minimum {top.minimumSize().toTuple()}")
    for b in top.findChildren(QAbstractButton):
        if not b.isVisible() or b.window() is not top:
            continue
        holder = scroller_of(b)
        reach = global_rect(holder) if holder is not None else global_rect(b)
        if not area.contains(reach):
            problems.append(f"{b.text() or b.objectName() or type(b).__name__} at {reach.getRect()}")
    return problems


def page_width_fits(window) -> list[str]:
    """A page never needs a sideways scroll bar: its minimum width fits the window."""
    holder = window.stack.currentWidget().parentWidget().parentWidget()
    page = window.stack.currentWidget()
    if page.minimumSizeHint().width() > holder.viewport().width():
        return [f"{type(page).__name__} needs {page.minimumSizeHint().width()} px, has {holder.viewport().width()}"]
    return []


def long_named_company(window) -> int:
    store = window.ctx.store
    first17 = "91150722MA0TEN6QX"[:17]
    return store.add_company(
        CompanyProfile(
            uscc=first17 + check_character(first17),
            name=LONG_NAME[:60],
            city="hulunbuir",
            county="莫力达瓦达斡尔族自治旗",
            size="small_micro",
        )
    )


def test_the_window_saved_on_a_larger_screen_fits(screen, qtbot, tmp_path, monkeypatch, asker):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    ctx = AppContext(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    ctx.warm_up()
    big = MainWindow(ctx)
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 1280, 760)
    ctx.settings.setValue("window/geometry", big.saveGeometry())
    big.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    assert outside(again, screen) == []
    ctx.close()


def test_every_page_fits_after_a_long_company_name(screen, qtbot, window, asker):
    company_id = long_named_company(window)
    page = window.show_page("companies")
    settle(qtbot)
    panel = page.open_company(company_id)
    QApplication.processEvents()
    assert panel.title.full_text() == LONG_NAME[:60]
    assert panel.title.toolTip() == LONG_NAME[:60]
    assert outside(window, screen) == []
    assert page_width_fits(window) == []
    sample_batch(window)
    for key, _label, _ in window.pages:
        window.show_page(key)
        settle(qtbot)
        assert outside(window, screen) == [], key
        assert page_width_fits(window) == [], key
    page = window.show_page("companies")
    page.show_list()
    assert outside(window, screen) == []


def dialogs(qtbot, window, asker):
    """Each dialog of the program, opened the way a clerk opens it (yields them one at a time)."""
    store, ctx = window.ctx.store, window.ctx
    company_id = long_named_company(window)
    companies = window.show_page("companies")
    settle(qtbot)
    yield companies.add_company()
    panel = companies.open_company(company_id)
    for opener in (panel.add_recognition, panel.add_tech_sme, panel.add_rd_year, panel.add_ledger_entry):
        yield opener()
    policies = window.show_page("policies")
    yield policies.add_override()
    batches = window.show_page("batches")
    settle(qtbot)
    yield batches.import_workbook()
    batch_id = sample_batch(window)
    batches.refresh(select=batch_id)
    settle(qtbot)
    yield batches.approve()
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    batches.refresh(select=batch_id)
    settle(qtbot)
    yield batches.adjust()
    yield window.open_letters(batch_id)
    from gui.about import AboutDialog
    from gui.firstrun import FirstRunDialog
    from gui.letters.settings_dialog import LetterSettingsDialog
    from gui.login import FirstAdminDialog, LoginDialog
    from gui.users import UserFormDialog, UsersDialog

    yield LetterSettingsDialog(window)
    yield FirstRunDialog(window, store, has_batches=False)
    yield AboutDialog(window, ctx)
    yield FirstAdminDialog(store, window)
    yield LoginDialog(store, window)
    yield UsersDialog(store, window)
    yield UserFormDialog(store, UserFormDialog.NEW, parent=window)
    from gui.backups import BackupsDialog
    from gui.manual import ManualDialog

    yield BackupsDialog(window)
    yield ManualDialog(window, "batches")


def test_every_dialog_fits(screen, qtbot, window, asker):
    asker.answers = [True] * 5
    seen = 0
    for dialog in dialogs(qtbot, window, asker):
        assert dialog is not None
        if not dialog.isVisible():
            dialog.show()
        QApplication.processEvents()
        assert outside(dialog, screen) == [], type(dialog).__name__
        assert outside(window, screen) == []
        dialog.close()
        seen += 1
    assert seen == 19


def test_every_window_class_of_the_program_fits_itself():
    """There is no event filter on the whole application (issue 14: it ran Python for every event of every
    widget), so each window or dialog class of the program is fitted by its own ``FitsScreen``."""
    import importlib
    import pkgutil

    from PySide6.QtWidgets import QDialog, QMainWindow

    import gui

    for module in pkgutil.walk_packages(gui.__path__, "gui."):
        importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    ours = {c for base in (QDialog, QMainWindow) for c in below(base) if c.__module__.startswith("gui.")}
    assert len(ours) >= 20
    assert sorted(c.__qualname__ for c in ours if not issubclass(c, screenfit.FitsScreen)) == []
