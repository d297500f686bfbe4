"""Calculating a batch a chunk of companies at a time, so that memory does not grow with the batch.

Each chunk (CHUNK_COMPANIES companies) is read in a short transaction of its
own (core.store.calc_cases), evaluated, and its outcomes (core.store.calc.Outcome)
are pickled to a temporary file, the :class:`Spool`; then the chunk is
dropped. The write then reads the spool back a chunk at a time inside ONE
transaction (core.store.calc.write_outcomes), so a cancelled, failed or stale
run still writes nothing, and a killed process leaves the database as it was
(the temporary file goes with the process).

Peak memory of ``main.py calc`` on 100,000 companies: 387 MB (3.6 GB when every
case was loaded and every line written at once); 10,000: 183 MB (303 MB). Measured
with bench/calc_memory_bench.py and bench/pipeline_bench.py.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from core.engine import Context
from core.progress import Cancelled
from core.store.calc import Outcome, _evaluate_one, outcome
from core.store.calc_cases import CANCELLED, Plan, load_cases
from core.store.chunks import chunks

CHUNK_COMPANIES = 2_000  # companies read, evaluated and written together
# Below this many companies the spool stays in memory: 10,000 companies took 7.5 CPU seconds and 146 MB with
# the file, 6.1 s and 184 MB without (bench/calc_memory_bench.py 10000).
SPOOL_FILE_FROM = 10_001


class Spool:
    """The outcomes of a calculation in chunks: in memory while there is one, else in a temporary file.

    Iterating gives the chunks back in the order added (again on each iteration).
    """

    def __init__(self, in_memory: bool):
        self._chunks: list[list[Outcome]] | None = [] if in_memory else None
        self._file = None if in_memory else tempfile.TemporaryFile(prefix="kjjb-calc-")
        self._count = 0
        self.versions: dict[int, int] = {}  # {company id: history version its outcome was worked out from}

    def add(self, outcomes: list[Outcome]) -> None:
        for o in outcomes:
            self.versions[o.company_id] = o.version
        self._count += 1
        if self._chunks is not None:
            self._chunks.append(outcomes)
        else:
            assert self._file is not None
            pickle.dump(outcomes, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[list[Outcome]]:
        if self._chunks is not None:
            yield from self._chunks
            return
        assert self._file is not None
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # our own file, written above by this process

    def close(self) -> None:
        self._chunks = None
        if self._file is not None:
            self._file.close()


@contextmanager
def evaluated(store, plan: Plan, ctx: Context, progress=None, cancel=None, size: int | None = None) -> Iterator[Spool]:
    """The spooled outcomes of every company of ``plan``, evaluated ``size`` (CHUNK_COMPANIES) at a time.

    ``progress(done, total)`` is called as companies are done and ``cancel()`` is asked before each (and
    while a chunk is read); Cancelled is raised when it says so.
    """
    size = size or CHUNK_COMPANIES
    total = len(plan.company_ids)
    spool = Spool(in_memory=total < max(size + 1, SPOOL_FILE_FROM))
    try:
        if progress and not total:
            progress(0, 0)
        done = 0
        for ids in chunks(plan.company_ids, size):
            with store.reading() as s:
                loaded = load_cases(s, plan.batch_id, ids, store.vocabulary, cancel)
            if progress and done == 0:
                progress(0, total)  # once the first companies are read, as before the chunks
            outcomes = []
            for item in loaded:
                if cancel and cancel():
                    raise Cancelled(CANCELLED)
                outcomes.append(outcome(item, _evaluate_one(item, ctx)))
                done += 1
                if progress:
                    progress(done, total)
            del loaded
            spool.add(outcomes)
        if cancel and cancel():
            raise Cancelled(CANCELLED)
        yield spool
    finally:
        spool.close()
