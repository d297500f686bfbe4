"""Python's cyclic garbage collector, set for a process that does bulk work and then ends.

A headless command (``python main.py calc`` ...) and the calculation's worker
process (gui/calcworker.py) make millions of objects that live until the
work is done, and almost no reference cycles (tests/test_engine_memory.py).
With the default thresholds (700, 10, 10) the collector walked them again and
again: 3.8 of the 11.2 CPU seconds of calculating 10,000 companies. With
BULK_THRESHOLDS it took 0.7 s, and the peak memory was the same (414 and 416 MB):
there was no cyclic garbage to free earlier. Measured with bench/pipeline_bench.py.
"""

from __future__ import annotations

import gc

# A young collection every 50,000 new container objects (not 700); the older generations in proportion.
BULK_THRESHOLDS = (50_000, 20, 100)


def bulk_work() -> None:
    """Collect rarely for the rest of this process."""
    gc.set_threshold(*BULK_THRESHOLDS)
