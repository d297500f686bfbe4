"""Time one batch through the store: import, calculate, approve and read its lines.

    python bench/store_bench.py [N]          # N companies with 2 claims each (default 2000)

Runs on a throwaway SQLite file, and on PostgreSQL too when KJJB_TEST_PG_URL
is set (in a schema of its own, dropped afterwards).
"""

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "store")]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-bench-")

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from storehelp import batch_data, contract, hte, profile, uscc  # noqa: E402

from core.engine import load_policies  # noqa: E402
from core.store import open_store  # noqa: E402


def main(n: int) -> None:
    policies = load_policies()
    data = batch_data(
        "bench",
        2026,
        [profile(i) for i in range(n)],
        [(uscc(i), hte("2026-03-01", f"h{i}")) for i in range(n)]
        + [(uscc(i), contract(f"HT-{i}", "2026-04-01", "3000000")) for i in range(n)],
    )
    urls = [f"sqlite:///{os.environ['KJJB_DATA_DIR']}/kjjb.sqlite3"]
    pg, admin, schema = os.environ.get("KJJB_TEST_PG_URL"), None, f"bench_{uuid.uuid4().hex[:8]}"
    if pg:
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        urls.append(
            make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        )
    try:
        for url in urls:
            store = open_store(url)
            t = time.perf_counter()
            batch_id, _ = store.apply_import(data)
            t_import = time.perf_counter() - t
            t = time.perf_counter()
            summary = store.calculate(batch_id, policies)
            t_calc = time.perf_counter() - t
            t = time.perf_counter()
            store.approve(batch_id, "张三", "李四", allow_provisional=True)
            t_approve = time.perf_counter() - t
            t = time.perf_counter()
            lines = store.lines(batch_id)
            t_lines = time.perf_counter() - t
            print(
                f"{store.engine.dialect.name:<10} {n} companies: import {t_import:.2f}s, calculate {t_calc:.2f}s "
                f"({summary.lines} lines), approve {t_approve:.2f}s, lines() {t_lines:.2f}s ({len(lines)})"
            )
            store.close()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
