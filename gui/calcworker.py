"""Calculating a batch in a worker process, so the window keeps the interpreter to itself.

On a thread, a 10,000-company calculation held the GIL (and made garbage
collections of millions of objects) in the window's own process; the window
then waited for the interpreter. In a process of its own (``spawn``: the same
on Windows, Linux and a frozen build) the calculation runs :meth:`Store.calculate`
on its own connection to the same database, as the logged-in user, and sends
back progress and the summary; the clerk's 取消 sets an event it asks between
companies. When the process ends, all its memory goes back to the system.

A batch of fewer than PROCESS_FROM companies is calculated on the thread as
before: starting a process costs about a second (bench/pipeline_bench.py's
calc step is a process start too), more than such a batch takes.
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

PROCESS_FROM = 2_000  # companies in the batch
REPORT_EVERY = 0.05  # seconds between progress messages from the worker
POLL = 0.05  # seconds the waiting thread sleeps between looks at the worker


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
            return None  # then the calculation runs on the thread, as before
        ctx.set_executable(str(candidate))
    return ctx


def calculate(store, batch_id: int, policies, report, cancelled, companies: int | None = None):
    """``store.calculate(batch_id, policies, report, cancelled)``, in a worker process for a big batch.

    ``companies`` is the batch's size where the caller knows it (None: a process).
    """
    ctx = worker_context() if companies is None or companies >= PROCESS_FROM else None
    if ctx is None or store.url.endswith(":memory:"):
        return store.calculate(batch_id, policies, report, cancelled)
    return _in_process(ctx, store, batch_id, policies, report, cancelled)


def _in_process(ctx, store, batch_id, policies, report, cancelled):
    messages, stop = ctx.Queue(), ctx.Event()
    job = {
        "url": store.url,
        "vocabulary": store.vocabulary,
        "user": store.user,
        "batch_id": batch_id,
        "policies": policies,
    }
    worker = ctx.Process(target=work, args=(pickle.dumps(job), messages, stop), name="kjjb-calculate", daemon=True)
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
                        raise RuntimeError(f"计算进程意外退出（退出码{worker.exitcode}），批次结果未改变") from None
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
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()
            worker.join()
        messages.close()


def work(job_bytes: bytes, messages, stop) -> None:
    """The worker process: open the store, calculate, send back the summary (or what went wrong)."""
    from core.collector import bulk_work
    from core.store import open_store

    bulk_work()
    job = pickle.loads(job_bytes)
    store = open_store(job["url"], check=False, vocabulary=job["vocabulary"])
    store.user = job["user"]
    store.on_unverified = lambda text: messages.put(("unverified", text))
    last = [0.0]

    def progress(done, total, text=""):
        now = time.monotonic()
        if now - last[0] >= REPORT_EVERY or (total and done >= total):
            last[0] = now
            messages.put(("progress", done, total, text))

    try:
        summary = store.calculate(job["batch_id"], job["policies"], progress, stop.is_set)
    except Cancelled:
        messages.put(("cancelled",))
    except BaseException as exc:  # sent to the window, which shows it as from a thread
        messages.put(("failed", _picklable(exc)))
    else:
        messages.put(("done", summary))
    finally:
        store.close()
        messages.close()
        messages.join_thread()


def _picklable(exc: BaseException) -> bytes:
    """The exception itself when it survives pickling, else a RuntimeError with its message and traceback."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return pickle.dumps(RuntimeError(f"计算进程出错：{text}"))
