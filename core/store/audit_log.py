"""The audit log itself: appending hash-chained entries with their seals, its head, its first entry, and reading it.

Entries are numbered without gaps in commit order: ``append`` takes a lock on ``audit_head`` and writes after the
last entry, in the transaction of the change it records (core.store.audit). The first entry of a database seals
every protected row as it is (``start_log``); an upgrade that makes more tables protected seals theirs
(``seal_tables``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from core.auditlog.chain import GENESIS, seal
from core.store.chunks import chunks
from core.store.models import AuditHead, AuditRow, AuditSealRow
from core.store.seals import PROTECTED, all_rows, pack_seal, packed_digest, row_key, row_seal, unpack_seal
from core.store.tuplewrites import insert_tuples

SYSTEM = "系统"  # who, for what the program does by itself (starting the log)
Entry = tuple[str, str, object, object]  # action, target, old, new (as JSON values)
_SEAL_TABLE = cast(Table, AuditSealRow.__table__)  # a declarative model's table (typed as a FromClause)


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


class SealSet:
    """The seals an entry records, per table: {table: {row key: pack_seal(digest, fingerprint)}}.

    Read twice in (table, key) order, once for the entry's hash (``packed_digest``) and once to write the rows
    of ``audit_seals``, without building a list of all of them (an approval seals hundreds of thousands).
    """

    def __init__(self, tables: Mapping[str, Mapping[str, bytes]]) -> None:
        self.tables = tables
        self._keys: dict[str, list[str]] = {}

    def __bool__(self) -> bool:
        return any(self.tables.values())

    def __len__(self) -> int:
        return sum(len(v) for v in self.tables.values())

    def __iter__(self) -> Iterator[tuple[str, str, str | None, str | None]]:
        for table_name, packed, keys in self.ordered():
            for key in keys:
                yield (table_name, key, *unpack_seal(packed[key]))

    def ordered(self) -> Iterator[tuple[str, Mapping[str, bytes], list[str]]]:
        """(table, its packed seals, their keys in order) by table name (each table's keys sorted once)."""
        for table_name in sorted(self.tables):
            packed = self.tables[table_name]
            keys = self._keys.get(table_name)
            if keys is None:
                keys = self._keys[table_name] = sorted(packed)
            yield table_name, packed, keys

    def digest(self) -> str:
        return packed_digest(self.ordered())

    def rows(self, seq: int, size: int = 5000) -> Iterator[list[tuple]]:
        """The ``audit_seals`` rows of entry ``seq`` (``SEAL_COLUMNS``), ``size`` at a time."""
        rows: list[tuple] = []
        for table_name, packed, keys in self.ordered():
            for key in keys:
                p = packed[key]
                rows.append(
                    (seq, table_name, key, p[:32].hex(), p[32:].hex() or None)
                    if p
                    else (seq, table_name, key, None, None)
                )
                if len(rows) == size:
                    yield rows
                    rows = []
        if rows:
            yield rows


SEAL_COLUMNS = ("seq", "table_name", "row_key", "digest", "fingerprint")


def append(s: Session, who: str, at: str, entries: Sequence[Entry], seals: SealSet | None = None) -> None:
    head = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        raise RuntimeError("audit_head is missing")
    seq, prev = head
    for i, (action, target, old, new) in enumerate(entries):
        seq += 1
        last = i == len(entries) - 1
        digest = seals.digest() if last and seals else None
        e = seal(seq, at, who, action, target, old, new, prev, digest)
        s.execute(
            insert(AuditRow).values(
                seq=seq,
                at=at,
                who=who,
                action=action,
                target=target,
                old=old,
                new=new,
                seals=digest,
                prev_hash=prev,
                hash=e.hash,
            )
        )
        if digest is not None and seals is not None:
            for rows in seals.rows(seq):  # a few thousand rows built at a time (an approval seals many)
                insert_tuples(s, _SEAL_TABLE, SEAL_COLUMNS, rows)
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
    seals, counts = _seal_all(s, PROTECTED)
    append(s, SYSTEM, at, [("audit.start", "audit", None, {"rows": counts})], seals)
    return True


def _seal_all(s: Session, tables: Iterable[str]) -> tuple[SealSet, dict[str, int]]:
    packed: dict[str, dict[str, bytes]] = {}
    counts: dict[str, int] = {}
    for table_name in tables:
        own = packed[table_name] = {}
        for row in all_rows(s, table_name):
            own[row_key(table_name, row)] = pack_seal(*row_seal(table_name, row))
        if own:
            counts[table_name] = len(own)
    return SealSet(packed), counts


def seal_tables(s: Session, tables: Collection[str], at: str) -> None:
    """After an upgrade that made ``tables`` protected: one entry sealing the rows they already hold."""
    seals, counts = _seal_all(s, tables)
    append(s, SYSTEM, at, [("audit.extend", "audit", None, {"tables": sorted(tables), "rows": counts})], seals)


def record(row: AuditRow, sealed: int = 0) -> AuditRecord:
    return AuditRecord(row.seq, row.at, row.who, row.action, row.target, row.old, row.new, row.hash, sealed)


def entries(
    s: Session,
    *,
    target: str | None = None,
    action: str | None = None,
    who: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[AuditRecord]:
    """Entries, filtered: ``target`` matches exactly or as a prefix before ``:`` (``batch`` or ``batch:3``)."""
    q = select(AuditRow)
    if target:
        q = q.where(
            (AuditRow.target == target) | AuditRow.target.startswith(target + ":", autoescape=True)
            if ":" not in target
            else AuditRow.target == target
        )
    if action:
        q = q.where((AuditRow.action == action) | AuditRow.action.startswith(action + ".", autoescape=True))
    if who is not None:
        q = q.where(AuditRow.who == who)
    q = q.order_by(AuditRow.seq.desc() if newest_first else AuditRow.seq)
    if limit:
        q = q.limit(limit)
    rows = list(s.scalars(q))
    counts: dict[int, int] = {}
    if rows:
        seqs = [r.seq for r in rows if r.seals]
        for part in chunks(seqs):
            counts.update(
                s.execute(
                    select(AuditSealRow.seq, func.count()).where(AuditSealRow.seq.in_(part)).group_by(AuditSealRow.seq)
                ).all()
            )
    return [record(r, counts.get(r.seq, 0)) for r in rows]
