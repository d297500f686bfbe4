"""Which database, and connections to it.

The default is a SQLite file in the user's data folder. A bureau may instead
point the program at any SQLAlchemy URL (a shared PostgreSQL server): with
``--db`` on the command line, or saved in ``connection.json`` in the data
folder by the settings screen.

SQLite connections run in WAL mode with ``synchronous=FULL`` (a committed
import survives the process being killed or the power going off) and foreign
keys on. The pysqlite driver's own transaction handling is switched off and
the store issues BEGIN itself, so reads see one snapshot and a writing
transaction takes the write lock at its start (BEGIN IMMEDIATE) instead of
failing half-way when another program writes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from core.paths import user_data_dir
from core.store.backup import broken_database
from core.store.errors import StoreError
from core.store.sqlitefile import SQLITE_HEADER, damage, file_problem, undecodable  # noqa: F401 (imported from here too)
from core.store.types import dumps

DB_FILENAME = "kjjb.sqlite3"
CONNECTION_FILE = "connection.json"
WRITE = "kjjb_write"  # execution option: this connection will write
BUSY_TIMEOUT_S = 30


def default_url() -> str:
    return f"sqlite:///{(user_data_dir() / DB_FILENAME).as_posix()}"


def configured_url() -> str | None:
    """The URL saved by the settings screen, if any."""
    path = user_data_dir() / CONNECTION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(f"数据库连接设置文件{path}无法读取：{exc}") from None
    url = data.get("url") if isinstance(data, dict) else None
    return str(url) if url else None


def save_configured_url(url: str | None) -> None:
    """Save (or with None, forget) the database URL used when no ``--db`` is given."""
    path = user_data_dir() / CONNECTION_FILE
    if url is None:
        path.unlink(missing_ok=True)
        return
    parse_url(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": url}, ensure_ascii=False), encoding="utf-8")


def resolve_url(url: str | None = None) -> str:
    """``--db`` if given, else the saved setting, else the SQLite file in the data folder."""
    return url or configured_url() or default_url()


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise StoreError(
            f"数据库地址无法识别：{url}（应为 SQLAlchemy URL，如 sqlite:///D:/kjjb.sqlite3 或 "
            f"postgresql+psycopg2://用户@服务器/数据库）"
        ) from None


def _as_url(url: str | URL) -> URL:
    return url if isinstance(url, URL) else parse_url(url)


def display_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages and screens."""
    return _as_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return _as_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of a SQLite URL (None for in-memory databases)."""
    u = _as_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str) -> Engine:
    u = parse_url(url)
    options = {"json_serializer": dumps}
    if u.get_backend_name() != "sqlite":
        try:
            return create_engine(u, pool_pre_ping=True, **options)
        except NoSuchModuleError:
            raise StoreError(f"不支持的数据库类型：{u.drivername}（可用 sqlite 或 postgresql+psycopg2）") from None
        except ImportError as exc:
            raise StoreError(f"连接{u.get_backend_name()}数据库所需的驱动程序未安装（{exc.name}）") from None
    path = sqlite_path(u)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_S}, **options)
    event.listen(engine, "do_connect", functools.partial(_sqlite_file_check, path))
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_file_check(path: Path | None, _dialect: object, _record: object, _cargs: object, _cparams: object) -> None:
    """Before connecting (which creates a missing file), refuse an existing file that is not a database: setting
    WAL would write a database header into an empty file and the program would take it for a new database."""
    if path is not None and (why := file_problem(path)) is not None:
        raise broken_database(path, why)


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # autocommit at driver level; BEGIN comes from _sqlite_begin
    cursor = dbapi_connection.cursor()
    try:
        # Another program instance writing: wait for it (up to 30 s) rather than fail at once.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    except UnicodeDecodeError:
        raise undecodable() from None
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
