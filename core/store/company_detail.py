"""A company's page: its profile, its history, the awards it was paid, the claims of its approved batches, and a
timeline of all of them in the clerk's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.model import Claim, RdYear, Recognition
from core.store.claimcodec import decode_claim
from core.store.companies import CompanyRow, company_row, get_company
from core.store.history import to_rd, to_recognition
from core.store.models import (
    APPROVED,
    BATCH_STATUS_LABELS,
    PAID,
    AwardLineRow,
    Batch,
    ClaimRow,
    LedgerRow,
    RdRow,
    RecognitionRow,
    TechSmeRow,
)
from core.vocabulary import Vocabulary


@dataclass(frozen=True)
class RecognitionItem:
    id: int
    recognition: Recognition
    batch_id: int | None  # the approved batch that recorded it; None = imported or typed in

    @property
    def editable(self) -> bool:
        return self.batch_id is None


@dataclass(frozen=True)
class TechSmeItem:
    id: int
    year: int
    number: str
    batch_id: int | None

    @property
    def editable(self) -> bool:
        return self.batch_id is None


@dataclass(frozen=True)
class RdItem:
    id: int
    rd: RdYear


@dataclass(frozen=True)
class AwardItem:
    """An approved award in the ledger."""

    id: int
    year: int
    rule_id: str
    amount: Decimal
    subject: str
    batch_id: int | None  # None = typed in from the paper records of before the program
    batch_name: str
    status: str  # approved | paid | "" for typed-in awards
    basis: str  # 《document》clause, from the line's snapshot
    note: str


@dataclass(frozen=True)
class EarlierClaim:
    batch_id: int
    batch_name: str
    award_year: int
    status: str
    claim: Claim


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    kind: str  # recognition | tech_sme | rd | award | claim
    text: str


@dataclass(frozen=True)
class CompanyDetail:
    company: CompanyRow
    recognitions: tuple
    tech_sme: tuple
    rd: tuple
    awards: tuple
    claims: tuple  # EarlierClaim of approved and paid batches
    timeline: tuple


def detail(s: Session, company_id: int, vocab: Vocabulary) -> CompanyDetail:
    c = get_company(s, company_id)
    recs = tuple(
        RecognitionItem(r.id, to_recognition(r), r.batch_id)
        for r in s.scalars(
            select(RecognitionRow)
            .where(RecognitionRow.company_id == c.id)
            .order_by(RecognitionRow.date, RecognitionRow.id)
        )
    )
    smes = tuple(
        TechSmeItem(r.id, r.year, r.number, r.batch_id)
        for r in s.scalars(select(TechSmeRow).where(TechSmeRow.company_id == c.id).order_by(TechSmeRow.year))
    )
    rds = tuple(
        RdItem(r.id, to_rd(r)) for r in s.scalars(select(RdRow).where(RdRow.company_id == c.id).order_by(RdRow.year))
    )
    awards = tuple(_awards(s, c.id))
    claims = tuple(_earlier_claims(s, c.id, vocab))
    return CompanyDetail(
        company_row(c), recs, smes, rds, awards, claims, _timeline(recs, smes, rds, awards, claims, vocab)
    )


def _awards(s: Session, company_id: int) -> Iterator[AwardItem]:
    q = (
        select(LedgerRow, Batch, AwardLineRow)
        .outerjoin(Batch, Batch.id == LedgerRow.batch_id)
        .outerjoin(AwardLineRow, AwardLineRow.id == LedgerRow.line_id)
        .where(LedgerRow.company_id == company_id)
        .order_by(LedgerRow.year, LedgerRow.id)
    )
    for e, b, line in s.execute(q):
        basis = ""
        if line is not None:
            number = f"（{line.doc_number}）" if line.doc_number else ""
            basis = f"《{line.document_title}》{number}{line.clause}"
        yield AwardItem(
            e.id,
            e.year,
            e.rule_id,
            e.amount,
            e.subject,
            e.batch_id,
            b.name if b else "",
            b.status if b else "",
            basis,
            e.note,
        )


def _earlier_claims(s: Session, company_id: int, vocab: Vocabulary) -> Iterator[EarlierClaim]:
    q = (
        select(ClaimRow, Batch)
        .join(Batch, Batch.id == ClaimRow.batch_id)
        .where(ClaimRow.company_id == company_id, Batch.status.in_((APPROVED, PAID)))
        .order_by(Batch.award_year, Batch.id, ClaimRow.seq)
    )
    for row, b in s.execute(q):
        claim, _ = decode_claim(row.type, row.claim_key, row.fields, vocab)
        yield EarlierClaim(b.id, b.name, b.award_year, b.status, claim)


def _timeline(
    recs: tuple[RecognitionItem, ...],
    smes: tuple[TechSmeItem, ...],
    rds: tuple[RdItem, ...],
    awards: tuple[AwardItem, ...],
    claims: tuple[EarlierClaim, ...],
    vocab: Vocabulary,
) -> tuple:
    events = []
    for item in recs:
        r = item.recognition
        level = f"（{vocab.label('levels', r.level)}）" if r.level else ""
        number = f"，证书号{r.number}" if r.number else ""
        where = f"，{r.issued_in}取得" if r.issued_in else ""
        events.append(
            TimelineEvent(
                r.date, "recognition", f"获{vocab.label('recognition_kinds', r.kind)}{level}认定{number}{where}"
            )
        )
    for sme in smes:
        events.append(TimelineEvent(dt.date(sme.year, 1, 1), "tech_sme", f"{sme.year}年度入库科技型中小企业"))
    for rd_item in rds:
        rd = rd_item.rd
        deduction = "，享受加计扣除" if rd.super_deduction else ""
        events.append(
            TimelineEvent(dt.date(rd.year, 12, 31), "rd", f"{rd.year}年度研发费用{rd.expense:,.2f}元{deduction}")
        )
    for a in awards:
        where = (
            f"（{a.batch_name}，{BATCH_STATUS_LABELS.get(a.status, a.status)}）" if a.batch_id else "（历史台账录入）"
        )
        events.append(
            TimelineEvent(
                dt.date(a.year, 12, 31), "award", f"{a.year}年度兑现{a.basis or a.rule_id}奖补{a.amount:,.2f}元{where}"
            )
        )
    for e in claims:
        if e.claim.type in ("recognition", "tech_sme_registration"):
            continue  # already shown as history
        label = vocab.claim_types[e.claim.type].label if e.claim.type in vocab.claim_types else e.claim.type
        day = e.claim.date or dt.date(e.award_year, 1, 1)
        events.append(TimelineEvent(day, "claim", f"申报{label}（{e.batch_name}）"))
    return tuple(sorted(events, key=lambda ev: (ev.date, ev.kind)))
