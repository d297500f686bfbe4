"""The audit log's hash chain: each entry's hash covers its content and the previous hash.

Editing, deleting or reordering any entry behind the program's back breaks the
chain at that entry; :func:`verify_chain` names the first broken entry.

An entry may also carry ``seals``: the digest of the list of data rows the
change left behind (see core.store.seals). It is covered by the hash only when
present, so entries without it hash as they always did.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str  # ISO timestamp
    who: str
    action: str  # e.g. company.update, batch.approve, override.create
    target: str  # e.g. company:9115..., batch:12
    old: dict | None
    new: dict | None
    prev_hash: str
    hash: str = ""
    seals: str | None = None  # digest of the rows this change sealed (core.store.seals), if any


def canonical(
    seq: int, at: str, who: str, action: str, target: str, old, new, prev_hash: str, seals: str | None = None
) -> bytes:
    """The exact bytes an entry's hash covers (sorted keys, no whitespace, UTF-8)."""
    body = {
        "seq": seq,
        "at": at,
        "who": who,
        "action": action,
        "target": target,
        "old": old,
        "new": new,
        "prev": prev_hash,
    }
    if seals is not None:
        body["seals"] = seals
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def entry_hash(seq, at, who, action, target, old, new, prev_hash, seals=None) -> str:
    return hashlib.sha256(canonical(seq, at, who, action, target, old, new, prev_hash, seals)).hexdigest()


def seal(
    seq: int, at: str, who: str, action: str, target: str, old, new, prev_hash: str, seals: str | None = None
) -> Entry:
    return Entry(
        seq,
        at,
        who,
        action,
        target,
        old,
        new,
        prev_hash,
        entry_hash(seq, at, who, action, target, old, new, prev_hash, seals),
        seals,
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str  # Chinese

    def __str__(self) -> str:
        return f"第{self.seq}条审计记录：{self.reason}"


def verify_chain(entries) -> list[ChainProblem]:
    """Problems in ``entries`` (in seq order); empty when the chain is intact."""
    problems = []
    prev = GENESIS
    expected_seq = 1
    for e in entries:
        if e.seq != expected_seq:
            problems.append(ChainProblem(e.seq, f"序号不连续（应为{expected_seq}），有记录被删除或插入"))
            expected_seq = e.seq
        if e.prev_hash != prev:
            problems.append(ChainProblem(e.seq, "与前一条记录的链接不符，前一条记录被修改或删除"))
        if entry_hash(e.seq, e.at, e.who, e.action, e.target, e.old, e.new, e.prev_hash, e.seals) != e.hash:
            problems.append(ChainProblem(e.seq, "内容与哈希不符，记录被改动"))
        prev = e.hash
        expected_seq += 1
    return problems
