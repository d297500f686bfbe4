"""The 确认表 (意愿确认): sent to the companies whose list claims are in a batch, read back when returned.

One row per company: what it is awarded from the lists, the account it will be
paid to, and two columns for its answer (确认意见: 已确认账户 or 放弃, and the
date). Reading it back applies every answer in one transaction, or none when
any row has a problem (sheet, row, column and reason). An account written on
the returned sheet that differs from the stored one is refused: a change of
who is paid goes through the company's record, where it is checked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from core.excel import styles as st
from core.excel.layout import normalize_header
from core.excel.problems import Problem, WorkbookError, show_value
from core.excel.styles import Style
from core.excel.writer import Book
from core.lists.answers import apply_consent
from core.lists.read import read_list
from core.lists.records import CONFIRMED, CONSENT_LABELS, DECLINED, PENDING, EntryRecord, entries
from core.money import ZERO
from core.store.errors import InvalidData
from core.vocabulary import FieldError, parse_date

if TYPE_CHECKING:
    from core.store.store import Store

TITLE = "免申即享意愿确认表"
HEADERS = (
    ("序号", 6),
    ("统一社会信用代码", 22),
    ("企业名称", 30),
    ("奖补事项", 40),
    ("金额（元）", 14),
    ("开户行", 24),
    ("银行账号", 24),
    ("确认意见（已确认账户/放弃）", 18),
    ("确认日期", 14),
    ("备注", 20),
)
_BATCH = re.compile(r"批次编号[:：]\s*(\d+)")
ANSWERS = {
    "已确认账户": CONFIRMED,
    "已确认": CONFIRMED,
    "确认": CONFIRMED,
    "同意": CONFIRMED,
    "放弃": DECLINED,
    "不申领": DECLINED,
    "待确认": PENDING,
    "": None,
}


@dataclass(frozen=True)
class ConsentRow:
    company_id: int
    uscc: str
    name: str
    items: str
    amount: Decimal | None  # None before the batch is calculated
    bank_name: str
    bank_account: str
    consent: str
    consent_on: dt.date | None
    consent_by: str
    note: str

    @property
    def consent_label(self) -> str:
        return CONSENT_LABELS.get(self.consent, "")


def consent_rows(store: Store, batch_id: int) -> list[ConsentRow]:
    """Per company of the batch with list claims: what it is awarded from them and its answer so far.

    A company whose list claims were calculated to nothing and that has not answered is left out.
    """
    found = entries(store, batch_id=batch_id)
    lines = store.batches.lines(batch_id)
    by_company: dict[int, list] = {}
    for e in found:
        if e.company_id is not None:  # always, for an entry carried into a batch as a claim
            by_company.setdefault(e.company_id, []).append(e)
    stored = {r.id: r for r in store.companies.rows(list(by_company))}
    out = []
    for cid, rows in by_company.items():
        keys = {e.claim_key for e in rows}
        uscc = rows[0].company_uscc
        mine = [l for l in lines if l.uscc == uscc and set(l.claim_keys) & keys]
        amount = sum((l.amount for l in mine), ZERO) if lines else None
        if amount == ZERO and first_answer(rows) == PENDING:
            continue  # calculated to nothing: there is nothing to confirm
        items = "；".join(dict.fromkeys(l.summary for l in mine)) or "（尚未计算或无奖补）"
        c = stored[cid]
        first = rows[0]
        out.append(
            ConsentRow(
                cid,
                uscc,
                rows[0].stored_name,
                items,
                amount,
                c.bank_name or "",
                c.bank_account or "",
                first.consent,
                first.consent_on,
                first.consent_by,
                first.consent_note,
            )
        )
    return out


def first_answer(rows: list[EntryRecord]) -> str:
    return rows[0].consent


def write_consent_sheet(store: Store, batch_id: int, path: str | Path) -> tuple[Path, int]:
    """The 确认表 of the batch at ``path``; returns (path, rows)."""
    rows = consent_rows(store, batch_id)
    if not rows:
        raise InvalidData(f"批次{batch_id}中没有由名单生成的申报事项")
    batch = store.batches.get(batch_id)
    with Book(stream=False) as book:
        sheet = book.sheet("意愿确认表")
        last = len(HEADERS)
        sheet.row(
            1,
            [TITLE] + [None] * (last - 1),
            [Style(st.TITLE_FONT, alignment=st.CENTER)] + [None] * (last - 1),
            height=30,
            merge=[(1, last)],
        )
        sheet.row(
            2,
            [f"批次编号：{batch.id}　批次：{batch.name}　兑现年度：{batch.award_year}"] + [None] * (last - 1),
            [Style(st.SUBTITLE_FONT, alignment=st.LEFT)] + [None] * (last - 1),
            merge=[(1, last)],
        )
        sheet.row(3, [h for h, _ in HEADERS], st.HEADER)
        for col, (_, width) in enumerate(HEADERS, 1):
            sheet.ws.column_dimensions[get_column_letter(col)].width = width
        body = [
            Style(st.BODY_FONT, None, st.BORDER, st.LEFT, st.TEXT_FORMAT if c in (2, 7) else None)
            for c in range(1, last + 1)
        ]
        body[4] = Style(st.BODY_FONT, None, st.BORDER, st.RIGHT, st.YUAN_FORMAT)
        for i, r in enumerate(rows, 1):
            answer = "" if r.consent == PENDING else r.consent_label
            sheet.row(
                3 + i,
                [i, r.uscc, r.name, r.items, r.amount, r.bank_name, r.bank_account, answer, r.consent_on, r.note],
                body,
            )
        sheet.ws.freeze_panes = "A4"
        return book.save(path), len(rows)


def read_consent_sheet(store: Store, path: str | Path) -> tuple[int, int]:
    """Apply the answers of a returned 确认表: (batch id, answers recorded). All or nothing."""
    raw = read_list(path)
    problems = list(raw.problems)
    batch_id, header_row = None, None
    cols = {}
    for number, values in raw.rows[:10]:
        for v in values:
            if isinstance(v, str) and (m := _BATCH.search(v)):
                batch_id = int(m[1])
        texts = {normalize_header(v): i for i, v in enumerate(values, 1) if isinstance(v, str) and v}
        if normalize_header("统一社会信用代码") in texts:
            header_row = number
            for h, _ in HEADERS:
                if normalize_header(h) in texts:
                    cols[h] = texts[normalize_header(h)]
    if batch_id is None or header_row is None:
        raise WorkbookError(
            [Problem(raw.sheet, None, "", "", "", "不是本程序生成的意愿确认表（找不到“批次编号”或表头）")],
            raw.source_name,
        )
    known = {r.uscc: r for r in consent_rows(store, batch_id)}
    answers = []

    def at(number: int, header: str, value: object, reason: str) -> None:
        col = cols.get(header)
        problems.append(
            Problem(raw.sheet, number, get_column_letter(col) if col else "", header, show_value(value), reason)
        )

    def cell(values: list, header: str) -> object:
        col = cols.get(header)
        return values[col - 1] if col and col <= len(values) else ""

    for number, values in raw.rows:
        if number <= header_row or not any(v not in ("", None) for v in values):
            continue
        uscc = str(cell(values, "统一社会信用代码") or "").strip().upper()
        row = known.get(uscc)
        if row is None:
            at(number, "统一社会信用代码", uscc, f"批次{batch_id}中没有该单位由名单生成的申报事项")
            continue
        text = str(cell(values, "确认意见（已确认账户/放弃）") or "").strip()
        if text not in ANSWERS:
            at(number, "确认意见（已确认账户/放弃）", text, "应填写“已确认账户”或“放弃”")
            continue
        state = ANSWERS[text]
        if state is None:
            continue  # not answered yet
        account = str(cell(values, "银行账号") or "").strip()
        if state == CONFIRMED and account and account.replace(" ", "") != row.bank_account.replace(" ", ""):
            at(
                number,
                "银行账号",
                account,
                f"与库中账号“{row.bank_account}”不同；收款账户的变更请先在企业档案中修改（经审核），再重新导出确认表",
            )
            continue
        if state == CONFIRMED and not row.bank_account:
            at(number, "银行账号", account, "库中没有该单位的银行账号，请先在企业档案中补齐后再确认")
            continue
        day_value = cell(values, "确认日期")
        try:
            day = parse_date(day_value, "确认日期") if day_value not in ("", None) else store.clock().date()
        except FieldError as exc:
            at(number, "确认日期", day_value, str(exc))
            continue
        answers.append((row.company_id, state, day, str(cell(values, "备注") or "")))
    if problems:
        raise WorkbookError(problems, raw.source_name)
    with store.writing() as s:
        actor = store.actor(s, "import_consent")
        for company_id, state, day, note in answers:
            apply_consent(s, batch_id, company_id, state, day, note, actor)
    return batch_id, len(answers)
