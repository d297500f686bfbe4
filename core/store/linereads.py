"""A batch's award lines as exports, letters and screens read them, without ORM objects.

What ``store.lines`` returns: one Core select of the columns shown, the company as approved
(kept in ``batch_companies``) or, for a draft, as it is now. Read in pieces,
and a trace stored alike on many lines (one rule's lines mostly are) is decoded
once: each line gets its own copy of it, as ``Trace.copy`` makes one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from core.engine.trace import Trace
from core.records import LineRecord
from core.store.models import AwardLineRow, BatchCompany, Company
from core.store.reads import get_batch

YIELD_PER = 2000  # rows fetched at a time
TRACES_KEPT = 512  # distinct stored traces remembered while reading (a batch has a few per rule)

_LINE = AwardLineRow.__table__.c
_COLUMNS = (
    _LINE.batch_id,
    _LINE.line_no,
    _LINE.rule_id,
    _LINE.document_id,
    _LINE.document_title,
    _LINE.doc_number,
    _LINE.clause,
    _LINE.summary,
    _LINE.sentence,
    _LINE.amount,
    _LINE.provisional,
    cast(_LINE.trace, Text),
    cast(_LINE.schedule, Text),
    _LINE.claim_key,
    _LINE.subject,
)


def iter_lines(s: Session, batch_id: int) -> Iterator[LineRecord]:
    """The batch's lines in line order, read ``YIELD_PER`` rows at a time (NotFound for no such batch)."""
    get_batch(s, batch_id)
    company, kept = Company.__table__.c, BatchCompany.__table__.c
    q = (
        select(
            *_COLUMNS,
            company.uscc,
            company.name,
            company.bank_name,
            company.bank_account,
            kept.uscc,
            kept.company_name,
            kept.bank_name,
            kept.bank_account,
        )
        .join_from(AwardLineRow.__table__, Company.__table__, company.id == _LINE.company_id)
        .outerjoin(BatchCompany.__table__, (kept.batch_id == _LINE.batch_id) & (kept.company_id == _LINE.company_id))
        .where(_LINE.batch_id == batch_id)
        .order_by(_LINE.line_no)
        .execution_options(yield_per=YIELD_PER)
    )
    traces: dict[str | None, Trace] = {}
    for row in s.execute(q):
        (
            batch,
            line_no,
            rule_id,
            document_id,
            document_title,
            doc_number,
            clause,
            summary,
            sentence,
            amount,
            provisional,
            trace_text,
            schedule,
            claim_key,
            subject,
        ) = row[:15]
        # An approved batch kept its companies as approved (name not NULL); a draft shows them as they are now.
        uscc, name, bank, account = row[19:23] if row[20] is not None else row[15:19]
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
            trace=_trace(traces, trace_text),
            schedule=_schedule(schedule),
            claim_key=claim_key,
            subject=subject,
        )


def lines(s: Session, batch_id: int) -> list[LineRecord]:
    return list(iter_lines(s, batch_id))


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
