"""Checking the audit log and the protected data against it.

1. The chain: every entry's hash covers its content and the previous hash
   (core.auditlog.chain); an entry edited, deleted or inserted in the database
   breaks it at that entry.
2. Each entry's seals: the digest in the entry must match its rows in
   ``audit_seals``; the head row must point at the last entry (entries cut
   off the end).
3. The data: replaying the seals gives, for every protected row, the digest
   the last audited change left. Every row now in the database must have it;
   a row that differs was changed behind the program's back, a row without a
   seal was inserted, a sealed row that is gone was deleted.

What this cannot see: someone who rewrites the data *and* recomputes every
later seal, entry hash and the head (the algorithm is public and nothing is
secret). Comparing ``audit head`` with a number and hash written down
earlier (``verify(expect=...)``) catches that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auditlog.chain import Entry, verify_chain
from core.store.audit import head
from core.store.models import AuditRow, AuditSealRow
from core.store.seals import (
    PROTECTED,
    all_rows,
    changed_columns,
    column_labels,
    describe,
    list_digest,
    row_key,
    row_seal,
)

MAX_PROBLEMS = 1000  # problems kept in a report (all are counted)


@dataclass(frozen=True)
class Problem:
    kind: str  # chain | head | seals | row | expect
    message: str  # Chinese, naming the entry or the row
    seq: int | None = None
    table: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = ""
    rows: int = 0  # protected rows checked
    problems: list = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def summary(self) -> str:
        if self.ok:
            return (
                f"审计日志完整：共{self.entries}条记录，最后一条为第{self.head_seq}条"
                f"（哈希{self.head_hash[:16]}…）；{self.rows}行受保护数据与审计记录一致"
            )
        return f"审计日志校验不通过：发现{self.problem_count}处问题，第一处：{self.problems[0]}"


def verify(s: Session, progress=None, expect: tuple[int, str] | None = None) -> Report:
    """Check everything; ``expect`` = (seq, hash) written down earlier, which must still be in the chain."""
    report = Report()
    steps = len(PROTECTED) + 1
    latest: dict[str, dict[str, tuple[str | None, int, str | None]]] = {t: {} for t in PROTECTED}
    labels: dict[int, str] = {}
    last = _check_chain(s, report, latest, labels, expect)
    _check_head(s, report, last)
    if progress:
        progress(1, steps)
    for done, table_name in enumerate(PROTECTED, 2):
        _check_rows(s, report, table_name, latest[table_name], labels)
        if progress:
            progress(done, steps)
    return report


def _entry_label(row: AuditRow) -> str:
    who = row.who or "（无用户）"
    return f"第{row.seq}条审计记录（{row.at.replace('T', ' ')}，{who}，{row.action}）"


def _check_chain(s: Session, report: Report, latest, labels, expect) -> tuple[int, str] | None:
    seals = _peekable(
        s.execute(
            select(
                AuditSealRow.seq,
                AuditSealRow.table_name,
                AuditSealRow.row_key,
                AuditSealRow.digest,
                AuditSealRow.fingerprint,
            )
            .order_by(AuditSealRow.seq, AuditSealRow.table_name, AuditSealRow.row_key, AuditSealRow.id)
            .execution_options(yield_per=5000)
        )
    )
    state = {"last": None}
    found_expected = []

    def entries():
        for row in s.scalars(select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)):
            own = []
            while seals.peek() is not None and seals.peek()[0] <= row.seq:
                seq, table_name, key, digest, fingerprint = next(seals)
                if seq < row.seq:
                    report.add(Problem("seals", f"封存记录指向不存在的第{seq}条审计记录（该条记录被删除）", seq))
                    continue
                own.append((table_name, key, digest, fingerprint))
            _check_seals(report, row, [o[:3] for o in own])
            for table_name, key, digest, fingerprint in own:
                if table_name in latest:
                    latest[table_name][key] = (digest, row.seq, fingerprint)
            labels[row.seq] = _entry_label(row)
            report.entries += 1
            state["last"] = (row.seq, row.hash)
            if expect is not None and row.seq == expect[0]:
                found_expected.append(row.hash)
            yield Entry(
                row.seq, row.at, row.who, row.action, row.target, row.old, row.new, row.prev_hash, row.hash, row.seals
            )

    for p in verify_chain(entries()):
        report.add(Problem("chain", str(p), p.seq))
    for seq, *_ in seals:
        report.add(Problem("seals", f"封存记录指向不存在的第{seq}条审计记录（该条记录被删除）", seq))
    if expect is not None:
        seq, wanted = expect
        if not found_expected:
            report.add(Problem("expect", f"找不到此前记下的第{seq}条审计记录，审计日志被截断或重写", seq))
        elif found_expected[0] != wanted:
            report.add(Problem("expect", f"第{seq}条审计记录的哈希与此前记下的不同，审计日志被重写", seq))
    return state["last"]


def _check_seals(report: Report, row: AuditRow, own: list) -> None:
    if row.seals is None:
        if own:
            report.add(
                Problem(
                    "seals", f"{_entry_label(row)}本无封存记录，却有{len(own)}条封存记录指向它（被直接插入）", row.seq
                )
            )
        return
    if list_digest(own) != row.seals:
        report.add(Problem("seals", f"{_entry_label(row)}的封存记录被改动、删除或插入", row.seq))


def _check_head(s: Session, report: Report, last) -> None:
    seq, digest = head(s)
    report.head_seq, report.head_hash = seq, digest
    last_seq, last_hash = last or (0, "")
    if seq > last_seq:
        report.add(Problem("head", f"审计日志末尾的第{last_seq + 1}至{seq}条记录被删除", last_seq + 1))
    elif seq < last_seq:
        report.add(Problem("head", f"第{seq + 1}至{last_seq}条审计记录不是本程序写入的（被直接添加在末尾）", seq + 1))
    elif last is not None and digest != last_hash:
        report.add(Problem("head", f"第{seq}条（最后一条）审计记录被替换", seq))
    if last is not None:
        report.head_seq, report.head_hash = last


def _check_rows(s: Session, report: Report, table_name: str, sealed: dict, labels: dict) -> None:
    seen = set()
    for row in all_rows(s, table_name):
        key = row_key(table_name, row)
        seen.add(key)
        report.rows += 1
        digest, fingerprint = row_seal(table_name, row)
        expected = sealed.get(key)
        if expected is None:
            report.add(
                Problem(
                    "row",
                    f"{describe(table_name, key, row)}没有任何审计记录，不是本程序写入的（被直接插入）",
                    table=table_name,
                    key=key,
                )
            )
        elif expected[0] is None:
            report.add(
                Problem(
                    "row",
                    f"{describe(table_name, key, row)}已由{labels[expected[1]]}删除，却又出现在数据库中（被直接插入）",
                    expected[1],
                    table_name,
                    key,
                )
            )
        elif expected[0] != digest:
            columns = changed_columns(table_name, fingerprint, expected[2])
            what = f"，被改动的列：{column_labels(columns)}" if columns else ""
            report.add(
                Problem(
                    "row",
                    f"{describe(table_name, key, row)}与{labels[expected[1]]}封存的内容不符（被直接改动）{what}",
                    expected[1],
                    table_name,
                    key,
                )
            )
    for key, (digest, seq, _) in sealed.items():
        if digest is not None and key not in seen:
            report.add(
                Problem("row", f"{describe(table_name, key)}在{labels[seq]}之后被直接删除", seq, table_name, key)
            )


class _peekable:
    def __init__(self, it):
        self._it = iter(it)
        self._next = None
        self._done = False

    def peek(self):
        if self._next is None and not self._done:
            try:
                self._next = next(self._it)
            except StopIteration:
                self._done = True
        return self._next

    def __iter__(self):
        return self

    def __next__(self):
        value = self.peek()
        if value is None:
            raise StopIteration
        self._next = None
        return value
