"""The batch page's HTML: a company's results, one award line's trace, a refusal (what the trace pane shows)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from core.earlier import deducted, earlier_text
from core.engine.trace import Trace
from core.money import difference_in_words, fmt_yuan
from gui.tracehtml import CSS, trace_html


def line_rule(line) -> dict:
    number = f"（{line.doc_number}）" if line.doc_number else ""
    return {"document": f"《{line.document_title}》{number}", "clause": line.clause, "sentence": line.sentence}


EARLIER_BLOCK = "<p style='background:#fff4e5; padding:4px'>{}</p>"


def earlier_html(earlier: dict | None, paid_now: str) -> str:
    """The block saying what was awarded before for the subject (the engine's 'earlier') and what that means now."""
    if not earlier:
        return ""
    return EARLIER_BLOCK.format(f"<b>{escape(earlier_text(earlier))}</b>。{escape(paid_now)}")


def claims_html(keys) -> str:
    if len(keys) > 1:
        return f"<p><b>申报事项：</b>{escape('、'.join(keys))}（同一事项的{len(keys)}项申报合并计算）</p>"
    return f"<p><b>申报事项：</b>{escape(keys[0])}</p>" if keys else ""


def line_html(line) -> str:
    html = trace_html(line_rule(line), line.amount, line.trace, line.schedule, title=line.summary)
    head = f"<p class='muted'>{escape(line.company_name)}　{escape(line.uscc)}　第{line.line_no}条明细</p>"
    if line.provisional:
        head += (
            "<p style='color:#b00020'><b>依据征求意见稿测算：</b>文件正式印发前不得据此审批拨付；"
            "审批时需明确确认，拨付明细表、公示名单只能作为测算稿导出。</p>"
        )
    head += claims_html(line.claim_keys)
    head += earlier_html(
        line.earlier, f"本条已扣除{fmt_yuan(deducted(line.earlier))}元，本次兑现{fmt_yuan(line.amount)}元。"
    )
    return CSS + head + html


def refusal_html(refusal) -> str:
    """A rule that matched a claim but pays nothing: why, what was awarded before, and how far it got."""
    e = refusal.data
    rule = {
        "document": refusal.basis.removesuffix(e.get("clause", "")),
        "clause": e.get("clause", ""),
        "sentence": e.get("sentence", ""),
    }
    head = (
        f"<p class='muted'>{escape(refusal.company_name)}　{escape(refusal.uscc)}　未计入的条款</p>"
        + claims_html((refusal.claim_key,) if refusal.claim_key else ())
        + f"<p style='color:#b00020'><b>未计入：</b>{escape(refusal.reason)}</p>"
    )
    head += earlier_html(refusal.earlier, "本次不再支持。")
    trace = e.get("trace")
    shown = trace_html(rule, None, Trace.from_json(trace), title=refusal.summary) if trace or rule["sentence"] else ""
    return CSS + head + shown


def company_html(c, lines) -> str:
    out = [CSS, f"<h3>{escape(c.company_name)}</h3><p class='muted'>{escape(c.uscc)}</p>"]
    if not c.calculated:
        out.append("<p>尚未计算。点“计算”后显示奖补金额和计算过程。</p>")
        return "".join(out)
    total = c.total
    out.append(
        f"<p>合计：<span class='amount'>{fmt_yuan(total)} 元</span>（{escape(difference_in_words(total))}），"
        f"{len(lines)}条明细。选中下面的明细查看计算过程。</p>"
    )
    if lines:
        out.append(
            "<table class='kv'>"
            + "".join(
                f"<tr><td>{escape(l.summary)}</td><td class='muted'>{escape(l.basis)}</td>"
                f"<td align='right'>{fmt_yuan(l.amount)}</td></tr>"
                for l in lines
            )
            + "</table>"
        )
    if c.errors:
        out.append(
            "<h3 style='color:#b00020'>错误（须处理后重新计算才能审批）</h3><ul>"
            + "".join(f"<li>{escape(e)}</li>" for e in c.errors)
            + "</ul>"
        )
    if c.warnings:
        out.append("<h3>提示</h3><ul>" + "".join(f"<li>{escape(w)}</li>" for w in c.warnings) + "</ul>")
    if c.excluded:
        out.append("<h3>未计入的条款</h3><ul>")
        for e in c.excluded:
            number = f"（{e.get('doc_number')}）" if e.get("doc_number") else ""
            would = e.get("would_have_been")
            amount = f"（按条款应为{fmt_yuan(Decimal(would))}元）" if would else ""
            out.append(
                f"<li>《{escape(e.get('document', ''))}》{escape(number)}{escape(e.get('clause', ''))}："
                f"{escape(e.get('reason', ''))}{amount}</li>"
            )
        out.append("</ul>")
    return "".join(out)
