"""Whether the window's memory returns to where it was after each recalculation of a batch.

    QT_QPA_PLATFORM=offscreen python bench/gui_memory_bench.py [N] [--rounds 5] [--source DIR]   # N (default 10000)

The N-company workbook of bench/bigbatch.py is imported straight through the
store (not timed, not the window's concern here) and calculated once in the
real window (申报批次 → 计算, as the clerk does, shown with its results); then
it is calculated again --rounds times. After each round, once the screen has
settled, prints:

- resident memory of the window's process (what the task manager shows);
- memory held by Python objects (``sys.getallocatedblocks`` and the
  objects the collector tracks or has frozen, after ``gc.collect``), which tells whether the
  screens keep what they no longer show, or only the allocator keeps its pages.

"Returns" means: every round ends within 5% (resident) and 2% (Python blocks)
of the first round.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", nargs="?", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--source", type=Path, help='run another checkout\'s window (the "before" figure)')
    a = p.parse_args()
    if a.source:
        sys.path.insert(0, str(a.source.resolve()))
    data = Path(tempfile.mkdtemp(prefix="kjjb-memory-"))
    os.environ["KJJB_DATA_DIR"] = str(data)
    from bigbatch import big_workbook
    from PySide6.QtWidgets import QApplication

    from core.excel.package import limits_for_rows
    from core.excel.reader import read_workbook
    from gui.ask import ScriptedAsker, set_asker
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.operations import Operation

    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_asker(ScriptedAsker())
    ctx = AppContext(f"sqlite:///{data / 'bench.sqlite3'}")
    ctx.warm_up()
    store = ctx.store
    rows = max(a.n + 1, 20_000)
    batch_id, _ = store.apply_import(
        read_workbook(big_workbook(a.n), known_uscc=store.known_uscc, limits=limits_for_rows(rows))
    )
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    page = window.show_page("batches")

    def settle() -> None:
        """Until the screen shows the results and what it let go of is freed (gui/gcpolicy.py's drop_later)."""
        while (
            Operation.running
            or page.loading
            or any(t.name in ("drop-later", "malloc-trim") for t in threading.enumerate())
        ):
            app.processEvents()
            time.sleep(0.005)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.005)

    settle()
    page.refresh(select=batch_id)
    settle()
    figures = []
    for i in range(a.rounds + 1):
        started = time.perf_counter()
        page.calculate(batch_id)
        settle()
        took = time.perf_counter() - started
        gc.collect()
        figures.append(
            (rss_mb(), sys.getallocatedblocks(), len(gc.get_objects()) + gc.get_freeze_count(), took, len(page.lines))
        )
    print(
        f"{a.n:,} companies, {figures[0][4]:,} award lines shown; after each calculation (the first, then "
        f"{a.rounds} recalculations):"
    )
    first = figures[0]
    for i, (rss, blocks, objects, took, _) in enumerate(figures):
        print(
            f"  {'first' if i == 0 else f'again {i}':<8} {took:6.1f} s  resident {rss:6.0f} MB ({rss - first[0]:+5.0f})"
            f"  Python blocks {blocks:>10,} ({(blocks - first[1]) / first[1]:+.1%})"
            f"  tracked objects {objects:>9,}"
        )
    rss_ok = all(f[0] <= first[0] * 1.05 for f in figures)
    blocks_ok = all(f[1] <= first[1] * 1.02 for f in figures)
    print(f"RETURNS: resident {'yes' if rss_ok else 'NO'}, Python objects {'yes' if blocks_ok else 'NO'}")
    window.close()
    ctx.close()
    shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
