"""A clerk's whole year for N companies, against openpyxl reading and writing the same files, in one run.

    python bench/pipeline_bench.py N [--runs 1] [--source DIR] [--json]
    python bench/pipeline_bench.py N --profile     # where each step's time goes, by area
    python bench/pipeline_bench.py N --markdown    # the row of README's table (性能) for this N

Builds (once, cached in the temp folder) the N-company workbook of
bench/bigbatch.py in the program's template format. Then, per run:

- program: the six steps as the clerk runs them, each ``python main.py ...``
  in its own process on one fresh SQLite file (as the command line does):
  import -> calc -> approve -> export (results) -> disbursement -> publicity.
  Beyond the default 20,000 rows a sheet, ``import-limit`` raises the limit
  first (not timed, as a city bureau sets it once);
- baseline: openpyxl in its default mode, in its own process, reading every
  cell of the input and writing two workbooks of the same shape as the
  program's results and disbursement workbooks (their values are read with
  calamine first, not timed), with ``Workbook()``, ``ws.append`` and ``save``.

Prints CPU seconds (user + system, of the process and its children, from
wait4) and peak resident memory (ru_maxrss) of each step, the totals, and the
ratio program / baseline (below 1: the program is faster). With several runs
each figure is the median.
``--source`` runs another checkout of the program (the "before" figure).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import big_workbook  # noqa: E402

STEPS = ("import", "calc", "approve", "export", "disbursement", "publicity")
DEFAULT_ROWS = 20_000

BASELINE = r"""
import json, sys, time
from python_calamine import CalamineWorkbook
from openpyxl import Workbook, load_workbook

source, results, disbursement, out = sys.argv[1:5]

