"""What the engine produces: award lines with their traces, and exclusions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.engine.trace import Trace
from core.model import Company
from core.money import FEN, ZERO, to_fen
from core.policy.model import Rule


@dataclass(frozen=True, slots=True)
class EarlierAward:
    """What was found already awarded for a subject, beside the Chinese reason: for screens and letters.

    ``paid`` is what the ledger shows paid for the subject in the period the
    rule counts by, entry by entry; ``claims`` are claims of earlier approved
    batches about the same subject, and ``worth`` what they come to under the
    rule today. The engine deducts the larger of ``paid`` and ``worth``.
    """

    subject: str
    subject_text: str  # the subject as a clerk reads it
    paid: Decimal
    entries: tuple = ()  # ((year, batch_id or None, amount, rule_id), ...)
    claims: tuple = ()  # ((award_year, claim_id), ...)
    worth: Decimal = ZERO

    @property
    def deducted(self) -> Decimal:
        return max(self.paid, self.worth)

    def to_json(self) -> dict:
        return {
            "subject": self.subject,
            "subject_text": self.subject_text,
            "paid": str(to_fen(self.paid)),
            "entries": [
                {"year": y, "batch_id": b, "amount": str(to_fen(a)), "rule_id": r} for y, b, a, r in self.entries
            ],
            "claims": [{"award_year": y, "claim_id": c} for y, c in self.claims],
            "worth": str(to_fen(self.worth)),
            "deducted": str(to_fen(self.deducted)),
        }


@dataclass(frozen=True, slots=True)
class AwardLine:
    """What one key pays (core.engine.counting), with its trace; a pass that changes it makes a new one."""

    rule: Rule
    claim_id: str
    subject: str
    amount: Decimal
    trace: Trace
    event_date: dt.date
    schedule: tuple | None = None  # ((year, Decimal), ...)
    person: str = ""
    provisional: bool = False
    claim_ids: tuple = ()  # every claim of this batch the line adds up (claim_id first)
    earlier: EarlierAward | None = None  # what was deducted as already awarded

    def capped(self, amount: Decimal, trace: Trace) -> AwardLine:
        """This line with the amount a cap left and the trace that says so."""
        return AwardLine(
            self.rule,
            self.claim_id,
            self.subject,
            amount,
            trace,
            self.event_date,
            self.schedule,
            self.person,
            self.provisional,
            self.claim_ids,
            self.earlier,
        )

    def to_json(self) -> dict:
        doc = self.rule.document
        out: dict[str, Any] = {
            "rule_id": self.rule.id,
            "document": doc.title,
            "document_id": doc.id,
            "doc_number": doc.doc_number,
            "clause": self.rule.clause,
            "summary": self.rule.summary,
            "sentence": self.rule.sentence,
            "claim_id": self.claim_id,
            "subject": self.subject,
            "amount": str(self.amount),
            "provisional": self.provisional,
            "trace": self.trace.to_json(),
        }
        if self.schedule:
            out["schedule"] = [{"year": y, "amount": str(a)} for y, a in self.schedule]
        if len(self.claim_ids) > 1:
            out["claim_ids"] = list(self.claim_ids)
        if self.earlier is not None:
            out["earlier"] = self.earlier.to_json()
        return out


@dataclass(slots=True)
class Exclusion:
    """A rule that matched a claim but pays nothing, and why."""

    rule: Rule
    claim_id: str
    subject: str
    reason: str
    amount: Decimal | None = None  # what it would have paid, where known
    trace: Trace | None = None
    earlier: EarlierAward | None = None  # when refused as already awarded: what was found

    def to_json(self) -> dict:
        doc = self.rule.document
        out: dict[str, Any] = {
            "rule_id": self.rule.id,
            "document": doc.title,
            "doc_number": doc.doc_number,
            "clause": self.rule.clause,
            "claim_id": self.claim_id,
            "subject": self.subject,
            "reason": self.reason,
            "would_have_been": str(self.amount) if self.amount is not None else None,
        }
        if self.earlier is not None:
            out["earlier"] = self.earlier.to_json()
        if self.trace is not None:
            out["trace"] = self.trace.to_json()
        return out


@dataclass(slots=True)
class CompanyResult:
    company: Company
    award_year: int
    lines: list
    excluded: list
    errors: list
    warnings: list
    total: Decimal = ZERO

    def __post_init__(self):
        total = ZERO
        for line in self.lines:
            if line.amount <= 0:
                raise AssertionError(f"{line.rule.id}: award line amount must be positive, got {line.amount}")
            if line.amount != line.amount.quantize(FEN):
                raise AssertionError(f"{line.rule.id}: amount {line.amount} is not rounded to fen")
            total += line.amount
        self.total = total

    def by_document(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines:
            out[line.rule.document.id] = out.get(line.rule.document.id, ZERO) + line.amount
        return out

    def to_json(self) -> dict:
        assert sum((l.amount for l in self.lines), ZERO) == self.total
        return {
            "uscc": self.company.uscc,
            "name": self.company.name,
            "city": self.company.city,
            "award_year": self.award_year,
            "total": str(self.total),
            "by_document": {k: str(v) for k, v in self.by_document().items()},
            "lines": [l.to_json() for l in self.lines],
            "excluded": [e.to_json() for e in self.excluded],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }
