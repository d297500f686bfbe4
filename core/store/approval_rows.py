"""Protected rows an approval reads or updates in bulk, checked against their seals without ORM objects.

Each row is read once (SQLAlchemy Core, the sealed columns, a chunk at a time)
and compared with its last seal: the check of core.store.audit, which refuses
a change that relies on or writes over a row changed behind the program's back.
A row updated here is sealed at the end of the change from the values written
(``Trail.written``, as for core.store.audit.insert_many), not read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Integer, String
from sqlalchemy.orm import Session

from core.store.audit import TRAIL, check, trail
from core.store.seals import RowState, pack_seal, reseal, row_states
from core.store.tuplewrites import update_tuples


def verified(s: Session, model, keys, columns: Sequence[str], doing: str = "") -> dict[str, tuple]:
    """{key: the values of ``columns``} of the rows with these keys, each checked against its last seal as
    ``audit.verify_rows`` checks it (Tampered when one does not match)."""
    states = _verified_states(s, model, keys, doing, take=columns)
    return {key: cast(tuple, st.row) for key, st in states.items()}


def kept(s: Session, model, keys, columns: Sequence[str]) -> dict[str, tuple]:
    """{key: the values of ``columns`` (a JSON column's as its canonical JSON text)} of rows this change relies on
    and seals again unchanged (the lines and claims an approval approves), each checked against its
    seal as it is read here and noted with that seal as written: the end of the change neither reads nor digests
    them again (one read and one digest per row)."""
    name = model.__tablename__
    states = _verified_states(s, model, keys, take=columns)
    t = trail(s)
    t.touch(name, states)
    written = t.written[name]
    for key, st in states.items():
        written[key] = pack_seal(st.digest, st.fingerprint)
    return {key: cast(tuple, st.row) for key, st in states.items()}


def _verified_states(s: Session, model, keys, doing: str = "", take: Sequence[str] = ()) -> dict[str, RowState]:
    """The rows' states, each checked against its seal; with the values of the columns ``take``, or else each
    column's JSON (for ``reseal``)."""
    name = model.__tablename__
    states = row_states(s, name, keys, parts=not take, take=take)
    bad = [st.key for st in states.values() if not st.matches]
    if bad:
        check(s, name, bad, doing)  # reads them again (a server's concurrent change) and refuses, naming them
        states.update(row_states(s, name, bad, parts=not take, take=take))
    t = s.info.get(TRAIL)
    if t is not None:
        t.checked[name].update(states)
    return states


def update_checked(s: Session, model, changes: dict[int, dict]) -> None:
    """Set columns of rows by id (``{id: {column: value}}``, the same columns for every row) in one executemany
    statement of plain tuples, each row checked against its seal first and sealed at the end as written.

    Only for text and integer columns, whose values the driver takes and reads back as given.
    """
    if not changes:
        return
    name = model.__tablename__
    table = model.__table__
    columns = sorted(next(iter(changes.values())))
    for c in columns:
        if not isinstance(table.c[c].type, (String, Integer)):  # not money, JSON, dates: they convert
            raise ValueError(f"{name}.{c}: update_checked writes only values that read back as given")
    states = _verified_states(s, model, changes)
    update_tuples(s, table, columns, [(*[v[c] for c in columns], key) for key, v in changes.items()])
    t = trail(s)
    keys = [str(key) for key in changes]
    t.touch(name, keys)
    written = t.written[name]
    for key, values in zip(keys, changes.values()):
        written[key] = pack_seal(*reseal(states[key], values))
