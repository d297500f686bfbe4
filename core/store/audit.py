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
- rows sealed again without being changed (``keep``: what an approval
  approves): at the end, with the digest computed for the new seal anyway;
- rows created: at the end, that no live seal claims their key (a row deleted
  behind the program's back whose key is being reused);
- rows only relied on (``verify_rows``: the payee an approval copies, the
  acting user): when they are read.

Each row is checked once per transaction, one digest per row.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import JSON, event, func, inspect, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from core.auditlog.chain import GENESIS, seal
from core.money import FEN
from core.store.errors import Tampered
from core.store.models import AuditHead, AuditRow, AuditSealRow
from core.store.seals import (PROTECTED, RowState, all_rows, changed_columns, column_labels, describe, last_seals,
                              list_digest, row_key, row_seal, row_states)
from core.store.types import Money, dumps

TRAIL = "audit_trail"  # key in Session.info
SYSTEM = "系统"  # who, for what the program does by itself (starting the log)


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as the screens and commands show it."""

    seq: int
    at: str
    who: str
    action: str
    target: str
    old: dict | None
    new: dict | None
    hash: str
    sealed_rows: int  # protected rows whose state this entry recorded


class Trail:
    def __init__(self, who: str, at: str):
        self.who, self.at = who, at
        self.doing = ""  # what the clerk asked for, in their words (for a refusal)
        self.entries: list[tuple[str, str, object, object]] = []
        self.touched: dict[str, set[str]] = defaultdict(set)
        self.checked: dict[str, set[str]] = defaultdict(set)  # compared with their seals before being written
        self.created: dict[str, set[str]] = defaultdict(set)  # inserted by this transaction
        # (digest, fingerprint) of rows inserted by insert_many, from the values written: not read back to seal
        self.written: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)

    def log(self, action: str, target: str, old=None, new=None) -> None:
        self.entries.append((action, target, as_json(old), as_json(new)))

    def touch(self, table_name: str, keys) -> None:
        if table_name in PROTECTED:
            self.touched[table_name].update(str(k) for k in keys)

    def unchecked(self, table_name: str, keys) -> set[str]:
        return {str(k) for k in keys} - self.checked[table_name] - self.created[table_name]


@dataclass(frozen=True)
class TamperedRow:
    """A protected row that is not as the program last left it."""

    table: str
    key: str
    problem: str  # changed | inserted | deleted
    text: str  # the row as a clerk can find it, and what is wrong (Chinese)
    columns: tuple[str, ...] | None = None  # the columns changed (None: not known)
    sealed_seq: int | None = None

    def as_json(self) -> dict:
        out = {"table": self.table, "key": self.key, "problem": self.problem}
        if self.columns is not None:
            out["columns"] = list(self.columns)
        if self.sealed_seq is not None:
            out["sealed_by"] = self.sealed_seq
        return out


def _entry_label(s: Session, seq: int) -> str:
    row = s.execute(select(AuditRow.at, AuditRow.who, AuditRow.action).where(AuditRow.seq == seq)).one_or_none()
    if row is None:
        return f"第{seq}条审计记录"
    return f"第{seq}条审计记录（{row.at.replace('T', ' ')}，{row.who or '（无用户）'}，{row.action}）"


def _problem(s: Session, state) -> TamperedRow:
    where = f"数据表{state.table}中的{describe(state.table, state.key, state.row)}"
    if state.sealed_seq is None:
        return TamperedRow(state.table, state.key, "inserted",
                           f"{where}没有任何审计记录，不是本程序写入的（被直接插入）")
    entry = _entry_label(s, state.sealed_seq)
    if state.sealed_digest is None:
        return TamperedRow(state.table, state.key, "inserted",
                           f"{where}已由{entry}删除，却又出现在数据库中（被直接插入）", sealed_seq=state.sealed_seq)
    columns = changed_columns(state.table, state.fingerprint, state.sealed_fingerprint)
    what = f"，被改动的列：{column_labels(columns)}" if columns else ""
    return TamperedRow(state.table, state.key, "changed", f"{where}与{entry}封存的内容不符（被直接改动）{what}",
                       tuple(columns) if columns is not None else None, state.sealed_seq)


def _deleted(s: Session, table_name: str, key: str, seq: int) -> TamperedRow:
    return TamperedRow(table_name, key, "deleted",
                       f"数据表{table_name}中的{describe(table_name, key)}在{_entry_label(s, seq)}之后被直接删除",
                       sealed_seq=seq)


MAX_NAMED = 3  # tampered rows named in a refusal's message (all are recorded)


def refusal(rows: list[TamperedRow], doing: str) -> Tampered:
    what = f"“{doing}”" if doing else "本次修改"
    named = "；".join(r.text for r in rows[:MAX_NAMED]) + (f"；……共{len(rows)}行" if len(rows) > MAX_NAMED else "")
    return Tampered(f"【数据篡改警报】{what}已被拒绝，数据库未作任何修改。{named}。"
                    f"这些数据在本程序之外被改动过，程序不会在其上继续写入，以免改动被当作正常数据封存。"
                    f"请立即通知管理员：运行 python main.py audit verify 查看全部改动，核实后从改动前的备份恢复",
                    rows, doing)


CONFIRMATIONS = 3  # reads of a row that does not match its seal before it is called tampering


def _check_states(s: Session, table_name: str, keys: set[str], doing: str) -> None:
    bad = _mismatched(s, table_name, keys)
    if bad:
        raise refusal([_problem(s, st) for st in bad], doing)


def _mismatched(s: Session, table_name: str, keys, states=None) -> list:
    """The rows among ``keys`` that do not match their last seals, read again until they do or it is certain.

    A row and its seal are read by two statements; on a server, a clerk's change committing between them looks
    like a mismatch that the next read no longer shows. Tampering shows every time (and SQLite's writer, alone
    in its transaction, sees the same thing every time).
    """
    states = states if states is not None else row_states(s, table_name, keys)
    bad = [st for st in states.values() if not st.matches]
    for _ in range(CONFIRMATIONS - 1):
        if not bad or s.get_bind().dialect.name == "sqlite":
            break
        again = row_states(s, table_name, [st.key for st in bad])
        bad = [st for st in again.values() if not st.matches]
    return bad


def check(s: Session, table_name: str, keys, doing: str = "") -> None:
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


def verify_rows(s: Session, model, keys, doing: str = "") -> None:
    """Refuse unless rows this change relies on without writing them are as sealed (the payee an approval copies,
    the acting user). They are not sealed again."""
    check(s, model.__tablename__, keys, doing)


def as_json(value):
    """Values as they read back from a JSON column (Decimal and dates as text), so the hash stays the same."""
    return None if value is None else json.loads(dumps(value))


def trail(s: Session) -> Trail:
    found = s.info.get(TRAIL)
    if found is None:
        raise RuntimeError("this session has no audit trail: write through Store.writing()")
    return found


def log(s: Session, action: str, target: str, old=None, new=None) -> None:
    trail(s).log(action, target, old, new)


def touch(s: Session, model, keys) -> None:
    """Name rows that a bulk statement (not the session) is about to change or delete: checked against their
    seals now, sealed as they are left at the end."""
    keys = [str(k) for k in keys]
    check(s, model.__tablename__, keys)
    trail(s).touch(model.__tablename__, keys)


def insert_many(s: Session, model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (column values) into ``model``'s table as one executemany statement (SQLAlchemy Core's
    insertmanyvalues), without building an ORM object per row; returns their ids in the order given.

    The rows are noted in the trail as the ORM's flush would note them (created, so sealed at the end), each with
    its seal worked out once from the values written, as they read back: the end of the change does not read
    them again. Nothing may change them later in the same transaction.
    """
    if not rows:
        return []
    table = model.__table__
    ids = list(s.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    name = model.__tablename__
    if name in PROTECTED:
        t = trail(s)
        keys = [str(i) for i in ids]
        t.created[name].update(keys)
        t.touch(name, keys)
        written = t.written[name]
        columns = _read_back(table)
        for key, id_, values in zip(keys, ids, rows):
            row = {"id": id_}
            for c, (read, default) in columns.items():
                row[c] = read(values[c]) if c in values else default
            if all(v is not _UNKNOWN for v in row.values()):
                written[key] = row_seal(name, row)
    return ids


_UNKNOWN = object()  # a column left out whose default is worked out at insert: the row is read back to seal


def _same(value):
    return value


def _money(value):
    return None if value is None else Decimal(value).quantize(FEN)


def _read_back(table) -> dict:
    """{column: (how a value written to it reads back, what it holds when left out)}."""
    out = {}
    for c in table.columns:
        if c.key == "id":
            continue
        read = _money if isinstance(c.type, Money) else as_json if isinstance(c.type, JSON) else _same
        if c.server_default is not None or (c.default is not None and not c.default.is_scalar):
            default = _UNKNOWN
        else:
            default = read(c.default.arg) if c.default is not None else None
        out[c.key] = (read, default)
    return out


def keep(s: Session, model, keys) -> None:
    """Name rows this change relies on and seals again unchanged (the lines and claims an approval approves);
    they are checked against their last seals when the change is sealed."""
    trail(s).touch(model.__tablename__, keys)


class AuditedSession(Session):
    """A session that checks every protected row before its flushes change or delete it, and notes every
    protected row they insert, change or delete."""


def _key_of(obj):
    name = getattr(obj, "__tablename__", None)
    if name not in PROTECTED:
        return None, None
    return name, getattr(obj, PROTECTED[name].key)


@event.listens_for(AuditedSession, "before_flush")
def _check_before_flush(session: Session, _context, _instances) -> None:
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


def _as_loaded(obj, columns) -> dict | None:
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
def _note_flushed(session: Session, _context) -> None:
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

    Rows sealed again without having been checked (``keep``) are checked here, and a row created under the key
    of a row the log says still exists (deleted behind the program's back) is refused.
    """
    s.flush()
    if not t.entries:
        if any(t.touched.values()):
            names = "、".join(sorted(k for k, v in t.touched.items() if v))
            raise RuntimeError(f"unaudited change to protected tables: {names}")
        return
    seals, fingerprints, bad = [], {}, []
    for table_name, keys in sorted(t.touched.items()):
        created, checked = t.created[table_name], t.checked[table_name]
        written = t.written.get(table_name, {})
        states = row_states(s, table_name, [k for k in keys if k not in written])
        states.update(_written_states(s, table_name, written, keys))
        for key in keys:
            state = states.get(key)
            if state is None:
                seals.append((table_name, key, None))
                continue
            if key in created and key not in checked and state.sealed_digest is not None:
                bad.append(_deleted(s, table_name, key, state.sealed_seq))
            seals.append((table_name, key, state.digest))
            fingerprints[(table_name, key)] = state.fingerprint
        kept = {k: st for k, st in states.items() if k not in checked and k not in created}
        bad += [_problem(s, st) for st in _mismatched(s, table_name, kept, kept)]
    if bad:
        raise refusal(bad, t.doing)
    append(s, t.who, t.at, t.entries, seals, fingerprints)


def _written_states(s: Session, table_name: str, written: dict, keys) -> dict[str, RowState]:
    """RowStates of rows written by insert_many, from their seals worked out then (and their last seals, so a row
    created under the key of a row the log says still exists is refused as before)."""
    wanted = [k for k in keys if k in written]
    sealed = last_seals(s, table_name, wanted) if wanted else {}
    out = {}
    for key in wanted:
        digest, fingerprint = written[key]
        seq, sealed_digest, sealed_fingerprint = sealed.get(key, (None, None, None))
        out[key] = RowState(table_name, key, None, digest, fingerprint, seq, sealed_digest, sealed_fingerprint)
    return out


def append(s: Session, who: str, at: str, entries, seals, fingerprints=None) -> None:
    head = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        raise RuntimeError("audit_head is missing")
    seq, prev = head
    for i, (action, target, old, new) in enumerate(entries):
        seq += 1
        last = i == len(entries) - 1
        digest = list_digest(seals) if last and seals else None
        e = seal(seq, at, who, action, target, old, new, prev, digest)
        s.execute(insert(AuditRow).values(seq=seq, at=at, who=who, action=action, target=target, old=old, new=new,
                                          seals=digest, prev_hash=prev, hash=e.hash))
        if digest is not None:
            fingerprints = fingerprints or {}
            ordered = sorted(seals, key=_seal_order)
            for start in range(0, len(ordered), 1000):  # a thousand rows built at a time (an approval seals many)
                rows = [dict(seq=seq, table_name=tn, row_key=k, digest=d, fingerprint=fingerprints.get((tn, k)))
                        for tn, k, d in ordered[start:start + 1000]]
                s.execute(insert(AuditSealRow.__table__), rows)  # Core: no ORM bulk path
        prev = e.hash
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))


def _seal_order(item):
    return item[0], item[1]


def head(s: Session) -> tuple[int, str]:
    row = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    return (row[0], row[1]) if row else (0, GENESIS)


def start_log(s: Session, at: str) -> bool:
    """The first entry of a database's log: seals every protected row as it is (an empty or upgraded database).

    Does nothing when the log has begun. Returns whether it wrote the entry.
    """
    seq, _ = head(s)
    if seq != 0 or s.scalar(select(func.count()).select_from(AuditRow)):
        return False
    seals, fingerprints, counts = _seal_all(s, PROTECTED)
    append(s, SYSTEM, at, [("audit.start", "audit", None, {"rows": counts})], seals, fingerprints)
    return True


def _seal_all(s: Session, tables):
    seals, fingerprints, counts = [], {}, {}
    for table_name in tables:
        n = 0
        for row in all_rows(s, table_name):
            key = row_key(table_name, row)
            digest, fingerprints[(table_name, key)] = row_seal(table_name, row)
            seals.append((table_name, key, digest))
            n += 1
        if n:
            counts[table_name] = n
    return seals, fingerprints, counts


def seal_tables(s: Session, tables, at: str) -> None:
    """After an upgrade that made ``tables`` protected: one entry sealing the rows they already hold."""
    seals, fingerprints, counts = _seal_all(s, tables)
    append(s, SYSTEM, at, [("audit.extend", "audit", None, {"tables": sorted(tables), "rows": counts})], seals,
           fingerprints)


def record_tamper(s: Session, exc: Tampered, who: str, at: str) -> int:
    """Record a refusal (in its own transaction, after the refused one rolled back): an entry sealing nothing,
    so the rows stay as found for ``audit verify`` and the administrator. Returns its number."""
    rows = exc.rows
    first = rows[0] if rows else None
    target = f"{_TARGET_KINDS.get(first.table, first.table)}:{first.key}" if first else "audit"
    append(s, who, at, [("audit.tamper", target, None, {
        "doing": exc.doing, "tampered": [r.as_json() for r in rows[:100]], "count": len(rows)})], [])
    return head(s)[0]


# A refusal's target reads like the entries of that row's own changes (company:12, batch:3 ...); other rows are
# named by their table (users too: user:NAME targets name a user, a refusal knows the row's id).
_TARGET_KINDS = {"companies": "company", "batches": "batch", "settings": "setting", "overrides": "override"}


def record(row: AuditRow, sealed: int = 0) -> AuditRecord:
    return AuditRecord(row.seq, row.at, row.who, row.action, row.target, row.old, row.new, row.hash, sealed)


def entries(s: Session, *, target: str | None = None, action: str | None = None, who: str | None = None,
            limit: int | None = None, newest_first: bool = False) -> list[AuditRecord]:
    """Entries, filtered: ``target`` matches exactly or as a prefix before ``:`` (``batch`` or ``batch:3``)."""
    q = select(AuditRow)
    if target:
        q = q.where((AuditRow.target == target) | AuditRow.target.startswith(target + ":", autoescape=True)
                    if ":" not in target else AuditRow.target == target)
    if action:
        q = q.where((AuditRow.action == action) | AuditRow.action.startswith(action + ".", autoescape=True))
    if who is not None:
        q = q.where(AuditRow.who == who)
    q = q.order_by(AuditRow.seq.desc() if newest_first else AuditRow.seq)
    if limit:
        q = q.limit(limit)
    rows = list(s.scalars(q))
    counts = {}
    if rows:
        seqs = [r.seq for r in rows if r.seals]
        for start in range(0, len(seqs), 500):
            counts.update(s.execute(select(AuditSealRow.seq, func.count()).where(
                AuditSealRow.seq.in_(seqs[start:start + 500])).group_by(AuditSealRow.seq)).all())
    return [record(r, counts.get(r.seq, 0)) for r in rows]
