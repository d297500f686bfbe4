"""A batch's award lines as exports, letters and screens read them, without ORM objects.

What ``store.lines`` returns: one Core select of the columns shown, the company as approved
(kept in ``batch_companies``) or, for a draft, as it is now. Read in pieces,
and a trace stored alike on many lines (one rule's lines mostly are) is decoded
once: each line gets its own copy of it, as ``Trace.copy`` makes one.

Read for paper (``lines(s, batch_id, check="生成资金拨付明细表")``: the exports and the letters), every row the
lines show is checked against its last seal before any of them is handed over: the batch, each line, and the
company each line names as it is shown (the batch's member row as approved, or the company row of a draft). The
select that reads the lines takes every sealed column of the line and the digest of its last seal (one look-up in
the seals' index), so each line is read once and digested once; a trace's canonical JSON and its Trace are made
once per distinct text (a batch's traces repeat, and the lines that stored one share it: a paper only reads
it), the canonical JSON being the stored text itself where it may be and the Trace decoded only when a sheet reads
it (``_StoredTrace``). The member rows are then checked as every change checks a row (``audit.check``). A row that does not match refuses the
whole read (``Tampered``, naming it and its changed columns; ``Store.reading`` records the refusal): a line whose
amount or payee was changed in the file behind the program's back never reaches a sheet the treasury pays from.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from decimal import Decimal

from sqlalchemy import JSON, func, null, select
from sqlalchemy.orm import Session

from core.engine.trace import Trace
from core.records import CompanyWarning, LineRecord
from core.store.audit import check
from core.store.errors import Tampered
from core.store.models import AwardLineRow, BatchCompany, Company
from core.store.reads import get_batch
from core.store.seals import Encoded, as_stored, json_part, last_digest, sorted_columns, sorted_digest, stored

YIELD_PER = 2000  # rows fetched at a time
PAPER_CHUNK = 2000  # lines checked before any of them is handed over to a sheet (paper_lines)
TRACES_KEPT = 512  # distinct stored traces remembered while reading (a batch has a few per rule)
TRACES_CHECKED = 8192  # distinct traces whose canonical form a check remembers (4,593 among 20,000 lines)

_LINE = AwardLineRow.__table__.c
_KEPT = BatchCompany.__table__.c
_COMPANY = Company.__table__.c
_SHOWN_COMPANY = ("uscc", "company_name", "bank_name", "bank_account")  # a member's columns a line shows


# The line's sealed columns (what the line shows is among them), in the order its digest takes them.
_LINE_COLUMNS = sorted_columns("award_lines")
_LINE_AT = {name: i for i, name in enumerate(_LINE_COLUMNS)}
_LINE_ID, _LINE_TRACE = _LINE_AT["id"], _LINE_AT["trace"]
# LineRecord's fields read from the line, between its company and its trace (in the record's order)
_RECORD_MIDDLE = "rule_id document_id document_title doc_number clause summary sentence amount provisional".split()
# The line's columns a plain read takes (what a LineRecord shows)
_SHOWN_LINE = ("batch_id", "line_no", *_RECORD_MIDDLE, "trace", "schedule", "claim_key", "subject")
_LINE_JSON = tuple(i for i, n in enumerate(_LINE_COLUMNS) if isinstance(_LINE[n].type, JSON))


class _Shown:
    """The digests of the protected rows the lines show, compared with their last seals once all are read."""

    def __init__(self) -> None:
        self.bad_lines: list[str] = []  # keys of lines that do not match their last seals
        self.members: set[int] = set()  # kept as approved: checked by audit.check
        self.companies: set[int] = set()  # shown as they are now (a draft's): checked by audit.check
        self.traces: dict[str | None, tuple[Encoded, Trace]] = {}  # a trace's text -> (canonical JSON, Trace)
        self.fresh_members: list[int] = []  # noted since the last chunk was checked (paper_lines)
        self.fresh_companies: list[int] = []

    def trace(self, text: str | None) -> tuple[Encoded, Trace]:
        """(canonical JSON, Trace) of a trace's stored text, once per distinct text in this read: the lines that
        stored the same trace share one (a paper only reads it). The store writes a trace canonically, so its
        text is taken as its canonical JSON when it may be (``as_stored``: a line whose text only looked canonical
        is then not matched here, and ``audit.check`` reads it again, decoded, before calling it changed), and the
        Trace is decoded when a sheet first reads it (``_StoredTrace``)."""
        found = self.traces.get(text)
        if found is None:
            if len(self.traces) >= TRACES_CHECKED:
                self.traces.clear()
            found = self.traces[text] = (as_stored(text) or json_part(text), _StoredTrace(text))
        return found

    def line(self, values, sealed: str | None) -> None:
        """Digest a line as read (its sealed columns) and compare it with ``sealed``, its last seal's digest."""
        values = list(values)
        for j in _LINE_JSON:
            values[j] = self.trace(values[j])[0] if j == _LINE_TRACE else json_part(values[j])
        if sorted_digest("award_lines", values) != sealed:
            self.bad_lines.append(str(values[_LINE_ID]))

    def check_chunk(self, s: Session, doing: str) -> None:
        """Tampered unless every line read so far matches its seal, and so do the members and companies noted
        since the last chunk (each member of the batch is noted once: a member's lines come together)."""
        check(s, "award_lines", self.bad_lines, doing)
        check(s, "batch_companies", self.fresh_members, doing)
        check(s, "companies", self.fresh_companies, doing)
        self.fresh_members.clear()
        self.fresh_companies.clear()

    def verify(self, s: Session, batch_id: int, doing: str) -> None:
        """Tampered (naming the rows) unless the batch and every row shown is exactly as last sealed."""
        check(s, "batches", [batch_id], doing)
        check(s, "award_lines", self.bad_lines, doing)  # read again (a server's concurrent change), then refused
        check(s, "batch_companies", self.members, doing)
        check(s, "companies", self.companies, doing)


