"""Company names in one form, and how alike two are.

A published list and the store write one company's name in different ways:
full-width or half-width letters and brackets, 有限责任公司 or 有限公司, spaces
put in by a typesetter. ``normalize_name`` folds all of those, and two names
equal after it are one company (matched without asking). Anything else is at
most a *proposal* the clerk confirms:

- a name that differs only by a place in front (内蒙古X公司 / X公司) or by its
  legal form (X股份有限公司 / X有限公司) may be another company of the same
  group, so it is proposed, never matched;
- a branch (X公司Y分公司) is a company of its own for payment purposes and is
  never proposed for its parent or the other way round;
- otherwise the distinctive part of the names (字号: without the place and the
  legal form) is compared with difflib's ratio; at or above ``PROPOSE_AT`` it
  is proposed with that score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from core.text import visible_form

PROPOSE_AT = 0.85  # a distinctive-part ratio from which a name is proposed to the clerk
NEAR_SCORE = 90  # the score of names that differ only by a place in front or the legal form

_BRACKETS = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "｛": "(",
        "｝": ")",
        "{": "(",
        "}": ")",
        "〈": "(",
        "〉": ")",
    }
)
_DROP = re.compile(r"[\s\u3000·•・,，、.。:：;；\"'“”‘’]+")
_BRANCH = re.compile(r"(分公司|分厂|分店|分中心|分所|办事处|分部|分行|支行|分院|营业部)(\(.*\))?$")
# Places a name may start with, longest first (自治区, 盟市 and their short forms).
REGIONS = sorted(
    {
        "内蒙古自治区",
        "内蒙古",
        "中国",
        "呼和浩特市",
        "呼和浩特",
        "包头市",
        "包头",
        "呼伦贝尔市",
        "呼伦贝尔",
        "兴安盟",
        "通辽市",
        "通辽",
        "赤峰市",
        "赤峰",
        "锡林郭勒盟",
        "锡林郭勒",
        "乌兰察布市",
        "乌兰察布",
        "鄂尔多斯市",
        "鄂尔多斯",
        "巴彦淖尔市",
        "巴彦淖尔",
        "乌海市",
        "乌海",
        "阿拉善盟",
        "阿拉善",
        "满洲里市",
        "满洲里",
        "二连浩特市",
        "二连浩特",
        "海拉尔区",
        "海拉尔",
        "扎兰屯市",
        "扎兰屯",
        "牙克石市",
        "牙克石",
        "根河市",
        "额尔古纳市",
        "阿荣旗",
        "莫力达瓦",
        "鄂伦春自治旗",
        "鄂温克族自治旗",
        "陈巴尔虎旗",
        "新巴尔虎左旗",
        "新巴尔虎右旗",
        "扎赉诺尔区",
        "昆都仑区",
        "青山区",
        "东河区",
        "九原区",
        "石拐区",
        "白云鄂博矿区",
        "土默特右旗",
        "固阳县",
        "达尔罕茂明安联合旗",
        "科尔沁区",
        "霍林郭勒市",
        "开鲁县",
        "奈曼旗",
        "库伦旗",
        "扎鲁特旗",
        "科尔沁左翼中旗",
        "科尔沁左翼后旗",
        "新城区",
        "回民区",
        "玉泉区",
        "赛罕区",
        "托克托县",
        "和林格尔县",
        "土默特左旗",
        "武川县",
        "清水河县",
        "东胜区",
        "康巴什区",
        "准格尔旗",
        "伊金霍洛旗",
        "达拉特旗",
        "鄂托克旗",
        "鄂托克前旗",
        "杭锦旗",
        "乌审旗",
    },
    key=len,
    reverse=True,
)
_REGION_IN_BRACKETS = re.compile(r"\((" + "|".join(map(re.escape, REGIONS)) + r")\)")
# The legal form at the end of a name, also when the last characters were lost (有限公, 有限).
_FORM = re.compile(r"(股份有限公?司?|有限公?司?|集团公司|公司)$")


def normalize_name(name: str) -> str:
    """A name in the form two spellings of one name share (see the module docstring)."""
    s = visible_form(str(name or "")).translate(_BRACKETS)
    s = _DROP.sub("", s).casefold()
    return s.replace("有限责任公司", "有限公司")


def is_branch(norm: str) -> bool:
    """Whether a normalized name is that of a branch (分公司, 分厂, 办事处 ...)."""
    return bool(_BRANCH.search(norm))


def strip_region(norm: str) -> str:
    """The name without places in front of it or in brackets inside it (内蒙古X公司, X(内蒙古)有限公司)."""
    s = _REGION_IN_BRACKETS.sub("", norm)
    changed = True
    while changed:
        changed = False
        for place in REGIONS:
            if s.startswith(place) and len(s) > len(place) + 1:
                s, changed = s[len(place) :], True
                break
    return s


def distinctive(norm: str) -> str:
    """字号 and trade: the name without places and without its legal form."""
    s = strip_region(norm)
    m = _FORM.search(s)
    return s[: m.start()] if m and m.start() > 0 else s


@dataclass(frozen=True)
class Likeness:
    """How alike two names are: ``same`` (one company), ``near`` (proposed, score 0-100) or ``different``."""

    verdict: str
    score: int
    reason: str


SAME = Likeness("same", 100, "名称相同")


def compare(a: str, b: str, na: str | None = None, nb: str | None = None) -> Likeness:
    """How alike names ``a`` and ``b`` are (``na``/``nb``: their normalize_name, when already known)."""
    na = normalize_name(a) if na is None else na
    nb = normalize_name(b) if nb is None else nb
    if not na or not nb:
        return Likeness("different", 0, "名称为空")
    if na == nb:
        return SAME
    if is_branch(na) != is_branch(nb):
        return Likeness("different", 0, "分支机构与其总公司不是同一单位")
    da, db = distinctive(na), distinctive(nb)
    if da == db:
        if strip_region(na) != na or strip_region(nb) != nb:
            return Likeness("near", NEAR_SCORE, "只差名称前的地区（可能是同一集团的另一家公司），请核对")
        return Likeness("near", NEAR_SCORE, "只差组织形式（如股份有限公司与有限公司），请核对")
    ratio = SequenceMatcher(None, da, db, autojunk=False).ratio()
    if ratio >= PROPOSE_AT:
        return Likeness("near", min(int(ratio * 100), NEAR_SCORE - 1), "名称相近，请核对")
    return Likeness("different", int(ratio * 100), "名称不同")


def bigrams(text: str) -> set[str]:
    """Two-character pieces of ``text`` (a one-character text is its own piece): the candidates' index key."""
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())
