"""The window first, the data after: the store is opened and the policies read on a worker thread.

Until they are ready a page is a placeholder saying what is happening; then
the real page is built in its place (and activated if it is the one shown).
Opening the database and reading the policy files takes most of a second, so
the window appears that much sooner and never freezes while it happens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from shiboken6 import isValid

from gui.operations import Operation


def placeholder(window, key: str) -> QLabel:
    """A stand-in for page ``key`` until the context is ready (the warm-up starts on the first one)."""
    holders = window.__dict__.setdefault("_placeholders", {})
    label = holders.get(key)
    if label is None:
        label = QLabel("正在打开数据库、读取政策文件…")
        label.setObjectName(f"placeholder-{key}")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #666666; font-size: 12pt;")
        holders[key] = label
        window.stack.addWidget(label)
    if not window.__dict__.get("_warming"):
        window._warming = True
        ctx = window.ctx
        Operation(
            window,
            "打开数据库",
            lambda report, cancelled: ctx.warm_up(),
            progress=False,
            on_success=lambda _r: _ready(window),
            on_failure=lambda exc: _failed(window, exc),
        ).start()
    return label


def _alive(window) -> bool:
    """False once the window was closed and deleted while the warm-up ran."""
    return isValid(window) and isValid(window.stack)


def _ready(window) -> None:
    if not _alive(window):
        return
    window._warming = False
    holders = window.__dict__.pop("_placeholders", {})
    shown = window.stack.currentWidget()
    for key, label in holders.items():
        page = window.page(key)
        if shown is label:
            window.stack.setCurrentWidget(page)
            if hasattr(page, "activated"):
                page.activated()
        window.stack.removeWidget(label)
        label.deleteLater()
    from gui.pages.lists import announce_entitled

    announce_entitled(window)  # 应享未享 counted for the navigation entry


def _failed(window, exc) -> None:
    from gui.errors import clerk_message, show_failure

    if not _alive(window):
        return
    window._warming = False
    text = clerk_message(exc) or f"程序出错（{type(exc).__name__}），详见日志文件"
    for label in window.__dict__.get("_placeholders", {}).values():
        label.setText(f"无法打开数据库或读取政策文件：\n{text}")
        label.setStyleSheet("color: #c62828; font-size: 11pt;")
        label.setWordWrap(True)
    show_failure(window, "打开数据库", exc)
