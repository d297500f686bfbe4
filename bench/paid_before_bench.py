"""What listing a workbook's claims paid before (store.paid_before) adds to checking an import, against calculating.

    python bench/paid_before_bench.py [N] [--repeat R]    # N companies (default 2000), median of R runs (3)

A throwaway SQLite store gets an approved 2026 batch of N companies, each with
an HTE recognition and a technology contract. The 2027 workbook brings, for
every company, a supplementary agreement to its contract (so every company has
something paid before: the worst case) and an R&D post-subsidy claim.
Measured in the same run, CPU seconds of this process: ``paid_before`` on that
workbook, ``calculate`` of the same claims once imported (what the clerk runs
next anyway, the baseline), and ``paid_before`` on a store where none of the
companies has any history (the common first import: it evaluates nothing).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "store")]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-bench-")

from storehelp import batch_data, contract, hte, profile, uscc  # noqa: E402

from core.policy.loader import load_policies  # noqa: E402
from core.store import open_store  # noqa: E402


def cpu(fn):
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def main(n: int, repeat: int) -> None:
    policies = load_policies()
    first = batch_data(
        "2026",
        2026,
        [profile(i) for i in range(n)],
        [(uscc(i), hte("2026-03-01", f"h{i}")) for i in range(n)]
        + [(uscc(i), contract(f"HT-{i}", "2026-04-01", "3000000")) for i in range(n)],
    )
    later = batch_data(
        "2027",
        2027,
        [profile(i) for i in range(n)],
        [(uscc(i), {**contract(f"HT-{i}", "2027-04-01", "1000000"), "id": f"s{i}"}) for i in range(n)]
        + [(uscc(i), {"type": "rd_post_subsidy", "id": f"r{i}"}) for i in range(n)],
    )
    folder = Path(os.environ["KJJB_DATA_DIR"])
    empty = open_store(f"sqlite:///{folder / 'empty.sqlite3'}")
    store = open_store(f"sqlite:///{folder / 'kjjb.sqlite3'}")
    batch_id, _ = store.apply_import(first)
    store.calculate(batch_id, policies)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    found = store.paid_before(later, policies)
    assert len(found) >= n, len(found)
    next_id, _ = store.apply_import(later)
    runs = {"paid_before": [], "calculate": [], "paid_before_no_history": []}
    for _ in range(repeat):
        runs["paid_before"].append(cpu(lambda: store.paid_before(later, policies))[0])
        runs["calculate"].append(cpu(lambda: store.calculate(next_id, policies))[0])
        runs["paid_before_no_history"].append(cpu(lambda: empty.paid_before(later, policies))[0])
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"{n:,} companies, {len(later.claims):,} claims, {len(found):,} paid before; CPU s, median of {repeat}")
    for key, value in med.items():
        print(f"  {key:<24} {value:7.2f} s   {value / med['calculate']:.2f} × calculate")
    store.close()
    empty.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", nargs="?", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    main(args.n, args.repeat)
