"""Long work off the GUI thread, with a progress bar and a cancel button.

Like Anki's operations: the work is a plain function ``fn(report, cancelled)``
run on a worker thread; ``report(done, total, text)`` moves the progress bar,
``cancelled()`` tells it the clerk pressed 取消 (it should then raise
:class:`core.progress.Cancelled`). Success and failure callbacks run on the
main thread. The window never freezes.

Two entry points on Anki's pattern (``QueryOp`` and ``CollectionOp``): :func:`run_read`
only reads; :func:`run_change` changes the store, and on success broadcasts what the
change touched (the store's ``last_changes``, read on the worker right after the work) through
``ctx.changed`` so that each screen refreshes only what it shows.
"""

from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog
from shiboken6 import isValid

from core.progress import Cancelled
from core.store.changes import NOTHING
from gui import gcpolicy
from gui.errors import show_failure
from gui.screenfit import keep_inside


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


COURTESY_EVERY, COURTESY_PAUSE = 0.02, 0.001  # seconds
_courtesy = threading.local()


def courtesy() -> None:
    """Sleep a millisecond once every 20 ms of background work, so the window gets the interpreter.

    A worker that reads SQLite releases the GIL around every row and takes it
    straight back, before the waiting GUI thread has woken up; the GUI thread
    then sees "a switch happened" and never asks for the GIL to be dropped,
    and the window could wait a third of a second (bench/gui_block_bench.py).
    A real pause hands it over; it costs the work about 5%. A big calculation or
    import runs in a worker process (gui/workerprocess.py) and never gets here;
    the pause stays for the work that still runs on a thread and reports its
    progress (a batch or workbook below the process thresholds).
    """
    now = time.monotonic()
    last = getattr(_courtesy, "at", None)
    if last is None:
        _courtesy.at = now
    elif now - last >= COURTESY_EVERY:
        time.sleep(COURTESY_PAUSE)
        _courtesy.at = time.monotonic()


class _Job(QRunnable):
    def __init__(self, fn, signals: _Signals, stop: threading.Event):
        super().__init__()
        self.fn, self.signals, self.stop = fn, signals, stop
        self._last = 0.0

    def cancelled(self) -> bool:
        """Asked by the work between its steps: also where it lets the window have the interpreter."""
        courtesy()
        return self.stop.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        courtesy()
        now = time.monotonic()
        if now - self._last >= 0.05 or done >= total:
            self._last = now
            self.signals.progressed.emit(int(done), int(total), text)

    def run(self) -> None:
        try:
            result = self.fn(self.report, self.cancelled)
        except Cancelled:
            self._emit(self.signals.cancelled)
        except BaseException as exc:  # reported on the main thread, never lost
            if self.stop.is_set() and type(exc).__name__ == "Cancelled":  # the store's own Cancelled
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.failed, exc, traceback.format_exc())
        else:
            self._emit(self.signals.succeeded, result)

    @staticmethod
    def _emit(signal, *args) -> None:
        """Report, unless the program quit meanwhile and took the receiving side with it."""
        try:
            signal.emit(*args)
        except RuntimeError as exc:
            if "deleted" not in str(exc):
                raise


class Operation:
    """One piece of background work with its progress dialog."""

    running: set[Operation] = set()

    def __init__(
        self,
        parent,
        title: str,
        fn,
        *,
        on_success=None,
        on_failure=None,
        on_cancel=None,
        on_progress=None,
        progress: bool = True,
        cancellable: bool = True,
    ):
        """``progress=False`` shows no dialog (the screen shows progress itself through ``on_progress``)."""
        self.parent, self.title, self.fn = parent, title, fn
        self.on_success, self.on_failure, self.on_cancel = on_success, on_failure, on_cancel
        self.on_progress = on_progress
        self.stop = threading.Event()
        self.signals = _Signals()
        self.dialog = None
        if progress:
            self.dialog = keep_inside(QProgressDialog(title, "取消" if cancellable else None, 0, 0, parent))
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self.signals.progressed.connect(self._progressed)
        self.signals.succeeded.connect(self._succeeded)
        self.signals.failed.connect(self._failed)
        self.signals.cancelled.connect(self._cancelled)

    def start(self) -> Operation:
        Operation.running.add(self)
        gcpolicy.work_started()
        QThreadPool.globalInstance().start(_Job(self.fn, self.signals, self.stop))
        return self

    def cancel(self) -> None:
        self.stop.set()
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消…")

    def _progressed(self, done: int, total: int, text: str) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total, text)
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)
            if text:
                self.dialog.setLabelText(text)

    def _finish(self) -> None:
        if self.dialog is not None and isValid(self.dialog):  # deleted with its parent if that closed first
            self.dialog.close()
        if self in Operation.running:
            Operation.running.discard(self)
            gcpolicy.work_finished()

    def _succeeded(self, result) -> None:
        self._finish()
        if self.on_success:
            self.on_success(result)

    def _failed(self, exc, detail: str) -> None:
        self._finish()
        if self.on_failure:
            self.on_failure(exc)
            return
        show_failure(self.parent, self.title, exc, detail)

    def _cancelled(self) -> None:
        self._finish()
        if self.on_cancel:
            self.on_cancel()


class ReadOp(Operation):
    """Background work that only reads: its result goes to ``on_success``; nothing is broadcast."""


class ChangeOp(Operation):
    """Background work that changes the store: ``fn`` returns its result; on success the screens are told.

    The store's ``last_changes`` is read on the worker as soon as ``fn`` returns (another change committed
    later on another thread would replace it; a work that makes several changes is reported by its last,
    and one that changed nothing by ``NOTHING``). Then on the main thread ``ctx.changed(changes, initiator)``
    runs before ``on_success(result)``. ``initiator`` (a screen) is not told of its own change: it
    refreshes itself in ``on_success``, usually with more to say (the row to select).
    ``touched(result)``, if given, adds what the work knows it changed beyond the store's last change (a
    calculation in a worker process, several changes in one work).
    """

    def __init__(self, ctx, parent, title: str, fn, *, initiator=None, touched=None, **kwargs):
        self.ctx, self.initiator, self.touched = ctx, initiator, touched
        self.changes = None
        on_success = kwargs.pop("on_success", None)
        super().__init__(parent, title, self._work(fn), on_success=self._changed, **kwargs)
        self.after_change = on_success

    def _work(self, fn):
        ctx = self.ctx

        def work(report, cancelled):
            store = ctx.store
            before = store.last_changes
            result = fn(report, cancelled)
            after = store.last_changes
            changes = NOTHING if after is before else after
            return result, (changes if self.touched is None else changes | self.touched(result))

        return work

    def _changed(self, outcome) -> None:
        result, self.changes = outcome
        self.ctx.changed(self.changes, initiator=self.initiator)
        if self.after_change is not None:
            self.after_change(result)


def run_read(parent, title: str, fn, **kwargs) -> ReadOp:
    """Start ``fn(report, cancelled)`` that only reads (see :class:`Operation` for the keywords)."""
    return ReadOp(parent, title, fn, **kwargs).start()


def run_change(ctx, parent, title: str, fn, **kwargs) -> ChangeOp:
    """Start ``fn(report, cancelled)`` that changes the store; its Changes reach every other screen."""
    return ChangeOp(ctx, parent, title, fn, **kwargs).start()