_TRACE_FIELDS = tuple(f.name for f in dataclasses.fields(Trace))


class _StoredTrace(Trace):
    """A line's Trace as a paper read hands it over: decoded from its stored JSON when a field is first read.

    资金拨付明细表 and 公示名单 print no trace: decoding the 3,473 distinct traces of 10,000 companies' lines
    (json.loads and Trace.from_json) took about a twentieth of writing either. Equal to a Trace of the same
    fields, as a decoded one is.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str | None) -> None:  # the fields are set when first read (__getattr__)
        self._text = text

    def __getattr__(self, name: str):
        """Called only for a field not yet set: decode them all."""
        if name not in _TRACE_FIELDS:
            raise AttributeError(name)
        text = self._text
        decoded = Trace.from_json(json.loads(text) if text is not None else None)
        for field in _TRACE_FIELDS:
            setattr(self, field, getattr(decoded, field))
        return getattr(self, name)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _TRACE_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # as a Trace: mutable, not hashable


def iter_lines(s: Session, batch_id: int) -> Iterator[LineRecord]:
    """The batch's lines in line order, read ``YIELD_PER`` rows at a time (NotFound for no such batch)."""
    return _read(s, batch_id, None)


def _read(s: Session, batch_id: int, shown: _Shown | None, print_order: bool = False) -> Iterator[LineRecord]:
    """The lines; with ``shown``, each line digested as read and the member or company it shows noted (a paper
    read: the lines only read their traces, so lines that stored the same trace share one). In line order, or
    ``print_order``: as the sheets print them, each company's lines together, the companies in the order of
    their first lines (core.excel.export_common.printed)."""
    get_batch(s, batch_id)
    order: tuple = (_LINE.line_no,)
    if print_order and _interleaved(s, batch_id):
        order = (func.min(_LINE.line_no).over(partition_by=_LINE.company_id), _LINE.line_no)
    names = _LINE_COLUMNS if shown is not None else _SHOWN_LINE  # a paper read takes every sealed column
    q = (
        select(
            *stored(AwardLineRow.__table__, names),
            last_digest("award_lines", _LINE.id) if shown is not None else null(),
            _KEPT.id,
            _KEPT.uscc,
            _KEPT.company_name,
            _KEPT.bank_name,
            _KEPT.bank_account,
            _COMPANY.uscc,
            _COMPANY.name,
            _COMPANY.bank_name,
            _COMPANY.bank_account,
        )
        .join_from(AwardLineRow.__table__, Company.__table__, _COMPANY.id == _LINE.company_id)
        .outerjoin(BatchCompany.__table__, (_KEPT.batch_id == _LINE.batch_id) & (_KEPT.company_id == _LINE.company_id))
        .where(_LINE.batch_id == batch_id)
        .order_by(*order)
        .execution_options(yield_per=YIELD_PER)
    )
    end = len(names) + 1  # the line's columns, then its last seal's digest (a paper read)
    at = {name: i for i, name in enumerate(names)}
    head = itemgetter(at["batch_id"], at["line_no"])
    middle = itemgetter(*(at[n] for n in _RECORD_MIDDLE))
    tail = itemgetter(at["claim_key"], at["subject"])
    trace_at, schedule_at = at["trace"], at["schedule"]
    company_at = at.get("company_id", 0)
    traces: dict[str | None, Trace] = {}
    for row in s.execute(q):
        # An approved batch kept its companies as approved (name not NULL); a draft shows them as they are now.
        kept = row[end + 2] is not None
        uscc, name, bank, account = row[end + 1 : end + 5] if kept else row[end + 5 :]
        if shown is None:
            trace = _trace(traces, row[trace_at])
        else:
            shown.line(row[: end - 1], row[end - 1])
            if kept:
                if row[end] not in shown.members:
                    shown.members.add(row[end])
                    shown.fresh_members.append(row[end])
            elif row[company_at] not in shown.companies:
                shown.companies.add(row[company_at])
                shown.fresh_companies.append(row[company_at])
            trace = shown.trace(row[trace_at])[1]
        batch, line_no = head(row)
        rule_id, document_id, document_title, doc_number, clause, summary, sentence, amount, provisional = middle(row)
        claim_key, subject = tail(row)
        yield LineRecord(
            batch_id=batch,
            line_no=line_no,
            uscc=uscc,
            company_name=name,
            bank_name=bank,
            bank_account=account,
            rule_id=rule_id,
            document_id=document_id,
            document_title=document_title,
            doc_number=doc_number,
            clause=clause,
            summary=summary,
            sentence=sentence,
            amount=amount,
            provisional=provisional,
            trace=trace,
            schedule=_schedule(row[schedule_at]),
            claim_key=claim_key,
            subject=subject,
        )


