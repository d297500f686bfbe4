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
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import big_workbook  # noqa: E402
from pipeline_bench import DEFAULT_ROWS, timed  # noqa: E402


def _env(folder: Path, source: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    env.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
    return env


def calculated(n: int, source: Path) -> tuple[Path, str]:
    """(folder holding kjjb.sqlite3 with the imported and calculated batch, batch id), built once."""
    tag = hashlib.sha1(str(source).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"kjjb-approve-{n}-{tag}"
    done = folder / "batch.txt"
    if done.exists():
        return folder, done.read_text().strip()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    main = [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{folder / 'kjjb.sqlite3'}"]
    env = _env(folder, source)
    if n + 1 > DEFAULT_ROWS:
        timed(main + ["import-limit", str(n + 1)], source, env)
    batch = timed(main + ["import", str(big_workbook(n))], source, env)["stdout"].split()[0]
    timed(main + ["calc", batch], source, env)
    done.write_text(batch)
    return folder, batch


def approve_once(n: int, source: Path, profile: Path | None = None) -> dict:
    built, batch = calculated(n, source)
    folder = Path(tempfile.mkdtemp(prefix="kjjb-approve-run-"))
    try:
        shutil.copy(built / "kjjb.sqlite3", folder / "kjjb.sqlite3")
        main = [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{folder / 'kjjb.sqlite3'}"]
        if profile is not None:
            main[1:1] = ["-m", "cProfile", "-o", str(profile)]
        return timed(
            main + ["approve", batch, "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"],
            source,
            _env(folder, source),
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
