"""Leftovers of killed work are cleaned up, and two backups in one second both survive."""

import os
import threading
import time

from openpyxl import Workbook

from core.excel.files import save_workbook
from core.store import open_store
from core.store.backup import create_backup, list_backups


def test_stale_temporary_files_of_a_killed_export_are_removed(tmp_path):
    old = tmp_path / ".~结果.abc123.tmp"
    young = tmp_path / ".~结果.def456.tmp"
    other = tmp_path / ".~其他.ghi789.tmp"
    for p in (old, young, other):
        p.write_bytes(b"partial")
    past = time.time() - 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    save_workbook(Workbook(), tmp_path / "结果.xlsx")
    assert not old.exists()
    assert young.exists(), "a temporary file of an export still running must be left alone"
    assert other.exists(), "only this file's temporaries are touched"
    assert (tmp_path / "结果.xlsx").exists()


def test_concurrent_backups_in_the_same_second_are_all_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "kjjb.sqlite3"
    open_store(f"sqlite:///{db.as_posix()}").close()
    made, errors = [], []

    def work():
        try:
            made.append(create_backup(db, "manual"))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(made)) == 4 and all(p.stat().st_size > 0 for p in made)
    assert len([b for b in list_backups() if b.reason == "manual"]) == 4
