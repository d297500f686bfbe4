"""Backups of the SQLite database file, kept in the data folder's ``backups``.

Copies are made with SQLite's online backup API, so a copy is consistent even
while the program is writing (a plain file copy of a WAL database can miss
committed data or catch half a transaction). A copy is written to a temporary
name, switched to journal_mode=DELETE so it is one self-contained file,
flushed to disk and only then renamed into place.

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
from core.store.errors import StoreError

REASONS = {"manual": "手动备份", "import": "导入前自动备份", "migrate": "升级前自动备份", "restore": "恢复前自动备份"}
KEEP_AUTOMATIC = 30  # automatic backups kept per database; manual ones are never deleted
_NAME = re.compile(r"(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?-(?P<reason>[a-z]+)\.sqlite3$")
PG_MESSAGE = ("当前使用的是 PostgreSQL 服务器数据库，程序不备份服务器数据；"
              "请由服务器管理员负责备份（如 pg_dump 或服务器的定时备份）")


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
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, db_path.stem, reason)
    fd, partial_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".partial", dir=folder)
    os.close(fd)
    partial = Path(partial_name)
    try:
        _copy(db_path, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise StoreError(f"备份失败：{exc}") from None
    if reason != "manual":
        _prune(db_path.stem)
    return target


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())


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
