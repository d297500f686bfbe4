"""The store's writes at import, calculation and approval: this tree against an earlier commit, in one run.

    python bench/store_writes_bench.py [N] [--base REV] [--runs K]

N companies with two claims each (default 2000) go through import, calculate and approve on a fresh SQLite
file, each run in a process of its own, alternating between the commit REV (default: the branch point of
issue 16's store work, deff903) and the working tree. Prints the median CPU seconds of each step and the ratio
this tree / REV (below 1.0: faster). The engine's evaluation is inside "calculate" for both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("import", "calculate", "approve")

CHILD = r"""
import json, os, sys, tempfile, time
root = sys.argv[1]
sys.path[:0] = [root, os.path.join(root, "tests", "store")]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-bench-")
from storehelp import batch_data, contract, hte, profile, uscc
from core.engine import load_policies
from core.store import open_store
n = int(sys.argv[2])
policies = load_policies()
data = batch_data("bench", 2026, [profile(i) for i in range(n)],
                  [(uscc(i), hte("2026-03-01", f"h{i}")) for i in range(n)]
                  + [(uscc(i), contract(f"HT-{i}", "2026-04-01", "3000000")) for i in range(n)])
store = open_store(f"sqlite:///{os.environ['KJJB_DATA_DIR']}/kjjb.sqlite3")
out = {}
def step(name, fn):
    t = time.process_time()
    r = fn()
    out[name] = time.process_time() - t
    return r
b, _ = step("import", lambda: store.apply_import(data))
step("calculate", lambda: store.calculate(b, policies))
step("approve", lambda: store.approve(b, "张三", "李四", allow_provisional=True))
assert store.verify_audit().ok
store.close()
print(json.dumps(out))
"""


def _tree(rev: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kjjb-base-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _run(root: Path, n: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(n)], check=True, capture_output=True, text=True, env=env, cwd=root
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--base", default="deff903")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = _tree(args.base)
    times: dict[str, dict[str, list[float]]] = {"base": {s: [] for s in STEPS}, "this": {s: [] for s in STEPS}}
    for _ in range(args.runs):
        for label, root in (("base", base), ("this", ROOT)):
            for step, seconds in _run(root, args.n).items():
                times[label][step].append(seconds)
    print(f"{args.n} companies, {2 * args.n} claims; median CPU seconds of {args.runs} runs; base = {args.base}")
    print(f"{'step':<10} {'base':>8} {'this':>8} {'this/base':>10}")
    for step in (*STEPS, "total"):
        if step == "total":
            b = sum(statistics.median(times["base"][s]) for s in STEPS)
            t = sum(statistics.median(times["this"][s]) for s in STEPS)
        else:
            b, t = statistics.median(times["base"][step]), statistics.median(times["this"][step])
        print(f"{step:<10} {b:>8.2f} {t:>8.2f} {t / b:>10.2f}")


if __name__ == "__main__":
    main()
