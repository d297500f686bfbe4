"""资金拨付明细表 (disbursement sheet): a row per award line with the company's bank account, or for an
adjustment batch each company's net, and a second sheet 应追回明细 of what companies must pay back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from core.excel import styles as st
from core.excel.export_common import (
    NOTE,
    DraftLines,
    Drafts,
    _checked,
    _group,
    _item,
    _marks,
    _print_setup,
    _provisional_guard,
    _repeated,
    _row_styles,
    _table,
    _title,
    _total_styles,
    by_company,
    check_total,
    in_words,
    left_out_note,
    printed,
    same_total,
)
from core.excel.files import ExportError
from core.excel.writer import Book
from core.money import ZERO
from core.records import BatchRecord, LineRecord

DISBURSEMENT_TITLE = "科技创新奖补资金拨付明细表"
RECOVERY_TITLE = "科技创新奖补资金应追回明细表"


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


def _payments(lines: list[LineRecord]) -> tuple[list[Payment], list[Payment]]:
    """(payments, recoveries): a line each, or, once any line is negative, one net per company.

    An adjustment batch holds differences from what its original paid; a bank
    pays or recovers one net amount per company, never a negative line. A
    company whose differences cancel out appears in neither list.
    """
    if all(l.amount > 0 for l in lines):
        repeated = _repeated(lines)
        return [
            Payment(l.company_name, l.uscc, l.bank_name, l.bank_account, _item(l, repeated), l.basis, l.amount)
            for l in lines
        ], []
    payments, recoveries = [], []
    for uscc, company_lines in _group(lines, lambda l: l.uscc).items():
        net = sum((l.amount for l in company_lines), ZERO)
        if net == 0:
            continue
        first = next((l for l in company_lines if l.bank_account), company_lines[0])
        items = "、".join(dict.fromkeys(_item(l) for l in company_lines))
        basis = "；".join(dict.fromkeys(l.basis for l in company_lines))
        if net > 0:
            payments.append(
                Payment(first.company_name, uscc, first.bank_name, first.bank_account, f"调整补发：{items}", basis, net)
            )
        else:
            recoveries.append(
                Payment(
                    first.company_name, uscc, first.bank_name, first.bank_account, f"调整追回：{items}", basis, -net
                )
            )
    return payments, recoveries


def build_disbursement_sheet(
    batch: BatchRecord,
    lines: list[LineRecord],
    *,
    budget_subject: str | None = None,
    include_provisional: bool = False,
    withheld=frozenset(),
    left_out: int = 0,
    leave_out_drafts: bool = False,
) -> Workbook:
    """资金拨付明细表: one row per award line with the company's bank account, 合计 in figures and words.

    For an adjustment batch the rows are each company's net difference: the
    sheet 资金拨付明细表 holds what is paid on top, a second sheet 应追回明细
    what companies must pay back.
    """
    book = Book(stream=False)
    _disbursement(book, batch, lines, budget_subject, include_provisional, withheld, left_out, leave_out_drafts)
    return book.wb


def _paid_out(lines: Iterable[LineRecord], withheld) -> Iterable[LineRecord]:
    """The lines without those of ``withheld`` claims ((uscc, claim key): list claims of companies that have not
    confirmed their account, core.lists.service.withheld)."""
    if not withheld:
        return lines
    kept = (l for l in lines if not all((l.uscc, k) in withheld for k in l.claim_keys))
    return list(kept) if isinstance(lines, list) else kept


def _disbursement(
    book: Book,
    batch,
    lines,
    budget_subject,
    include_provisional,
    withheld=frozenset(),
    left_out: int = 0,
    leave_out_drafts: bool = False,
) -> None:
    drafts = Drafts(lines) if leave_out_drafts else None
    lines = _paid_out(lines if drafts is None else drafts.kept(), withheld)
    if batch.adjusts_batch_id:  # differences, perhaps negative: netted per company, so read whole (a small batch)
        lines = _checked(batch, list(lines))
        if not all(l.amount > 0 for l in lines):
            _adjustment(book, batch, lines, budget_subject, include_provisional, left_out_note(left_out))
            return
    sheet = _PaymentSheet(book.sheet("资金拨付明细表"), batch, "金额（元）", budget_subject)
    sheet.title(DISBURSEMENT_TITLE + _marks(batch, False))
    drafts_seen = DraftLines()
    missing: dict[str, None] = {}
    total = ZERO
    for company_lines in by_company(printed(batch, lines)):
        repeated = _repeated(company_lines)
        for l in company_lines:
            total += l.amount
            drafts_seen.add(l)
            if not (l.bank_name or "").strip() or not (l.bank_account or "").strip():
                missing[l.company_name] = None
            sheet.add(
                Payment(l.company_name, l.uscc, l.bank_name, l.bank_account, _item(l, repeated), l.basis, l.amount)
            )
    if not sheet.count:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成资金拨付明细表")
    provisional = drafts_seen.guard(include_provisional, "拨付")
    same_total(sheet.total, total, "应拨付减应追回")
    if missing:
        raise ExportError(f"以下企业缺少开户行或账号，无法生成资金拨付明细表，请先补齐企业信息：{'、'.join(missing)}")
    if provisional:
        sheet.title(DISBURSEMENT_TITLE + _marks(batch, provisional))
        sheet.sheet.ws.sheet_properties.tabColor = "C00000"
    sheet.close(left_out_note(left_out + (drafts.count if drafts is not None else 0)))


def _adjustment(book: Book, batch, lines, budget_subject, include_provisional, note: str) -> None:
    """An adjustment batch with a negative line: each company's net, paid on top or recovered."""
    if not lines:
        raise ExportError(f"批次“{batch.name}”没有奖补明细，无需生成资金拨付明细表")
    provisional = _provisional_guard(lines, include_provisional, "拨付")
    payments, recoveries = _payments(lines)
    check_total(
        sum((p.amount for p in payments), ZERO) - sum((p.amount for p in recoveries), ZERO), lines, "应拨付减应追回"
    )
    if not payments and not recoveries:
        raise ExportError(f"调整批次“{batch.name}”各单位增减相抵，没有应拨付或应追回的金额")
    missing = [
        p.company_name
        for p in payments + recoveries
        if not (p.bank_name or "").strip() or not (p.bank_account or "").strip()
    ]
    if missing:
        names = "、".join(dict.fromkeys(missing))
        raise ExportError(f"以下企业缺少开户行或账号，无法生成资金拨付明细表，请先补齐企业信息：{names}")
    for title, header, rows, name in (
        (DISBURSEMENT_TITLE, "金额（元）", payments, "资金拨付明细表"),
        (RECOVERY_TITLE, "应追回金额（元）", recoveries, "应追回明细"),
    ):
        if not rows:
            continue
        sheet = _PaymentSheet(book.sheet(name), batch, header, budget_subject)
        sheet.title(title + _marks(batch, provisional))
        for p in rows:
            sheet.add(p)
        sheet.close(note if rows is payments else "")
        if provisional and rows is payments:
            sheet.sheet.ws.sheet_properties.tabColor = "C00000"


