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


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions to the log and a dialog instead of a silent crash."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        detail = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("未处理的异常\n%s", detail)
        from gui.ask import ask

        ask().error(parent_getter(), "程序出错",
                    f"程序遇到意外错误，已记录到日志文件：\n{log_path()}\n\n可以继续使用；如反复出现，请把详情复制给技术支持。",
                    detail)

    sys.excepthook = hook
