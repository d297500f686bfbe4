"""Start-up of a headless command that does little, against a bare interpreter, in one run.

    python bench/command_start_bench.py [--runs 9] [--source DIR] [COMMAND ...]

Runs ``python main.py --db <a fresh, already created SQLite file> COMMAND``
(default: ``batches``) --runs times, alternating with ``python -c pass``, and
prints the median wall and CPU seconds of each and the ratio. The first run
creates the database and is not counted. ``--source`` runs another checkout
(the "before" figure). For where the time goes:
``python -X importtime main.py batches 2> imports.txt``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pipeline_bench import timed  # noqa: E402


def wall_and_cpu(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    start = time.perf_counter()
    r = timed(cmd, cwd, env)
    return time.perf_counter() - start, r["cpu"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", nargs="*", default=["batches"])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--source", type=Path, default=ROOT)
    a = p.parse_args()
    source = a.source.resolve()
    folder = Path(tempfile.mkdtemp(prefix="kjjb-startbench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    env.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
    cmd = [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{folder / 'kjjb.sqlite3'}", *a.command]
    bare = [sys.executable, "-c", "pass"]
    try:
        timed(cmd, source, env)  # creates the database
        runs = {"command": [], "bare": []}
        for _ in range(a.runs):
            runs["command"].append(wall_and_cpu(cmd, source, env))
            runs["bare"].append(wall_and_cpu(bare, source, env))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    print(f"main.py {' '.join(a.command)} ({source}), median of {a.runs} runs")
    print(f"  command       wall {med['command'][0]:.3f} s   CPU {med['command'][1]:.3f} s")
    print(f"  python -c pass wall {med['bare'][0]:.3f} s   CPU {med['bare'][1]:.3f} s")
    print(f"  ratio (wall)  {med['command'][0] / med['bare'][0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
