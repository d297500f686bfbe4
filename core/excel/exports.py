"""Workbooks written from a batch: results, 资金拨付明细表 (disbursement sheet), 公示名单.

Pure functions of a :class:`~core.records.BatchRecord` and its
:class:`~core.records.LineRecord` list: ``build_*`` return an openpyxl
Workbook, ``write_*`` stream the same rows to a temporary file in the target
folder (:mod:`core.excel.writer`) and rename it into place. Every total is
summed in Decimal and checked against the sum of the lines before it is
written; amounts are written as numbers with a thousands separator format,
大写金额 comes from :func:`core.money.amount_in_words`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.engine.trace import Trace
from core.excel import styles as st
from core.excel.files import ExportError
from core.excel.styles import Style
from core.excel.writer import Book
from core.money import FEN, ZERO, amount_in_words, difference_in_words, fmt_yuan
from core.records import BatchRecord, LineRecord
from core.vocabulary import BATCH_STATUS_LABELS as STATUS_LABELS

DISBURSEMENT_TITLE = "科技创新奖补资金拨付明细表"
PUBLICITY_TITLE = "拟兑现奖补名单（公示）"
RECOVERY_TITLE = "科技创新奖补资金应追回明细表"
PROVISIONAL_MARK = "（测算稿，不得据此拨付）"
DRAFT_MARK = "（未经审核）"


# ---------------------------------------------------------------- checks


def _checked(batch: BatchRecord, lines: list[LineRecord]) -> list[LineRecord]:
    """The lines in print order (company by first appearance, then line number), each checked.

    Amounts are positive, except in an adjustment batch, whose lines are
    differences from what its original paid (a negative one takes money back).
    """
    adjustment = bool(batch.adjusts_batch_id)
    for line in lines:
        if line.batch_id != batch.id:
            raise ExportError(f"第{line.line_no}条明细不属于批次{batch.id}（属于批次{line.batch_id}）")
        amount = line.amount
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise ExportError(f"第{line.line_no}条明细的金额不是Decimal：{amount!r}")
        if amount != amount.quantize(FEN) or amount == 0 or (amount < 0 and not adjustment):
            kind = "非零" if adjustment else "正的"
            raise ExportError(f"第{line.line_no}条明细的金额{amount}不是{kind}、精确到分的金额")
    first: dict[str, int] = {}
    for line in sorted(lines, key=lambda l: l.line_no):
        first.setdefault(line.uscc, len(first))
    return sorted(lines, key=lambda l: (first[l.uscc], l.line_no))


def check_total(total: Decimal, lines, what: str = "合计") -> Decimal:
    """Raise unless ``total`` is exactly the sum of the lines' amounts (kept under python -O)."""
    expected = sum((l.amount for l in lines), ZERO)
    if total != expected:
        raise AssertionError(f"{what}{total}不等于明细金额之和{expected}")
    return total


def _provisional_guard(lines, include_provisional: bool, what: str) -> bool:
    drafts = [l for l in lines if l.provisional]
    if drafts and not include_provisional:
        docs = "、".join(dict.fromkeys(f"《{l.document_title}》" for l in drafts))
        raise ExportError(f"批次中有{len(drafts)}条奖补依据征求意见稿测算（{docs}），文件正式印发前不得据此{what}。"
                          "如只需打印测算稿供内部核对，请选择“包含测算明细”（命令行加 --include-provisional）")
    return bool(drafts)


def _group(lines, key) -> dict:
    out: dict = {}
    for line in lines:
        out.setdefault(key(line), []).append(line)
    return out


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


# ---------------------------------------------------------------- sheet helpers


TITLE = Style(st.TITLE_FONT, alignment=st.CENTER)
SUBTITLE = Style(st.SUBTITLE_FONT, alignment=st.LEFT)
SUBTITLE_RIGHT = Style(st.SUBTITLE_FONT, alignment=st.RIGHT)
SECTION = Style(st.SECTION_FONT)
LABEL = Style(st.BOLD_FONT, None, st.BORDER, st.LEFT)
NOTE = Style(st.BODY_FONT, alignment=st.LEFT)