def values(path):
    wb = CalamineWorkbook.from_path(path)
    return [(name, wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names]

shapes = [values(results), values(disbursement)]  # not timed: what the baseline writes
times = {}
t = time.process_time()
wb = load_workbook(source)
cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
del wb
times["read"] = time.process_time() - t
for i, sheets in enumerate(shapes):
    t = time.process_time()
    wb = Workbook()
    for j, (title, rows) in enumerate(sheets):
        ws = wb.active if j == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(f"{out}/baseline-{i}.xlsx")
    del wb
    times["write " + ("results" if i == 0 else "disbursement")] = time.process_time() - t
print(json.dumps({"cells": cells, "times": times}))
"""


def timed(cmd: list[str], cwd: Path, env: dict) -> dict:
    """CPU seconds and peak memory of one child process (wait4 gives that child's own rusage)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read both pipes fully before reaping, so a chatty child cannot block on a full pipe.
    chunks: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=n, s=s: chunks.__setitem__(n, s.read()))
        for n, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = chunks["out"].decode("utf-8", "replace"), chunks["err"].decode("utf-8", "replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd[1:]))} failed ({proc.returncode}):\n{out}\n{err}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "stdout": out}


# Where a step's time goes (--profile): the own time of its functions, summed by where they live.
AREAS = (
    ("core/store/", "store"),
    ("core/audit/", "store"),
    ("core/records", "store"),
    ("core/excel/", "excel"),
    ("core/engine/", "engine"),
    ("core/subjects", "engine"),
    ("core/model", "engine"),
    ("core/money", "engine"),
    ("core/policy/", "policy files"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("sqlite3", "SQLite"),
    ("/openpyxl/", "openpyxl"),
    ("calamine", "calamine"),
    ("/yaml/", "policy files"),
    ("xml.", "XML scan"),
    ("expat", "XML scan"),
    ("zipfile", "zip"),
    ("zlib", "zip"),
    ("json", "json"),
    ("hashlib", "hashes"),
    ("<method 'digest'", "hashes"),
    ("<frozen importlib", "imports"),
    ("<built-in method builtins.exec>", "imports"),
    ("<built-in method _imp.", "imports"),
)


def areas(profile: Path) -> dict[str, float]:
    import pstats

    out: dict[str, float] = {}
    for (file, _, name), (_, _, tottime, _, _) in pstats.Stats(str(profile)).stats.items():
        where = f"{file}:{name}"
        area = next((a for key, a in AREAS if key in where), "built-ins" if file == "~" else "other")
        out[area] = out.get(area, 0.0) + tottime
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def program_run(n: int, source: Path, workbook: Path, folder: Path, profile: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    env.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
    db = f"sqlite:///{folder / 'kjjb.sqlite3'}"
    main = [sys.executable, str(source / "main.py"), "--db", db]
    if profile:
        main[1:1] = ["-m", "cProfile", "-o", str(folder / "step.prof")]
    if n + 1 > DEFAULT_ROWS:
        timed(main + ["import-limit", str(max(n + 1, 1000))], source, env)
    out: dict[str, dict] = {}
    out["import"] = timed(main + ["import", str(workbook)], source, env)
    batch = out["import"]["stdout"].split()[0]
    out["calc"] = timed(main + ["calc", batch], source, env)
    out["approve"] = timed(
        main + ["approve", batch, "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"], source, env
    )
    out["export"] = timed(main + ["export", batch, "-o", str(folder / "结果.xlsx")], source, env)
    out["disbursement"] = timed(
        main + ["disbursement", batch, "-o", str(folder / "拨付明细表.xlsx"), "--include-provisional"], source, env
    )
    out["publicity"] = timed(
        main + ["publicity", batch, "-o", str(folder / "公示名单.xlsx"), "--include-provisional"], source, env
    )
    return out


def profiled_run(n: int, source: Path, workbook: Path, folder: Path) -> dict[str, dict[str, float]]:
    """Each step once more under cProfile (slower), its time summed by area."""
    shown: dict[str, dict[str, float]] = {}
    real = timed

    def step(cmd, cwd, env):
        result = real(cmd, cwd, env)
        name = next((s for s in STEPS if s in cmd), None)
        if name is not None:
            shown[name] = areas(folder / "step.prof")
        return result

    globals()["timed"] = step
    try:
        program_run(n, source, workbook, folder, profile=True)
    finally:
        globals()["timed"] = real
    return shown


def baseline_run(workbook: Path, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    r = timed(
        [
            sys.executable,
            "-c",
            BASELINE,
            str(workbook),
            str(folder / "结果.xlsx"),
            str(folder / "拨付明细表.xlsx"),
            str(folder),
        ],
        ROOT,
        env,
    )
    return {
        "cpu": sum(json.loads(r["stdout"])["times"].values()),
        "parts": json.loads(r["stdout"])["times"],
        "peak_mb": r["peak_mb"],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="companies in the workbook")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--source", type=Path, default=ROOT, help="the checkout whose program is measured")
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help="print the row of README's benchmark table")
    p.add_argument("--profile", action="store_true", help="then each step under cProfile: where its time goes")
    a = p.parse_args()
    workbook = big_workbook(a.n)
    if a.profile:
        folder = Path(tempfile.mkdtemp(prefix="kjjb-pipeline-"))
        try:
            for name, spent in profiled_run(a.n, a.source.resolve(), workbook, folder).items():
                total = sum(spent.values())
                print(
                    f"{name:<14}{total:6.1f} s under cProfile: "
                    + ", ".join(f"{k} {v / total:.0%}" for k, v in spent.items() if v / total >= 0.02)
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return 0
    program: list[dict] = []
    baseline: list[dict] = []
    for _ in range(a.runs):
        folder = Path(tempfile.mkdtemp(prefix="kjjb-pipeline-"))
        try:
            program.append(program_run(a.n, a.source.resolve(), workbook, folder))
            baseline.append(baseline_run(workbook, folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def med(values):
        return statistics.median(values)

    steps = {
        s: {"cpu": med(r[s]["cpu"] for r in program), "peak_mb": med(r[s]["peak_mb"] for r in program)} for s in STEPS
    }
    total = sum(s["cpu"] for s in steps.values())
    base = {
        "cpu": med(b["cpu"] for b in baseline),
        "peak_mb": med(b["peak_mb"] for b in baseline),
        "parts": {k: med(b["parts"][k] for b in baseline) for k in baseline[0]["parts"]},
    }
    result = {
        "n": a.n,
        "runs": a.runs,
        "workbook_mb": workbook.stat().st_size / 1e6,
        "steps": steps,
        "program_cpu": total,
        "program_peak_mb": max(s["peak_mb"] for s in steps.values()),
        "baseline": base,
        "ratio": total / base["cpu"],
    }
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    if a.markdown:
        print(markdown_row(result))
        return 0
    print(
        f"{a.n:,} companies, workbook {result['workbook_mb']:.1f} MB, "
        f"{'median of %d runs' % a.runs if a.runs > 1 else '1 run'} (CPU seconds, peak resident memory)"
    )
    for name, s in steps.items():
        print(f"  {name:<14}{s['cpu']:8.2f} s {s['peak_mb']:7.0f} MB")
    print(f"  {'program':<14}{total:8.2f} s {result['program_peak_mb']:7.0f} MB")
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in base["parts"].items())
    print(f"  {'openpyxl':<14}{base['cpu']:8.2f} s {base['peak_mb']:7.0f} MB   ({parts})")
    print(f"  ratio program / openpyxl {result['ratio']:.2f}")
    return 0


def markdown_row(result: dict) -> str:
    """``| 10,000 | 5.1 | ... |``: the README's table (性能) has one row per N, in these columns."""
    steps = result["steps"]
    peak = max(steps, key=lambda s: steps[s]["peak_mb"])
    cells = [
        f"{result['n']:,}",
        *(f"{steps[s]['cpu']:.2f}" for s in STEPS),
        f"{result['program_cpu']:.1f}",
        f"{result['baseline']['cpu']:.1f}",
        f"{result['ratio']:.2f}",
        f"{_mb(steps[peak]['peak_mb'])} ({peak})",
        f"{_mb(steps['import']['peak_mb'])}",
    ]
    return "| " + " | ".join(cells) + " |"


def _mb(mb: float) -> str:
    return f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