def _interleaved(s: Session, batch_id: int) -> bool:
    """Whether a company's line numbers are not all together (another company's line between two of its own):
    then print order is not line order. A batch is calculated a company at a time, so this is rare; sorting by
    each company's first line costs a second sort of every row read, this look a pass over the lines' index."""
    apart = (
        select(_LINE.company_id)
        .where(_LINE.batch_id == batch_id)
        .group_by(_LINE.company_id)
        .having(func.max(_LINE.line_no) - func.min(_LINE.line_no) + 1 != func.count())  # line_no unique in a batch
        .limit(1)
    )
    return s.execute(apart).first() is not None


def lines(s: Session, batch_id: int, check: str = "") -> list[LineRecord]:
    """The batch's lines; with ``check`` (what the clerk is doing, in their words: 生成资金拨付明细表) every row
    they show is first checked against its seal (Tampered, naming the rows, when one does not match)."""
    if not check:
        return list(iter_lines(s, batch_id))
    shown = _Shown()
    out = list(_read(s, batch_id, shown))
    shown.verify(s, batch_id, check)
    return out


def paper_lines(s: Session, batch_id: int, doing: str) -> Iterator[LineRecord]:
    """The batch's lines for paper, in print order, handed over a chunk at a time as each chunk is checked.

    As :func:`lines` with ``check=doing``, but never all at once (100,000 companies' lines cost hundreds of MB): the
    batch is checked first; then each chunk of ``PAPER_CHUNK`` lines, with the members or companies they show, is
    checked against its seals before any of its lines is handed over. A chunk that does not match stops the
    lines: the rest is read and checked as a whole read checks it, so the refusal (``Tampered``) names every row
    that does not match, as ``lines`` does. Whoever writes the lines to a file keeps the file only once the last
    line has come: a refusal comes before that (core.excel.writer writes to temporary files first).
    """
    shown = _Shown()
    check(s, "batches", [batch_id], doing)
    rows = _read(s, batch_id, shown, print_order=True)
    refused: Tampered | None = None
    while chunk := list(islice(rows, PAPER_CHUNK)):
        if refused is not None:
            continue
        try:
            shown.check_chunk(s, doing)
        except Tampered as exc:
            refused = exc
            continue
        yield from chunk
    if refused is not None:
        shown.verify(s, batch_id, doing)
        raise refused


