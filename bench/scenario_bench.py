"""政策沙盘 over a large store: the scenario's own time beside the engine's, measured in the same run.

    python bench/scenario_bench.py [N]     # N companies (default 10000) in a throwaway SQLite file

The store: N companies (most in Hulunbuir), every 2nd with a high-tech
certificate dated 2023-2026, every 5th a tech SME 2024-2026, every 4th with
R&D for 2024 and 2025. The scenario is resources/scenarios/hlb-2025-draft-example.yaml
(the draft as written and two scenarios: three columns) for award year 2026
over every company of the store.

With ``--gui`` it also runs the scenario and the forecast from the 政策沙盘
page of the real window (offscreen) while a 5 ms QTimer records the longest
gap of the event loop: the longest the window was unresponsive (aim: < 100 ms).

Baseline: the engine alone, ``evaluate_all`` over the same population once
per column (what any scenario must cost). Measured: the whole run
(``run_scenario``: reading the companies and their history, applying the
scenarios, evaluating, tabulating), and the forecast (5 years). Goal
(issue 17): run − engine < 2 s. Printed as seconds and as ratios to the baseline.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-scenario-")

CITIES = ("hulunbuir", "hulunbuir", "hulunbuir", "baotou")
COUNTIES = ("海拉尔区", "扎兰屯市", "满洲里市", "牙克石市")
SIZES = ("small_micro", "medium", "large")


def fill(store, n: int) -> None:
    import sqlalchemy as sa

    from core.store.models import Company, RdRow, RecognitionRow, TechSmeRow
    from core.store.searchkey import search_key
    from core.uscc import check_character

    stamp = dt.datetime(2026, 1, 1)
    rows = []
    for i in range(1, n + 1):
        first17 = f"911507{i:011d}"
        code = first17 + check_character(first17)
        name = f"沙盘测试{i:06d}号科技有限公司"
        rows.append(
            dict(
                uscc=code,
                name=name,
                city=CITIES[i % 4],
                county=COUNTIES[(i // 4) % 4],
                size=SIZES[i % 3],
                industry=("装备制造", "新材料", "农牧业", "")[i % 4],
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
                    date=dt.date(2023, 1, 1) + dt.timedelta(days=(i * 7) % 1460),
                    number=f"GR{i}",
                    issued_in="",
                    created_at=stamp,
                )
                for i in range(0, n, 2)
            ],
        )
        s.execute(
            sa.insert(TechSmeRow),
            [
                dict(company_id=first + i, year=y, number="", created_at=stamp)
                for i in range(0, n, 5)
                for y in (2024, 2025, 2026)
            ],
        )
        s.execute(
            sa.insert(RdRow),
            [
                dict(
                    company_id=first + i,
                    year=y,
                    expense=Decimal(1000000 + (i % 97) * 10000 * (y - 2023)),
                    super_deduction=True,
                    deducted=None,
                    revenue=Decimal(30000000),
                    updated_at=stamp,
                )
                for i in range(0, n, 4)
                for y in (2024, 2025)
            ],
        )


def main(n: int) -> None:
    from core.engine import Context, load_policies
    from core.forecast.budget import forecast
    from core.scenario.apply import apply_scenario
    from core.scenario.population import store_population
    from core.scenario.run import baseline_policies, run_scenario
    from core.scenario.spec import load_scenario_file
    from core.store import open_store
    from core.store.calc import evaluate_all

    policies = load_policies()
    spec = load_scenario_file(ROOT / "resources" / "scenarios" / "hlb-2025-draft-example.yaml")
    store = open_store()
    try:
        fill(store, n)
        population = store_population(store, 2026)
        base, drafts = baseline_policies(store, policies)
        columns = [base] + [apply_scenario(base, spec, s) for s in spec.scenarios]
        start = time.perf_counter()
        for ps in columns:
            evaluate_all(population.cases, Context(ps, 2026, include_drafts=drafts))
        engine = time.perf_counter() - start
        start = time.perf_counter()
        cmp = run_scenario(store, policies, spec, year=2026)
        run = time.perf_counter() - start
        start = time.perf_counter()
        f = forecast(store, policies, 2027, 5)
        fc = time.perf_counter() - start
    finally:
        store.close()
    print(
        f"{n} companies, {len(cmp.columns)} columns ({'、'.join(cmp.columns)}); totals: "
        + "、".join(f"{t:,.2f}" for t in cmp.totals)
    )
    print(f"baseline  engine alone, {len(columns)} columns  {engine:7.2f} s  1.00")
    print(
        f"scenario  run_scenario (read+apply+engine+tables) {run:7.2f} s  {run / engine:.2f}"
        f"   of which engine {cmp.engine_seconds:.2f} s; beyond the engine {run - cmp.engine_seconds:.2f} s"
        f" (goal < 2 s)"
    )
    print(f"forecast  5 years ({len(f.expected)} expected awards)  {fc:7.2f} s  {fc / engine:.2f}")


def gui(n: int) -> None:
    """The page's runs in the real window, with the event loop's longest gap."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.ask import ScriptedAsker, set_asker
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.operations import Operation

    app = QApplication.instance() or QApplication([])
    set_asker(ScriptedAsker())
    ctx = AppContext(f"sqlite:///{tempfile.mkdtemp(prefix='kjjb-scenario-gui-')}/bench.sqlite3")
    ctx.warm_up()
    fill(ctx.store, n)
    window = MainWindow(ctx)
    window.show()
    page = window.show_page("sandbox")
    gaps = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)

    def run_until_idle(start) -> float:
        t0 = time.perf_counter()
        start()
        while True:
            app.processEvents()
            time.sleep(0.001)
            if not Operation.running:
                break
        return time.perf_counter() - t0

    last[0] = time.perf_counter()
    gaps.clear()
    scenario = run_until_idle(page.scenario.run)
    worst_scenario = max(gaps) * 1000
    page.tabs.setCurrentIndex(1)
    last[0] = time.perf_counter()
    gaps.clear()
    forecast_s = run_until_idle(page.forecast.run)
    worst_forecast = max(gaps) * 1000
    timer.stop()
    print(
        f"gui  scenario from the page {scenario:6.2f} s, longest event-loop gap {worst_scenario:5.0f} ms (aim < 100 ms)"
    )
    print(f"gui  forecast from the page {forecast_s:6.2f} s, longest event-loop gap {worst_forecast:5.0f} ms")
    ctx.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10000
    main(count)
    if "--gui" in sys.argv:
        gui(count)
