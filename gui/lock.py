"""Locking the program after inactivity: on a PC several clerks share, nobody works under another's name.

After ``store.lock_minutes()`` minutes (setting ``security.lock_minutes``,
default 10) without a key press or mouse action anywhere in the program, the
main window is hidden and the lock screen asks for the same user's password
(gui.login.LoginDialog, slowed down after wrong passwords like the login).
退出程序 on the lock screen closes the main window. Nothing locks while no
user is logged in (a database without users).

Input is watched on the program's top-level windows (QWindow), where the
window system delivers every key press and mouse action before Qt passes it
to a widget: the main window, and each window that gets the focus (a dialog
as it opens). A filter on the whole application would run Python for every
event of every widget, painting and layout included.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QDialog

from gui.login import LoginDialog

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class InactivityLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, window, store, *, interval_ms: int | None = None):
        super().__init__(window)
        self.window, self.store = window, store
        self.dialog: LoginDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms if interval_ms is not None else store.lock_minutes() * 60_000)
        self.timer.timeout.connect(self.lock)
        window.winId()  # the main window's QWindow, made now if it was not shown yet
        self.watch(window.windowHandle())
        self._watching = QGuiApplication.instance().focusWindowChanged.connect(self.watch)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def watch(self, handle: QWindow | None) -> None:
        """Count input to ``handle`` (a top-level window) as activity; once per window (Qt keeps one filter)."""
        if handle is not None:
            handle.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() in ACTIVITY and self.dialog is None:
            self.timer.start()  # starts the idle time again
        return False

    def lock(self) -> None:
        if self.dialog is not None:
            return
        if self.store.user is None:
            self.timer.start()
            return
        self.window.hide()
        self.dialog = LoginDialog(self.store, None, locked=True)
        self.dialog.setObjectName("lock-dialog")
        self.dialog.finished.connect(self._finished)
        self.dialog.open()
        self.locked.emit()

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            self.stop()
            self.window.close()
            return
        self.window.show()
        self.timer.start()
        self.unlocked.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QGuiApplication.instance()
        if app is not None:
            QObject.disconnect(self._watching)
            for handle in app.topLevelWindows():
                handle.removeEventFilter(self)
