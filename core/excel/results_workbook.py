"""The results workbook of a batch: 汇总, 按企业汇总 and 奖补明细 with each line's calculation (trace)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from core.engine.trace import Trace
from core.excel import styles as st
from core.excel.export_common import (
    LABEL,
    SECTION,
    _checked,
    _group,
    _print_setup,
    _row_styles,
    _table,
    _title,
    _total_styles,
    check_total,
)
from core.excel.styles import Style
from core.excel.writer import Book
from core.money import ZERO, difference_in_words, fmt_yuan
from core.records import BatchRecord, LineRecord
from core.vocabulary import BATCH_STATUS_LABELS as STATUS_LABELS


# ---------------------------------------------------------------- trace text


def trace_columns(trace: Trace) -> dict[str, str]:
    """The trace of a line, flattened into readable text for five columns."""
    inputs = [f"{i.label}：{i.value}" for i in trace.inputs]
    params = []
    for p in trace.params:
        text = f"{p.label}：{p.display or (p.value if p.value is not None else '')}"
        extra = []
        if p.cite:
            extra.append(f"依据“{p.cite}”")
        if p.start:
            extra.append(f"{p.start.isoformat()}起施行")
        if p.read_at:
            extra.append(f"按{p.read_at.isoformat()}取值")
        params.append(text + (f"（{'，'.join(extra)}）" if extra else ""))
    notes = list(trace.notes)
    for r in trace.readings:
        value = "是" if r.value is True else "否" if r.value is False else r.value
        notes.append(f"解读“{r.name}”＝{value}：{r.note}")
    return {
        "formula": trace.formula,
        "inputs": "\n".join(inputs),
        "params": "\n".join(params),
        "steps": "\n".join(trace.steps),
        "notes": "\n".join(notes),
    }


def _schedule_text(schedule) -> str:
    if not schedule:
        return ""
    return "；".join(f"{year}年{fmt_yuan(Decimal(amount))}元" for year, amount in schedule)


# ---------------------------------------------------------------- results workbook


def build_results_workbook(
    batch: BatchRecord, lines: list[LineRecord], *, exported_at: dt.datetime | None = None
) -> Workbook:
    book = Book(stream=False)
    _results(book, batch, lines, exported_at)
    return book.wb


def write_results_workbook(
    batch: BatchRecord, lines: list[LineRecord], path, *, exported_at: dt.datetime | None = None
) -> Path:
    with Book(stream=True) as book:
        _results(book, batch, lines, exported_at)
        return book.save(path)


def _results(book: Book, batch, lines, exported_at) -> None:
    lines = _checked(batch, lines)
    total = check_total(sum((l.amount for l in lines), ZERO), lines)
    _summary_sheet(book.sheet("汇总"), batch, lines, total, exported_at or dt.datetime.now().replace(microsecond=0))
    _company_sheet(book.sheet("按企业汇总"), batch, lines, total)
    _lines_sheet(book.sheet("奖补明细"), batch, lines, total)


def _summary_sheet(sheet, batch, lines, total, exported_at) -> None:
    last_col = 6
    provisional = [l for l in lines if l.provisional]
    _title(sheet, f"{batch.name} 奖补测算结果", "", "", last_col)
    info = [
        ("批次名称", batch.name),
        ("兑现年度", f"{batch.award_year}年度"),
        ("状态", STATUS_LABELS.get(batch.status, batch.status)),
        ("来源文件", batch.source_name or ""),
        ("经办人", batch.preparer or ""),
        ("审核人", batch.reviewer or ""),
        ("审核时间", batch.approved_at.strftime("%Y-%m-%d %H:%M") if batch.approved_at else ""),
        ("导出时间", exported_at.strftime("%Y-%m-%d %H:%M")),
        ("企业数", len({l.uscc for l in lines})),
        ("奖补明细条数", len(lines)),
        ("奖补总额（元）", total),
        ("大写金额", difference_in_words(total)),
    ]
    if batch.adjusts_batch_id:
        info.insert(
            1,
            (
                "调整",
                f"本批次调整编号{batch.adjusts_batch_id}批次，明细为与原兑现金额的差额（负数为冲减）；"
                f"调整原因：{batch.adjust_reason or '未填写'}",
            ),
        )
    if provisional:
        ptotal = sum((l.amount for l in provisional), ZERO)
        info.append(
            (
                "测算明细",
                f"其中{len(provisional)}条依据征求意见稿测算，合计{fmt_yuan(ptotal)}元，"
                "文件正式印发前仅供参考，不得据此拨付",
            )
        )
    r = 3
    text_row = [LABEL] + _row_styles(1)
    money_row = [LABEL] + _row_styles(1, money_cols=(1,))
    for label, value in info:
        sheet.row(r, [label, value], money_row if isinstance(value, Decimal) else text_row, merge=[(2, last_col)])
        r += 1
    r += 1
    sheet.row(r, ["按政策文件汇总"], SECTION)
    r += 1
    headers = [("序号", 16), ("政策文件", 52), ("文号", 24), ("明细条数", 10), ("企业数", 10), ("金额（元）", 18)]
    _table(sheet, r, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(len(headers), money_cols=(6,), center_cols=(1, 4, 5))
    by_doc = _group(lines, lambda l: l.document_id)
    doc_sum = ZERO
    for i, (doc_id, doc_lines) in enumerate(by_doc.items(), 1):
        r += 1
        amount = sum((l.amount for l in doc_lines), ZERO)
        doc_sum += amount
        title = doc_lines[0].document_title + ("（征求意见稿，测算）" if doc_lines[0].provisional else "")
        values = [i, title, doc_lines[0].doc_number or "", len(doc_lines), len({l.uscc for l in doc_lines}), amount]
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    check_total(doc_sum, lines, "按政策文件汇总的合计")
    r += 1
    sheet.row(
        r,
        ["合计", None, None, len(lines), len({l.uscc for l in lines}), doc_sum],
        _total_styles(len(headers), money_cols=(6,), center_cols=(1, 4, 5)),
        merge=[(1, 3)],
    )
    _print_setup(sheet.ws, "", last_col, r)


def _company_sheet(sheet, batch, lines, total) -> None:
    headers = [
        ("序号", 6),
        ("企业名称", 30),
        ("统一社会信用代码", 22),
        ("开户行", 26),
        ("账号", 24),
        ("明细条数", 9),
        ("金额（元）", 16),
        ("大写金额", 34),
    ]
    _title(sheet, f"{batch.name} 按企业汇总", f"兑现年度：{batch.award_year}年度", "单位：元", len(headers))
    _table(sheet, 3, headers)
    styles = _row_styles(len(headers), money_cols=(7,), center_cols=(1, 6), text_cols=(3, 5))
    r = 3
    company_sum = ZERO
    for i, (uscc, company_lines) in enumerate(_group(lines, lambda l: l.uscc).items(), 1):
        r += 1
        amount = check_total(sum((l.amount for l in company_lines), ZERO), company_lines)
        company_sum += amount
        first = company_lines[0]
        sheet.row(
            r,
            [
                i,
                first.company_name,
                uscc,
                first.bank_name,
                first.bank_account,
                len(company_lines),
                amount,
                difference_in_words(amount),
            ],
            styles,
        )
    check_total(company_sum, lines, "按企业汇总的合计")
    r += 1
    sheet.row(
        r,
        ["合计", None, None, None, None, len(lines), company_sum, difference_in_words(company_sum)],
        _total_styles(len(headers), money_cols=(7,), center_cols=(1, 6)),
        merge=[(1, 5)],
    )
    sheet.ws.freeze_panes = "C4"
    _print_setup(sheet.ws, "3:3", len(headers), r)


_LINE_HEADERS = [
    ("序号", 6),
    ("企业名称", 26),
    ("统一社会信用代码", 21),
    ("奖补项目", 30),
    ("政策文件", 30),
    ("文号", 18),
    ("条款", 8),
    ("金额（元）", 15),
    ("测算", 8),
    ("分年安排", 18),
    ("计算过程", 36),
    ("输入", 36),
    ("参数及依据", 48),
    ("上限、起付线与叠加", 36),
    ("说明", 36),
    ("条款原文", 48),
    ("规则编号", 24),
]


def _lines_sheet(sheet, batch, lines, total) -> None:
    headers = _LINE_HEADERS
    _title(sheet, f"{batch.name} 奖补明细（含计算过程）", f"兑现年度：{batch.award_year}年度", "单位：元", len(headers))
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(len(headers), money_cols=(8,), center_cols=(1, 7, 9), text_cols=(3,))
    styles[10:16] = [Style(st.BODY_FONT, None, st.BORDER, st.LEFT_TOP)] * 6  # the trace reads from the top
    r = 3
    line_sum = ZERO
    flattened: dict[int, dict[str, str]] = {}  # by the trace's identity: lines read for paper share their traces
    for i, line in enumerate(lines, 1):
        r += 1
        t = flattened.get(id(line.trace))
        if t is None:
            t = flattened[id(line.trace)] = trace_columns(line.trace)
        values = [
            i,
            line.company_name,
            line.uscc,
            line.summary,
            line.document_title,
            line.doc_number or "",
            line.clause,
            line.amount,
            "是" if line.provisional else "",
            _schedule_text(line.schedule),
            t["formula"],
            t["inputs"],
            t["params"],
            t["steps"],
            t["notes"],
            line.sentence,
            line.rule_id,
        ]
        line_sum += line.amount
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    check_total(line_sum, lines)
    r += 1
    sheet.row(
        r,
        ["合计"] + [None] * 6 + [line_sum] + [None] * (len(headers) - 8),
        _total_styles(len(headers), money_cols=(8,), center_cols=(1,)),
        merge=[(1, 7)],
    )
    sheet.ws.freeze_panes = "D4"
    _print_setup(sheet.ws, "3:3", len(headers), r)
    sheet.ws.page_setup.paperSize = sheet.ws.PAPERSIZE_A3  # seventeen columns of trace: A4 would be unreadable
