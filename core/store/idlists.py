"""Rows of a set of companies read by one statement, the ids bound as one list rather than a parameter each.

A calculation reads its companies' histories, claims and versions 2,000 at a
time (core.store.calc_run). As ``IN (?, ?, ...)`` lists of 500, SQLAlchemy
renders, names and binds a parameter per id, four statements per table: a
fifth of the time ``load_histories`` took. On SQLite the ids go as one JSON
array, read by ``json_each`` (its index is used as for an IN list, and there
is no limit to their number); elsewhere they stay IN lists of ``CHUNK``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from core.store.chunks import chunks


def one_list(s: Session) -> bool:
    """Whether ``among`` takes any number of ids in one statement here (SQLite)."""
    return s.get_bind().dialect.name == "sqlite"


def id_sets(s: Session, ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` in the pieces ``among`` takes: all at once on SQLite, else lists of ``CHUNK``."""
    if one_list(s):
        whole = list(ids)
        if whole:
            yield whole
        return
    yield from chunks(ids)


def among(s: Session, column, ids: list[int]):
    """``column IN ids`` (integer ids, a piece of ``id_sets``)."""
    if one_list(s):
        return column.in_(
            select(literal_column("value")).select_from(func.json_each(json.dumps([int(i) for i in ids])))
        )
    return column.in_(ids)
