"""The targets report on a large store, against what the 目标监测 screen computes for one scope.

    python bench/targets_bench.py [N]     # N companies (default 100000) in a throwaway SQLite file

Baseline: the screen's ``series`` for both of its metrics for the region (what
it computes when opened). Measured: ``core.targetreport.build`` for every
target (the ``targets`` command), for all cities and for one county. Printed as
seconds and as ratios to the baseline of the same run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-targets-")

CITIES = ("hulunbuir", "baotou", "tongliao", "chifeng")
COUNTIES = ("甲区", "乙旗", "丙县", "丁市")


def fill(store, n: int) -> None:
    """N companies; every 3rd with a high-tech certificate (dates over 2019-2025), every 5th a tech SME in
    2022-2025, every 50th a regional key lab."""
    import sqlalchemy as sa

    from core.store.models import Company, RecognitionRow, TechSmeRow
    from core.store.searchkey import search_key
    from core.uscc import check_character

    stamp = dt.datetime(2026, 1, 1)
    rows = []
    for i in range(1, n + 1):
        first17 = f"911507{i:011d}"
        code = first17 + check_character(first17)
        name = f"测试{i:06d}号科技有限公司"
        rows.append(
            dict(
                uscc=code,
                name=name,
                city=CITIES[i % 4],
                county=COUNTIES[(i // 4) % 4],
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
                    date=dt.date(2019, 1, 1) + dt.timedelta(days=i % 2500),
                    number="",
                    issued_in="",
                    created_at=stamp,
                )
                for i in range(0, n, 3)
            ]
            + [
                dict(
                    company_id=first + i,
                    kind="key_lab",
                    level="regional",
                    date=dt.date(2022, 6, 1),
                    number="",
                    issued_in="",
                    created_at=stamp,
                )
                for i in range(0, n, 50)
            ],
        )
        s.execute(
            sa.insert(TechSmeRow),
            [dict(company_id=first + i, year=2022 + i % 4, number="", created_at=stamp) for i in range(0, n, 5)],
        )


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(n: int) -> None:
    from core.engine import load_policies
    from core.store import open_store
    from core.targetreport import Filter, build
    from core.targets import METRICS, REGION, series

    policies = load_policies()
    store = open_store()
    try:
        fill(store, n)
        baseline = timed(lambda: [series(store, policies, m, REGION) for m in METRICS])
        report = timed(lambda: build(store, policies))
        county = timed(lambda: build(store, policies, Filter(city="tongliao", county="甲区")))
    finally:
        store.close()
        shutil.rmtree(os.environ["KJJB_DATA_DIR"], ignore_errors=True)
    print(f"{n} companies (SQLite)")
    print(f"  screen, region, both metrics (baseline): {baseline:.3f} s")
    print(f"  targets, every target:                   {report:.3f} s  ({report / baseline:.2f}× baseline)")
    print(f"  targets --county:                        {county:.3f} s  ({county / baseline:.2f}× baseline)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000)
