"""Plain records that cross between the store, workbooks, letters and screens.

The engine reads core.model; these carry what a bureau keeps around it: a
company's bank account, a parsed batch workbook before it is written, an award
line as stored and exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from core.model import Claim, RdYear, Recognition

if TYPE_CHECKING:  # core.engine (its package) is loaded by what evaluates, not by every reader of these records
    from core.engine.trace import Trace


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    uscc: str
    name: str
    city: str
    county: str = ""
    size: str = "medium"
    industry: str = ""
    bank_name: str = ""  # 开户行
    bank_account: str = ""  # 账号
    contact: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class ImportNote:
    """What a clerk should know before importing that is not a problem: rows of one subject counted together.

    ``rows`` are worksheet row numbers on ``sheet``, all of the company ``uscc``.
    """

    sheet: str
    rows: tuple
    uscc: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.sheet}第{'、'.join(map(str, self.rows))}行"

    def __str__(self) -> str:
        return f"{self.where}：{self.text}"


@dataclass
class ImportData:
    """A batch workbook, parsed and checked, not yet written anywhere.

    Rows are keyed by USCC. The store applies all of it in one transaction or
    none of it.
    """

    source_name: str
    sha256: str
    award_year: int
    batch_name: str
    companies: list = field(default_factory=list)  # CompanyProfile
    recognitions: list = field(default_factory=list)  # (uscc, Recognition)
    tech_sme: list = field(default_factory=list)  # (uscc, year)
    rd: list = field(default_factory=list)  # (uscc, RdYear)
    claims: list = field(default_factory=list)  # (uscc, Claim)
    notes: list = field(default_factory=list)  # ImportNote: accepted, but said on the import screen


@dataclass(frozen=True)
class BatchRecord:
    id: int
    name: str
    award_year: int
    status: str  # draft | approved | paid
    created_at: dt.datetime
    source_name: str = ""
    preparer: str = ""
    reviewer: str = ""
    approved_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    created_by: str = ""  # who imported it (or created the adjustment), once the program has users
    adjusts_batch_id: int | None = None  # an adjustment batch: the approved batch it corrects
    adjust_reason: str = ""


@dataclass(frozen=True)
class LineRecord:
    """One award line of a batch as stored: what exports, letters and screens show."""

    batch_id: int
    line_no: int
    uscc: str
    company_name: str
    bank_name: str
    bank_account: str
    rule_id: str
    document_id: str
    document_title: str
    doc_number: str | None
    clause: str
    summary: str
    sentence: str
    amount: Decimal
    provisional: bool
    trace: Trace
    schedule: tuple | None = None  # ((year, Decimal), ...)
    claim_key: str = ""  # the claim it pays for (the workbook's sheet and row)
    subject: str = ""  # what it pays for (core.subjects)

    @property
    def earlier(self) -> dict | None:
        """What was deducted as awarded before for the subject (EarlierAward.to_json()), if anything."""
        return getattr(self.trace, "earlier", None)

    @property
    def claim_keys(self) -> tuple:
        """Every claim of the batch the line adds up (a contract and its supplement), its own first."""
        return tuple(getattr(self.trace, "claims", ())) or ((self.claim_key,) if self.claim_key else ())

    @property
    def basis(self) -> str:
        """政策依据: document (and 文号) and clause, as finance bureaus write it."""
        number = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.document_title}》{number}{self.clause}"


@dataclass(frozen=True)
class PaidBefore:
    """A claim of a workbook being imported whose subject the engine found awarded before.

    ``earlier`` is the engine's EarlierAward.to_json(): the ledger's payments
    (batch, year, amount) and earlier approved claims of the subject.
    ``amount`` is what the rule pays now, after deducting them; None when the
    claim is refused as already awarded (``reason`` says why).
    """

    uscc: str
    company_name: str
    claim_ids: tuple  # the workbook's rows (sheet and row) the award adds up, the first one first
    rule_id: str
    basis: str  # 《document》（number）clause
    summary: str
    earlier: dict
    amount: Decimal | None
    reason: str = ""

    @property
    def subject_text(self) -> str:
        return self.earlier.get("subject_text") or ""


class CompanyWarning(NamedTuple):
    """One of a batch member's warnings as paper shows it (the results workbook's 企业提示 sheet)."""

    company_name: str
    uscc: str
    text: str  # the Chinese sentence the clerk checks before approval


@dataclass(frozen=True)
class CompanyResultRecord:
    """One company's result in a batch: its total and what the engine said about it."""

    batch_id: int
    company_id: int
    uscc: str
    company_name: str
    city: str
    county: str
    calculated: bool
    total: Decimal | None  # None until the batch is calculated
    line_count: int
    errors: tuple = ()  # Chinese sentences; any error blocks approval
    warnings: tuple = ()
    excluded: tuple = ()  # Exclusion.to_json() of rules that matched but pay nothing, with the reason (and "earlier")


__all__ = [
    "CompanyProfile",
    "ImportData",
    "ImportNote",
    "BatchRecord",
    "LineRecord",
    "PaidBefore",
    "CompanyResultRecord",
    "CompanyWarning",
    "Claim",
    "RdYear",
    "Recognition",
]
