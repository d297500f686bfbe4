"""Windows and dialogs that fit the screen they are on (a county PC may have 1024x600 or 1366x768).

Every top-level window is clamped into the screen's available area as it is
shown: a size saved on a larger screen, or asked for by a dialog, shrinks to
what is there, and the window moves so its edges (and its buttons) can be
reached. Content taller than that scrolls (``scrolling``) instead of pushing
the window's minimum size past the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

_override: QRect | None = None  # tests simulate a screen size here


def set_screen(rect: QRect | None) -> QRect | None:
    """Pretend the available screen area is ``rect`` (tests); returns the previous pretence."""
    global _override
    previous, _override = _override, rect
    return previous


def available(widget: QWidget | None = None) -> QRect:
    """The available area (without the task bar) of the screen ``widget`` is on."""
    if _override is not None:
        return QRect(_override)
    screen = widget.screen() if widget is not None else None
    screen = screen or QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 600)


def frame_margins(widget: QWidget) -> QSize:
    """How much the window frame adds to the client size (title bar, borders)."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width`` x ``height``, or to the screen's available area where that is smaller."""
    area, extra = available(widget), frame_margins(widget)
    widget.resize(min(width, area.width() - extra.width()), min(height, area.height() - extra.height()))


def clamp(widget: QWidget) -> None:
    """Shrink ``widget`` to the available area and move it inside, so every edge can be reached."""
    area, extra = available(widget), frame_margins(widget)
    limit = QSize(area.width() - extra.width(), area.height() - extra.height())
    size = widget.size().boundedTo(limit).expandedTo(widget.minimumSize().boundedTo(limit))
    if size != widget.size():
        widget.resize(size)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    x, y = max(x, area.left()), max(y, area.top())
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area: taller than the screen, it scrolls instead of growing the window."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


class ScreenFitter(QObject):
    """Clamps every top-level window into the screen as it is shown (installed once on the application)."""

    def eventFilter(self, obj, event) -> bool:
        # every event of the application passes here: the cheap tests first (event.type() makes a Python enum,
        # which over the thousands of events of a page's first showing cost it some 10-30 ms)
        if (
            isinstance(obj, QWidget)
            and obj.isWindow()
            and event.type() == QEvent.Type.Show
            and obj.windowType() in (Qt.WindowType.Dialog, Qt.WindowType.Window, Qt.WindowType.Sheet)
        ):
            clamp(obj)
            QTimer.singleShot(0, obj, lambda: clamp(obj))  # again once the frame (title bar) is known
        return False


_fitter: ScreenFitter | None = None


def install() -> None:
    """Clamp every window shown from now on (once per application)."""
    global _fitter
    app = QApplication.instance()
    if _fitter is None and app is not None:
        _fitter = ScreenFitter(app)
        app.installEventFilter(_fitter)