def _table(sheet, top: int, headers: Sequence[tuple[str, float]]) -> None:
    sheet.row(top, [text for text, _ in headers], st.HEADER)
    for col, (_, width) in enumerate(headers, 1):
        sheet.ws.column_dimensions[get_column_letter(col)].width = width


def _row_styles(count: int, money_cols=(), center_cols=(), text_cols=(), fill=None, font=None) -> list[Style]:
    """The look of each cell of a table row with ``count`` columns: framed, money right-aligned."""
    styles = []
    for col in range(1, count + 1):
        align, number_format = (st.RIGHT, st.YUAN_FORMAT) if col in money_cols else (
            (st.CENTER if col in center_cols else st.LEFT), None)
        if col in text_cols:
            number_format = st.TEXT_FORMAT
        styles.append(Style(font or st.BODY_FONT, fill, st.BORDER, align, number_format))
    return styles


def _total_styles(count: int, money_cols=(), center_cols=()) -> list[Style]:
    return _row_styles(count, money_cols, center_cols, fill=st.TOTAL_FILL, font=st.BOLD_FONT)


def _print_setup(ws, title_rows: str, last_col: int, last_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def _title(sheet, text: str, subtitle: str, right: str, last_col: int) -> None:
    sheet.row(1, [text], TITLE, height=30, merge=[(1, last_col)])
    split = max(last_col - 2, 1)
    values, styles, merge = [subtitle] + [None] * (split - 1), [SUBTITLE] + [None] * (split - 1), [(1, split)]
    if right:
        values.append(right)
        styles.append(SUBTITLE_RIGHT)
        if last_col > split + 1:
            merge.append((split + 1, last_col))
    sheet.row(2, values, styles, height=20, merge=merge)


def _marks(batch: BatchRecord, provisional: bool) -> str:
    return (PROVISIONAL_MARK if provisional else "") + (DRAFT_MARK if batch.status == "draft" else "")


# ---------------------------------------------------------------- results workbook


def build_results_workbook(batch: BatchRecord, lines: list[LineRecord], *,
                           exported_at: dt.datetime | None = None) -> Workbook:
    book = Book(stream=False)
    _results(book, batch, lines, exported_at)
    return book.wb


def write_results_workbook(batch: BatchRecord, lines: list[LineRecord], path, *,
                           exported_at: dt.datetime | None = None) -> Path:
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
        info.insert(1, ("调整", f"本批次调整编号{batch.adjusts_batch_id}批次，明细为与原兑现金额的差额（负数为冲减）；"
                              f"调整原因：{batch.adjust_reason or '未填写'}"))
    if provisional:
        ptotal = sum((l.amount for l in provisional), ZERO)
        info.append(("测算明细", f"其中{len(provisional)}条依据征求意见稿测算，合计{fmt_yuan(ptotal)}元，"
                              "文件正式印发前仅供参考，不得据此拨付"))
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
    sheet.row(r, ["合计", None, None, len(lines), len({l.uscc for l in lines}), doc_sum],
              _total_styles(len(headers), money_cols=(6,), center_cols=(1, 4, 5)), merge=[(1, 3)])
    _print_setup(sheet.ws, "", last_col, r)


def _company_sheet(sheet, batch, lines, total) -> None:
    headers = [("序号", 6), ("企业名称", 30), ("统一社会信用代码", 22), ("开户行", 26), ("账号", 24),
               ("明细条数", 9), ("金额（元）", 16), ("大写金额", 34)]
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
        sheet.row(r, [i, first.company_name, uscc, first.bank_name, first.bank_account, len(company_lines), amount,
                      difference_in_words(amount)], styles)
    check_total(company_sum, lines, "按企业汇总的合计")
    r += 1
    sheet.row(r, ["合计", None, None, None, None, len(lines), company_sum, difference_in_words(company_sum)],
              _total_styles(len(headers), money_cols=(7,), center_cols=(1, 6)), merge=[(1, 5)])
    sheet.ws.freeze_panes = "C4"
    _print_setup(sheet.ws, "3:3", len(headers), r)


_LINE_HEADERS = [("序号", 6), ("企业名称", 26), ("统一社会信用代码", 21), ("奖补项目", 30), ("政策文件", 30),
                 ("文号", 18), ("条款", 8), ("金额（元）", 15), ("测算", 8), ("分年安排", 18), ("计算过程", 36),
                 ("输入", 36), ("参数及依据", 48), ("上限、起付线与叠加", 36), ("说明", 36), ("条款原文", 48),
                 ("规则编号", 24)]


def _lines_sheet(sheet, batch, lines, total) -> None:
    headers = _LINE_HEADERS
    _title(sheet, f"{batch.name} 奖补明细（含计算过程）", f"兑现年度：{batch.award_year}年度", "单位：元", len(headers))
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(len(headers), money_cols=(8,), center_cols=(1, 7, 9), text_cols=(3,))
    styles[10:16] = [Style(st.BODY_FONT, None, st.BORDER, st.LEFT_TOP)] * 6  # the trace reads from the top
    r = 3
    line_sum = ZERO
    for i, line in enumerate(lines, 1):
        r += 1
        t = trace_columns(line.trace)
        values = [i, line.company_name, line.uscc, line.summary, line.document_title, line.doc_number or "",
                  line.clause, line.amount, "是" if line.provisional else "", _schedule_text(line.schedule),
                  t["formula"], t["inputs"], t["params"], t["steps"], t["notes"], line.sentence, line.rule_id]
        line_sum += line.amount
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    check_total(line_sum, lines)
    r += 1
    sheet.row(r, ["合计"] + [None] * 6 + [line_sum] + [None] * (len(headers) - 8),
              _total_styles(len(headers), money_cols=(8,), center_cols=(1,)), merge=[(1, 7)])
    sheet.ws.freeze_panes = "D4"
    _print_setup(sheet.ws, "3:3", len(headers), r)
    sheet.ws.page_setup.paperSize = sheet.ws.PAPERSIZE_A3  # seventeen columns of trace: A4 would be unreadable


# ---------------------------------------------------------------- disbursement sheet


@dataclass(frozen=True)
class Payment:
    """One row of the disbursement sheet: an award line, or an adjustment's net for one company."""

    company_name: str
    uscc: str
    bank_name: str
    bank_account: str
    item: str
    basis: str
    amount: Decimal


def _item(line: LineRecord, repeated=frozenset()) -> str:
    """奖补项目 as the disbursement sheet and the publicity list name it: marked when only estimated; a company's
    second line of the same item names its claim (the workbook's sheet and row), so the rows can be told apart."""
    claim = f"（{line.claim_key}）" if line.line_no in repeated and line.claim_key else ""
    return line.summary + claim + ("（测算）" if line.provisional else "")


def _repeated(lines) -> frozenset:
    """Line numbers of lines whose company has another line of the same item (summary)."""
    seen: dict = {}
    for l in lines:
        seen.setdefault((l.uscc, l.summary), []).append(l.line_no)
    return frozenset(n for numbers in seen.values() if len(numbers) > 1 for n in numbers)


def left_out_note(left_out: int) -> str:
    """The note on a sheet written without the lines computed under a draft (征求意见稿)."""
    return (f"注：本批次另有{left_out}条奖补依据征求意见稿测算，文件正式印发前不得拨付或公示，未列入本表。"
            if left_out else "")


def _payments(lines: list[LineRecord]) -> tuple[list[Payment], list[Payment]]:
    """(payments, recoveries): a line each, or, once any line is negative, one net per company.

    An adjustment batch holds differences from what its original paid; a bank
    pays or recovers one net amount per company, never a negative line. A
    company whose differences cancel out appears in neither list.
    """
    if all(l.amount > 0 for l in lines):
        repeated = _repeated(lines)
        return [Payment(l.company_name, l.uscc, l.bank_name, l.bank_account, _item(l, repeated), l.basis, l.amount)
                for l in lines], []
    payments, recoveries = [], []
    for uscc, company_lines in _group(lines, lambda l: l.uscc).items():
        net = sum((l.amount for l in company_lines), ZERO)
        if net == 0:
            continue
        first = next((l for l in company_lines if l.bank_account), company_lines[0])
        items = "、".join(dict.fromkeys(_item(l) for l in company_lines))
        basis = "；".join(dict.fromkeys(l.basis for l in company_lines))
        if net > 0:
            payments.append(Payment(first.company_name, uscc, first.bank_name, first.bank_account,
                                    f"调整补发：{items}", basis, net))
        else:
            recoveries.append(Payment(first.company_name, uscc, first.bank_name, first.bank_account,
                                      f"调整追回：{items}", basis, -net))
    return payments, recoveries


def build_disbursement_sheet(batch: BatchRecord, lines: list[LineRecord], *, budget_subject: str | None = None,
                             include_provisional: bool = False, withheld=frozenset(), left_out: int = 0) -> Workbook:
    """资金拨付明细表: one row per award line with the company's bank account, 合计 in figures and words.

    For an adjustment batch the rows are each company's net difference: the
    sheet 资金拨付明细表 holds what is paid on top, a second sheet 应追回明细
    what companies must pay back.
    """
    book = Book(stream=False)
    _disbursement(book, batch, _paid_out(lines, withheld), budget_subject, include_provisional, left_out)
    return book.wb


def _paid_out(lines: list[LineRecord], withheld) -> list[LineRecord]:
    """The lines without those of ``withheld`` claims ((uscc, claim key): list claims of companies that have not
    confirmed their account, core.lists.service.withheld)."""
    if not withheld:
        return lines
    return [l for l in lines if not all((l.uscc, k) in withheld for k in l.claim_keys)]


def _disbursement(book: Book, batch, lines, budget_subject, include_provisional, left_out: int = 0) -> None:
    lines = _checked(batch, lines)
    if not lines:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成资金拨付明细表")
    provisional = _provisional_guard(lines, include_provisional, "拨付")
    payments, recoveries = _payments(lines)
    check_total(sum((p.amount for p in payments), ZERO) - sum((p.amount for p in recoveries), ZERO), lines,
                "应拨付减应追回")
    if not payments and not recoveries:
        raise ExportError(f"调整批次“{batch.name}”各单位增减相抵，没有应拨付或应追回的金额")
    missing = [p.company_name for p in payments + recoveries
               if not (p.bank_name or "").strip() or not (p.bank_account or "").strip()]
    if missing:
        names = "、".join(dict.fromkeys(missing))
        raise ExportError(f"以下企业缺少开户行或账号，无法生成资金拨付明细表，请先补齐企业信息：{names}")
    if payments:
        sheet = book.sheet("资金拨付明细表")
        _payment_sheet(sheet, batch, payments, DISBURSEMENT_TITLE + _marks(batch, provisional), "金额（元）",
                       budget_subject, left_out_note(left_out))
        if provisional:
            sheet.ws.sheet_properties.tabColor = "C00000"
    if recoveries:
        _payment_sheet(book.sheet("应追回明细"), batch, recoveries, RECOVERY_TITLE + _marks(batch, provisional),
                       "应追回金额（元）", budget_subject)


def _payment_sheet(sheet, batch: BatchRecord, payments: list[Payment], title: str, amount_header: str,
                   budget_subject: str | None, note: str = "") -> None:
    headers = [("序号", 6), ("企业名称", 24), ("统一社会信用代码", 21), ("开户行", 22), ("账号", 23),
               ("奖补项目", 24), ("政策依据", 36), (amount_header, 15), ("大写金额", 28)]
    if budget_subject:
        headers.append(("预算科目", 18))
    last_col = len(headers)
    amount_col = 8
    _title(sheet, title, f"批次：{batch.name}　　兑现年度：{batch.award_year}年度", "单位：元", last_col)
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(last_col, money_cols=(amount_col,), center_cols=(1,), text_cols=(3, 5))
    r = 3
    total = ZERO
    for i, p in enumerate(payments, 1):
        r += 1
        values = [i, p.company_name, p.uscc, p.bank_name, p.bank_account, p.item, p.basis, p.amount,
                  amount_in_words(p.amount)]
        if budget_subject:
            values.append(budget_subject)
        total += p.amount
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    r += 1
    total_row = ["合计"] + [None] * 6 + [total, amount_in_words(total)] + ([None] if budget_subject else [])
    sheet.row(r, total_row, _total_styles(last_col, money_cols=(amount_col,), center_cols=(1,)),
              height=st.row_height(total_row, widths), merge=[(1, amount_col - 1)])
    r += 2
    sign = ["经办人：", "审核人：", "负责人：", "日期：　　　　年　　月　　日"]
    values, merge = [None] * last_col, []
    for text, (c0, c1) in zip(sign, _spans(last_col, len(sign))):
        values[c0 - 1] = text
        if c1 > c0:
            merge.append((c0, c1))
    sheet.row(r, values, [NOTE if v is not None else None for v in values], height=36, merge=merge)
    if note:
        r += 1
        sheet.row(r, [note], NOTE, height=30, merge=[(1, last_col)])
    sheet.ws.freeze_panes = "A4"
    _print_setup(sheet.ws, "3:3", last_col, r)


def _spans(last_col: int, parts: int) -> list[tuple[int, int]]:
    """Split columns 1..last_col into ``parts`` runs for the signature line."""
    bounds = [round(i * last_col / parts) for i in range(parts + 1)]
    return [(bounds[i] + 1, max(bounds[i + 1], bounds[i] + 1)) for i in range(parts)]


def write_disbursement_sheet(batch: BatchRecord, lines: list[LineRecord], path, *, budget_subject: str | None = None,
                             include_provisional: bool = False, withheld=frozenset(), left_out: int = 0) -> Path:
    """``left_out``: lines computed under a draft that were left out (the sheet says so below its total)."""
    with Book(stream=True) as book:
        _disbursement(book, batch, _paid_out(lines, withheld), budget_subject, include_provisional, left_out)
        return book.save(path)


# ---------------------------------------------------------------- publicity list


def build_publicity_list(batch: BatchRecord, lines: list[LineRecord], *, include_provisional: bool = False,
                         left_out: int = 0, contact_unit: str = "", contact: str = "") -> Workbook:
    """公示名单: company, code, item, basis and amount; no bank details. ``contact_unit`` (the bureau) and
    ``contact`` (联系人、电话) fill the objection sentence; blank, it keeps spaces to write them in by hand."""
    book = Book(stream=False)
    _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact)
    return book.wb


