"""The default SQLite file: where it lives, its durability settings, backups and restore."""

import sqlite3
from decimal import Decimal

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.store import StoreError, open_store
from core.store import backup as backups
from core.store.db import configured_url, default_url, save_configured_url


def test_default_database_is_created_in_the_data_folder_on_first_run(data_dir):
    store = open_store()
    assert store.path == data_dir / "kjjb.sqlite3"
    assert store.path.exists() and store.revision() == "0007"
    assert store.url == default_url()
    store.close()


def test_saved_connection_setting_is_used_when_no_url_is_given(data_dir, tmp_path):
    other = f"sqlite:///{(tmp_path / 'shared.sqlite3').as_posix()}"
    save_configured_url(other)
    assert configured_url() == other
    store = open_store()
    assert store.path == tmp_path / "shared.sqlite3"
    store.close()
    save_configured_url(None)
    assert configured_url() is None


def test_every_connection_is_wal_synchronous_full_with_foreign_keys(data_dir):
    store = open_store()
    for engine in (store.engine, store._writer):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
    # WAL is a property of the file: another program opening it sees it too
    con = sqlite3.connect(data_dir / "kjjb.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()


def test_backup_and_restore_round_trip(data_dir, policies):
    store = open_store()
    b1, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b1, policies)
    manual = store.backup()
    assert manual.parent == data_dir / "backups" and manual.name.endswith("-manual.sqlite3")

    store.approve(b1, "张三", "李四", allow_provisional=True)
    b2, _ = store.apply_import(batch_data("第二批", 2027, [profile(2)], [(uscc(2), hte("2027-03-01"))]))
    assert [b.id for b in store.batches()] == [1, 2]

    safety = store.restore(manual.name)
    assert [(b.id, b.status) for b in store.batches()] == [(1, "draft")]
    assert [l.amount for l in store.lines(1)] == [Decimal("500000.00")]
    assert store.company_id(uscc(2)) is None

    # the safety copy holds what was there before the restore, and can itself be restored
    assert safety.name.endswith("-restore.sqlite3")
    store.restore(str(safety))
    assert [(b.id, b.status) for b in store.batches()] == [(1, "approved"), (2, "draft")]
    reasons = sorted(b.reason for b in store.backups())
    assert reasons == ["import", "import", "manual", "restore", "restore"]
    store.close()


def test_backup_is_a_single_consistent_file(data_dir):
    store = open_store()
    store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    path = store.backup()
    assert not path.with_name(path.name + "-wal").exists()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert con.execute("SELECT uscc FROM companies").fetchall() == [(uscc(1),)]
    con.close()
    store.close()


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(data_dir, tmp_path):
    store = open_store()
    store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="不是有效的数据库文件"):
        store.restore(str(junk))
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="不是本程序的数据库备份"):
        store.restore(str(other))
    with pytest.raises(StoreError, match="找不到备份文件"):
        store.restore("kjjb-20990101-000000-manual.sqlite3")
    assert [b.name for b in store.batches()] == ["第一批"]
    assert [b.reason for b in store.backups()] == ["import"]
    store.close()


def test_automatic_backups_are_pruned_manual_ones_kept(data_dir, monkeypatch):
    store = open_store()
    monkeypatch.setattr(backups, "KEEP_AUTOMATIC", 3)
    store.backup()
    for _ in range(5):
        store.backup("import")
    kept = store.backups()
    assert sorted(b.reason for b in kept) == ["import", "import", "import", "manual"]
    store.close()


def test_server_databases_are_not_backed_up_by_the_program(pg_url):
    store = open_store(pg_url)
    for action in (store.backup, store.backups, lambda: store.restore("x.sqlite3")):
        with pytest.raises(StoreError, match="请由服务器管理员负责备份"):
            action()
    store.close()


def test_checking_the_file_leaves_this_process_its_locks_so_another_process_keeps_off_the_wal(data_dir):
    """file_problem reads the header while this process has the database open; closing a plain descriptor
    of the file would drop SQLite's locks, and another process (the import's or calculation's worker) closing
    its connection would then delete the WAL and its index under this one: the database was left malformed."""
    import subprocess
    import sys

    from core.store.sqlitefile import file_problem

    store = open_store()
    store.batches()
    assert file_problem(store.path) is None
    store.check_file()
    other = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('select 1 from sqlite_master'); c.close()"
    subprocess.run([sys.executable, "-c", other, str(store.path)], check=True)
    assert store.path.with_name(store.path.name + "-wal").exists()
    assert store.path.with_name(store.path.name + "-shm").exists()
    store.apply_import(batch_data("锁测试", 2026, [profile(1, "测试甲公司")]))
    with sqlite3.connect(store.path) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert len(store.batches()) == 1
    store.close()
