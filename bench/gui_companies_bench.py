"""The 企业档案 screen with 100,000 companies: listing, searching as the clerk types, filtering, sorting, scrolling.

The companies are written straight into a throwaway SQLite file (as
tests/store/test_companies.py does), then the real window shows them. A 5 ms
QTimer heartbeat records the longest time the event loop was blocked.

    QT_QPA_PLATFORM=offscreen python bench/gui_companies_bench.py [N]     # default 100000
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DATA = Path(tempfile.mkdtemp(prefix="kjjb-companies-"))
os.environ["KJJB_DATA_DIR"] = str(DATA)

from gui_block_bench import Heartbeat  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def fill(store, n: int) -> None:
    import sqlalchemy as sa

    from core.store.models import Company, RecognitionRow, TechSmeRow
    from core.store.searchkey import search_key
    from core.uscc import check_character

    stamp = dt.datetime(2026, 1, 1)
    cities = ("hulunbuir", "baotou", "tongliao", "chifeng")
    counties = ("甲区", "乙旗", "丙县", "丁市")
    rows = []
    for i in range(1, n + 1):
        first17 = f"911507{i:011d}"
        code = first17 + check_character(first17)
        name = f"{['呼伦贝尔', '包头', '通辽', '赤峰'][i % 4]}测试{i:06d}号科技有限公司"
        rows.append(
            dict(
                uscc=code,
                name=name,
                city=cities[i % 4],
                county=counties[(i // 4) % 4],
                size="medium",
                industry="",
                bank_name="",
                bank_account="",
                contact="",
                phone="",
                search_key=search_key(name, code),
                history_version=1,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    with store.writing() as s:
        s.execute(sa.insert(Company), rows)
        first = s.scalar(sa.select(sa.func.min(Company.id)))
        s.execute(
            sa.insert(RecognitionRow),
            [
                dict(
                    company_id=first + i,
                    kind="high_tech",
                    level="national",
                    date=dt.date(2025, 1, 1),
                    number="",
                    issued_in="",
                    created_at=stamp,
                )
                for i in range(0, n, 10)
            ],
        )
        s.execute(
            sa.insert(TechSmeRow),
            [
                dict(company_id=first + i, year=dt.date.today().year, number="", created_at=stamp)
                for i in range(0, n, 7)
            ],
        )


def main(n: int) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui.ask import ScriptedAsker, set_asker
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.operations import Operation

    set_asker(ScriptedAsker())
    ctx = AppContext(f"sqlite:///{DATA / 'bench.sqlite3'}")
    t = time.perf_counter()
    fill(ctx.store, n)
    print(f"{n:,} companies written in {time.perf_counter() - t:.1f} s")
    ctx.warm_up()
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    beat = Heartbeat()
    results: dict[str, float] = {}

    def until(condition, label: str) -> None:
        beat.phase = label
        t = time.perf_counter()
        while not condition():
            app.processEvents()
            time.sleep(0.001)
        results[label] = time.perf_counter() - t

    idle = lambda: not Operation.running  # noqa: E731
    page = window.show_page("companies")
    until(lambda: idle() and page.model.rowCount() == n, "list all companies")
    for ch in "测试" + f"{n - 1:06d}"[:4]:  # typed, a character every 120 ms: 100 names match (n a multiple of 100)
        page.search_edit.insert(ch)
        end = time.perf_counter() + 0.12
        beat.phase = "typing"
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)
    until(lambda: idle() and not page.debounce.isActive() and page.model.rowCount() == 100, "search as typed")
    page.search_edit.clear()
    until(lambda: idle() and not page.debounce.isActive() and page.model.rowCount() == n, "clear search")
    page.city.setCurrentIndex(page.city.findData("baotou"))
    until(lambda: idle() and page.model.rowCount() == n // 4, "filter by city")
    page.qualification.setCurrentIndex(1)
    until(lambda: idle() and 0 < page.model.rowCount() < n // 4, "valid HTE in the city")
    page.qualification.setCurrentIndex(0)
    page.city.setCurrentIndex(0)
    until(lambda: idle() and page.model.rowCount() == n, "back to all")
    from PySide6.QtCore import Qt

    for column, order, label in (
        (3, Qt.SortOrder.AscendingOrder, "sort by 旗县区"),
        (2, Qt.SortOrder.DescendingOrder, "sort by 盟市, descending"),
        (0, Qt.SortOrder.AscendingOrder, "sort by name again"),
    ):
        page.view.sortByColumn(column, order)  # as a header click: the store's search orders the ids
        until(lambda: idle() and page.model.rowCount() == n, label)
    random.seed(1)
    beat.phase = "scrolling"
    worst_scroll = 0.0
    for row in [random.randrange(n) for _ in range(40)]:
        t = time.perf_counter()
        page.view.scrollTo(page.model.index(row, 0))
        page.view.viewport().repaint()
        worst_scroll = max(worst_scroll, time.perf_counter() - t)
        app.processEvents()
    beat.timer.stop()
    print(f"{n:,} companies on the 企业档案 screen:")
    for label, seconds in results.items():
        print(f"  {label:<26} {seconds:6.3f} s")
    base = results["back to all"]  # the same search ordered by name, in this run
    print(
        "  sorting against listing all by name: "
        + ", ".join(f"{label} {results[label] / base:.2f}×" for label in results if label.startswith("sort"))
    )
    print(
        f"  slowest jump-and-repaint of 40 random scroll positions: {worst_scroll * 1000:.0f} ms "
        f"({page.model.fetches} pages of rows read in all)"
    )
    worst = beat.worst(5)
    print("  longest gaps between 5 ms heartbeats: " + ", ".join(f"{g * 1000:.0f} ms ({p})" for g, p in worst))
    window.close()
    ctx.close()
    shutil.rmtree(DATA, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
