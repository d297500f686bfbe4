"""Keep Python's garbage collector (and the GIL) from freezing the window.

A full (generation 2) collection walks every tracked object and holds the
GIL while it does, whichever thread triggered it. A 10,000-company batch is
calculated, checked and imported in worker processes now (gui/workerprocess.py),
but the batches page still reads the batch's 20,000 award lines (and their
traces) on a thread of the window's process, and the window keeps them: with
this policy switched off the window stopped for 1.1-1.5 s during each
recalculation, and without ``drop_later`` for up to 120 ms on a CPU
(bench/gui_block_bench.py, December 2026). So:

- while background work runs, full collections are put off (the young
  generations are still collected, which is where nearly all cyclic garbage
  dies); the work's temporaries are freed by reference counting when it ends;
- when the last piece of work ends, the young generations are collected and
  what is left (what the screens keep: a batch's lines, the policies, Qt's
  wrappers) is frozen (``gc.freeze``): later full collections skip it, so
  they stay short. Frozen objects are still freed by reference counting when
  a screen lets go of them; only cyclic garbage that was already old when
  frozen is kept, which bench/gui_block_bench.py watches (memory growth over
  repeated calculations).

While work runs the interpreter also switches threads every millisecond
instead of every five: each call from Qt into Python (a model's data(), a
slot) must take the GIL back from the worker, and painting one screen makes
dozens of such calls, each of which waited up to the switch interval.
"""

from __future__ import annotations

import functools
import gc
import sys
import threading
import time

QUIET_GEN2 = 1_000_000  # generation-1 collections before a full one: never, in practice
BUSY_SWITCH_INTERVAL = 0.001  # seconds
DROP_STEP, DROP_PAUSE = 100, 0.002  # items freed, then a pause (seconds)

_busy = 0
_normal: tuple[int, int, int] | None = None
_normal_switch: float | None = None


def work_started() -> None:
    """Background work begins (GUI thread)."""
    global _busy, _normal, _normal_switch
    if _busy == 0:
        _normal = gc.get_threshold()
        gc.set_threshold(_normal[0], _normal[1], QUIET_GEN2)
        _normal_switch = sys.getswitchinterval()
        sys.setswitchinterval(min(_normal_switch, BUSY_SWITCH_INTERVAL))
    _busy += 1


def work_finished() -> None:
    """Background work ended (GUI thread); after the last one, freeze what survived."""
    global _busy
    _busy = max(_busy - 1, 0)
    if _busy == 0:
        settle()


def settle() -> None:
    gc.collect(1)
    gc.freeze()
    if _normal is not None:
        gc.set_threshold(*_normal)
    if _normal_switch is not None:
        sys.setswitchinterval(_normal_switch)
    give_back_memory()


def give_back_memory() -> None:
    """Hand the memory freed by the last piece of work back to the system (glibc; elsewhere nothing).

    A batch's lines are read on worker threads, and glibc keeps what a thread's heap arena freed for
    later: without this the window's resident memory grew by about 110 MB at each recalculation of a
    10,000-company batch, while the memory its Python objects held stayed the same
    (bench/gui_memory_bench.py). ``malloc_trim`` runs on a thread of its own (ctypes lets go of the GIL).
    """
    trim = _malloc_trim()
    if trim is not None:
        threading.Thread(target=trim, args=(0,), name="malloc-trim", daemon=True).start()


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def drop_later(*lists) -> None:
    """Let go of big lists on a worker thread, one item at a time.

    Freeing a batch's 20,000 award lines (and their traces) at once took the
    GUI thread 100 ms; freed item by item on another thread, the interpreter
    switches back to the GUI thread between items.
    """
    lists = [l for l in lists if l]
    if lists:
        threading.Thread(target=drop, args=lists, name="drop-later", daemon=True).start()


def drop(*lists) -> None:
    """Empty big lists one item at a time, pausing between steps (on a worker thread: see drop_later)."""
    for items in lists:
        while items:
            for _ in range(min(DROP_STEP, len(items))):
                items.pop()
            time.sleep(DROP_PAUSE)  # leave the interpreter to the GUI thread most of the time
