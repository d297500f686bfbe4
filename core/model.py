"""Companies, their history and the claims of one batch: plain data.

The engine reads only these. The store and the case-file reader build them;
nothing here knows about databases, workbooks or Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.subjects import claim_identity, claim_subject


@dataclass(frozen=True, slots=True)
class Recognition:
    """A certificate or approval the company holds (高新技术企业证书, 重点实验室认定 ...)."""

    kind: str
    level: str | None
    date: dt.date
    number: str = ""
    issued_in: str = ""  # "" = inside Inner Mongolia; otherwise the province that issued it
    name: str = ""  # the platform's or carrier's name (rules may match on it, e.g. 稀土)
    stage: str = "approved"  # approved | cultivation | renewed (vocabulary enum "stages")
    source: str = ""  # the id of the batch claim it was read from, when the engine adds this batch's own


@dataclass(frozen=True, slots=True)
class RdYear:
    """R&D of one fiscal year: 研发费用 and whether 加计扣除 was enjoyed, and on how much."""

    year: int
    expense: Decimal
    super_deduction: bool = False
    deducted: Decimal | None = None  # 已进行加计扣除的研发费用
    revenue: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """An award approved in an earlier batch: what yearly caps and 'once' checks count."""

    rule_id: str
    year: int
    amount: Decimal
    subject: str = ""  # what it was paid for (see Claim.subject)
    person: str = ""  # for per-person caps
    batch_id: int | None = None  # the approved batch (its original, for adjustments); None when typed in


@dataclass(frozen=True, slots=True)
class Claim:
    """One fact a company brings to this batch: a recognition, a contract, ...

    ``fields`` hold typed values (Decimal, date, int, bool, str) checked
    against the claim type in the vocabulary.
    """

    type: str
    id: str
    fields: dict
    date: dt.date | None = None
    # subject and identity, worked out once; made on first use (200,000 claims of an import hold no empty dicts)
    _memo: dict | None = field(default=None, init=False, compare=False, repr=False)

    def get(self, name, default=None):
        return self.fields.get(name, default)

    @property
    def subject(self) -> str:
        """A normalized key for what the claim is about (core.subjects), so one thing is not paid twice."""
        memo = self._memo
        if memo is not None:
            found = memo.get("subject")
            if found is not None:
                return found
        found = self._memos()["subject"] = claim_subject(self.type, self.fields, self.date)
        return found

    @property
    def identity(self) -> tuple:
        """Everything the claim states: two claims with one identity are one claim entered twice."""
        memo = self._memos()
        found = memo.get("identity")
        if found is None:
            found = memo["identity"] = claim_identity(self.type, self.fields)
        return found

    def _memos(self) -> dict:
        memo = self._memo
        if memo is None:
            memo = {}
            object.__setattr__(self, "_memo", memo)  # a cache, not a field: the claim stays what it was
        return memo


def claim_recognition(claim: Claim, source: str = "") -> Recognition:
    """The recognition a recognition claim states, as history holds it once its batch is approved."""
    return Recognition(
        kind=claim.get("kind"),
        level=claim.get("level"),
        number=claim.get("number", ""),
        date=claim.date,  # type: ignore[arg-type]  # a recognition claim always has its date (the template requires it)
        issued_in="区外" if claim.get("moved_in") == "region" else "",
        name=claim.get("name", ""),
        stage=claim.get("stage") or "approved",
        source=source,
    )


@dataclass(frozen=True, slots=True)
class Company:
    uscc: str
    name: str
    city: str
    county: str = ""
    size: str = "medium"
    industry: str = ""


@dataclass(slots=True)
class History:
    recognitions: tuple[Recognition, ...] = ()
    tech_sme_years: frozenset[int] = frozenset()
    rd: dict[int, RdYear] = field(default_factory=dict)
    ledger: tuple[LedgerEntry, ...] = ()
    # (award year, claim) of earlier approved batches: contracts, investments, talents, ratings ...
    claims: tuple[tuple[int, Claim], ...] = ()


@dataclass(slots=True)
class CompanyCase:
    """One company as the engine sees it for one batch."""

    company: Company
    history: History
    claims: tuple[Claim, ...]
