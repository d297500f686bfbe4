"""The results workbook of a batch: 汇总, 按企业汇总, 奖补明细 with each line's calculation (trace), and 企业提示 (the
members' warnings: core.excel.warnings_sheet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from core.engine.trace import Trace
from core.excel import styles as st
from core.excel.export_common import (
    LABEL,
    SECTION,
    _print_setup,
    _row_styles,
    _table,
    _title,
    _total_styles,
    by_company,
    check_total,
    difference_words,
    printed,
    same_total,
)
from core.excel.styles import Style
from core.excel.writer import Book
from core.money import ZERO, difference_in_words, fmt_yuan
from core.excel.warnings_sheet import SHEET as WARNINGS_SHEET, warnings_sheet
from core.records import BatchRecord, CompanyWarning, LineRecord
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
    batch: BatchRecord,
    lines: list[LineRecord],
    *,
    exported_at: dt.datetime | None = None,
    warnings: Iterable[CompanyWarning] | None = None,
) -> Workbook:
    book = Book(stream=False)
    _results(book, batch, lines, exported_at, warnings)
    return book.wb


def write_results_workbook(
    batch: BatchRecord,
    lines: Iterable[LineRecord],
    path,
    *,
    exported_at: dt.datetime | None = None,
    warnings: Iterable[CompanyWarning] | None = None,
) -> Path:
    """Stream the workbook to a temporary file and rename it into place. ``lines``: a list, or the lines in print
    order as a paper read hands them over (never kept whole: the file is kept only once the last has come).
    ``warnings``: the members' warnings as ``Store.batches.paper_results`` hands them over (read once the last
    line has been written), for the 企业提示 sheet; None leaves the sheet out (they were not read: the sheet must
    not say there are none)."""
    with Book(stream=True) as book:
        _results(book, batch, lines, exported_at, warnings)
        return book.save(path)


class _Tally:
    """What the 汇总 sheet says of the lines, counted as they pass: by document (in order of first appearance)."""

    def __init__(self) -> None:
        self.lines = self.companies = self.provisional = 0
        self.total = self.provisional_total = ZERO
        self.docs: dict[str, list] = {}  # document id -> [first line, lines, companies, amount]

    def add(self, company_lines: list[LineRecord]) -> None:
        """Count one company's lines."""
        self.companies += 1
        seen = set()
        for l in company_lines:
            self.lines += 1
            self.total += l.amount
            if l.provisional:
                self.provisional += 1
                self.provisional_total += l.amount
            doc = self.docs.get(l.document_id)
            if doc is None:
                doc = self.docs[l.document_id] = [l, 0, 0, ZERO]
            doc[1] += 1
            doc[3] += l.amount
            if l.document_id not in seen:
                seen.add(l.document_id)
                doc[2] += 1


def _results(book: Book, batch, lines, exported_at, warnings) -> None:
    summary = book.sheet("汇总")
    companies = _CompanySheet(book.sheet("按企业汇总"), batch)
    details = _LinesSheet(book.sheet("奖补明细"), batch)
    warned = book.sheet(WARNINGS_SHEET) if warnings is not None else None
    tally = _Tally()
    for company_lines in by_company(printed(batch, lines)):
        tally.add(company_lines)
        companies.add(company_lines)
        details.add(company_lines)
    companies.close(tally)
    details.close(tally)
    if warned is not None:
        warnings_sheet(warned, batch, warnings)
    _summary_sheet(summary, batch, tally, exported_at or dt.datetime.now().replace(microsecond=0))


