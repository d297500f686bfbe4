"""Many rows written from plain tuples in one executemany statement.

On SQLite the tuples go to the driver as they are: SQLAlchemy would otherwise
build and process a parameter set for each row (an approval of 10,000
companies writes 85,000 seal rows; that bookkeeping cost more than the
writing). On a server, SQLAlchemy's batched executemany is kept: the driver's
own executemany there is one round trip per row.

``insert_tuples`` and ``update_tuples`` take values the driver takes without
conversion: text, integers, None. ``insert_rows`` takes column values as
SQLAlchemy does and converts them with the columns' own bind processors, so
it stores exactly what a Core insert stores.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, Table, Text, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault


def insert_tuples(s: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT each tuple of ``rows`` (values of ``columns``, in that order) into ``table``."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row)) for row in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)


def update_tuples(s: Session, table: Table, columns: Sequence[str], rows: list[tuple], key: str = "id") -> None:
    """UPDATE ``table`` SET ``columns`` WHERE ``key`` = the tuple's last value, for each tuple of ``rows``
    (values of ``columns`` in that order, then the key)."""
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        statement = (
            update(table).where(table.c[key] == bindparam("_key")).values({c: bindparam("_" + c) for c in columns})
        )
        conn.execute(statement, [{"_key": row[-1], **{"_" + c: v for c, v in zip(columns, row)}} for row in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(c)} = ?" for c in columns)
    conn.exec_driver_sql(f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote(key)} = ?", rows)


def update_rows(
    s: Session, table: Table, columns: Sequence[str], rows: list[tuple], texts: frozenset[str] = frozenset()
) -> None:
    """``update_tuples`` of column values as SQLAlchemy takes them: on SQLite each is converted with its column's
    own bind processor (money as its text with fen), so it stores exactly what a Core update stores. ``texts``
    names JSON columns given as their JSON text already (bound as text)."""
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        statement = (
            update(table)
            .where(table.c.id == bindparam("_key"))
            .values({c: bindparam("_" + c, type_=Text() if c in texts else None) for c in columns})
        )
        conn.execute(statement, [{"_key": row[-1], **{"_" + c: v for c, v in zip(columns, row)}} for row in rows])
        return
    processors = [
        None if c in texts else table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    ]
    converted = [(j, p) for j, p in enumerate(processors) if p is not None]
    if converted:
        lists = [list(row) for row in rows]
        for values in lists:
            for j, process in converted:
                values[j] = process(values[j])
        rows = [tuple(values) for values in lists]
    update_tuples(s, table, columns, rows)


def insert_rows(s: Session, table: Table, rows: list[dict], texts: frozenset[str] = frozenset()) -> list[int]:
    """INSERT ``rows`` (column values, the same columns in each) into ``table``; their ids in the order given.

    ``texts`` names JSON columns whose values are given as their JSON text already (bound as text).

    On SQLite, inside the write transaction (BEGIN IMMEDIATE: no other writer), the ids are the ones SQLite
    would pick (after the largest; with AUTOINCREMENT, after the largest ever given) and are written with the rows
    as plain tuples. Otherwise, and for a column default worked out at insert, SQLAlchemy Core's insertmanyvalues
    with RETURNING.
    """
    if not rows:
        return []
    conn = s.connection()
    dialect = conn.dialect
    given = list(rows[0])
    defaults = _scalar_defaults(table, given)
    if dialect.name != "sqlite" or defaults is None:
        statement = insert(table)
        if texts:
            statement = statement.values({c: bindparam("_text_" + c, type_=Text()) for c in texts})
        params = [{("_text_" + c if c in texts else c): v for c, v in row.items()} for row in rows]
        return list(s.scalars(statement.returning(table.c.id, sort_by_parameter_order=True), params))
    columns = [*given, *defaults]
    processors = [None if c in texts else table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in given]
    fixed = tuple(_bound(table, c, v, dialect) for c, v in defaults.items())
    start = _last_id(s, table) + 1
    ids = list(range(start, start + len(rows)))
    tuples = []
    for id_, row in zip(ids, rows):
        values = [row[c] for c in given]
        for j, process in enumerate(processors):
            if process is not None:
                values[j] = process(values[j])
        tuples.append((id_, *values, *fixed))
    insert_tuples(s, table, ["id", *columns], tuples)
    return ids


def _scalar_defaults(table: Table, given: list[str]) -> dict[str, object] | None:
    """{column: its default} of the columns left out of ``given`` that have a plain value as default; None when the
    ids or a left-out column's value would be worked out at insert (a callable default), or the table's key is
    not an integer ``id``."""
    if "id" in given or "id" not in table.c or not isinstance(table.c.id.type, Integer):
        return None
    out = {}
    for c in table.columns:
        if c.key == "id" or c.key in given:
            continue
        default = c.default
        if default is None:
            continue  # left out: NULL, or the server's default, as with Core
        if not isinstance(default, ScalarElementColumnDefault):
            return None
        out[c.key] = default.arg
    return out


def _bound(table: Table, column: str, value: object, dialect) -> object:
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return value if process is None else process(value)


def _last_id(s: Session, table: Table) -> int:
    """The largest id of ``table`` on SQLite; with AUTOINCREMENT the largest it ever gave (a deleted row's id is
    never given again)."""
    conn = s.connection()
    name = conn.dialect.identifier_preparer.quote(table.name)
    last = conn.exec_driver_sql(f"SELECT max(id) FROM {name}").scalar() or 0
    if table.dialect_options["sqlite"].get("autoincrement"):
        seq = conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
        last = max(last, seq or 0)
    return last
