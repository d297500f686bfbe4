"""Databases the step benchmarks start from, built once per N and checkout and cached in the temp folder.

    imported(n, source)    bench/bigbatch.py's N-company workbook imported (what ``calc`` starts from)
    calculated(n, source)  the same batch calculated as well (what ``approve`` starts from)

Each is built by running ``main.py`` of the checkout ``source`` in its own process, as
bench/pipeline_bench.py runs the steps (the import is the slow part at 100,000). The cache is
named by N, what it holds and a digest of the checkout's path, so a "before" checkout
(``--source``) gets a database its own program built. ``copied`` gives a run its own copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bigbatch import big_workbook  # noqa: E402
from pipeline_bench import DEFAULT_ROWS, timed  # noqa: E402

DB = "kjjb.sqlite3"


def env(folder: Path, source: Path) -> dict:
    """The environment of a step run on ``folder``'s database: nothing of ours inherited, the checkout first."""
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    out.update(KJJB_DATA_DIR=str(folder / "data"), PYTHONPATH=str(source), HOME=str(folder))
    return out


def main_command(folder: Path, source: Path, profile: Path | None = None) -> list[str]:
    """``python main.py --db <folder's database>`` of the checkout, under cProfile writing ``profile`` if given."""
    cmd = [sys.executable, str(source / "main.py"), "--db", f"sqlite:///{folder / DB}"]
    if profile is not None:
        cmd[1:1] = ["-m", "cProfile", "-o", str(profile)]
    return cmd


def imported(n: int, source: Path) -> tuple[Path, str]:
    """(folder holding the database with the N-company batch imported, the batch id)."""
    return _built(n, source, calculate=False)


def calculated(n: int, source: Path) -> tuple[Path, str]:
    """(folder holding the database with the N-company batch imported and calculated, the batch id)."""
    return _built(n, source, calculate=True)


def _built(n: int, source: Path, calculate: bool) -> tuple[Path, str]:
    tag = hashlib.sha1(str(source).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"kjjb-benchdb-{n}-{'calculated' if calculate else 'imported'}-{tag}"
    done = folder / "batch.txt"
    if done.exists():
        return folder, done.read_text().strip()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    main = main_command(folder, source)
    run_env = env(folder, source)
    if n + 1 > DEFAULT_ROWS:
        timed(main + ["import-limit", str(n + 1)], source, run_env)
    batch = timed(main + ["import", str(big_workbook(n))], source, run_env)["stdout"].split()[0]
    if calculate:
        timed(main + ["calc", batch], source, run_env)
    done.write_text(batch)  # last: a build cut short is built again
    return folder, batch


def copied(built: Path) -> Path:
    """A new temporary folder holding a copy of ``built``'s database (with its WAL files, if any); the caller
    removes it."""
    folder = Path(tempfile.mkdtemp(prefix="kjjb-benchdb-run-"))
    for suffix in ("", "-wal", "-shm"):
        if (built / f"{DB}{suffix}").exists():
            shutil.copy(built / f"{DB}{suffix}", folder / f"{DB}{suffix}")
    return folder
