"""Plain records that cross between the store, workbooks, letters and screens.

The engine reads core.model; these carry what a bureau keeps around it: a
company's bank account, a parsed batch workbook before it is written, an award
line as stored and exported.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.engine.trace import Trace
from core.model import Claim, RdYear, Recognition


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

    @property
    def basis(self) -> str:
        """政策依据: document (and 文号) and clause, as finance bureaus write it."""
        number = f"（{self.doc_number}）" if self.doc_number else ""
        return f"《{self.document_title}》{number}{self.clause}"


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
    excluded: tuple = ()  # Exclusion.to_json() of rules that matched but pay nothing, with the reason


__all__ = ["CompanyProfile", "ImportData", "BatchRecord", "LineRecord", "CompanyResultRecord", "Claim", "RdYear",
           "Recognition"]
