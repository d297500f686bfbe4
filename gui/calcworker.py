"""Calculating a batch in a worker process (gui/workerprocess.py), so the window keeps the interpreter to itself.

The worker runs :meth:`Store.calculate` on its own connection to the same
database, as the logged-in user, and sends back progress and the summary; the
clerk's 取消 sets an event it asks between companies.

A batch of fewer than PROCESS_FROM companies is calculated on the thread as
before: starting a process costs about a second (bench/pipeline_bench.py's
calc step is a process start too), more than such a batch takes.
"""

from __future__ import annotations

from gui import workerprocess
from gui.workerprocess import worker_context

PROCESS_FROM = 2_000  # companies in the batch


def calculate(store, batch_id: int, policies, report, cancelled, companies: int | None = None):
    """``store.calculate(batch_id, policies, report, cancelled)``, in a worker process for a big batch.

    ``companies`` is the batch's size where the caller knows it (None: a process).
    """
    ctx = worker_context() if companies is None or companies >= PROCESS_FROM else None
    if ctx is None or not workerprocess.usable(store):
        return store.calculate(batch_id, policies, report, cancelled)
    return _in_process(ctx, store, batch_id, policies, report, cancelled)


def _in_process(ctx, store, batch_id, policies, report, cancelled):
    args = {"batch_id": batch_id, "policies": policies}
    return workerprocess.run(
        ctx,
        store,
        _calculate,
        args,
        report,
        cancelled,
        name="kjjb-calculate",
        what="计算进程",
        unchanged="批次结果未改变",
    )


def _calculate(store, args, report, cancelled):
    """The worker's job."""
    return store.calculate(args["batch_id"], args["policies"], report, cancelled)
