"""The approve step alone, at N companies: CPU seconds and peak memory, with an optional profile.

    python bench/approve_bench.py N [--runs 3] [--source DIR] [--profile]

Imports and calculates bench/bigbatch.py's N-company workbook once (cached in
the temp folder by N and checkout), then per run copies that database and
times ``main.py approve`` in its own process (CPU seconds of user + system and
peak resident memory, from wait4). ``--source`` measures another checkout (the
"before" figure) on a database it built itself. ``--profile`` runs approve once
more under cProfile and prints the functions with the most own time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from benchdb import calculated, copied, env, main_command  # noqa: E402
from pipeline_bench import timed  # noqa: E402


def approve_once(n: int, source: Path, profile: Path | None = None) -> dict:
    built, batch = calculated(n, source)
    folder = copied(built)
    try:
        return timed(
            main_command(folder, source, profile)
            + ["approve", batch, "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"],
            source,
            env(folder, source),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--source", type=Path, default=ROOT)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args()
    source = a.source.resolve()
    runs = [approve_once(a.n, source) for _ in range(a.runs)]
    cpu = statistics.median(r["cpu"] for r in runs)
    peak = statistics.median(r["peak_mb"] for r in runs)
    print(f"approve, {a.n:,} companies, {source}: {cpu:.2f} s CPU, {peak:.0f} MB peak (median of {a.runs})")
    if a.profile:
        import pstats

        out = Path(tempfile.mkdtemp(prefix="kjjb-approve-prof-")) / "approve.prof"
        approve_once(a.n, source, out)
        pstats.Stats(str(out)).sort_stats("tottime").print_stats(30)
        pstats.Stats(str(out)).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
