"""Backups of the SQLite database file, kept in the data folder's ``backups``.

Copies are made with SQLite's online backup API, so a copy is consistent even
while the program is writing (a plain file copy of a WAL database can miss
committed data or catch half a transaction). A copy is written to a temporary
name, switched to journal_mode=DELETE so it is one self-contained file,
checked (``PRAGMA integrity_check`` for a manual copy, ``quick_check`` for the
automatic ones before imports and upgrades), flushed to disk and only then
renamed into place: a damaged database is refused, never kept as if it were a
good backup.

PostgreSQL databases are not copied by the program: that is the server
administrator's job (pg_dump or the server's own backups).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.paths import user_data_dir
from core.store.errors import DatabaseBroken, StoreError
from core.store.sqlitefile import damage, file_problem, undecodable

REASONS = {"manual": "手动备份", "import": "导入前自动备份", "migrate": "升级前自动备份", "restore": "恢复前自动备份"}
KEEP_AUTOMATIC = 30  # automatic backups kept per database; manual ones are never deleted
_NAME = re.compile(r"(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?-(?P<reason>[a-z]+)\.sqlite3$")
PG_MESSAGE = (
    "当前使用的是 PostgreSQL 服务器数据库，程序不备份服务器数据；"
    "请由服务器管理员负责备份（如 pg_dump 或服务器的定时备份）"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str  # key of REASONS
    source: str  # file name stem of the database it was taken from
    size: int

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


def backup_dir() -> Path:
    return user_data_dir() / "backups"


def create_backup(db_path: Path, reason: str = "manual") -> Path:
    """A consistent copy of ``db_path`` in the backups folder; returns its path."""
    if reason not in REASONS:
        raise ValueError(reason)
    if not db_path.exists():
        raise StoreError(f"数据库文件不存在：{db_path}")
    if (problem := file_problem(db_path)) is not None:
        raise DatabaseBroken(
            f"数据库文件{db_path}无法备份：{problem}；请从此前的备份恢复（python main.py backup list 查看）"
        )
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, db_path.stem, reason)
    fd, partial_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".partial", dir=folder)
    os.close(fd)
    partial = Path(partial_name)
    try:
        problems = _copy(db_path, partial, "integrity_check" if reason == "manual" else "quick_check")
        if problems:
            raise DatabaseBroken(
                f"数据库文件{db_path}已损坏，完整性检查不通过（{problems[0][:200]}"
                f"{f'等{len(problems)}处' if len(problems) > 1 else ''}），不能作为正常备份保存；"
                f"请从此前的备份恢复（python main.py backup list 查看）"
            )
        os.replace(partial, target)
    except (sqlite3.Error, OSError, DatabaseBroken) as exc:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        if isinstance(exc, DatabaseBroken):
            raise
        if (why := damage(exc)) is not None:
            raise DatabaseBroken(
                f"数据库文件{db_path}无法备份：{why}；请从此前的备份恢复（python main.py backup list 查看）"
            ) from None
        raise StoreError(f"备份失败：{exc}") from None
    if reason != "manual":
        _prune(db_path.stem)
    return target


def _copy(source: Path, target: Path, check: str = "quick_check") -> list[str]:
    """Copy ``source`` into ``target``; returns what ``PRAGMA <check>`` finds wrong with the copy (empty: sound).

    The copy is checked rather than the source: it is what will be kept, and checking it does not hold up the
    program writing to the source meanwhile.
    """
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [r[0] for r in dst.execute(f"PRAGMA {check}")]
        except UnicodeDecodeError:
            raise undecodable() from None
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())
    return [] if problems == ["ok"] else problems


def _free_name(folder: Path, stem: str, reason: str) -> Path:
    """A new backup name, reserved by creating the file (two program instances may back up in the same second)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        path = folder / (f"{stem}-{stamp}-{reason}.sqlite3" if n == 1 else f"{stem}-{stamp}-{n}-{reason}.sqlite3")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return path
        except FileExistsError:
            n += 1


def list_backups() -> list[BackupInfo]:
    """Every backup in the folder, newest first."""
    folder = backup_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob("*.sqlite3"):
        m = _NAME.fullmatch(path.name)
        if not m:
            continue
        created = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
        out.append(BackupInfo(path, created, m["reason"], m["stem"], path.stat().st_size))
    return sorted(out, key=lambda b: (b.created, b.path.stat().st_mtime_ns, b.path.name), reverse=True)


