"""The audit trail of a write transaction, appended to the hash-chained log before it commits.

Every write goes through ``Store.writing()``, whose session carries a
:class:`Trail`. Store functions say what they did (``log(s, action, target,
old, new)``); the session itself notes every protected row that was inserted,
changed or deleted (bulk statements name theirs with ``touch``). Just before
the commit, :func:`finish` seals those rows (core.store.seals) and appends the
entries to ``audit_log`` after the last one, under a lock on ``audit_head``,
so entries are numbered without gaps in commit order, in the same transaction
as the change: the change and its record commit together or not at all.

A transaction that changes protected rows without saying what it did is a
programming error and is refused, since the change could not be told apart
from tampering later.

Check before write: sealing a row as it is would launder a change made to it
behind the program's back, so every protected row a transaction writes is
first compared with its last seal, and the transaction is refused
(:class:`~core.store.errors.Tampered`) when it does not match:

- rows the session flushes as changed or deleted: just before the flush
  (``before_flush``), as the database holds them;
- rows a bulk statement is about to change or delete: when it names them
  (``touch``);
- rows sealed again without being changed (what an approval approves:
  ``approval_rows.kept``): as they are read, the digest serving as the new seal;
- rows created: at the end, that no live seal claims their key (a row deleted
  behind the program's back whose key is being reused);
- rows only relied on (``verify_rows``: the payee an approval copies, the
  acting user): when they are read.

Each row is checked once per transaction, one digest per row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import JSON, Table, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from core.money import FEN
from core.store.audit_log import SealSet, append, head
from core.store.audit_tampered import TamperedRow, deleted_row, refusal, tampered_row
from core.store.chunks import chunks
from core.store.errors import Tampered
from core.store.models import Base
from core.store.seals import (
    PROTECTED,
    Encoded,
    RowState,
    canonical_json,
    iter_states,
    json_part,
    last_seals,
    pack_seal,
    packed_row_seal,
    row_seal,
    row_states,
    unpack_seal,
)
from core.store.tuplewrites import insert_rows
from core.store.types import Money, dumps

TRAIL = "audit_trail"  # key in Session.info


class Trail:
    def __init__(self, who: str, at: str):
        self.who, self.at = who, at
        self.doing = ""  # what the clerk asked for, in their words (for a refusal)
        self.entries: list[tuple[str, str, object, object]] = []
        self.touched: dict[str, set[str]] = defaultdict(set)
        self.checked: dict[str, set[str]] = defaultdict(set)  # compared with their seals before being written
        self.created: dict[str, set[str]] = defaultdict(set)  # inserted by this transaction
        # pack_seal(digest, fingerprint) of rows inserted by insert_many, from the values written: not read back to
        # seal (and, in finish, of every row the transaction seals)
        self.written: dict[str, dict[str, bytes]] = defaultdict(dict)

    def log(self, action: str, target: str, old: object = None, new: object = None) -> None:
        self.entries.append((action, target, as_json(old), as_json(new)))

    def touch(self, table_name: str, keys: Iterable[object]) -> None:
        if table_name in PROTECTED:
            self.touched[table_name].update(str(k) for k in keys)

    def unchecked(self, table_name: str, keys: Iterable[object]) -> set[str]:
        return {str(k) for k in keys} - self.checked[table_name] - self.created[table_name]


CONFIRMATIONS = 3  # reads of a row that does not match its seal before it is called tampering


def _check_states(s: Session, table_name: str, keys: set[str], doing: str) -> None:
    bad = _mismatched(s, table_name, keys)
    if bad:
        raise refusal([tampered_row(s, st) for st in bad], doing)


def _mismatched(
    s: Session, table_name: str, keys: Iterable[str], states: dict[str, RowState] | None = None
) -> list[RowState]:
    """The rows among ``keys`` that do not match their last seals, read again until they do or it is certain.

    A row and its seal are read by two statements; on a server, a clerk's change committing between them looks
    like a mismatch that the next read no longer shows. Tampering shows every time (and SQLite's writer, alone
    in its transaction, sees the same thing every time).
    """
    if states is not None:
        bad = [st for st in states.values() if not st.matches]
    else:  # a chunk's states at a time: only the mismatches are kept (an export checks 100,000 payees)
        bad = [st for st in iter_states(s, table_name, keys) if not st.matches]
    for _ in range(CONFIRMATIONS - 1):
        if not bad or s.get_bind().dialect.name == "sqlite":
            break
        again = row_states(s, table_name, [st.key for st in bad])
        bad = [st for st in again.values() if not st.matches]
    return bad


def check(s: Session, table_name: str, keys: Iterable[object], doing: str = "") -> None:
    """Refuse (Tampered) unless each of these rows that exists is exactly as its last seal says.

    Inside a write transaction, rows checked already (or created by it) are skipped and the rest are marked.
    """
    t = s.info.get(TRAIL)
    wanted = t.unchecked(table_name, keys) if t is not None else {str(k) for k in keys}
    if not wanted:
        return
    with s.no_autoflush:
        _check_states(s, table_name, wanted, doing or (t.doing if t is not None else ""))
    if t is not None:
        t.checked[table_name].update(wanted)


def verify_rows(s: Session, model: type[Base], keys: Iterable[object], doing: str = "") -> None:
    """Refuse unless rows this change relies on without writing them are as sealed (the payee an approval copies,
    the acting user). They are not sealed again."""
    check(s, model.__tablename__, keys, doing)


def as_json(value: object) -> Any:
    """Values as they read back from a JSON column (Decimal and dates as text), so the hash stays the same."""
    return None if value is None else json.loads(dumps(value))


def trail(s: Session) -> Trail:
    found = s.info.get(TRAIL)
    if found is None:
        raise RuntimeError("this session has no audit trail: write through Store.writing()")
    return found


def stamp(s: Session) -> dt.datetime:
    """When this change happens, by the store's clock (``Store.clock``, which tests move): the time its audit entry
    records, so a row stamped with it and the entry that sealed the row say the same."""
    return dt.datetime.fromisoformat(trail(s).at)


def log(s: Session, action: str, target: str, old: object = None, new: object = None) -> None:
    trail(s).log(action, target, old, new)


def touch(s: Session, model: type[Base], keys: Iterable[object]) -> None:
    """Name rows that a bulk statement (not the session) is about to change or delete: checked against their
    seals now, sealed as they are left at the end."""
    keys = [str(k) for k in keys]
    check(s, model.__tablename__, keys)
    trail(s).touch(model.__tablename__, keys)


def insert_many(
    s: Session, model: type[Base], rows: list[dict], canonical: bool = False, as_text: bool = False
) -> list[int]:
    """Insert ``rows`` (column values) into ``model``'s table as one executemany statement, without building an
    ORM object per row (core.store.tuplewrites.insert_rows); returns their ids in the order given.

    The rows are noted in the trail as the ORM's flush would note them (created, so sealed at the end), each with
    its seal worked out once from the values written, as they read back: the end of the change does not read
    them again. Nothing may change them later in the same transaction.

    ``canonical``: JSON values are stored as their canonical JSON (``seals.canonical_json``: keys sorted), which is
    then the text sealed as well, and which a check hashes as it stands (``seals.as_stored``). Only for values
    whose objects have text keys and are read by key (the canonical JSON of what reads back is the same text, and
    nothing shows the keys' order).

    ``as_text`` (with ``canonical``): the JSON values are given as their canonical JSON text already (encoded once by
    the caller: a calculation encodes each line as its company is evaluated), bound and sealed as they are.
    """
    if not rows:
        return []
    table = cast(Table, model.__table__)  # a declarative model's table (typed as a FromClause)
    encoded = frozenset(c for c in rows[0] if isinstance(table.c[c].type, JSON))
    params: list[dict] = rows
    if as_text and not canonical:
        raise ValueError("insert_many: JSON given as text must be canonical JSON")
    if encoded and not as_text:  # each JSON value encoded once, here: bound as that text, sealed from it
        encode = canonical_json if canonical else dumps
        params = [{**values, **{c: encode(values[c]) for c in encoded}} for values in rows]
    ids = insert_rows(s, table, params, encoded)
    name = model.__tablename__
    if name in PROTECTED:
        t = trail(s)
        keys = [str(i) for i in ids]
        t.created[name].update(keys)
        t.touch(name, keys)
        written = t.written[name]
        reading = _as_read_back(table, params[0], encoded, Encoded if canonical else json_part)
        if reading is not None:  # else a sealed column's value is worked out at insert: finish reads the rows
            constants, convert = reading
            for key, id_, values in zip(keys, ids, params):
                row = {**constants, **values, "id": id_}
                for c, read in convert:
                    row[c] = read(row[c])
                written[key] = packed_row_seal(name, row)
    return ids


def _as_read_back(
    table: Table, given: dict, encoded: frozenset[str] = frozenset(), part: Any = json_part
) -> tuple[dict[str, Any], list[tuple[str, Any]]] | None:
    """How rows written with the columns of ``given`` read back, as far as their seal goes: ({sealed column left
    out: the value it reads back}, [(sealed column given, how its value reads back)]); None when a sealed column
    left out gets a value worked out at insert. ``encoded``: JSON columns given as their text, whose canonical JSON
    is ``part`` of it."""
    columns = _read_back(table)
    constants: dict[str, Any] = {}
    convert: list[tuple[str, Any]] = []
    for c in PROTECTED[table.name].columns:
        if c == "id":
            continue
        read, default = columns[c]
        if c in encoded:
            convert.append((c, part))
        elif c in given:
            if read is not _same:
                convert.append((c, read))
        elif default is _UNKNOWN:
            return None
        else:
            constants[c] = default
    return constants, convert


def sealed_as_written(s: Session, model: type[Base], rows: list[dict]) -> None:
    """Note the seals of rows a bulk UPDATE has just written, from ``rows``: every sealed column of each row as
    written, ``id`` included (a JSON column's value may be given as its canonical JSON, ``json_part``). As for
    insert_many, the end of the change then does not read them back (a
    calculation updates every company of a batch of 100,000: reading them all back at once took 700 MB).
    The rows must have been named with ``touch`` before the update, and nothing may change them afterwards.
    """
    if not rows:
        return
    name = model.__tablename__
    reading = _as_read_back(cast(Table, model.__table__), rows[0])
    if reading is None or reading[0]:
        raise ValueError(f"sealed_as_written: every sealed column of {name} must be given")
    written = trail(s).written[name]
    convert = reading[1]
    for values in rows:
        row = dict(values)
        for c, read in convert:
            row[c] = read(row[c])
        written[str(values["id"])] = packed_row_seal(name, row)


_UNKNOWN = object()  # a column left out whose default is worked out at insert: the row is read back to seal


def _same(value: object) -> object:
    return value


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(FEN)


def _json(value: object) -> Encoded:
    """A JSON column's value as its canonical JSON (as it reads back): encoded as the store writes it, then
    ``json_part``'s cache; one given as its canonical JSON already (``json_part``) is taken as it is."""
    if type(value) is Encoded:
        return value
    return json_part(dumps(value))


def _read_back(table: Table) -> dict:
    """{column: (how a value written to it reads back, what it holds when left out)}."""
    out = {}
    for c in table.columns:
        if c.key == "id":
            continue
        read = _money if isinstance(c.type, Money) else _json if isinstance(c.type, JSON) else _same
        given = c.default
        if c.server_default is not None or (given is not None and not isinstance(given, ScalarElementColumnDefault)):
            default = _UNKNOWN
        else:
            default = read(given.arg) if given is not None else None
        out[c.key] = (read, default)
    return out


class AuditedSession(Session):
    """A session that checks every protected row before its flushes change or delete it, and notes every
    protected row they insert, change or delete."""


def _key_of(obj: object) -> tuple[str | None, object]:
    name = getattr(obj, "__tablename__", None)
    if name not in PROTECTED:
        return None, None
    return name, getattr(obj, PROTECTED[name].key)


@event.listens_for(AuditedSession, "before_flush")
def _check_before_flush(session: Session, _context: object, _instances: object) -> None:
    t = session.info.get(TRAIL)
    if t is None:
        return
    wanted: dict[str, dict] = defaultdict(dict)
    for obj in (*session.dirty, *session.deleted):
        name, key = _key_of(obj)
        if name is not None and key is not None:
            wanted[name][str(key)] = obj
    loaded = session.get_bind().dialect.name == "sqlite"
    for name, objects in sorted(wanted.items()):
        keys = t.unchecked(name, objects)
        if loaded and keys:
            keys = _unmatched_as_loaded(session, name, {k: objects[k] for k in keys})
            t.checked[name].update(set(t.unchecked(name, objects)) - keys)
        check(session, name, keys)


def _unmatched_as_loaded(s: Session, table_name: str, objects: dict) -> set[str]:
    """The keys whose rows, as this transaction loaded them, do not match their last seals (or were not fully
    loaded): those are read again from the database by ``check``.

    Only for SQLite, whose writer holds the database from the start of its transaction: what the session loaded in
    it is what the file holds. A server's rows may be changed by another connection between loading and flushing,
    so there the rows are always read from the database.
    """
    spec = PROTECTED[table_name]
    digests = {}
    for key, obj in objects.items():
        values = _as_loaded(obj, spec.columns)
        if values is not None:
            digests[key] = row_seal(table_name, values)[0]
    sealed = last_seals(s, table_name, digests)
    return {k for k in objects if k not in digests or sealed.get(k, (None, None))[1] != digests[k]}


def _as_loaded(obj: object, columns: Iterable[str]) -> dict | None:
    """The column values of a persistent object as it was loaded (before this transaction's changes to it), or
    None when one of them was never loaded."""
    state = inspect(obj)
    values = {}
    for c in columns:
        if c in state.committed_state:
            value = state.committed_state[c]
            if value is NO_VALUE:
                return None
        elif c in state.dict:
            value = state.dict[c]
        else:
            return None
        values[c] = value
    return values


@event.listens_for(AuditedSession, "after_flush")
def _note_flushed(session: Session, _context: object) -> None:
    t = session.info.get(TRAIL)
    if t is None:
        return
    for obj in session.new:
        name, key = _key_of(obj)
        if name is not None:
            t.created[name].add(str(key))
    for obj in (*session.new, *session.dirty, *session.deleted):
        name, key = _key_of(obj)
        if name is not None:
            t.touch(name, [key])


def finish(s: Session, t: Trail) -> None:
    """Seal what the transaction touched and append its entries (the seals go with the last one).

    Rows touched without having been checked are checked here, and a row created under the key
    of a row the log says still exists (deleted behind the program's back) is refused.
    """
    s.flush()
    if not t.entries:
        if any(t.touched.values()):
            names = "、".join(sorted(k for k, v in t.touched.items() if v))
            raise RuntimeError(f"unaudited change to protected tables: {names}")
        return
    bad: list[TamperedRow] = []
    for table_name, keys in sorted(t.touched.items()):
        created, checked = t.created[table_name], t.checked[table_name]
        written = t.written[table_name]
        ordered = sorted(keys)
        for part in chunks(ordered, _FINISH_CHUNK):  # a chunk at a time: its row states are not all held
            states = row_states(s, table_name, [k for k in part if k not in written])
            # A row sealed as written and checked before it was written keeps that seal; one created is looked up
            fresh = [k for k in part if k in written and k not in checked]
            states.update(_written_states(s, table_name, written, [k for k in fresh if k not in created]))
            bad += [deleted_row(s, table_name, key, seq) for key, seq in _live_seals(s, table_name, fresh, created)]
            for key in part:
                state = states.get(key)
                if state is None:
                    if key not in written:
                        written[key] = b""  # gone
                    continue
                if (
                    key in created
                    and key not in checked
                    and state.sealed_seq is not None
                    and state.sealed_digest is not None
                ):
                    bad.append(deleted_row(s, table_name, key, state.sealed_seq))
                if key not in written:
                    written[key] = pack_seal(state.digest, state.fingerprint)
            kept = {k: st for k, st in states.items() if k not in checked and k not in created}
            bad += [tampered_row(s, st) for st in _mismatched(s, table_name, kept, kept)]
    if bad:
        raise refusal(bad, t.doing)
    append(s, t.who, t.at, t.entries, SealSet({name: _only(t.written[name], keys) for name, keys in t.touched.items()}))


_FINISH_CHUNK = 20_000  # rows of a table whose states finish holds at once


def _only(packed: dict[str, bytes], keys: set[str]) -> dict[str, bytes]:
    """The seals of ``keys``: all of ``packed`` when it holds no others (as it does, built by finish)."""
    if len(packed) == len(keys):
        return packed
    return {k: packed[k] for k in keys}


def _live_seals(s: Session, table_name: str, keys: list[str], created: set[str]) -> list[tuple[str, int]]:
    """(key, seq of its last seal) of each of ``keys`` created by this change (by insert_many, sealed as written)
    whose last seal says the row still exists: the row that had the key was deleted behind the program's back.

    Looked up without building a state for each row (an approval creates tens of thousands).
    """
    wanted = [k for k in keys if k in created]
    if not wanted:
        return []
    sealed = last_seals(s, table_name, wanted)
    return [(key, seq) for key, (seq, digest, _) in sorted(sealed.items()) if digest is not None]


def _written_states(s: Session, table_name: str, written: dict[str, bytes], keys: Iterable[str]) -> dict[str, RowState]:
    """RowStates of rows sealed as written that this change neither created nor checked, from their seals worked out
    then, beside their last seals (compared as a row read back would be)."""
    wanted = [k for k in keys if k in written]
    sealed = last_seals(s, table_name, wanted) if wanted else {}
    out = {}
    for key in wanted:
        digest, fingerprint = unpack_seal(written[key])
        seq, sealed_digest, sealed_fingerprint = sealed.get(key, (None, None, None))
        out[key] = RowState(table_name, key, None, digest, fingerprint, seq, sealed_digest, sealed_fingerprint)
    return out


def record_tamper(s: Session, exc: Tampered, who: str, at: str) -> int:
    """Record a refusal (in its own transaction, after the refused one rolled back): an entry sealing nothing,
    so the rows stay as found for ``audit verify`` and the administrator. Returns its number."""
    rows = exc.rows
    first = rows[0] if rows else None
    target = f"{_TARGET_KINDS.get(first.table, first.table)}:{first.key}" if first else "audit"
    append(
        s,
        who,
        at,
        [
            (
                "audit.tamper",
                target,
                None,
                {"doing": exc.doing, "tampered": [r.as_json() for r in rows[:100]], "count": len(rows)},
            )
        ],
    )
    return head(s)[0]


# A refusal's target reads like the entries of that row's own changes (company:12, batch:3 ...); other rows are
# named by their table (users too: user:NAME targets name a user, a refusal knows the row's id).
_TARGET_KINDS = {"companies": "company", "batches": "batch", "settings": "setting", "overrides": "override"}
