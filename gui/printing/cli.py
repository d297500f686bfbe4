"""The ``letters`` command (registered by core.letters.commands): PDFs for a batch, without a window."""

from __future__ import annotations

import getpass
import os
import sys
import time

from core.cli import EXIT_BAD_INPUT, EXIT_FAIL, EXIT_OK, CliError
from core.letters.batch import prepare_letters
from core.letters.errors import LetterError
from core.letters.settings import is_default, load_letter_settings


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment
        return "未知"


def _open_store(url):
    """The store the command reads (tests put an in-memory one here)."""
    from core.store import open_store

    return open_store(url)


def _gui_application():
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if sys.platform != "win32" and not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(sys.argv[:1])
    return app


def _store_error(exc: Exception) -> bool:
    return type(exc).__module__.startswith("core.store") or isinstance(exc, LookupError)


def run(args) -> int:
    _gui_application()
    from gui.printing.fonts import resolve_font
    from gui.printing.output import export_letters

    started = time.perf_counter()
    store = _open_store(getattr(args, "db", None))
    try:
        try:
            settings = load_letter_settings()
            batch = prepare_letters(store, args.batch, settings)
            font = resolve_font(settings.fonts)
        except LetterError as exc:
            raise CliError(str(exc)) from None
        except Exception as exc:
            if _store_error(exc):  # a tamper alarm exits 1, as the store's other commands do
                raise CliError(str(exc), getattr(exc, "exit_code", EXIT_BAD_INPUT)) from None
            raise
        if is_default(settings):
            print(
                "注意：兑现通知书设置仍是出厂示例（发文机关“××市科学技术局”），请在程序的“工具 → 兑现通知书设置”中填写本单位信息",
                file=sys.stderr,
            )
        for w in batch.withheld:
            print(f"未出具 {w.doc_number or '（无文号）'} {w.company_name}：{w.reason}", file=sys.stderr)
        for warning in batch.warnings:
            print(f"注意：{warning}", file=sys.stderr)
        if not batch.letters:
            print("没有可以出具的兑现通知书", file=sys.stderr)
            return EXIT_FAIL
        try:
            paths = export_letters(batch.letters, args.output, font, merged=args.merged)
        except OSError as exc:
            raise CliError(f"无法写入{args.output}：{exc.strerror or exc}", EXIT_FAIL) from None
        who = args.who or current_user()
        for letter in batch.letters:
            store.record_letter_issue(batch.batch.id, letter.uscc, "pdf", who)
    finally:
        store.close()
    seconds = time.perf_counter() - started
    where = paths[0] if args.merged else args.output
    print(
        f"已生成{len(batch.letters)}份兑现通知书（{batch.letters[0].doc_number}至{batch.letters[-1].doc_number}），"
        f"共{len(paths)}个PDF文件：{where}（用时{seconds:.1f}秒）"
    )
    return EXIT_OK
