"""文号 of award letters: 机关代字〔2025〕12号, a serial unique within the year and never reused.

The formatting here is pure. Which serial a company gets is the store's job,
under the :class:`LetterRegistry` contract below; :func:`assign_numbers` is the
assignment rule both the store and the in-memory registry (core.letters.memory)
follow, so they agree.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import NamedTuple, Protocol, runtime_checkable
from collections.abc import Iterable

from core.letters.errors import LetterError

# What a letter issue is recorded as: shown on screen, printed, or written to PDF.
ISSUE_KINDS = ("preview", "print", "pdf")
ISSUE_KIND_LABELS = {"preview": "预览", "print": "打印", "pdf": "导出PDF"}

_CODE_FORBIDDEN = re.compile(r"[\s〔〕\[\]【】()（）{}<>《》]|\d$")
_DOC_NUMBER = re.compile(r"^(?P<code>.+?)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")


class LetterNumber(NamedTuple):
    """A letter's place in the bureau's yearly sequence: 〔year〕serial号."""

    year: int
    serial: int


def code_problem(code: str) -> str | None:
    """None when ``code`` can be a 机关代字 (e.g. 呼科发), else the reason in Chinese."""
    if not code or not code.strip():
        return "机关代字不能为空（如“呼科发”）"
    if code != code.strip() or _CODE_FORBIDDEN.search(code):
        return f"机关代字“{code}”不能含空格、括号或以数字结尾（只写代字，如“呼科发”，年份和序号由程序生成）"
    return None


def format_doc_number(code: str, year: int, serial: int) -> str:
    """``呼科发〔2025〕12号``: the year in 〔〕 (U+3014/U+3015), no leading zeros, no 第."""
    problem = code_problem(code)
    if problem:
        raise LetterError(problem)
    if not (isinstance(year, int) and 1000 <= year <= 9999):
        raise LetterError(f"文号年份应为四位数字，实际为{year!r}")
    if not (isinstance(serial, int) and serial >= 1):
        raise LetterError(f"文号序号应为正整数，实际为{serial!r}")
    return f"{code}〔{year}〕{serial}号"


def parse_doc_number(text: str) -> tuple[str, int, int]:
    """``呼科发〔2025〕12号`` -> ``("呼科发", 2025, 12)``."""
    m = _DOC_NUMBER.match(text)
    if not m:
        raise LetterError(f"“{text}”不是规范的文号（应为“机关代字〔年份〕序号号”，如“呼科发〔2025〕12号”）")
    return m["code"], int(m["year"]), int(m["serial"])


def letter_date(batch) -> dt.date:
    """成文日期 of a batch's letters: the day it was approved, so every reprint carries the same date."""
    for moment in (batch.approved_at, batch.paid_at, batch.created_at):
        if moment is not None:
            return moment.date() if isinstance(moment, dt.datetime) else moment
    raise LetterError(f"批次{batch.id}没有审批日期")  # pragma: no cover - created_at is required


def letter_year(batch) -> int:
    """The year a batch's letters are numbered in: the year of :func:`letter_date`."""
    return letter_date(batch).year


def companies_in_order(lines) -> list[str]:
    """The USCCs of a batch's award lines, in the order their first line appears (line_no)."""
    first: dict[str, int] = {}
    for line in lines:
        if line.uscc not in first or line.line_no < first[line.uscc]:
            first[line.uscc] = line.line_no
    return sorted(first, key=lambda u: (first[u], u))


def letter_companies(lines) -> list[str]:
    """The companies that get a letter (and a 文号), in :func:`companies_in_order` order.

    A letter pays what rests on documents in force: a company whose lines
    under them add up to zero or less gets none. In an adjustment batch that
    is a correction that pays nothing or takes money back, which is notified
    otherwise (core.letters.batch says so); a company whose every award rests
    on a draft for comment (``provisional``) waits for the published policy.
    A 文号 given to either would be a gap in the year's numbers (issue 15: the
    first real letter was 13号).
    """
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals.setdefault(line.uscc, Decimal(0))
        if not line.provisional:
            totals[line.uscc] += line.amount
    return [u for u in companies_in_order(lines) if totals[u] > 0]


def assign_numbers(
    assigned: dict[str, LetterNumber], usccs: Iterable[str], year: int, last_serial: int
) -> dict[str, LetterNumber]:
    """The numbers to add: the next serials of ``year`` after ``last_serial``, in ``usccs`` order.

    ``assigned`` is what the batch already holds (kept as it is, whatever its
    year); ``last_serial`` is the highest serial ever given in ``year`` by this
    bureau, in any batch, including numbers of companies since removed from
    their batch (never reused).
    """
    out: dict[str, LetterNumber] = {}
    serial = last_serial
    for uscc in usccs:
        if uscc in assigned or uscc in out:
            continue
        serial += 1
        out[uscc] = LetterNumber(year, serial)
    return out


@runtime_checkable
class LetterRegistry(Protocol):
    """What letters need from the store: numbers that stay, and a record of every issue.

    ``letter_numbers(batch_id)``
        Returns ``{uscc: (year, serial)}`` for every company of
        ``letter_companies(lines)`` (award lines under documents in force adding
        up to more than zero). A
        company that has no number yet gets the next serial of the year
        (``year = letter_year(batch)``), companies taken in that order
        (``assign_numbers`` does exactly this). The numbers are written in the
        same transaction and never change or get reused: a company removed from
        a corrected batch keeps its number (and its serial stays used), a
        company put back gets the same number again, and the highest serial ever
        given in a year is what the next one follows. Numbers are per bureau
        (one database), not per batch. Read-only for a batch that is not
        approved or paid: the store may refuse (letters refuse draft batches
        before asking).

    ``record_letter_issue(batch_id, uscc, kind, who)``
        Appends one row to the issue log: batch, company, ``kind`` (one of
        ISSUE_KINDS: preview / print / pdf), ``who`` (the Windows login or the
        name given on the command line) and the time. Every reprint is a new
        row; nothing is overwritten.
    """

    def letter_numbers(self, batch_id: int) -> dict[str, tuple[int, int]]: ...

    def record_letter_issue(self, batch_id: int, uscc: str, kind: str, who: str) -> None: ...
