"""Award lines, exclusions and calculator results as HTML for a QTextBrowser."""

from __future__ import annotations

from html import escape

from core.engine.trace import Trace
from core.money import fmt_yuan

CSS = """
<style>
 body { font-size: 10pt; }
 h3 { margin: 6px 0 2px 0; }
 .cite { color: #444; background: #f4f1e8; padding: 4px; }
 .amount { font-weight: bold; color: #0b5394; }
 .muted { color: #777; }
 table.kv td { padding: 1px 8px 1px 0; vertical-align: top; }
</style>
"""


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in items) + "</ul>" if items else ""


def _day(day) -> str:
    return day.isoformat() if day else ""


def trace_html(rule, amount, trace: Trace, schedule=None, title: str | None = None) -> str:
    """One line's trace."""
    doc = rule["document"] if isinstance(rule, dict) else rule.document.citation
    clause = rule["clause"] if isinstance(rule, dict) else rule.clause
    sentence = rule["sentence"] if isinstance(rule, dict) else rule.sentence
    out = [CSS, f"<h3>{escape(title or '')}</h3>" if title else ""]
    out.append(f"<p><b>政策依据：</b>{escape(doc)}{escape(clause)}</p>")
    out.append(f"<p class='cite'>{escape(sentence)}</p>")
    if amount is not None:
        out.append(f"<p>金额：<span class='amount'>{fmt_yuan(amount)} 元</span></p>")
    if trace.inputs:
        out.append(
            "<p><b>输入</b></p><table class='kv'>"
            + "".join(f"<tr><td>{escape(i.label)}</td><td>{escape(i.value)}</td></tr>" for i in trace.inputs)
            + "</table>"
        )
    if trace.params:
        out.append(
            "<p><b>参数</b></p><table class='kv'>"
            + "".join(
                f"<tr><td>{escape(p.label)}</td><td>{escape(p.display)}</td>"
                f"<td class='muted'>“{escape(p.cite)}”，{_day(p.start)}起有效，按{_day(p.read_at)}取值"
                f"{'' if p.source == 'policy' else '；' + escape(p.source)}</td></tr>"
                for p in trace.params
            )
            + "</table>"
        )
    if trace.readings:
        out.append("<p><b>解读</b></p>" + _list(f"{r.name} = {r.value}：{r.note}" for r in trace.readings))
    if trace.formula:
        out.append(f"<p><b>算式：</b>{escape(trace.formula)}</p>")
    if trace.steps:
        out.append("<p><b>上限、起付线与叠加</b></p>" + _list(trace.steps))
    if schedule:
        out.append("<p><b>分年度安排</b></p>" + _list(f"{y}年：{fmt_yuan(a)} 元" for y, a in schedule))
    if trace.notes:
        out.append("<p><b>说明</b></p>" + _list(trace.notes))
    return "".join(out)


def result_html(result) -> str:
    """A whole CompanyResult: lines with traces, then exclusions with reasons."""
    out = [CSS, f"<h3>合计：<span class='amount'>{fmt_yuan(result.total)} 元</span></h3>"]
    for line in result.lines:
        out.append("<hr>")
        out.append(trace_html(line.rule, line.amount, line.trace, line.schedule, title=line.rule.summary))
    if result.excluded:
        out.append(
            "<hr><h3>未计入的条款</h3>"
            + _list(
                f"{e.rule.document.citation}{e.rule.clause}（{e.rule.summary}）：{e.reason}" for e in result.excluded
            )
        )
    if result.errors:
        out.append("<h3>错误</h3>" + _list(result.errors))
    if result.warnings:
        out.append("<h3>提示</h3>" + _list(result.warnings))
    return "".join(out)
