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
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from core.audit.chain import GENESIS, seal
from core.store.models import AuditHead, AuditRow, AuditSealRow
from core.store.seals import PROTECTED, all_rows, current_digests, list_digest, row_digest, row_key
from core.store.types import dumps

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
        self.entries: list[tuple[str, str, object, object]] = []
        self.touched: dict[str, set[str]] = defaultdict(set)

    def log(self, action: str, target: str, old=None, new=None) -> None:
        self.entries.append((action, target, as_json(old), as_json(new)))

    def touch(self, table_name: str, keys) -> None:
        if table_name in PROTECTED:
            self.touched[table_name].update(str(k) for k in keys)


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
    """Name rows that a bulk statement (not the session) is about to change or delete."""
    trail(s).touch(model.__tablename__, keys)


class AuditedSession(Session):
    """A session that notes every protected row its flushes insert, change or delete."""


@event.listens_for(AuditedSession, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    t = session.info.get(TRAIL)
    if t is None:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        name = getattr(obj, "__tablename__", None)
        if name in PROTECTED:
            t.touch(name, [getattr(obj, PROTECTED[name].key)])


def finish(s: Session, t: Trail) -> None:
    """Seal what the transaction touched and append its entries (the seals go with the last one)."""
    s.flush()
    if not t.entries:
        if any(t.touched.values()):
            names = "、".join(sorted(k for k, v in t.touched.items() if v))
            raise RuntimeError(f"unaudited change to protected tables: {names}")
        return
    seals = []
    for table_name, keys in sorted(t.touched.items()):
        seals += [(table_name, k, d) for k, d in current_digests(s, table_name, keys).items()]
    append(s, t.who, t.at, t.entries, seals)


def append(s: Session, who: str, at: str, entries, seals) -> None:
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
            rows = [dict(seq=seq, table_name=tn, row_key=k, digest=d) for tn, k, d in sorted(seals)]
            for start in range(0, len(rows), 1000):
                s.execute(insert(AuditSealRow), rows[start:start + 1000])
        prev = e.hash
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))


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
    seals, counts = [], {}
    for table_name in PROTECTED:
        n = 0
        for row in all_rows(s, table_name):
            seals.append((table_name, row_key(table_name, row), row_digest(table_name, row)))
            n += 1
        if n:
            counts[table_name] = n
    append(s, SYSTEM, at, [("audit.start", "audit", None, {"rows": counts})], seals)
    return True


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