class _PaymentSheet:
    """A sheet of payments (or recoveries), a row each as it comes, then 合计 and the signature line."""

    def __init__(self, sheet, batch: BatchRecord, amount_header: str, budget_subject: str | None) -> None:
        headers = [
            ("序号", 6),
            ("企业名称", 24),
            ("统一社会信用代码", 21),
            ("开户行", 22),
            ("账号", 23),
            ("奖补项目", 24),
            ("政策依据", 36),
            (amount_header, 15),
            ("大写金额", 28),
        ]
        if budget_subject:
            headers.append(("预算科目", 18))
        self.sheet, self.batch, self.budget_subject = sheet, batch, budget_subject
        self.last_col = len(headers)
        self.widths = [w for _, w in headers]
        self.styles = _row_styles(self.last_col, money_cols=(AMOUNT_COL,), center_cols=(1,), text_cols=(3, 5))
        self.headers = headers
        self.count = 0
        self.total = ZERO

    def title(self, title: str) -> None:
        """Rows 1 to 3; written again at the end when the lines make it a 测算稿 (rows 1 and 2 are held)."""
        sheet, batch = self.sheet, self.batch
        sheet.hold(2)
        _title(sheet, title, f"批次：{batch.name}　　兑现年度：{batch.award_year}年度", "单位：元", self.last_col)
        if not self.count:
            _table(sheet, 3, self.headers)

    def add(self, p: Payment) -> None:
        self.count += 1
        values = [
            self.count,
            p.company_name,
            p.uscc,
            p.bank_name,
            p.bank_account,
            p.item,
            p.basis,
            p.amount,
            in_words(p.amount),
        ]
        if self.budget_subject:
            values.append(self.budget_subject)
        self.total += p.amount
        self.sheet.row(self.count + 3, values, self.styles, height=st.row_height(values, self.widths))

    def close(self, note: str = "") -> None:
        sheet, last_col, total = self.sheet, self.last_col, self.total
        r = self.count + 4
        total_row = ["合计"] + [None] * 6 + [total, in_words(total)] + ([None] if self.budget_subject else [])
        sheet.row(
            r,
            total_row,
            _total_styles(last_col, money_cols=(AMOUNT_COL,), center_cols=(1,)),
            height=st.row_height(total_row, self.widths),
            merge=[(1, AMOUNT_COL - 1)],
        )
        r += 2
        sign = ["经办人：", "审核人：", "负责人：", "日期：　　　　年　　月　　日"]
        values: list[str | None] = [None] * last_col
        merge = []
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


AMOUNT_COL = 8


def _spans(last_col: int, parts: int) -> list[tuple[int, int]]:
    """Split columns 1..last_col into ``parts`` runs for the signature line."""
    bounds = [round(i * last_col / parts) for i in range(parts + 1)]
    return [(bounds[i] + 1, max(bounds[i + 1], bounds[i] + 1)) for i in range(parts)]


def write_disbursement_sheet(
    batch: BatchRecord,
    lines: Iterable[LineRecord],
    path,
    *,
    budget_subject: str | None = None,
    include_provisional: bool = False,
    withheld=frozenset(),
    left_out: int = 0,
    leave_out_drafts: bool = False,
) -> Path:
    """``left_out``: lines computed under a draft that were left out (the sheet says so below its total);
    ``leave_out_drafts``: leave them out here (and count them). ``lines``: a list, or the lines in print order as a
    paper read hands them over (never kept whole: the file is kept only once the last has come)."""
    with Book(stream=True) as book:
        _disbursement(book, batch, lines, budget_subject, include_provisional, withheld, left_out, leave_out_drafts)
        return book.save(path)
