"""Many rows written from plain tuples in one executemany statement.

On SQLite the tuples go to the driver as they are: SQLAlchemy would otherwise
build and process a parameter set for each row (an approval of 10,000
companies writes 85,000 seal rows; that bookkeeping cost more than the
writing). On a server, SQLAlchemy's batched executemany is kept: the driver's
own executemany there is one round trip per row.

The values must be what the driver takes without conversion: text, integers,
None. Columns with a type that converts values (money, JSON, dates) go
through the ORM or Core as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session


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
