"""Text as a clerk sees it: one form for every name, code and account, and no hidden characters.

Every text that enters the store (a workbook cell, a field typed on a form)
goes through :func:`clean_text`:

- Compatibility forms are folded (NFKC): full-width letters and digits, the
  ideographic space, circled numbers, Kangxi radicals and compatibility
  ideographs become the ordinary characters, so ``ＡＢＣ１２３`` and ``ABC123``
  are one code and one name.
- Full-width punctuation is kept as typed (``（）：，；`` ...): company and bank
  names are registered with Chinese brackets, and NFKC would turn them into
  ASCII ones, changing every stored name a later import is compared with.
- Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and the soft hyphen
  (U+00AD) are removed: they are invisible, so ``张三`` and ``张三`` + U+200B
  must be one person.
- Bidirectional controls are refused (U+202A–U+202E, U+2066–U+2069, U+200E,
  U+200F, U+061C): ``\\u202e司公甲试测`` displays as 测试甲公司, so the clerk
  would approve a name that is not the one stored.
- Other control and format characters are refused (C0/C1 controls except tab,
  line feed and carriage return; Unicode format characters such as tag
  characters or interlinear annotations). The Mongolian vowel separator
  (U+180E) is kept in text that holds Mongolian letters, where it belongs.

The messages are for a clerk; callers put them beside the cell or field.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ALLOWED_CONTROLS = frozenset("\t\n\r")
MONGOLIAN_VOWEL_SEPARATOR = "\u180e"

_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
# The Halfwidth and Fullwidth Forms block less its letters, digits and half-width kana/hangul: kept as typed.
_FULLWIDTH_PUNCTUATION = re.compile("([\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffe0-\uffee]+)")
_MONGOLIAN_LETTERS = re.compile("[\u1820-\u18af]")


class TextError(ValueError):
    """Text holding a character that must not be stored; the message is for a clerk."""


def clean_text(text: str) -> str:
    """``text`` in the one form the store keeps, or TextError naming the character refused."""
    if text.isascii():
        if text.isprintable():
            return text
    else:
        text = _ZERO_WIDTH.sub("", _normalize(text))
        if text.isprintable():
            return text
    problem = text_problem(text)
    if problem:
        raise TextError(problem)
    return text


def text_problem(text: str) -> str | None:
    """Why ``text`` may not be stored (a bidi or other control character), or None."""
    if text.isprintable():
        return None
    mongolian = None
    for ch in text:
        if ch.isprintable() or ch in ALLOWED_CONTROLS:
            continue
        if ch in BIDI_CONTROLS:
            return (
                f"含有改变文字显示方向的控制字符（{_code(ch)}），显示出来的文字与实际保存的不同，请删除该字符后重新输入"
            )
        category = unicodedata.category(ch)
        if category == "Cc" or (category == "Cf" and ch not in ZERO_WIDTH):
            if ch == MONGOLIAN_VOWEL_SEPARATOR:
                if mongolian is None:
                    mongolian = bool(_MONGOLIAN_LETTERS.search(text))
                if mongolian:
                    continue
            return f"含有看不见的控制字符（{_code(ch)}），请删除该字符后重新输入"
    return None


def visible_form(text: str) -> str:
    """``text`` folded and stripped of zero-width characters, without refusing anything (see clean_text)."""
    return _ZERO_WIDTH.sub("", _normalize(text))


def _normalize(text: str) -> str:
    """NFKC, except that full-width punctuation stays as it was typed."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    if not _FULLWIDTH_PUNCTUATION.search(text):
        return unicodedata.normalize("NFKC", text)
    pieces = _FULLWIDTH_PUNCTUATION.split(text)  # odd indices are the punctuation runs
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(pieces))


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"
