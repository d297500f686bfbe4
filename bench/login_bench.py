"""Does a wrong password take as long for a name that exists as for one that does not?

    python bench/login_bench.py [ROUNDS]     # default 40 attempts per name, alternating

The designed waits after wrong passwords are the same for both by construction (tests/store/test_users.py) and are
switched off here (``store.sleep``); what is timed is the work of answering: the lookup, one scrypt check (against
the user's hash, or a dummy one of the same cost) and the audit entry. Prints the median time per attempt for each
kind of name and their ratio (1.00 = indistinguishable), on a throwaway SQLite file.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-bench-")

from core.store import open_store  # noqa: E402
from core.store.errors import LoginFailed  # noqa: E402


def main(rounds: int) -> None:
    store = open_store(f"sqlite:///{os.environ['KJJB_DATA_DIR']}/kjjb.sqlite3")
    store.create_first_admin("管理员", "Admin-2026")
    for n in range(20):
        store.add_user(f"经办人{n}", "Zhang-2026", ["preparer"])
    store.logout()
    store.sleep = lambda seconds: None
    times = {"known": [], "unknown": []}
    for i in range(rounds):
        for kind, name in (("known", f"经办人{i % 20}"), ("unknown", f"无此人{i % 20}")):
            t = time.perf_counter()
            try:
                store.login(name, "wrong-password")
            except LoginFailed:
                pass
            times[kind].append(time.perf_counter() - t)
    known, unknown = (statistics.median(times[k]) for k in ("known", "unknown"))
    print(
        f"wrong password, {rounds} attempts each: known name {known * 1000:.1f} ms, unknown name "
        f"{unknown * 1000:.1f} ms (median); ratio unknown/known {unknown / known:.2f}"
    )
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
