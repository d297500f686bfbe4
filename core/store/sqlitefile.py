"""Whether a SQLite file is this program's database, or damaged: read by db (before connecting) and backup."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # primary result codes (the low byte of an extended code)


def file_problem(path: Path | None) -> str | None:
    """Why an existing SQLite file cannot be this program's database (None: absent, or it looks like one).

    A zero-byte file or another kind of file is never opened: SQLite would take it for a new, empty database
    (or fail on the first read), and the program would create an empty database over what may be the bureau's
    data in a damaged state.
    """
    if path is None:
        return None
    try:
        size = path.stat().st_size
        if size == 0:
            return "文件为空（0字节），不是有效的数据库"
        head = _read_head(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"文件无法读取（{exc.strerror or exc}）"
    if head != SQLITE_HEADER:
        return "不是SQLite数据库文件（文件头不符，可能已损坏或被其他文件替换）"
    return None


_held: dict[tuple[int, int], int] = {}  # (device, inode) -> a descriptor of that database file, never closed


def _read_head(path: Path) -> bytes:
    """The file's first bytes, read through a descriptor this process keeps open.

    Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's too: after a
    plain ``open()``/``close()`` of the database, this process' connections held no lock, and a worker
    process closing its connection took itself for the last one and deleted the WAL and its index under them
    (the database was then malformed). SQLite keeps its own descriptors open for the same reason. Windows
    locks belong to a handle, and a handle kept open would stop a restore replacing the file: read and close.
    """
    if os.name == "nt":
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER))
    st = path.stat()
    fd = _held.get((st.st_dev, st.st_ino))
    if fd is None:
        _let_go_of_removed()
        fd = os.open(path, os.O_RDONLY)
        _held[(st.st_dev, st.st_ino)] = fd
    return os.pread(fd, len(SQLITE_HEADER), 0)


def _let_go_of_removed() -> None:
    """Close the descriptors of files since deleted (a replaced database, a test's): nothing can open them again,
    so their locks guard nothing."""
    for key, fd in list(_held.items()):
        if os.fstat(fd).st_nlink == 0:
            os.close(fd)
            del _held[key]


def damage(exc: BaseException) -> str | None:
    """Why a database error means the SQLite file itself is damaged, or None for any other error."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None:
        return None
    if code & 0xFF == SQLITE_CORRUPT:
        return "文件已损坏（database disk image is malformed）"
    if code & 0xFF == SQLITE_NOTADB:
        return "不是有效的数据库文件（file is not a database）"
    return None


def undecodable() -> sqlite3.DatabaseError:
    """The error SQLite raised on a damaged file whose message quotes damaged bytes (a table's name in a malformed
    schema): Python's sqlite3 cannot decode such a message and raises UnicodeDecodeError in its place."""
    exc = sqlite3.DatabaseError("database disk image is malformed")
    exc.sqlite_errorcode = SQLITE_CORRUPT
    return exc
