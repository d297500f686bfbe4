"""Schema migrations with Alembic, run from code.

The revisions live in ``core/store/migrations/versions`` inside the package,
so an installed or bundled program can run them: no alembic.ini, no env.py,
nothing read from the working directory. (A PyInstaller bundle must ship that
folder's ``.py`` files as data.)

To add a revision: copy the newest file in ``versions``, give it the next
number as ``revision`` and the current head as ``down_revision``, write
``upgrade``/``downgrade`` by hand, and change ``models.py`` to match;
``tests/store/test_migrations.py`` checks that the migrated schema equals the
models on SQLite and PostgreSQL. Then write the SQLite head again
(``python -m core.store.migrate``, see below): the test says so when it is stale.

A new SQLite file is not taken through every revision in turn (half a second
of Alembic and batch rebuilds at every first start): it is made at the head
in one transaction from :mod:`core.store.sqlite_head`, the schema statements
and rows that migrating an empty file leaves, as SQLite stored them. The
schema is therefore the very same text either way (the test compares both). A
server database is created by migrating, as before: that is done once, by its
administrator.

On SQLite, foreign-key enforcement is switched off while migrations run, as
SQLite's ALTER TABLE procedure requires (rebuilding a table in batch mode
would otherwise cascade deletes into the tables that point at it), and
``PRAGMA foreign_key_check`` must come back empty before the change commits.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from core.store.errors import SchemaMismatch, StoreError

if TYPE_CHECKING:  # Alembic is imported only to migrate (see below)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)\s*$', re.MULTILINE)

# Alembic (a tenth of a second to import) is loaded only to migrate: opening a
# database that is up to date needs just the revision ids, read from the
# revision files' own ``revision`` / ``down_revision`` lines
# (tests/store/test_migrations.py checks they agree with Alembic's reading).


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


@functools.cache
def revisions() -> dict[str, str | None]:
    """{revision: down_revision} of every revision file."""
    out: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {key: value or None for key, value in _REVISION.findall(path.read_text(encoding="utf-8"))}
        if (revision := found.get("revision")) is not None:
            out[revision] = found.get("down_revision")
    return out


def head_revision() -> str:
    graph = revisions()
    (head,) = set(graph) - set(graph.values())
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in ``alembic_version`` (None for a database without one)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(rows) > 1:
        raise StoreError(f"数据库结构版本记录有{len(rows)}条（{'、'.join(rows)}），无法判断结构版本")
    return rows[0] if rows else None


def revision_state(engine: Engine) -> tuple[str | None, bool]:
    """(current revision, whether the database holds tables that are not ours) for a database."""
    with engine.connect() as conn:
        current = current_revision(conn)
        foreign = current is None and bool(set(inspect(conn).get_table_names()) - {"alembic_version"})
    return current, foreign


def ready(engine: Engine) -> bool:
    """Whether the database is at the newest revision and its audit log has begun, in one query: what opening
    an up-to-date database costs. False for anything else (no such table, several revision rows, an error of
    any kind): the caller then takes the full check, which names the problem."""
    sql = "SELECT version_num, (SELECT seq FROM audit_head WHERE id = 1) FROM alembic_version"
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(sql).all()
    except DBAPIError:
        return False
    return len(rows) == 1 and rows[0][0] == head_revision() and bool(rows[0][1])


def is_known(revision: str) -> bool:
    return revision in revisions()


def upgrade(engine: Engine, target: str = "head") -> None:
    _run(engine, target, up=True)


def create_at_head(engine: Engine) -> bool:
    """Make an empty SQLite database the newest revision in one step; False (nothing done) when the
    database is not SQLite, not empty (another instance of the program made it meanwhile), or the stored head
    is not the newest revision: then migrate as usual."""
    if engine.dialect.name != "sqlite":
        return False
    from core.store import sqlite_head
    from core.store.db import WRITE

    if sqlite_head.REVISION != head_revision():
        return False
    with engine.execution_options(**{WRITE: True}).connect() as conn, conn.begin():  # BEGIN IMMEDIATE
        if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
            return False
        for statement in sqlite_head.STATEMENTS:
            conn.exec_driver_sql(statement)
    return True


def sqlite_head_statements(engine: Engine) -> tuple[str, ...]:
    """The statements that make a database like the SQLite one of ``engine``: its schema as SQLite stored it,
    in the order it was made, then its rows (sqlite_sequence is made with the first AUTOINCREMENT table).
    Read from a file just migrated to the head, they are :mod:`core.store.sqlite_head`."""
    with engine.connect() as conn:
        sql = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        schema = conn.exec_driver_sql(sql).all()
        statements = [sql for _, name, sql in schema if name != "sqlite_sequence"]
        for kind, name, _ in schema:
            if kind != "table":
                continue
            columns = [row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')]
            names = ", ".join(f'"{c}"' for c in columns)
            values = " || ', ' || ".join(f'quote("{c}")' for c in columns)
            for (row,) in conn.exec_driver_sql(f'SELECT {values} FROM "{name}" ORDER BY rowid'):
                statements.append(f'INSERT INTO "{name}" ({names}) VALUES ({row})')
    return tuple(statements)


def write_sqlite_head(path: Path = Path(__file__).with_name("sqlite_head.py")) -> None:
    """Write :mod:`core.store.sqlite_head` from an empty SQLite file migrated to the head."""
    import tempfile

    from core.store.db import make_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/head.sqlite3")
        upgrade(engine)
        statements = sqlite_head_statements(engine)
        engine.dispose()
    lines = [
        '"""A new SQLite database at the newest revision, as migrating an empty file leaves it (core.store.migrate).',
        "",
        "Generated by ``python -m core.store.migrate``; do not edit.",
        '"""',
        "",
        f"REVISION = {head_revision()!r}",
        "STATEMENTS = (",
        *(f"    {statement!r}," for statement in statements),
        ")",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(path)], check=False)  # as dev.py check wants


def downgrade(engine: Engine, target: str) -> None:
    """Only for tests and for an administrator undoing a failed upgrade by hand."""
    _run(engine, target, up=False)


def _run(engine: Engine, target: str, *, up: bool) -> None:
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    from core.store.models import Base  # only to migrate: mapping the models is a third of a command's start-up

    cfg = _config()
    sd = ScriptDirectory.from_config(cfg)

    def steps(rev: Any, _context: object) -> list:  # the current heads; Alembic's own annotations disagree
        return sd._upgrade_revs(target, rev) if up else sd._downgrade_revs(target, rev)

    with _migration_connection(engine) as conn:
        env = EnvironmentContext(cfg, sd, fn=steps, destination_rev=target)
        with env:
            env.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
            env.run_migrations()


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for the whole migration; on SQLite with foreign keys off."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:  # outside any transaction, where SQLite honours it
            _driver_pragma(conn, "PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise StoreError(f"数据库升级后外键检查不通过（{problems[:3]}），已撤销升级")
        finally:
            if sqlite:
                _driver_pragma(conn, "PRAGMA foreign_keys=ON")


def _driver_pragma(conn: Connection, sql: str) -> None:
    """Run a PRAGMA on the driver's connection, outside SQLAlchemy's transaction (where SQLite honours it)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise StoreError("与数据库的连接已断开，无法升级数据库，请重新打开程序")
    driver.execute(sql)


def check_revision(current: str | None) -> None:
    """Refuse a database created by a newer program."""
    if current is not None and not is_known(current):
        raise SchemaMismatch(f"数据库由较新版本的程序创建（结构版本{current}），本程序无法使用，请升级程序后再打开")


if __name__ == "__main__":
    write_sqlite_head()
