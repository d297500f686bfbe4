"""Start-up of the headless commands, against a bare interpreter and SQLAlchemy's own import, in one run.

    python bench/command_start_bench.py [CASE ...] [--runs 7] [--before DIR] [--json]

Each case runs ``python main.py --db <SQLite file> ...`` in a process of its own
(CPU seconds of that process from wait4, user + system):

- commands that do little: ``--version``, ``--help``, ``batches`` and ``rules`` on a database
  the program has created (empty);
- the six steps of the clerk's year on a batch of one company, each on a copy of
  the database as the step before left it: ``import`` (into the empty database),
  ``calc``, ``approve``, ``export``, ``disbursement``, ``publicity``. With one
  company a step's own work is a few milliseconds; what remains is its start-up;
- baselines in the same run: ``python -c pass`` and ``python -c "import sqlalchemy"``.

``--before DIR`` runs another checkout too (e.g. ``/work/main``: the "before"
figure), alternating with this one run by run. Each figure is the median of
``--runs``. ``--instructions`` counts instructions instead (millions, valgrind's
cachegrind without its cache model, one run each with PYTHONHASHSEED=0): the same
on a busy machine as on an idle one, where CPU seconds of a start-up wander by a fifth. Cases named like options go last, after ``--``:
``command_start_bench.py --runs 3 batches -- --help``. Where a command's time goes:
``python -X importtime main.py --db sqlite:///x.sqlite3 batches 2> imports.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import build  # noqa: E402
from pipeline_bench import timed  # noqa: E402

DB = "kjjb.sqlite3"
# name: (database state it starts from, arguments after --db; {wb} and {out} are filled in)
CASES = {
    "--version": ("empty", ["--version"]),
    "--help": ("empty", ["--help"]),
    "batches": ("empty", ["batches"]),
    "rules": ("empty", ["rules"]),
    "import": ("empty", ["import", "{wb}"]),
    "calc": ("imported", ["calc", "1"]),
    "approve": ("calculated", ["approve", "1", "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"]),
    "export": ("approved", ["export", "1", "-o", "{out}/结果.xlsx"]),
    "disbursement": ("approved", ["disbursement", "1", "-o", "{out}/拨付明细表.xlsx", "--include-provisional"]),
    "publicity": ("approved", ["publicity", "1", "-o", "{out}/公示名单.xlsx", "--include-provisional"]),
}
# The state each step leaves, for the step after it.
LEAVES = {"empty": "batches", "imported": "import", "calculated": "calc", "approved": "approve"}
BASELINES = {"python -c pass": ["-c", "pass"], 'python -c "import sqlalchemy"': ["-c", "import sqlalchemy"]}
VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]


def measure(cmd: list[str], cwd: Path, env: dict, instructions: bool) -> float:
    """CPU seconds of ``cmd``, or (``instructions``) the millions of instructions it ran."""
    if not instructions:
        return timed(cmd, cwd, env)["cpu"]
    # One hash seed: with a random one the count of the same command varies by a tenth (set and dict orders).
    env = {**env, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(VALGRIND + cmd, cwd=cwd, env=env, capture_output=True, text=True, errors="replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd[1:]))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no instruction count:\n{proc.stderr[-2000:]}")
    return int(found[1].replace(",", "")) / 1e6


class Checkout:
    """One checkout of the program, with a database file in each state its cases start from."""

    def __init__(self, source: Path, folder: Path, workbook: Path):
        self.source, self.folder, self.workbook = source, folder, workbook
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
        self.env.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
        (folder / "out").mkdir(parents=True)
        (folder / "run").mkdir()
        self.states = folder / "states"
        self.states.mkdir()
        for state, case in LEAVES.items():  # in order: each step runs on what the one before left
            self.run(case)
            shutil.copy2(folder / "run" / DB, self.states / state)

    def command(self, case: str) -> list[str]:
        _, args = CASES[case]
        filled = [a.format(wb=self.workbook, out=self.folder / "out") for a in args]
        return [sys.executable, str(self.source / "main.py"), "--db", f"sqlite:///{self.folder / 'run' / DB}", *filled]

    def run(self, case: str, instructions: bool = False) -> float:
        """CPU seconds (or millions of instructions) of ``case`` on a fresh copy of the database state it starts
        from."""
        state = CASES[case][0]
        run = self.folder / "run"
        for extra in run.glob(DB + "-*"):  # a WAL file left by a previous run
            extra.unlink()
        if (self.states / state).exists():
            shutil.copy2(self.states / state, run / DB)
        return measure(self.command(case), self.source, self.env, instructions)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--before", type=Path, help="another checkout to measure in the same run (the before figure)")
    p.add_argument("cases", nargs="*", metavar="CASE", help=f"only these of {', '.join(CASES)} (default: all)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--instructions", action="store_true", help="count instructions (valgrind) instead of CPU seconds")
    a = p.parse_args()
    if a.instructions:
        a.runs = 1  # the count does not vary from run to run
    if unknown := [c for c in a.cases if c not in CASES]:
        p.error(f"unknown case {', '.join(unknown)}; choose from {', '.join(CASES)}")
    cases = a.cases or list(CASES)
    folder = Path(tempfile.mkdtemp(prefix="kjjb-startbench-"))
    try:
        workbook = build(1, folder / "一家企业.xlsx")
        checkouts = {"after": Checkout(ROOT, folder / "after", workbook)}
        if a.before:
            checkouts["before"] = Checkout(a.before.resolve(), folder / "before", workbook)
        bare_env = checkouts["after"].env
        cpu: dict[str, dict[str, list[float]]] = {name: {} for name in [*BASELINES, *cases]}
        for _ in range(a.runs):
            for name, args in BASELINES.items():
                cpu[name].setdefault("same", []).append(
                    measure([sys.executable, *args], ROOT, bare_env, a.instructions)
                )
            for case in cases:
                for label, checkout in checkouts.items():
                    try:
                        cpu[case].setdefault(label, []).append(checkout.run(case, a.instructions))
                    except SystemExit:
                        if label == "after":
                            raise
                        cpu[case].setdefault(label, [])  # a command the other checkout lacks (--version)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    med = {name: {label: statistics.median(v) for label, v in runs.items() if v} for name, runs in cpu.items()}
    if a.json:
        print(json.dumps(med, ensure_ascii=False, indent=2))
        return 0
    bare = med["python -c pass"]["same"]
    if a.instructions:
        print("Millions of instructions (valgrind), one-company batch for the six steps")
    else:
        print(f"CPU seconds, median of {a.runs} runs (one-company batch for the six steps)")
    print(f"{'':32} {'before':>8} {'after':>8} {'after/before':>13} {'after/bare':>11}")
    for name in BASELINES:
        print(f"{name:32} {'':>8} {med[name]['same']:8.3f} {'':>13} {med[name]['same'] / bare:11.1f}")
    for case in cases:
        after, before = med[case]["after"], med[case].get("before")
        shown = f"{before:8.3f}" if before is not None else f"{'':>8}"
        ratio = f"{after / before:13.2f}" if before else f"{'':>13}"
        print(f"{'main.py ' + case:32} {shown} {after:8.3f} {ratio} {after / bare:11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
