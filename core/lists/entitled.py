"""应享未享: awards a company's history entitles it to that no batch has paid.

For each stored company the engine is given, as if they were claims of a batch
of award year Y, the facts of its history that awards are for: each
recognition (高企、平台、称号 …) and each 科技型中小企业 registration dated in
the ``span`` years up to Y. The engine then does what it does for a batch: it
finds the rules, checks 首次/再次获批 and 连续N年入库 against the history, and
deducts what the ledger shows paid and what approved batches claimed for the
same subject. What is left with an amount is an award the company is entitled
to and has not been paid: recognized but never claimed, 连续3年入库 reached,
再次获批 after a renewal, a yearly instalment of multi-year support not yet paid.

Claims of draft batches count as claimed (they are in hand: what they will pay
is deducted as an approved batch's claims are). Left out: facts older
than ``span`` years (a bureau does not reopen them through 免申即享; the span
is a parameter, ``--span``). A recognition in the history does not say whether
the company moved in (整体迁入): it is read as not moved in (the vocabulary's
default), as a workbook row left blank is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from decimal import Decimal

from sqlalchemy import select

from core.engine import Context, evaluate_company
from core.engine.result import AwardLine
from core.model import Claim, CompanyCase, History
from core.money import ZERO, fmt_yuan
from core.progress import Cancelled
from core.store import overrides
from core.store.claimcodec import decode_claim
from core.store.history import load_histories, to_engine_company
from core.store.managers.batches import INCLUDE_DRAFTS_KEY
from core.store.models import DRAFT, Batch, ClaimRow, Company
from core.policy.policyset import PolicySet
from core.subjects import describe
from core.vocabulary import Vocabulary

if TYPE_CHECKING:
    from core.store.store import Store

DEFAULT_SPAN = 3  # years of history looked at, the award year included


@dataclass(frozen=True)
class Entitlement:
    company_id: int
    uscc: str
    company_name: str
    city: str
    county: str
    rule_id: str
    summary: str
    basis: str  # 《document》（number）clause
    sentence: str
    amount: Decimal
    why: str
    provisional: bool
    subject: str

    def to_json(self) -> dict:
        return {
            "uscc": self.uscc,
            "company": self.company_name,
            "city": self.city,
            "county": self.county,
            "rule": self.rule_id,
            "summary": self.summary,
            "basis": self.basis,
            "amount": str(self.amount),
            "why": self.why,
            "provisional": self.provisional,
            "subject": self.subject,
        }


def history_claims(history: History, year: int, span: int, defaults: dict) -> list[Claim]:
    """The facts of ``history`` dated in the ``span`` years up to ``year``, as claims."""
    first = year - span + 1
    out = []
    for rec in history.recognitions:
        if not first <= rec.date.year <= year:
            continue
        fields = dict(defaults)
        fields.update(kind=rec.kind, level=rec.level, date=rec.date, number=rec.number, stage=rec.stage)
        if rec.name:
            fields["name"] = rec.name
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        out.append(
            Claim(
                "recognition", f"认定记录:{rec.kind}:{rec.date.isoformat()}:{rec.number or rec.name}", fields, rec.date
            )
        )
    for y in sorted(history.tech_sme_years):
        if first <= y <= year:
            out.append(Claim("tech_sme_registration", f"入库记录:{y}", {"year": y}, None))
    return out


def _why(claim: Claim, history: History, line: AwardLine, vocab: Vocabulary) -> str:
    if claim.type == "tech_sme_registration":
        years = sorted(y for y in history.tech_sme_years if y <= claim.get("year"))
        fact = f"科技型中小企业入库年度：{'、'.join(map(str, years))}"
    elif claim.type == "recognition":
        kind = vocab.label("recognition_kinds", claim.get("kind"))
        level = vocab.label("levels", claim.get("level")) if claim.get("level") else ""
        number = f"（证书号{claim.get('number')}）" if claim.get("number") else ""
        name = f"“{claim.get('name')}”" if claim.get("name") else ""
        day = claim.date.isoformat() if claim.date is not None else ""
        fact = f"{day}获{level}{kind}{name}认定{number}"
        if claim.id.startswith("历史:"):
            fact = f"多年支持：{fact}，{line.event_date.year}年起按年支持"
    else:
        fact = describe(line.subject, vocab)
    earlier = line.earlier
    if earlier is not None and earlier.deducted > 0:
        paid = f"已兑现或已审批{fmt_yuan(earlier.deducted)}元，尚差{fmt_yuan(line.amount)}元"
    else:
        paid = "台账和已审批批次中没有兑现记录"
    return f"{fact}；{paid}"


def entitled(
    store: Store,
    policies: PolicySet,
    year: int,
    *,
    span: int = DEFAULT_SPAN,
    company_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[Entitlement]:
    """Every award the store's companies are entitled to in award year ``year`` and have not been paid."""
    vocab = store.vocabulary
    with store.reading() as s:
        q = select(Company).order_by(Company.id)
        if company_ids is not None:
            q = q.where(Company.id.in_(list(company_ids)))
        rows = list(s.scalars(q))
        histories = load_histories(s, [c.id for c in rows], None, vocab, cancel)
        in_hand: dict[int, set] = {}
        drafts: dict[int, list] = {}
        for row, award_year in s.execute(
            select(ClaimRow, Batch.award_year).join(Batch, Batch.id == ClaimRow.batch_id).where(Batch.status == DRAFT)
        ):
            draft, _ = decode_claim(row.type, row.claim_key, row.fields, vocab)
            in_hand.setdefault(row.company_id, set()).add(draft.subject)
            drafts.setdefault(row.company_id, []).append((award_year, draft))
        records = overrides.list_overrides(s)
        include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
    ctx = Context(overrides.with_overrides(policies, records), year, include_drafts=include_drafts)
    spec = vocab.claim_types["recognition"].fields
    defaults = {n: f.default for n, f in spec.items() if f.default is not None}
    out = []
    for done, row in enumerate(rows, 1):
        if cancel is not None and cancel():
            raise Cancelled()
        history = histories[row.id]
        if row.id in drafts:  # claims in hand count as claimed: what they will pay is not owed again
            history = History(
                history.recognitions,
                history.tech_sme_years,
                history.rd,
                history.ledger,
                history.claims + tuple(drafts[row.id]),
            )
        claims = [c for c in history_claims(history, year, span, defaults) if c.subject not in in_hand.get(row.id, ())]
        if not claims and not history.recognitions:
            continue
        result = evaluate_company(CompanyCase(to_engine_company(row), history, tuple(claims)), ctx)
        by_id = {c.id: c for c in claims}
        for line in result.lines:
            if line.amount <= ZERO or line.subject in in_hand.get(row.id, ()):
                continue
            claim = by_id.get(line.claim_id)
            if claim is None:  # an instalment of multi-year support the engine drew from the history itself
                claim = Claim("recognition", line.claim_id, {}, line.event_date)
                why = f"多年支持的{year}年度部分：{describe(line.subject, vocab)}；{year}年度尚未兑现"
            else:
                why = _why(claim, history, line, vocab)
            doc = line.rule.document
            number = f"（{doc.doc_number}）" if doc.doc_number else ""
            out.append(
                Entitlement(
                    row.id,
                    row.uscc,
                    row.name,
                    row.city,
                    row.county,
                    line.rule.id,
                    line.rule.summary,
                    f"《{doc.title}》{number}{line.rule.clause}",
                    line.rule.sentence,
                    line.amount,
                    why,
                    line.provisional,
                    line.subject,
                )
            )
        if progress is not None:
            progress(done, len(rows))
    return out