def write_publicity_list(batch: BatchRecord, lines: list[LineRecord], path, *, include_provisional: bool = False,
                         left_out: int = 0, contact_unit: str = "", contact: str = "") -> Path:
    with Book(stream=True) as book:
        _publicity(book, batch, lines, include_provisional, left_out, contact_unit, contact)
        return book.save(path)


def _publicity(book: Book, batch, lines, include_provisional, left_out: int = 0, contact_unit: str = "",
               contact: str = "") -> None:
    lines = _checked(batch, lines)
    if not lines:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成公示名单")
    provisional = _provisional_guard(lines, include_provisional, "公示")
    headers = [("序号", 6), ("企业名称", 30), ("统一社会信用代码", 22), ("奖补项目", 32), ("政策依据", 48),
               ("金额（元）", 16)]
    last_col = len(headers)
    sheet = book.sheet("公示名单")
    _title(sheet, f"{batch.name} {PUBLICITY_TITLE}" + _marks(batch, provisional),
           f"兑现年度：{batch.award_year}年度", "单位：元", last_col)
    _table(sheet, 3, headers)
    widths = [w for _, w in headers]
    styles = _row_styles(last_col, money_cols=(6,), center_cols=(1,), text_cols=(3,))
    r = 3
    running = ZERO
    repeated = _repeated(lines)
    for i, line in enumerate(lines, 1):
        r += 1
        values = [i, line.company_name, line.uscc, _item(line, repeated), line.basis, line.amount]
        running += line.amount
        sheet.row(r, values, styles, height=st.row_height(values, widths))
    total = check_total(running, lines)
    r += 1
    sheet.row(r, ["合计", None, None, None, None, total], _total_styles(last_col, money_cols=(6,), center_cols=(1,)),
              merge=[(1, 5)])
    r += 2
    unit = contact_unit.strip() or "　　　　　　　　"
    reach = contact.strip().rstrip("。") or "联系电话：　　　　　　　　"
    sheet.row(r, [f"公示期：　　　　年　　月　　日至　　　　年　　月　　日。公示期内如有异议，请向{unit}反映，{reach}。"],
              NOTE, height=36, merge=[(1, last_col)])
    if left_out:
        r += 1
        sheet.row(r, [left_out_note(left_out)], NOTE, height=30, merge=[(1, last_col)])
    sheet.ws.freeze_panes = "A4"
    _print_setup(sheet.ws, "3:3", last_col, r)
