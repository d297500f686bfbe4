"""A database file that cannot be used (issue 13 item 5): one clear message everywhere, never replaced, restorable.

The damaged files are made from a real database: cut in half, random bytes
written over every page, one table's pages overwritten (the file opens, the
damage is met on reading), an empty file, and a text file in its place.
"""

import random
import sqlite3

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.cli import main
from core.paths import RESOURCES
from core.store import Store, open_store
from core.store import backup as backups
from core.store.errors import DatabaseBroken, LoginFailed, NotLoggedIn

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x"}
SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"


def truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def random_pages(good: bytes) -> bytes:
    data, rnd = bytearray(good), random.Random(13)
    for page in range(1, len(good) // 4096):
        for _ in range(64):
            data[page * 4096 + rnd.randrange(4096)] = rnd.randrange(256)
    return bytes(data)


def empty(good: bytes) -> bytes:
    return b""


def text_file(good: bytes) -> bytes:
    return "这不是数据库，是一份名单。\n".encode() * 200


DAMAGES = {"truncated": truncated, "random-pages": random_pages, "zero-byte": empty, "text-file": text_file}


def one_table_overwritten(path, table):
    """Overwrite the pages of one table (found from sqlite_master) so the file opens but reading it fails."""
    con = sqlite3.connect(path)
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = bytes(random.Random(5).randrange(256) for _ in range(size))
    path.write_bytes(bytes(data))


@pytest.fixture
def good(data_dir, policies):
    """An approved batch in the default SQLite file, its users, and a backup taken before the import."""
    store = open_store()
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("张三", PW["张三"], ["preparer"])
    store.add_user("李四", PW["李四"], ["reviewer"])
    store.login("张三", PW["张三"])
    b, _ = store.apply_import(
        batch_data(
            "第一批", 2026, [profile(n) for n in range(1, 31)], [(uscc(n), hte("2026-03-01")) for n in range(1, 31)]
        )
    )
    store.calculate(b, policies)
    store.login("李四", PW["李四"])
    store.approve(b, allow_provisional=True)
    path = store.path
    store.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


def run(capsys, monkeypatch, *argv, user=None):
    monkeypatch.delenv("KJJB_PASSWORD", raising=False)
    if user:
        monkeypatch.setenv("KJJB_PASSWORD", PW[user])
        argv = (*argv, "--user", user)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


COMMANDS = [
    ("batches",),
    ("export", "1", "-o", "{tmp}/结果.xlsx"),
    ("disbursement", "1", "-o", "{tmp}/拨付.xlsx"),
    ("publicity", "1", "-o", "{tmp}/公示.xlsx"),
    ("letters", "1", "-o", "{tmp}/letters"),
    ("calc", "1"),
    ("approve", "1"),
    ("paid", "1"),
    ("audit", "verify"),
    ("audit", "list"),
    ("user", "list"),
    ("db", "status"),
    ("db", "upgrade"),
    ("import", str(SAMPLE)),
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_every_command_gives_one_clear_message_and_leaves_the_file_as_it_is(
    good, damage, tmp_path, capsys, monkeypatch, qapp
):
    # qapp: ``letters`` lays out pages with Qt; run in this process it must find the test session's QApplication
    damaged = DAMAGES[damage](good.read_bytes())
    good.write_bytes(damaged)
    newest = backups.list_backups()[0].path.name
    for command in COMMANDS:
        argv = [a.format(tmp=tmp_path) for a in command]
        code, out, err = run(capsys, monkeypatch, *argv, user="张三")
        lines = err.splitlines()
        assert code == 1 and len(lines) == 1, (argv, err)
        assert (
            lines[0].startswith(f"错误：数据库文件{good}无法使用：")
            and "程序不会改写它，也不会用新的空数据库替换它" in err
        )
        assert f"最近的备份是{newest}" in err and "backup restore" in err, err
        assert "Traceback" not in out + err and "SELECT" not in err and "[SQL" not in err
        assert good.read_bytes() == damaged, argv  # never written to, never replaced by an empty database
    assert not list(tmp_path.glob("*.xlsx"))


def test_damage_met_only_when_reading_is_the_same_one_message(good, tmp_path, capsys, monkeypatch):
    one_table_overwritten(good, "award_lines")
    for command in (
        ("export", "1", "-o", f"{tmp_path}/结果.xlsx"),
        ("disbursement", "1", "-o", f"{tmp_path}/d.xlsx"),
        ("audit", "verify"),
    ):
        code, _, err = run(capsys, monkeypatch, *command)
        assert code == 1 and err.startswith(
            f"错误：数据库文件{good}无法使用：文件已损坏（database disk image is malformed）"
        )
        assert len(err.splitlines()) == 1


@pytest.mark.parametrize("damage", ["zero-byte", "text-file"])
def test_an_empty_or_foreign_file_is_never_replaced_by_a_new_database(good, damage):
    damaged = DAMAGES[damage](good.read_bytes())
    good.write_bytes(damaged)
    for attempt in (open_store, lambda: Store(f"sqlite:///{good}").upgrade()):
        with pytest.raises(DatabaseBroken, match="程序不会改写它，也不会用新的空数据库替换它"):
            attempt()
    assert good.read_bytes() == damaged


@pytest.mark.parametrize("damage", DAMAGES)
def test_backup_create_refuses_a_damaged_file(good, damage, capsys, monkeypatch):
    good.write_bytes(DAMAGES[damage](good.read_bytes()))
    before = {b.path.name for b in backups.list_backups()}
    code, out, err = run(capsys, monkeypatch, "backup", "create")
    assert code == 1 and err.startswith(f"错误：数据库文件{good}无法备份：") and len(err.splitlines()) == 1
    assert {b.path.name for b in backups.list_backups()} == before
    assert not list(backups.backup_dir().glob("*.partial"))


def index_out_of_step(path, text: str) -> None:
    """Change ``text`` wherever table rows hold it, not where indexes do: every page is sound, but a unique index no
    longer matches its table (only PRAGMA integrity_check sees that)."""
    data, needle = bytearray(path.read_bytes()), text.encode()
    start = data.find(needle)
    while start >= 0:
        page = start // 4096
        if data[page * 4096 + (100 if page == 0 else 0)] == 0x0D:  # a table's leaf page
            data[start + len(needle) - 2] ^= 0x01
        start = data.find(needle, start + 1)
    path.write_bytes(bytes(data))


def test_backup_create_checks_the_copy_for_damage_the_file_header_does_not_show(good):
    one_table_overwritten(good, "award_lines")
    for reason in ("manual", "import"):  # the automatic ones check too (quick_check)
        with pytest.raises(DatabaseBroken, match="无法备份：文件已损坏"):
            backups.create_backup(good, reason)
    assert [b.reason for b in backups.list_backups()] == ["import"]
    assert not list(backups.backup_dir().glob("*.partial"))


def test_a_manual_backup_runs_the_full_integrity_check(good):
    index_out_of_step(good, uscc(7))
    with pytest.raises(DatabaseBroken, match="已损坏，完整性检查不通过（.*index"):
        backups.create_backup(good, "manual")
    assert [b.reason for b in backups.list_backups()] == ["import"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_restore_works_while_the_file_is_damaged_authorised_by_the_backups_administrator(
    good, damage, capsys, monkeypatch
):
    damaged = DAMAGES[damage](good.read_bytes())
    good.write_bytes(damaged)
    (saved,) = backups.list_backups()
    code, _, err = run(capsys, monkeypatch, "backup", "restore", saved.path.name)
    assert code == 2 and "从备份恢复须由管理员登录" in err and good.read_bytes() == damaged
    monkeypatch.setenv("KJJB_PASSWORD", "wrong-password")
    assert main(["backup", "restore", saved.path.name, "--user", "管理员"]) == 2
    assert capsys.readouterr().err == "错误：用户名或密码错误\n" and good.read_bytes() == damaged
    code, _, err = run(capsys, monkeypatch, "backup", "restore", saved.path.name, user="张三")
    assert code == 2 and "不能从备份恢复（需要管理员角色）" in err and good.read_bytes() == damaged
    code, out, err = run(capsys, monkeypatch, "backup", "restore", saved.path.name, user="管理员")
    assert code == 0, err
    assert out.startswith(f"已从备份 {saved.path.name} 恢复数据库；损坏的数据库文件已移至 {backups.backup_dir()}")
    (kept,) = backups.backup_dir().glob("*.damaged")
    assert kept.read_bytes() == damaged  # kept, not deleted
    assert saved.path.exists() and [b.path for b in backups.list_backups()] == [saved.path]  # the backup untouched
    store = open_store()
    assert store.batches() == []  # the state before the import
    (entry,) = store.audit_entries(action="backup.restore")
    assert entry.who == "管理员" and entry.new["file"] == saved.path.name and entry.new["damaged"]
    assert store.verify_audit().ok
    store.close()


def test_a_sound_database_is_restored_by_its_own_administrator(good):
    (saved,) = backups.list_backups()
    store = open_store()
    with pytest.raises(NotLoggedIn, match="从备份恢复须由管理员登录"):
        store.restore(saved.path.name)
    store.login("张三", PW["张三"])
    with pytest.raises(Exception, match="需要管理员角色"):
        store.restore(saved.path.name)
    with pytest.raises(LoginFailed):
        Store(store.url).restore(saved.path.name, ("管理员", "wrong-password"))
    store.login("管理员", PW["管理员"])
    safety = store.restore(saved.path.name)
    assert safety.name.endswith("-restore.sqlite3") and store.batches() == []
    store.close()
