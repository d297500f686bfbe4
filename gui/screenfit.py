"""Windows and dialogs that fit the screen they are on (a county PC may have 1024x600 or 1366x768).

Every top-level window is clamped into the screen's available area as it is
shown: a size saved on a larger screen, or asked for by a dialog, shrinks to
what is there, and the window moves so its edges (and its buttons) can be
reached. Content taller than that scrolls (``scrolling``) instead of pushing
the window's minimum size past the screen.

The program's own windows and dialogs inherit ``FitsScreen`` (one call into
Python when one is shown); a dialog Qt builds (a print preview, a progress
dialog, a message box) is given ``keep_inside``, a filter on that dialog alone.
There is no filter on the whole application: one would run Python for every
event of every widget (a page's first showing took twice as long with it,
bench/gui_pages_bench.py).
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


def shown(widget: QWidget) -> None:
    """Clamp ``widget`` now (it is being shown) and again once the window system has put its frame around it."""
    clamp(widget)
    QTimer.singleShot(0, widget, lambda: clamp(widget))


class FitsScreen:
    """Mixin for a top-level window or dialog class (before the Qt class): clamped into the screen whenever shown."""

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.isWindow():
            shown(self)


class ScreenFitter(QObject):
    """Clamps the windows it filters (``keep_inside``) into the screen as they are shown."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            shown(obj)
        return False


_fitter: ScreenFitter | None = None


def keep_inside(widget: QWidget) -> QWidget:
    """Clamp ``widget`` (a dialog of Qt's own class) into the screen whenever it is shown; returns it.

    The filter sees that dialog's own events only, not its children's.
    """
    global _fitter
    if _fitter is None:
        _fitter = ScreenFitter(QApplication.instance())
    widget.installEventFilter(_fitter)
    return widget
