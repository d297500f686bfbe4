"""The calc step alone: CPU seconds and peak memory of ``main.py calc`` on N imported companies.

    python bench/calc_memory_bench.py N [--runs 3] [--source DIR] [--profile]

Imports bench/bigbatch.py's N-company workbook once into a SQLite file
(bench/benchdb.py, cached in the temp folder by N and checkout, as the import
is the slow part at 100,000), then per run copies that file and times ``python main.py
calc`` in its own process, as bench/pipeline_bench.py does. A bare
``python -c pass`` is timed in the same run as the baseline the ratio is
against (so figures from different runs compare). ``--profile`` runs the calc
once more under cProfile and prints the top functions by own time and the
areas of pipeline_bench.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from benchdb import copied, env, imported, main_command  # noqa: E402
from pipeline_bench import areas, timed  # noqa: E402


def calc_run(n: int, source: Path, profile: Path | None = None) -> dict:
    built, batch = imported(n, source)
    folder = copied(built)
    try:
        return timed(main_command(folder, source, profile) + ["calc", batch], source, env(folder, source))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="companies in the batch")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--source", type=Path, default=ROOT, help="the checkout whose program is measured")
    p.add_argument("--profile", action="store_true", help="then once under cProfile: where its time goes")
    a = p.parse_args()
    source = a.source.resolve()
    imported(a.n, source)
    bare = [timed([sys.executable, "-c", "pass"], ROOT, os.environ.copy()) for _ in range(a.runs)]
    runs = [calc_run(a.n, source) for _ in range(a.runs)]
    cpu = statistics.median(r["cpu"] for r in runs)
    peak = statistics.median(r["peak_mb"] for r in runs)
    bare_cpu = statistics.median(r["cpu"] for r in bare)
    print(
        f"calc of {a.n:,} companies, median of {a.runs}: {cpu:.2f} s CPU, peak {peak:.0f} MB "
        f"(bare interpreter {bare_cpu:.3f} s; calc / bare {cpu / bare_cpu:.0f})"
    )
    if a.profile:
        import pstats

        prof = Path(tempfile.mkdtemp(prefix="kjjb-calcbench-")) / "calc.prof"
        calc_run(a.n, source, prof)
        spent = areas(prof)
        total = sum(spent.values())
        print(
            f"under cProfile {total:.1f} s: "
            + ", ".join(f"{k} {v / total:.0%}" for k, v in spent.items() if v / total >= 0.02)
        )
        pstats.Stats(str(prof)).sort_stats("tottime").print_stats(25)
        shutil.rmtree(prof.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
