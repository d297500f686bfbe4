"""What the engine leaves behind: its results, and no reference cycles.

A calculation may therefore pause Python's cyclic collector while it
evaluates (bench/engine_bench.py measures with it paused, and once with it
running): nothing the engine drops waits for the collector.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from core.engine import Context, evaluate_company  # noqa: E402


def test_evaluating_companies_with_earlier_batches_makes_no_cyclic_garbage(policies):
    from engine_cases import scaled_cases

    cases = scaled_cases(120, policies, earlier=True)
    ctx = Context(policies, 2026)
    gc.collect()
    gc.collect()  # what finalizers run by the first freed (a store's engine closed: core/store/store.py)
    gc.disable()
    try:
        results = [evaluate_company(case, ctx) for case in cases]
        found = gc.collect()
    finally:
        gc.enable()
    assert sum(len(r.lines) for r in results) > 100 and sum(len(r.excluded) for r in results) > 100
    assert found == 0
