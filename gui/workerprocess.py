"""Work on the store in a worker process, so the window keeps the interpreter to itself.

On a thread, big work (a 10,000-company calculation, reading and importing a
10,000-company workbook) held the GIL and made garbage collections of millions
of objects in the window's own process; the window then waited for the
interpreter. In a process of its own (``spawn``: the same on Windows, Linux and
a frozen build) the work runs on its own connection to the same database, as
the logged-in user, and sends back progress and its result; the clerk's 取消
sets an event the work asks between its steps. When the process ends, all its
memory goes back to the system.

A job is a module-level function ``job(store, args, report, cancelled)`` of a
module that does not import Qt (the worker imports it again). Starting a
process costs about a second, so callers keep small work on the thread.

This module imports no Qt: the worker process imports it.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import sys
import time
import traceback
from pathlib import Path

from core.progress import Cancelled

REPORT_EVERY = 0.05  # seconds between progress messages from the worker
POLL = 0.05  # seconds the waiting thread sleeps between looks at the worker
STOP_WAIT = 10  # seconds a stopped worker has to end before it is killed


def worker_context():
    """The spawn context, or None where no Python interpreter can be started for the worker.

    The Windows launcher (installer/windows/launcher.c) always runs ``app\\main.py``, so the worker is
    started with the embedded ``pythonw.exe`` beside it instead.
    """
    ctx = multiprocessing.get_context("spawn")
    if (
        sys.platform == "win32"
        and not getattr(sys, "frozen", False)
        and Path(sys.executable).stem.lower() not in ("python", "pythonw")
    ):
        folders = (Path(sys.prefix), Path(sys.executable).parent / "python")  # the launcher's python\ folder
        candidate = next(
            (f / name for f in folders for name in ("pythonw.exe", "python.exe") if (f / name).is_file()), None
        )
        if candidate is None:
            return None  # then the work runs on the thread, as before
        ctx.set_executable(str(candidate))
    return ctx


def usable(store) -> bool:
    """Whether another process can open ``store``'s database (an in-memory one cannot)."""
    return not store.url.endswith(":memory:")


def run(ctx, store, job, args, report, cancelled, *, name: str, what: str, unchanged: str):
    """``job(store, args, report, cancelled)`` in a worker process started from ``ctx``; returns its result.

    ``what`` names the work in a message (计算进程), ``unchanged`` says what stayed as it was when the worker
    died (批次结果未改变). The worker's own exceptions are raised here as it raised them; 取消 raises
    :class:`Cancelled` once the worker has stopped.
    """
    messages, stop = ctx.Queue(), ctx.Event()
    worker = ctx.Process(
        target=serve,
        args=(job, pickle.dumps(_job(store, args)), messages, stop, what),
        name=name,
        daemon=True,
    )
    worker.start()
    try:
        while True:
            if cancelled():
                stop.set()
            try:
                kind, *payload = messages.get(timeout=POLL)
            except queue.Empty:
                if not worker.is_alive():
                    try:  # it may have sent its last message just before it ended
                        kind, *payload = messages.get(timeout=POLL)
                    except queue.Empty:
                        raise RuntimeError(f"{what}意外退出（退出码{worker.exitcode}），{unchanged}") from None
                else:
                    continue
            if kind == "progress":
                report(*payload)
            elif kind == "unverified":
                if store.on_unverified is not None:
                    store.on_unverified(payload[0])
            elif kind == "done":
                return payload[0]
            elif kind == "cancelled":
                raise Cancelled()
            else:  # failed
                raise pickle.loads(payload[0])
    finally:
        stop.set()
        worker.join(timeout=STOP_WAIT)
        if worker.is_alive():
            worker.kill()
            worker.join()
        messages.close()


def _job(store, args) -> dict:
    return {"url": store.url, "vocabulary": store.vocabulary, "user": store.user, "args": args}


def serve(job, job_bytes: bytes, messages, stop, what: str) -> None:
    """The worker process: open the store, run the job, send back its result (or what went wrong)."""
    from core.collector import bulk_work
    from core.store import open_store

    bulk_work()
    spec = pickle.loads(job_bytes)
    store = open_store(spec["url"], check=False, vocabulary=spec["vocabulary"])
    store.user = spec["user"]
    store.on_unverified = lambda text: messages.put(("unverified", text))
    last = [0.0]

    def progress(done, total, text=""):
        now = time.monotonic()
        if now - last[0] >= REPORT_EVERY or (total and done >= total):
            last[0] = now
            messages.put(("progress", done, total, text))

    try:
        result = job(store, spec["args"], progress, stop.is_set)
    except Cancelled:
        messages.put(("cancelled",))
    except BaseException as exc:  # sent to the window, which shows it as from a thread
        messages.put(("failed", _picklable(exc, what)))
    else:
        messages.put(("done", result))
    finally:
        store.close()
        messages.close()
        messages.join_thread()


def _picklable(exc: BaseException, what: str) -> bytes:
    """The exception itself when it survives pickling, else a RuntimeError with its message and traceback."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return pickle.dumps(RuntimeError(f"{what}出错：{text}"))
