"""People's names as typed: one spelling per person.

``张三`` typed with a full-width letter, a trailing zero-width space (U+200B)
or a byte-order mark is still 张三, so that "the preparer and the reviewer
must differ" cannot be met by two spellings of one name, and a user name
cannot be registered twice in look-alike forms. Names are NFKC-normalised,
invisible formatting characters are removed (zero-width spaces and joiners,
word joiner, BOM, soft hyphen) and surrounding blanks stripped. Direction
controls (U+202A–U+202E, U+2066–U+2069), which make a name display as
another, are refused where a name is created (``name_problem``).
"""
from __future__ import annotations

import unicodedata

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def person_name(text: str | None) -> str:
    """The one spelling of a typed name (empty for None)."""
    return unicodedata.normalize("NFKC", text or "").translate(INVISIBLE).strip()


def name_problem(text: str | None) -> str | None:
    """Why a name cannot be stored (direction controls), or None."""
    if any(c in BIDI_CONTROLS for c in text or ""):
        return "名字中含有改变文字显示方向的控制字符，请重新输入"
    return None
