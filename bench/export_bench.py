"""CPU time of writing the results workbook, 资金拨付明细表 and 公示名单 of an N-company batch,
against plain openpyxl writing the same cells in its default mode, in the same run.

    python bench/export_bench.py [N] [--repeat 5]      # N companies (default 1000)

The batch (each company with an HTE recognition and a technology contract, as
bench/store_bench.py builds it) is imported, calculated and approved on a
throwaway SQLite file first; that is not timed. Each step then runs --repeat
times, the program's writer and the baseline in turn, and the medians of
their CPU seconds (time.process_time) are printed with the ratio
program / baseline (below 1: the program is faster).

The baseline writes the very values the program writes (taken from the
``build_*`` workbook, not timed): the same sheets, rows and columns, with
openpyxl's ``Workbook()``, ``ws.append`` and ``save``, and no styles, widths,
merged cells or print setup.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "store")]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-export-bench-")

from openpyxl import Workbook  # noqa: E402
from storehelp import batch_data, contract, hte, profile, uscc  # noqa: E402

from core.engine import load_policies  # noqa: E402
from core.excel import disbursement_sheet, publicity_list, results_workbook  # noqa: E402
from core.store import open_store  # noqa: E402


def approved_batch(n: int):
    """(BatchRecord, lines) of an approved N-company batch on a fresh SQLite file."""
    data = batch_data(
        f"{n}家企业导出基准",
        2026,
        [profile(i) for i in range(n)],
        [(uscc(i), hte("2026-03-01", f"h{i}")) for i in range(n)]
        + [(uscc(i), contract(f"HT-{i}", "2026-04-01", "3000000")) for i in range(n)],
    )
    store = open_store(f"sqlite:///{os.environ['KJJB_DATA_DIR']}/kjjb.sqlite3")
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, load_policies())
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    batch, lines = store.batch(batch_id), store.lines(batch_id)
    store.close()
    return batch, lines


STEPS = {
    "results": (results_workbook.write_results_workbook, results_workbook.build_results_workbook, {}),
    "disbursement": (
        disbursement_sheet.write_disbursement_sheet,
        disbursement_sheet.build_disbursement_sheet,
        {"include_provisional": True},
    ),
    "publicity": (
        publicity_list.write_publicity_list,
        publicity_list.build_publicity_list,
        {"include_provisional": True},
    ),
}


def baseline_rows(build, batch, lines, options) -> list[tuple[str, list]]:
    """Each sheet's name and rows of values as the program writes them."""
    wb = build(batch, lines, **options)
    return [(ws.title, [[c.value for c in row] for row in ws.iter_rows()]) for ws in wb.worksheets]


def write_baseline(sheets, path: Path) -> None:
    wb = Workbook()
    for i, (title, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    wb.save(path)


def cpu(fn, *args, **kw) -> float:
    gc.collect()
    start = time.process_time()
    fn(*args, **kw)
    return time.process_time() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", nargs="?", type=int, default=1000, help="companies")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--keep", action="store_true", help="keep the database and workbooks (the folder is printed)")
    a = p.parse_args()
    start = time.perf_counter()
    batch, lines = approved_batch(a.n)
    print(f"{a.n} companies, {len(lines)} award lines (batch set up in {time.perf_counter() - start:.1f} s)")
    out = Path(os.environ["KJJB_DATA_DIR"])
    print(f"{'step':<14}{'program s':>11}{'openpyxl s':>12}{'ratio':>8}   (median of {a.repeat})")
    totals = [0.0, 0.0]
    for step, (write, build, options) in STEPS.items():
        sheets = baseline_rows(build, batch, lines, options)
        program, baseline = [], []
        for _ in range(a.repeat):
            program.append(cpu(write, batch, lines, out / f"{step}.xlsx", **options))
            baseline.append(cpu(write_baseline, sheets, out / f"{step}-openpyxl.xlsx"))
        del sheets
        mine, theirs = statistics.median(program), statistics.median(baseline)
        totals[0] += mine
        totals[1] += theirs
        print(f"{step:<14}{mine:>11.2f}{theirs:>12.2f}{mine / theirs:>8.2f}")
    print(f"{'all three':<14}{totals[0]:>11.2f}{totals[1]:>12.2f}{totals[0] / totals[1]:>8.2f}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    if a.keep:
        print(f"database and workbooks kept in {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
