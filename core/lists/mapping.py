"""Which column of a list holds which field, and the list's rows read as entries.

The header row is the row, among the first ``HEADER_SEARCH_ROWS``, that names
the most known fields and names the company; what stands above it is the
list's title. A mapping is ``{field: column number}``; the clerk may change it,
and the store remembers each kind's mapping by header text for the next list of
that kind (core.lists.importing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from core.excel.layout import normalize_header
from core.excel.problems import Problem, show_value
from core.lists.kinds import (
    FIELDS,
    KIND_FIELDS,
    PLATFORMS,
    REQUIRED,
    TECH_SME,
    field_label,
)
from core.platform_names import name_problem
from core.uscc import normalize_uscc, uscc_problem
from core.vocabulary import FieldError, Vocabulary, parse_date

if TYPE_CHECKING:
    from core.lists.read import RawList

HEADER_SEARCH_ROWS = 10
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年?")
_LEVELS = (
    ("国家级", "national"),
    ("国家", "national"),
    ("自治区级", "regional"),
    ("自治区", "regional"),
    ("省级", "regional"),
    ("盟市级", "municipal"),
    ("市级", "municipal"),
    ("盟级", "municipal"),
)


@dataclass(frozen=True)
class Header:
    row: int  # the header row's number
    texts: dict  # column number -> header text
    title: str  # what stands above the header row (the list's title), "" if nothing


@dataclass(frozen=True)
class Entry:
    """One row of a list as read: the company it names and what it says the company got."""

    row_no: int
    company_name: str
    uscc: str = ""
    number: str = ""
    date: dt.date | None = None
    year: int | None = None  # when the list gives only a year or a 批次 (科技型中小企业 入库年度)
    region: str = ""
    platform_name: str = ""
    platform_kind: str = ""
    level: str = ""


def _field_of(text: str, fields: Iterable[str]) -> str | None:
    h = normalize_header(text)
    for name in fields:
        if any(normalize_header(s) == h for s in FIELDS[name][1]):
            return name
    return None


def find_header(rows: list[tuple[int, list]], kind: str) -> Header | None:
    """The header row of a list's rows ((number, values) pairs), or None when no row names the company."""
    best, best_count = None, 0
    fields = KIND_FIELDS[kind]
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        found = {_field_of(v, fields) for v in values if isinstance(v, str) and v}
        found.discard(None)
        if "company" in found and len(found) > best_count:
            best, best_count = (number, values), len(found)
    if best is None:
        return None
    number, values = best
    texts = {i: v for i, v in enumerate(values, 1) if isinstance(v, str) and v}
    above = [v for n, vs in rows if n < number for v in vs if isinstance(v, str) and v]
    return Header(number, texts, above[0] if above else "")


def guess_mapping(header: Header, kind: str, remembered: dict | None = None) -> dict:
    """{field: column number}: the remembered header of each field if the list has it, else the usual names."""
    mapping = {}
    by_text = {normalize_header(t): c for c, t in header.texts.items()}
    for name, text in (remembered or {}).items():
        col = by_text.get(normalize_header(text))
        if name in KIND_FIELDS[kind] and col is not None:
            mapping[name] = col
    taken = set(mapping.values())
    for col, text in sorted(header.texts.items()):
        name = _field_of(text, KIND_FIELDS[kind])
        if name is not None and name not in mapping and col not in taken:
            mapping[name] = col
            taken.add(col)
    return mapping


def mapping_by_header(header: Header, mapping: dict) -> dict:
    """{field: header text}: what the store remembers for the next list of the kind."""
    return {name: header.texts[col] for name, col in mapping.items() if col in header.texts}


def parse_level(text: str) -> tuple[str, str]:
    """(level key, the text without it): 自治区重点实验室 -> (regional, 重点实验室)."""
    t = (text or "").strip()
    for word, key in _LEVELS:
        if t.startswith(word):
            return key, t[len(word) :]
    return "", t


def parse_platform_kind(text: str, vocab: Vocabulary) -> tuple[str, str]:
    """(recognition kind, level) named by a 类别 cell such as 自治区级重点实验室 or 众创空间; ("", "") if unknown."""
    level, rest = parse_level(text)
    key = vocab.key_for_label("recognition_kinds", rest)
    if key is None:
        hits = [k for k, label in vocab.enums["recognition_kinds"].items() if label and label in rest]
        key = max(hits, key=lambda k: len(vocab.enums["recognition_kinds"][k])) if hits else None
    return (key or "", level)


class _Rows:
    def __init__(self, sheet: str, header: Header, mapping: dict):
        self.sheet, self.header, self.mapping = sheet, header, mapping
        self.problems: list[Problem] = []

    def problem(self, row: int, name: str | None, value: object, reason: str) -> None:
        col = self.mapping.get(name) if name else None
        self.problems.append(
            Problem(
                self.sheet,
                row,
                get_column_letter(col) if col else "",
                self.header.texts.get(col, field_label(name) if name else "") if col or name else "",
                show_value(value),
                reason,
            )
        )