def _prune(stem: str) -> None:
    automatic = [b for b in list_backups() if b.source == stem and b.reason != "manual"]
    for old in automatic[KEEP_AUTOMATIC:]:
        old.path.unlink(missing_ok=True)


def find_backup(name: str) -> Path:
    """A backup by file name (in the backups folder) or by path."""
    path = Path(name)
    if not path.exists():
        path = backup_dir() / name
    if not path.is_file():
        raise StoreError(f"找不到备份文件：{name}（可用 backup list 查看备份）")
    return path


def broken_database(db_path: Path, why: str) -> DatabaseBroken:
    """The one message for a database file the program cannot use: what is wrong, that it is left alone, and
    where the backups are."""
    return DatabaseBroken(
        f"数据库文件{db_path}无法使用：{why}。程序不会改写它，也不会用新的空数据库替换它。{restore_hint(db_path)}"
    )


def restore_hint(db_path: Path) -> str:
    """Where the backups of a database are and how to restore one (for the message about a broken database)."""
    own = [b for b in list_backups() if b.source == db_path.stem]
    if not own:
        return (
            f"备份文件夹{backup_dir()}中没有该数据库的备份；如有其他备份文件，可用 "
            f"python main.py backup restore 备份文件路径 --user 管理员 恢复"
        )
    newest = own[0]
    return (
        f"最近的备份是{newest.path.name}（{newest.created:%Y-%m-%d %H:%M}，{newest.reason_label}），"
        f"共{len(own)}个，位于{backup_dir()}。恢复：图形界面启动时选择“从备份恢复”，或运行 "
        f"python main.py backup list 查看、python main.py backup restore 文件名 --user 管理员 恢复"
        f"（由该备份中的管理员凭其密码授权）"
    )


def backup_revision(path: Path) -> str | None:
    """The schema revision of a backup file, after checking it is a sound database of this program."""
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path.name}无法打开：{exc}") from None
    try:
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"{path.name}已损坏，不能用于恢复")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "batches" not in tables:
            raise StoreError(f"{path.name}不是本程序的数据库备份")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path.name}不是有效的数据库文件：{exc}") from None
    finally:
        con.close()


def damage_of(db_path: Path) -> str | None:
    """Why the database file cannot be used (empty, not a database, failing ``PRAGMA quick_check``), or None."""
    if (problem := file_problem(db_path)) is not None:
        return problem
    if not db_path.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True, timeout=30)
        try:
            found = [r[0] for r in con.execute("PRAGMA quick_check")]
        except UnicodeDecodeError:
            raise undecodable() from None
        finally:
            con.close()
    except sqlite3.Error as exc:
        return damage(exc) or f"无法读取（{exc}）"
    return None if found == ["ok"] else f"完整性检查不通过（{found[0][:200]}）"


def stage(source: Path, beside: Path) -> Path:
    """A working copy of a backup next to the database file (same folder, so it can be renamed into place)."""
    staged = beside.with_name(f".{beside.name}.restore-{os.getpid()}")
    staged.unlink(missing_ok=True)
    try:
        _copy(source, staged)
    except (sqlite3.Error, OSError) as exc:
        staged.unlink(missing_ok=True)
        raise StoreError(f"恢复失败，数据库未改变：{exc}") from None
    return staged


def settle(path: Path) -> None:
    """Fold a database's write-ahead log into the file and switch it to a single self-contained file."""
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def set_aside(db_path: Path) -> Path:
    """Move a damaged database file (and its -wal, -shm) into the backups folder, out of the way but kept;
    returns where. It is not listed as a backup (nothing can be restored from it)."""
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-damaged.sqlite3.damaged"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{db_path.stem}-{stamp}-{n}-damaged.sqlite3.damaged"
    try:
        for suffix in ("-wal", "-shm"):
            extra = db_path.with_name(db_path.name + suffix)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + suffix))
        os.replace(db_path, target)
    except OSError as exc:
        raise StoreError(
            f"无法移开损坏的数据库文件{db_path}（{exc}），数据库未改变；请关闭其他正在使用它的程序后重试"
        ) from None
    return target


def copy_into(backup: Path, db_path: Path) -> None:
    """Overwrite the database's content with the backup's, through the backup API (the WAL stays consistent)."""
    src = sqlite3.connect(f"file:{backup.as_posix()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(db_path), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(f"恢复失败，数据库未改变：{exc}") from None
    finally:
        src.close()
