"""Unexpected exceptions: logged to a file and shown with a way to copy the details."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from core.paths import user_data_dir

log = logging.getLogger("kjjb")


def log_path() -> Path:
    return user_data_dir() / "logs" / "kjjb.log"


def setup_logging() -> Path:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not any(isinstance(h, RotatingFileHandler) for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def clerk_message(exc: BaseException) -> str | None:
    """The Chinese message of an error meant for the clerk (bad input, a refusal of the store, a file that
    cannot be written), or None for an unexpected error (a bug: log it and show the details)."""
    if isinstance(exc, ValueError):  # WorkbookError, ExportError, LetterError, MoneyError, FieldError ...
        return str(exc)
    if any(c.__name__ == "StoreError" and c.__module__.startswith("core.store") for c in type(exc).__mro__):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"没有权限读写“{exc.filename or ''}”：文件可能正在其他程序中打开，或文件夹不允许写入"
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件“{exc.filename or ''}”"
    return None


def is_tampered(exc: BaseException) -> bool:
    """Whether the store refused because a row was changed behind the program's back (core.store Tampered)."""
    return any(c.__name__ == "Tampered" and c.__module__.startswith("core.store") for c in type(exc).__mro__)


def show_alarm(parent, exc: BaseException) -> None:
    """A tamper refusal gets its own dialog, never the ordinary error's, and goes to the log as an error."""
    from gui.ask import ask

    log.error("数据篡改警报：%s", exc)
    ask().alarm(parent, "数据篡改警报", str(exc))


def show_failure(parent, title: str, exc: BaseException, detail: str = "") -> None:
    """Tell the clerk what went wrong: their message for known refusals, else logged with copyable details."""
    from gui.ask import ask

    if is_tampered(exc):
        show_alarm(parent, exc)
        return
    message = clerk_message(exc)
    if message is not None:
        log.info("%s：%s", title, message)
        ask().error(parent, title, message)
        return
    detail = detail or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("%s 失败\n%s", title, detail)
    ask().error(
        parent,
        title,
        f"{title}时程序出错（{type(exc).__name__}），已记录到日志文件：\n{log_path()}\n\n"
        f"可以继续使用；如反复出现，请点“复制详情”发给技术支持。",
        detail,
    )


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions to the log and a dialog instead of a silent crash."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        detail = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("未处理的异常\n%s", detail)
        from gui.ask import ask

        ask().error(
            parent_getter(),
            "程序出错",
            f"程序遇到意外错误，已记录到日志文件：\n{log_path()}\n\n可以继续使用；如反复出现，请把详情复制给技术支持。",
            detail,
        )

    sys.excepthook = hook