def _summary_sheet(sheet, batch, tally: _Tally, exported_at) -> None:
    last_col = 6
    total = tally.total
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
        ("企业数", tally.companies),
        ("奖补明细条数", tally.lines),
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
    if tally.provisional:
        info.append(
            (
                "测算明细",
                f"其中{tally.provisional}条依据征求意见稿测算，合计{fmt_yuan(tally.provisional_total)}元，"
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
    doc_sum = ZERO
    for i, (first, count, companies, amount) in enumerate(tally.docs.values(), 1):
        r += 1
        doc_sum += amount
        title = first.document_title + ("（征求意见稿，测算）" if first.provisional else "")
        values = [i, title, first.doc_number or "", count, companies, amount]
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    same_total(doc_sum, total, "按政策文件汇总的合计")
    r += 1
    sheet.row(
        r,
        ["合计", None, None, tally.lines, tally.companies, doc_sum],
        _total_styles(len(headers), money_cols=(6,), center_cols=(1, 4, 5)),
        merge=[(1, 3)],
    )
    _print_setup(sheet.ws, "", last_col, r)


class _CompanySheet:
    """按企业汇总: a row per company, written as its lines pass."""

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

    def __init__(self, sheet, batch) -> None:
        headers = self.headers
        _title(sheet, f"{batch.name} 按企业汇总", f"兑现年度：{batch.award_year}年度", "单位：元", len(headers))
        _table(sheet, 3, headers)
        self.sheet = sheet
        self.styles = _row_styles(len(headers), money_cols=(7,), center_cols=(1, 6), text_cols=(3, 5))
        self.r = 3
        self.total = ZERO

    def add(self, company_lines: list[LineRecord]) -> None:
        self.r += 1
        amount = check_total(sum((l.amount for l in company_lines), ZERO), company_lines)
        self.total += amount
        first = company_lines[0]
        self.sheet.row(
            self.r,
            [
                self.r - 3,
                first.company_name,
                first.uscc,
                first.bank_name,
                first.bank_account,
                len(company_lines),
                amount,
                difference_words(amount),
            ],
            self.styles,
        )

    def close(self, tally: _Tally) -> None:
        headers, r = self.headers, self.r + 1
        company_sum = same_total(self.total, tally.total, "按企业汇总的合计")
        self.sheet.row(
            r,
            ["合计", None, None, None, None, tally.lines, company_sum, difference_in_words(company_sum)],
            _total_styles(len(headers), money_cols=(7,), center_cols=(1, 6)),
            merge=[(1, 5)],
        )
        self.sheet.ws.freeze_panes = "C4"
        _print_setup(self.sheet.ws, "3:3", len(headers), r)


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
FLATTENED_KEPT = 4096  # distinct traces whose text the 奖补明细 sheet remembers (lines read for paper share them)
_TRACE_COLS = slice(10, 15)  # 计算过程 .. 说明: the trace's five columns (trace_columns)


class _LinesSheet:
    """奖补明细 (with each line's calculation): a row per line, written as it passes."""

    def __init__(self, sheet, batch) -> None:
        headers = _LINE_HEADERS
        _title(
            sheet, f"{batch.name} 奖补明细（含计算过程）", f"兑现年度：{batch.award_year}年度", "单位：元", len(headers)
        )
        _table(sheet, 3, headers)
        self.sheet = sheet
        self.widths = [w for _, w in headers]
        styles = _row_styles(len(headers), money_cols=(8,), center_cols=(1, 7, 9), text_cols=(3,))
        styles[10:16] = [Style(st.BODY_FONT, None, st.BORDER, st.LEFT_TOP)] * 6  # the trace reads from the top
        self.styles = styles
        self.r = 3
        self.total = ZERO
        # by the trace's identity (lines read for paper share their traces), with the trace: an id is only
        # unique among objects alive, and a paper read lets go of the lines written
        self.flattened: dict[int, tuple[Trace, list[str], int]] = {}

    def _trace(self, trace: Trace) -> tuple[Trace, list[str], int]:
        """(trace, its five columns' texts, the lines they take): worked out once per trace."""
        found = self.flattened.get(id(trace))
        if found is None or found[0] is not trace:
            if len(self.flattened) >= FLATTENED_KEPT:
                self.flattened.clear()
            t = trace_columns(trace)
            texts = [t["formula"], t["inputs"], t["params"], t["steps"], t["notes"]]
            found = self.flattened[id(trace)] = (trace, texts, st.row_lines(texts, self.widths[_TRACE_COLS]))
        return found

    def add(self, company_lines: list[LineRecord]) -> None:
        sheet, styles, widths = self.sheet, self.styles, self.widths
        before, after = widths[: _TRACE_COLS.start], widths[_TRACE_COLS.stop :]
        for line in company_lines:
            self.r += 1
            _, texts, lines = self._trace(line.trace)
            head = [
                self.r - 3,
                line.company_name,
                line.uscc,
                line.summary,
                line.document_title,
                line.doc_number or "",
                line.clause,
                line.amount,
                "是" if line.provisional else "",
                _schedule_text(line.schedule),
            ]
            tail = [line.sentence, line.rule_id]
            self.total += line.amount
            lines = st.row_lines(tail, after, st.row_lines(head, before, lines))
            sheet.row(self.r, head + texts + tail, styles, height=st.lines_height(lines))

    def close(self, tally: _Tally) -> None:
        headers, sheet, r = _LINE_HEADERS, self.sheet, self.r + 1
        line_sum = same_total(self.total, tally.total)
        sheet.row(
            r,
            ["合计"] + [None] * 6 + [line_sum] + [None] * (len(headers) - 8),
            _total_styles(len(headers), money_cols=(8,), center_cols=(1,)),
            merge=[(1, 7)],
        )
        sheet.ws.freeze_panes = "D4"
        _print_setup(sheet.ws, "3:3", len(headers), r)
        sheet.ws.page_setup.paperSize = sheet.ws.PAPERSIZE_A3  # seventeen columns of trace: A4 would be unreadable
