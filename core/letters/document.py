"""One 兑现通知书: the data it is made from and its HTML.

The HTML is the template with its placeholders filled. The award table is
written here, so that every letter states its lines the same way:
序号 · 项目 · 政策依据 · 金额（元）, a note row under a multi-year award, and a
合计 row. Classes the template's CSS styles: ``table.awards``, ``td.no``,
``td.money``, ``td.note``, ``tr.total``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from core.letters.numbering import LetterNumber, format_doc_number, letter_date
from core.letters.settings import LetterSettings
from core.letters.template import LetterTemplate, fill_text
from core.money import amount_in_words, fmt_yuan
from core.records import BatchRecord, LineRecord

TABLE_HEADER = ("序号", "项目", "政策依据", "金额（元）")
TABLE_WIDTHS = ("8%", "28%", "44%", "20%")
MISSING = "（未登记）"
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1..31 in 汉字 as dates write them: 十, 十一, 二十, 二十五, 三十一."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def format_date(day: dt.date, style: str = "arabic") -> str:
    """``2025年11月25日`` (no leading zeros), or ``二〇二五年十一月二十五日`` for style "chinese"."""
    if style == "chinese":
        year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
        return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def schedule_note(line: LineRecord, award_year: int) -> str | None:
    """The sentence under a multi-year award: how long, how much each year, which year this is."""
    schedule = line.schedule
    if not schedule or len(schedule) < 2:
        return None
    years = [int(y) for y, _ in schedule]
    amounts = [Decimal(a) for _, a in schedule]
    n = len(years)
    if award_year in years:
        index = years.index(award_year) + 1
    else:
        index = 1 if award_year < years[0] else n
    if len(set(amounts)) == 1:
        each = f"{years[0]}—{years[-1]}年每年{fmt_yuan(amounts[0])}元"
    else:
        each = "、".join(f"{y}年{fmt_yuan(a)}元" for y, a in zip(years, amounts))
    return f"其中：该项连续支持{n}年，{each}，本年度为第{index}年"


def adjustment_note(batch: BatchRecord) -> str:
    """The sentence an adjustment batch's letter adds to the intro: its amounts are differences."""
    if not batch.adjusts_batch_id:
        return ""
    reason = f"（调整原因：{batch.adjust_reason}）" if batch.adjust_reason else ""
    return (
        f"本通知为对编号{batch.adjusts_batch_id}批次已兑现奖补的调整{reason}，下表金额为调整后与原兑现金额的差额"
        "（负数为冲减），合计为应补发金额。"
    )


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


@dataclass(frozen=True)
class Letter:
    """The award letter of one company in one batch."""

    batch: BatchRecord
    uscc: str
    company_name: str
    bank_name: str
    bank_account: str
    number: LetterNumber
    doc_number: str
    date: dt.date
    lines: tuple[LineRecord, ...]
    settings: LetterSettings
    template: LetterTemplate

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def html(self) -> str:
        return letter_html(self)

    def text_values(self) -> dict[str, str]:
        """Placeholder key -> plain text, before escaping (what the letter says, field by field)."""
        s = self.settings
        base = {
            "award_year": str(self.batch.award_year),
            "batch_name": self.batch.name,
            "company_name": self.company_name,
            "issuer": s.issuer,
        }
        return {
            **base,
            "letterhead": fill_text(s.letterhead, base),
            "doc_number": self.doc_number,
            "title": fill_text(s.title, base),
            "uscc": self.uscc,
            "intro": adjustment_note(self.batch) + fill_text(s.intro, base),
            "total_figures": fmt_yuan(self.total),
            "total_in_words": amount_in_words(self.total),
            "bank_name": self.bank_name or MISSING,
            "bank_account": self.bank_account or MISSING,
            "closing": fill_text(s.closing, base),
            "contact": fill_text(s.contact, base),
            "signature": fill_text(s.signature, base),
            "issue_date": format_date(self.date, s.date_style),
            "copy_to": fill_text(s.copy_to, base),
        }


def award_table_html(letter: Letter, breaks=()) -> str:
    """The award table; a new table (header repeated, on a new page) starts before each group in ``breaks``.

    Groups are numbered from 0: one per award line (its row and its note row),
    and ``len(letter.lines)`` for the 合计 row. gui.printing passes the groups
    that would otherwise straddle a page end.
    """
    breaks = set(breaks)
    header = (
        "<thead><tr>"
        + "".join(f'<th width="{w}">{h}</th>' for h, w in zip(TABLE_HEADER, TABLE_WIDTHS))
        + "</tr></thead>"
    )

    def start(new_page: bool) -> str:
        style = ' style="page-break-before: always"' if new_page else ""
        return f'<table class="awards" width="100%" cellspacing="0" cellpadding="4"{style}>{header}<tbody>'

    out = [start(False)]
    award_year = letter.batch.award_year
    for i, line in enumerate(letter.lines):
        if i in breaks and i > 0:
            out.append("</tbody></table>" + start(True))
        out.append(
            f'<tr><td class="no" align="center">{i + 1}</td><td>{escape(line.summary)}</td>'
            f'<td>{escape(line.basis)}</td><td class="money" align="right">{fmt_yuan(line.amount)}</td></tr>'
        )
        note = schedule_note(line, award_year)
        if note:
            out.append(f'<tr><td class="no"></td><td class="note" colspan="3">{escape(note)}</td></tr>')
    if len(letter.lines) in breaks:
        out.append("</tbody></table>" + start(True))
    out.append(
        f'<tr class="total"><td colspan="3" align="center"><b>合计</b></td>'
        f'<td class="money" align="right"><b>{fmt_yuan(letter.total)}</b></td></tr>'
    )
    out.append("</tbody></table>")
    return "".join(out)


def letter_html(letter: Letter, breaks=()) -> str:
    """The letter as HTML (for QTextDocument): the template with every placeholder filled."""
    text = letter.text_values()
    values = {key: _text(value) for key, value in text.items()}
    values["award_table"] = award_table_html(letter, breaks)
    copy_to = text["copy_to"].strip()
    values["copy_to"] = f'<p class="cc">抄送：{_text(copy_to)}</p>' if copy_to else ""
    return letter.template.fill(values)


def build_letter(
    batch: BatchRecord, lines, number: LetterNumber, settings: LetterSettings, template: LetterTemplate
) -> Letter:
    """The letter of the company whose award ``lines`` (all of one USCC) are given."""
    lines = tuple(sorted(lines, key=lambda l: l.line_no))
    first = lines[0]
    bank = next((l for l in lines if l.bank_account), first)
    return Letter(
        batch=batch,
        uscc=first.uscc,
        company_name=first.company_name,
        bank_name=bank.bank_name,
        bank_account=bank.bank_account,
        number=LetterNumber(*number),
        doc_number=format_doc_number(settings.code, number[0], number[1]),
        date=letter_date(batch),
        lines=lines,
        settings=settings,
        template=template,
    )
