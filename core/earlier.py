"""What was awarded before for a subject, said in Chinese from the engine's structured ``earlier``.

The engine (core.engine.counting) puts on each award line that had something
deducted, and on each exclusion refused as already awarded, an
:class:`~core.engine.result.EarlierAward`; it is stored and handed around as
its ``to_json()`` dict (amounts as text to the fen). Screens, the import
summary and the headless commands all say it through these functions, so a
clerk reads the same words everywhere: which batch, which year, how much.
"""

from __future__ import annotations

from decimal import Decimal

from core.money import ZERO, fmt_yuan


def _amount(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def payments(earlier: dict) -> list[str]:
    """Each payment the ledger shows for the subject: 批次3（2025年）500,000.00元, 历史奖补录入（2024年）…."""
    out = []
    for e in earlier.get("entries") or ():
        where = f"批次{e['batch_id']}" if e.get("batch_id") is not None else "历史奖补录入"
        out.append(f"{where}（{e['year']}年）{fmt_yuan(_amount(e.get('amount')))}元")
    return out


def earlier_claims(earlier: dict) -> str:
    """The claims of earlier approved batches about the subject and what they come to, or ""."""
    claims = earlier.get("claims") or ()
    if not claims:
        return ""
    years = "、".join(sorted({str(c["award_year"]) for c in claims}))
    ids = "、".join(c["claim_id"] for c in claims)
    return f"已在{years}年审批的批次中申报（{ids}），按本条计应得{fmt_yuan(_amount(earlier.get('worth')))}元"


def earlier_text(earlier: dict | None) -> str:
    """One sentence: 该事项此前已兑现：批次3（2025年）500,000.00元；… ("" when nothing was found)."""
    if not earlier:
        return ""
    parts = []
    paid = payments(earlier)
    if paid:
        total = f"，合计{fmt_yuan(_amount(earlier.get('paid')))}元" if len(paid) > 1 else ""
        parts.append("该事项此前已兑现：" + "、".join(paid) + total)
    claims = earlier_claims(earlier)
    if claims:
        parts.append(("该事项" if not parts else "") + claims)
    return "；".join(parts)


def earlier_short(earlier: dict | None) -> str:
    """For a table cell: 500,000.00元（批次3，2025年）; several payments: 700,000.00元（批次3等2笔）."""
    if not earlier:
        return ""
    entries = earlier.get("entries") or ()
    if entries:
        first = entries[0]
        where = f"批次{first['batch_id']}" if first.get("batch_id") is not None else "历史奖补录入"
        how = f"{where}，{first['year']}年" if len(entries) == 1 else f"{where}等{len(entries)}笔"
        return f"{fmt_yuan(_amount(earlier.get('paid')))}元（{how}）"
    claims = earlier.get("claims") or ()
    if claims:
        years = "、".join(sorted({str(c["award_year"]) for c in claims}))
        return f"{years}年已审批申报，计{fmt_yuan(_amount(earlier.get('worth')))}元"
    return ""


def deducted(earlier: dict | None) -> Decimal:
    """What the engine deducted: the larger of what was paid and what the earlier claims are worth."""
    return _amount(earlier.get("deducted")) if earlier else ZERO


def outcome(amount: Decimal | None) -> str:
    """What the rule pays now for a subject awarded before (a line's amount, or None when refused)."""
    if amount is None:
        return "本次不再支持"
    return f"扣除后本次应兑现{fmt_yuan(amount)}元"


def paid_before_text(p) -> str:
    """A core.records.PaidBefore in one line, for the import summary of ``main.py import``."""
    claims = "、".join(p.claim_ids)
    return f"{p.company_name}（{claims}）{p.summary}，{p.basis}：{earlier_text(p.earlier)}；{outcome(p.amount)}"
