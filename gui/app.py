"""Start the desktop program: ``python main.py [--db URL] [--data-dir DIR]``."""

from __future__ import annotations

import argparse
import os
import sys


def _parse(args):
    p = argparse.ArgumentParser(prog="main.py")
    p.add_argument("--db", help="数据库地址（SQLAlchemy URL）")
    p.add_argument("--data-dir", help="数据目录（数据库、备份、日志、设置）")
    return p.parse_args(args)


def _font(app) -> None:
    from PySide6.QtGui import QFont, QFontDatabase

    families = set(QFontDatabase.families())
    for name in (
        "Microsoft YaHei UI",
        "Microsoft YaHei",
        "WenQuanYi Micro Hei",
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
    ):
        if name in families:
            font = QFont(name)
            font.setPointSize(10)
            app.setFont(font)
            return


def app_icon():
    """The program's icon (resources/icons, drawn by scripts/make_icon.py)."""
    from PySide6.QtGui import QIcon

    from core.paths import RESOURCES

    icons = RESOURCES / "icons"
    icon = QIcon()
    for name in ("kjjb.ico", "kjjb.png"):
        if (icons / name).exists():
            icon.addFile(str(icons / name))
    return icon


def _qt_translations(app) -> None:
    """Qt's own words (standard buttons, context menus) in Simplified Chinese."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)


def run(args) -> int:
    opts = _parse(args)
    if opts.data_dir:
        os.environ["KJJB_DATA_DIR"] = opts.data_dir
    from PySide6.QtWidgets import QApplication

    from core.version import APP_NAME, __version__
    from gui.errors import install_excepthook, setup_logging

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("kjjb")
    app.setWindowIcon(app_icon())
    _qt_translations(app)
    _font(app)
    setup_logging()
    from gui.context import AppContext
    from gui.firstrun import open_database, start
    from gui.mainwindow import MainWindow

    from gui.login import login_at_start

    ctx = AppContext(opts.db)
    if not open_database(ctx):
        return 1
    if not login_at_start(ctx):  # the first administrator, or who is using the program
        ctx.close()
        return 0
    window = MainWindow(ctx)
    install_excepthook(lambda: window)
    if ctx.db_ready() and ctx.store is not None:
        from gui.lock import InactivityLock

        window.lock = InactivityLock(window, ctx.store)  # the same user's password after idle minutes
    window.show()
    start(window)
    code = app.exec()
    ctx.close()
    return code
