"""Reading numbers out of the policy text a parameter cites.

A parameter in a policy file carries ``cite``: the words of the clause its
value comes from ("50万元", "按技术交易额5%", "连续支持5年"). The loader checks
that those words are in the document and that the value is one of the numbers
they state, so a typo in either the value or the quotation fails to load.
"""

from __future__ import annotations

import re
from decimal import Decimal

_UNITS = {
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
    "万": Decimal(10000),
    "亿": Decimal(100000000),
    "元": Decimal(1),
    "%": Decimal("0.01"),
    "％": Decimal("0.01"),
}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|亿元|万|亿|元|%|％)?")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_COUNT = re.compile(r"([一二两三四五六七八九十])(?=个|次|年|倍|位|名)")
_WORDS = {"等额": Decimal(1), "减半": Decimal("0.5"), "免征": Decimal(0), "全覆盖": Decimal(1)}
_WHITESPACE = re.compile(r"\s+")

# Full-width and half-width forms the seeds mix; compared as one.
_FOLD = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})


def squash(text: str) -> str:
    """Text with whitespace removed and punctuation folded, for 'is this quoted' checks."""
    return _WHITESPACE.sub("", text).translate(_FOLD)


def cite_numbers(cite: str) -> set[Decimal]:
    """Every value the cited words state, each read with its unit."""
    found: set[Decimal] = set()
    for m in _NUMBER.finditer(cite):
        number = Decimal(m.group(1))
        unit = m.group(2)
        found.add(number * _UNITS[unit] if unit else number)
    for m in _CN_COUNT.finditer(cite):
        found.add(Decimal(_CN_DIGITS[m.group(1)]))
    for word, value in _WORDS.items():
        if word in cite:
            found.add(value)
    return {v.normalize() for v in found}


def value_matches(value, cite: str) -> bool:
    return Decimal(value).normalize() in cite_numbers(cite)
