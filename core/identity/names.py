"""People's names as typed: one spelling per person.

``张三`` typed with a full-width letter, a trailing zero-width space (U+200B)
or a byte-order mark is still 张三, so that "the preparer and the reviewer
must differ" cannot be met by two spellings of one name, and a user name
cannot be registered twice in look-alike forms. Names take the store's one
text form (core.text: compatibility forms folded, zero-width characters
removed) and surrounding blanks are stripped. Direction controls, which make
a name display as another, are refused where a name is created
(``name_problem``).
"""

from __future__ import annotations

from core.text import BIDI_CONTROLS, visible_form


def person_name(text: str | None) -> str:
    """The one spelling of a typed name (empty for None)."""
    return visible_form(text or "").strip()


def name_problem(text: str | None) -> str | None:
    """Why a name cannot be stored (direction controls), or None."""
    if any(c in BIDI_CONTROLS for c in text or ""):
        return "名字中含有改变文字显示方向的控制字符，请重新输入"
    return None