def paper_warnings(s: Session, batch_id: int, doing: str) -> Iterator[CompanyWarning]:
    """The members' warnings for paper, in member order, handed over a chunk at a time as each chunk is checked.

    A member whose calculation said nothing to check is not printed, so not checked. The members that did are
    checked against their seals ``PAPER_CHUNK`` at a time (with, for a draft, the company rows whose name and code
    they show) before any of their warnings is handed over: a warning that was removed or changed in the file does
    not reach the auditor's paper. A chunk that does not match stops them, and the refusal names every such
    member (the rest is checked whole), as :func:`paper_lines` does.
    """
    check(s, "batches", [batch_id], doing)
    q = (
        select(_KEPT.id, _KEPT.company_id, _KEPT.warnings, _KEPT.uscc, _KEPT.company_name, _COMPANY.uscc, _COMPANY.name)
        .join_from(BatchCompany.__table__, Company.__table__, _COMPANY.id == _KEPT.company_id)
        .where(_KEPT.batch_id == batch_id)
        .order_by(_KEPT.seq, _KEPT.id)
        .execution_options(yield_per=YIELD_PER)
    )
    warned = (row for row in s.execute(q) if row[2])
    while chunk := list(islice(warned, PAPER_CHUNK)):
        try:
            _check_members(s, chunk, doing)
        except Tampered:
            _check_members(s, chunk + list(warned), doing)
            raise
        for _member, _company, warnings, kept_uscc, kept_name, uscc, name in chunk:
            # an approved batch kept its companies as approved (name not NULL); a draft shows them as they are now
            shown_uscc, shown_name = (kept_uscc, kept_name) if kept_name is not None else (uscc, name)
            for text in warnings:
                yield CompanyWarning(shown_name, shown_uscc, text)


def _check_members(s: Session, rows: list, doing: str) -> None:
    """Tampered unless these members, and the company rows a draft's members show, match their last seals."""
    check(s, "batch_companies", [row[0] for row in rows], doing)
    check(s, "companies", sorted({row[1] for row in rows if row[4] is None}), doing)


def _schedule(text) -> tuple | None:
    """((year, Decimal), ...) of a line paid over several years, from its stored JSON; None for one payment."""
    if text is None or text == "null":
        return None
    items = json.loads(text) if isinstance(text, str) else text
    return tuple((item["year"], Decimal(item["amount"])) for item in items) if items else None


def _trace(traces: dict, text) -> Trace:
    """The trace stored as ``text`` (its JSON), decoded once per distinct text; a copy each time."""
    if text is not None and not isinstance(text, str):  # a driver that hands JSON over decoded
        return Trace.from_json(text)
    found = traces.get(text)
    if found is None:
        if len(traces) >= TRACES_KEPT:
            traces.clear()
        found = traces[text] = Trace.from_json(json.loads(text) if text is not None else None)
    return found.copy()
