"""The three paper exports (results, 资金拨付明细表, 公示名单) of one approved N-company batch, before and after.

    python bench/paper_bench.py N [--runs 1] [--source DIR] [--keep DIR]

Builds once (cached in ``--keep``, default the temp folder) a SQLite file holding the approved batch of
bench/bigbatch.py's N-company workbook, made by the program of ``--source`` (import, calc, approve). Then each
export runs as the clerk runs it (``python main.py export|disbursement|publicity``, a process each) by the
program of ``--source`` (the "before") and by this checkout, alternately, on copies of the same file. Prints CPU
seconds (user + system, from wait4) and peak resident memory (ru_maxrss) of each, the median over the runs, and
the ratio this checkout / source.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import big_workbook  # noqa: E402
from pipeline_bench import DEFAULT_ROWS, timed  # noqa: E402

EXPORTS = {
    "export": ["export", "{batch}", "-o", "{out}/结果.xlsx"],
    "disbursement": ["disbursement", "{batch}", "-o", "{out}/拨付明细表.xlsx", "--include-provisional"],
    "publicity": ["publicity", "{batch}", "-o", "{out}/公示名单.xlsx", "--include-provisional"],
}


def _env(source: Path, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    env.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
    return env


def _main(source: Path, db: Path) -> list[str]:
    return [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{db}"]


def approved_batch(n: int, source: Path, keep: Path) -> tuple[Path, str]:
    """(the SQLite file holding the approved batch, its id), made once by ``source``'s program."""
    db, marker = keep / f"paper-{n}.sqlite3", keep / f"paper-{n}.batch"
    if db.exists() and marker.exists():
        return db, marker.read_text().strip()
    workbook = big_workbook(n)
    env, main = _env(source, keep), _main(source, db)
    db.unlink(missing_ok=True)
    if n + 1 > DEFAULT_ROWS:
        timed(main + ["import-limit", str(max(n + 1, 1000))], source, env)
    batch = timed(main + ["import", str(workbook)], source, env)["stdout"].split()[0]
    timed(main + ["calc", batch], source, env)
    timed(main + ["approve", batch, "--preparer", "张三", "--reviewer", "李四", "--allow-provisional"], source, env)
    marker.write_text(batch)
    return db, batch


def run(name: str, source: Path, db: Path, batch: str, folder: Path) -> dict:
    copy = folder / "kjjb.sqlite3"
    shutil.copyfile(db, copy)
    args = [a.format(batch=batch, out=folder) for a in EXPORTS[name]]
    return timed(_main(source, copy) + args, source, _env(source, folder))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--source", type=Path, default=Path("/work/main"), help="the checkout measured as 'before'")
    p.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()), help="where the database is cached")
    a = p.parse_args()
    source = a.source.resolve()
    db, batch = approved_batch(a.n, source, a.keep)
    figures: dict[tuple[str, str], list[dict]] = {}
    for _ in range(a.runs):
        for name in EXPORTS:
            for label, checkout in (("before", source), ("after", ROOT)):
                folder = Path(tempfile.mkdtemp(prefix="kjjb-paper-"))
                try:
                    figures.setdefault((name, label), []).append(run(name, checkout, db, batch, folder))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
    print(f"N = {a.n:,} (batch {batch}), {a.runs} run(s), median; before = {source}, after = {ROOT}")
    print(f"{'step':<14}{'before CPU':>12}{'after CPU':>12}{'ratio':>8}{'before MB':>12}{'after MB':>11}")
    for name in EXPORTS:
        b, f = figures[(name, "before")], figures[(name, "after")]
        bc, fc = statistics.median(r["cpu"] for r in b), statistics.median(r["cpu"] for r in f)
        bm, fm = statistics.median(r["peak_mb"] for r in b), statistics.median(r["peak_mb"] for r in f)
        print(f"{name:<14}{bc:>11.2f}s{fc:>11.2f}s{fc / bc:>8.2f}{bm:>11.0f} {fm:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