def read_entries(
    raw: RawList,
    header: Header,
    mapping: dict,
    kind: str,
    vocab: Vocabulary,
    *,
    list_date: dt.date | None = None,
    platform_kind: str = "",
    level: str = "",
) -> tuple[list[Entry], list[Problem]]:
    """The list's rows below the header as entries, and every problem found (sheet, row, column, reason).

    A row holding only one text (一、呼伦贝尔市) is a heading: it names the region of the rows under it.
    """
    out = _Rows(raw.sheet, header, mapping)
    for name in REQUIRED[kind]:
        if name not in mapping:
            out.problem(header.row, None, None, f"没有找到“{field_label(name)}”列，请在表头对应中指定")
    if out.problems:
        return [], out.problems
    entries: list[Entry] = []
    heading = ""
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, values in raw.rows:
        if number <= header.row:
            continue

        def cell(name: str, values: list = values) -> object:
            col = mapping.get(name)
            if col is None or col > len(values):
                return None
            v = values[col - 1]
            return None if v == "" else v

        filled = [v for v in values if v not in ("", None)]
        if not filled:
            continue
        company = cell("company")
        if company is None:
            if len(filled) == 1 and isinstance(filled[0], str):
                heading = filled[0].lstrip("一二三四五六七八九十、.．0123456789 ")
                heading = re.sub(r"[（(].*[)）]$", "", heading)
                continue
            out.problem(number, "company", None, "没有企业名称")
            continue
        if not isinstance(company, str):
            out.problem(number, "company", company, "企业名称应为文字")
            continue
        uscc = ""
        if (raw_uscc := cell("uscc")) is not None:
            uscc = normalize_uscc(str(raw_uscc))
            if (why := uscc_problem(uscc)) is not None:
                out.problem(number, "uscc", raw_uscc, why)
                continue
        day, year = _date(out, number, cell("date"), list_date)
        if year == -1:
            continue
        if day is None and year is None:
            if kind == TECH_SME:
                out.problem(number, "date", cell("date"), "没有入库年度：请指定名单日期（--date）或对应“批次/年度”列")
            else:
                out.problem(
                    number, "date", cell("date"), "没有认定日期：请指定名单的认定日期（--date）或对应“认定日期”列"
                )
            continue
        if day is None and kind != TECH_SME:
            out.problem(number, "date", cell("date"), "只有年度或批次，没有认定日期：请指定名单的认定日期（--date）")
            continue
        pkind, plevel = platform_kind, level
        if kind == PLATFORMS:
            if (text := cell("platform_kind")) is not None:
                pkind, found_level = parse_platform_kind(str(text), vocab)
                plevel = found_level or plevel
                if not pkind:
                    out.problem(
                        number,
                        "platform_kind",
                        text,
                        "无法识别的平台类别（应为词表中的认定类别，如重点实验室、"
                        "技术创新中心、科技企业孵化器、众创空间）",
                    )
                    continue
            if (text := cell("level")) is not None:
                plevel = parse_level(str(text))[0] or plevel
            if not pkind:
                out.problem(number, "platform_kind", None, "没有平台类别：请对应“类别”列或为整份名单指定平台类别")
                continue
            if not plevel:
                out.problem(number, "level", None, "没有级别：请对应“级别”列或为整份名单指定级别")
                continue
            if (why := name_problem(pkind, cell("platform_name"))) is not None:
                out.problem(number, "platform_name", cell("platform_name"), why)
                continue
        entry = Entry(
            number,
            company,
            uscc,
            str(cell("number") or ""),
            day,
            year if day is None else day.year,
            str(cell("region") or heading or ""),
            str(cell("platform_name") or ""),
            pkind,
            plevel,
        )
        key = (uscc or company, entry.number, entry.platform_name, entry.platform_kind)
        if key in seen:
            out.problem(number, "company", company, f"与第{seen[key]}行重复")
            continue
        seen[key] = number
        entries.append(entry)
    if not entries and not out.problems:
        out.problem(header.row, None, None, "表头下面没有任何企业")
    return entries, out.problems


def _date(out: _Rows, number: int, value: object, list_date: dt.date | None) -> tuple[dt.date | None, int | None]:
    """(day, year) of a row: its own date, else the year of its 批次 text with the list's date, else the list's."""
    if value is None:
        return list_date, (list_date.year if list_date else None)
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        if isinstance(value, int) and 1950 <= value <= 2100:
            return (list_date if list_date and list_date.year == value else None), value
        try:
            day = parse_date(value, "认定日期")
            return day, day.year
        except FieldError:
            pass
    text = str(value)
    try:
        day = parse_date(text, "认定日期")
        return day, day.year
    except FieldError:
        pass
    m = _YEAR.search(text)
    if m:
        year = int(m[1])
        return (list_date if list_date and list_date.year == year else None), year
    out.problem(number, "date", value, "不是日期，也不含年度")
    return None, -1
