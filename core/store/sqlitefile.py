"""Whether a SQLite file is this program's database, or damaged: read by db (before connecting) and backup."""

from __future__ import annotations

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
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"文件无法读取（{exc.strerror or exc}）"
    if head != SQLITE_HEADER:
        return "不是SQLite数据库文件（文件头不符，可能已损坏或被其他文件替换）"
    return None


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
