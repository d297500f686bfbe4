"""The reading step of an import, against openpyxl reading the same file, in one run.

    python bench/import_bench.py N [--runs 5] [--source DIR]

Builds (once, cached in the temp folder) the N-company workbook of
bench/bigbatch.py in the template format. Then, each run in a fresh process
and the two alternating:

- program: ``read_workbook`` as the import uses it (package safety scan,
  parsing, checking every cell; not the store write), with the row limit
  raised to N + 1 when N is beyond the default; the scan alone is timed too.
  The store's modules are imported first, as the import command and the
  import screen have them loaded before they read;
- baseline: openpyxl in its default mode reading every cell of every sheet.

Prints the median CPU seconds of each, the ratio program / baseline, and the
peak resident memory of the process (VmHWM) and its rise above the imports.
``--source`` reads with another checkout of the program (the "before" figure).

    python bench/import_bench.py N --command [--runs 5] [--against DIR]

times the whole import step as the clerk runs it instead: ``main.py --db
sqlite:///FRESH import WORKBOOK`` in its own process on a fresh SQLite file
(start-up, creating the database, reading, writing, sealing), CPU seconds of
the process from wait4; with ``--against``, runs of that checkout (the
"before") alternate with this one's and both medians are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import big_workbook  # noqa: E402

CHILD = r"""
import dataclasses, json, sys, time

def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))

mode, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = {}
if mode == "program":
    from core.excel import package
    from core.excel.reader import read_workbook
    try:
        import core.store.validate  # loaded by every import before it reads (the store is opened first)
    except ImportError:
        pass
    limits = package.DEFAULT_LIMITS
    if n + 1 > limits.rows:  # as the setting import.max_rows does (a checkout from before it has no limits_for_rows)
        grow = (n + 1) / limits.rows
        limits = dataclasses.replace(limits, rows=n + 1, shared_strings=int(limits.shared_strings * grow),
                                     shared_strings_bytes=int(limits.shared_strings_bytes * grow))
    base = peak_kb()
    t = time.process_time()
    package.inspect_package(path, limits)
    out["scan"] = time.process_time() - t
    t = time.process_time()
    data = read_workbook(path, limits=limits)
    out["seconds"] = time.process_time() - t
    assert len(data.companies) == n, len(data.companies)
else:
    from openpyxl import load_workbook
    base = peak_kb()
    t = time.process_time()
    wb = load_workbook(path)
    cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    out["seconds"] = time.process_time() - t
out.update(peak_kb=peak_kb(), base_kb=base)
print(json.dumps(out))
"""


def measure(mode: str, path: Path, n: int, source: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(n)],
        cwd=source,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def import_command(path: Path, n: int, source: Path) -> float:
    """CPU seconds of one ``main.py import`` of ``path`` on a fresh SQLite file, run from ``source``."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kjjb-import-bench-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
        env.update(KJJB_DATA_DIR=f"{folder}/data", PYTHONPATH=str(source), HOME=folder)
        main = [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{folder}/kjjb.sqlite3"]
        if n + 1 > 20_000:
            subprocess.run([*main, "import-limit", str(n + 1)], cwd=source, env=env, capture_output=True, check=True)
        proc = subprocess.Popen(
            [*main, "import", str(path)], cwd=source, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)  # that child's own rusage (before Popen reaps it)
        if os.waitstatus_to_exitcode(status) or out.split()[:1] != [b"1"]:
            raise SystemExit(f"import failed in {source}: {out.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime


def command_main(a) -> int:
    sources = {"this": ROOT, **({"against": a.against.resolve()} if a.against else {})}
    path = big_workbook(a.n)
    times: dict[str, list[float]] = {k: [] for k in sources}
    for _ in range(a.runs):
        for key, source in sources.items():
            times[key].append(import_command(path, a.n, source))
    print(f"{a.n:,} companies: main.py import on a fresh SQLite file, CPU seconds, median of {a.runs} alternating runs")
    for key, source in sources.items():
        shown = " ".join(f"{t:.2f}" for t in times[key])
        print(f"  {str(source):40s} {statistics.median(times[key]):6.2f} s   ({shown})")
    if a.against:
        print(f"  ratio this / against {statistics.median(times['this']) / statistics.median(times['against']):.2f}")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="companies in the workbook")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--source", type=Path, default=ROOT, help="the checkout whose reader is measured")
    p.add_argument("--command", action="store_true", help="time the whole import command instead")
    p.add_argument("--against", type=Path, help="with --command: the checkout to alternate with (the before)")
    a = p.parse_args()
    if a.command:
        return command_main(a)
    path = big_workbook(a.n)
    runs: dict[str, list[dict]] = {"program": [], "baseline": []}
    for _ in range(a.runs):
        for mode in runs:
            runs[mode].append(measure(mode, path, a.n, a.source.resolve()))

    def median(mode, key):
        return statistics.median(r[key] for r in runs[mode])

    program, baseline = median("program", "seconds"), median("baseline", "seconds")
    print(f"{a.n:,} companies, {path.stat().st_size / 1e6:.1f} MB, median of {a.runs} runs (CPU seconds)")
    print(
        f"  reading step (scan + parse + checks) {program:7.2f} s   of which the package scan {median('program', 'scan'):.2f} s"
    )
    print(f"  openpyxl default mode, full read     {baseline:7.2f} s")
    print(f"  ratio                                {program / baseline:7.2f}")
    for mode in runs:
        peak, rise = median(mode, "peak_kb") / 1024, (median(mode, "peak_kb") - median(mode, "base_kb")) / 1024
        print(f"  peak memory {mode:8s} {peak:6.0f} MB ({rise:+.0f} MB above its imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
