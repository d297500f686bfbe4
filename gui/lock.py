"""Locking the program after inactivity: on a PC several clerks share, nobody works under another's name.

After ``store.lock_minutes()`` minutes (setting ``security.lock_minutes``,
default 10) without a key press or mouse action anywhere in the program, the
main window is hidden and the lock screen asks for the same user's password
(gui.login.LoginDialog, slowed down after wrong passwords like the login).
退出程序 on the lock screen closes the main window. Nothing locks while no
user is logged in (a database without users).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

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
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

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
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
