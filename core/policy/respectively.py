"""Values of a "分别" sentence go to the things it names, in the order it names them.

"认定为国家级和自治区级科技企业孵化器，一次性分别给予200万元、50万元": the
first amount is the national one. Each value in a policy file cites the whole
list ("分别给予200万元、50万元"), so the cite check alone would let the two be
swapped; this check refuses that.

For every sentence with 分别 in a document, the *members* are the values bound
to it:

* each entry of a keyed ``amount``/``rate``/``minimum`` (``by: level``,
  ``kind``, ``stage``, ``rating``, ``size`` ...) of a rule quoting it;
* the one ``amount``/``rate``/``minimum``/``maximum`` of a rule quoting it
  alone, where the sentence is split into a rule per level or kind;
* each value of a target quoting it.

A member's *position* is where the sentence first names it, found from

* the rule's or target's ``respectively:`` field where it has one: the words
  of the sentence that name it (``respectively: 国家级``), or for a keyed
  parameter a mapping from key to words. It is needed where the derivation
  below finds nothing (a rule without ``when``, a target) or puts two members
  at one place;
* a keyed entry: the words of its key: levels 国家级/国家, 自治区级/自治区,
  市级/市本级; stages 新认定/新获批/认定/获批, 续签, 培育; any other key its
  vocabulary label (优秀, 良好, 行业领军人才 ...);
* a rule split from the sentence: the words of its ``when`` equalities, the
  level first and each further word (kind, stage, rating) searched after
  the one before ("国家……知识产权示范企业").

The *amounts* are the numbers with a unit (万元, 元, %, 家, 个 ...) after the
first 分别, in order. Sorted by position, the members' values must be the
amounts one for one; otherwise loading fails naming file, line, member and
the two values. A sentence whose amounts are all equal ("分别一次性给予50万元")
has nothing to swap and is not checked; a ``respectively:`` where nothing is
checked is refused as a mistake. Sentences that cannot be checked
this way are listed in ``UNCHECKED`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.policy.cite import squash
from core.policy.model import Keyed, Param
from core.policy.yamlio import Node, YamlError

MARK = "分别"

# Where a key's vocabulary label is not how the documents write it.
KEY_WORDS = {
    ("level", "national"): ("国家级", "国家"),
    ("level", "regional"): ("自治区级", "自治区"),
    ("level", "municipal"): ("市本级", "市级"),
    ("stage", "approved"): ("新认定", "新获批", "认定", "获批"),
    ("stage", "renewed"): ("续签",),
    ("stage", "cultivation"): ("培育",),
}
# A split rule's words: its level first, then the rest in the order its `when` lists them.
_FIRST_FIELDS = ("level",)

# (document id, the squashed sentence's first 20 characters) -> why its order cannot be checked mechanically.
# Every 分别 sentence of the five documents is checked today, so it is empty.
UNCHECKED: dict[tuple[str, str], str] = {}

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万元|亿元|万|亿|元|%|％|家|个|名|项)")
_SCALE = {
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
    "万": Decimal(10000),
    "亿": Decimal(100000000),
    "%": Decimal("0.01"),
    "％": Decimal("0.01"),
}
_PARAMS = ("amount", "rate", "minimum", "maximum")


@dataclass
class Member:
    """One value bound to a 分别 sentence."""

    what: str  # for messages: 规则X的amount.national, 目标Y
    words: tuple  # alternative words naming it; when sequential, a tuple of such alternatives per `when` field
    sequential: bool  # the words of each field searched after those of the one before
    values: tuple  # (Decimal, line) of each dated version
    position: int | None = None
    found: str = ""


def amounts(sentence: str) -> list[tuple[Decimal, str]]:
    """The numbers with a unit after the first 分别 of ``sentence``, in order, with the text stating each."""
    text = squash(sentence)
    start = text.find(MARK)
    if start < 0:
        return []
    out = []
    for m in _AMOUNT.finditer(text, start):
        out.append(((Decimal(m.group(1)) * _SCALE.get(m.group(2), 1)).normalize(), m.group(0)))
    return out


def check_document(doc, rules: list, targets: list, vocab) -> None:
    """Check every 分别 sentence of ``doc``; ``rules`` and ``targets`` are (YAML node, loaded object) pairs."""
    by_sentence: dict[str, list] = {}
    for kind, pairs in (("rule", rules), ("target", targets)):
        for node, obj in pairs:
            by_sentence.setdefault(squash(obj.sentence), []).append((kind, node, obj))
    for sentence, items in by_sentence.items():
        listed = amounts(sentence)
        checked = len({v for v, _ in listed}) >= 2 and (doc.id, sentence[:20]) not in UNCHECKED
        members = []
        for kind, node, obj in items:
            found = _members(kind, node, obj, listed, vocab) if checked else []
            if "respectively" in node and not found:
                raise node.fail("respectively 只用于引用“分别”句（列出不同数额）中某一数额的规则或目标", "respectively")
            members.extend(found)
        if members:
            _place(members, sentence, doc)
            _pair(members, listed, doc)


def _members(kind: str, node: Node, obj, listed, vocab) -> list[Member]:
    explicit = node.get("respectively")
    stated = {v for v, _ in listed}
    if kind == "target":
        if not isinstance(explicit, str):
            raise node.fail(f"目标{obj.id}的原文含“分别”，请用 respectively: 写明原文中指明该目标的词语", "id")
        return [
            Member(f"目标{obj.id}", (explicit,), False, tuple((v.value, v.line) for _, v in sorted(obj.values.items())))
        ]
    rule = obj
    for name in _PARAMS:
        p = getattr(rule, name, None)
        if isinstance(p, Keyed) and _values(p.entries.values()) & stated:
            return _keyed_members(rule, name, p, explicit, node, vocab)
        if isinstance(p, Param) and _values([p]) & stated:
            if explicit is not None and not isinstance(explicit, str):
                raise node.fail("respectively 应写成原文中指明该规则的词语", "respectively")
            if explicit:
                words, sequential = (explicit,), False
            else:
                words, sequential = _when_words(rule, vocab), True
            return [
                Member(f"规则{rule.id}的{p.label}", words, sequential, tuple((v.value, v.line) for v in p.versions))
            ]
    return []


def _keyed_members(rule, name: str, p: Keyed, explicit, node: Node, vocab) -> list[Member]:
    if explicit is not None and not isinstance(explicit, Node):
        raise node.fail(f"{name}按{p.by}区分，respectively 应写成 {{取值: 原文词语}}", "respectively")
    explicit = explicit or {}
    for key in explicit:
        if key not in p.entries:
            raise explicit.fail(f"respectively 中的“{key}”不是{name}的取值", key)
    out = []
    for key, q in p.entries.items():
        words = (explicit[key],) if key in explicit else _key_words(rule, p.by, key, vocab)
        out.append(Member(f"规则{rule.id}的{name}.{key}", words, False, tuple((v.value, v.line) for v in q.versions)))
    return out


def _values(params) -> set:
    return {v.value.normalize() for q in params for v in q.versions}


def _key_words(rule, field: str, key: str, vocab) -> tuple:
    if (field, key) in KEY_WORDS:
        return KEY_WORDS[field, key]
    spec = vocab.claim_types[rule.claim_type].fields.get(field) if rule.claim_type else None
    if spec is None or not spec.enum or key not in vocab.enums[spec.enum]:
        return ()
    return tuple(vocab.enums[spec.enum][key].split("/"))


def _when_words(rule, vocab) -> tuple:
    """For each equality of the rule's ``when`` on an enum field (level first), the words naming its value."""
    pairs = [(c.field, c.value) for c in rule.conditions if c.op == "eq" and isinstance(c.value, str)]
    pairs.sort(key=lambda fv: fv[0] not in _FIRST_FIELDS)
    return tuple(w for w in (_key_words(rule, f, v, vocab) for f, v in pairs) if w)


def _locate(m: Member, sentence: str) -> tuple[int | None, str]:
    """Where ``sentence`` names ``m`` and the words found there (joined with …… when sequential)."""
    if not m.sequential:
        return _first(sentence, m.words, 0) or (None, "")
    at, found = None, []
    for alternatives in m.words:
        hit = _first(sentence, alternatives, 0 if at is None else at + 1)
        if hit is None:
            return None, ""
        at, word = hit
        found.append(word)
    return at, "……".join(found)


def _place(members: list[Member], sentence: str, doc) -> None:
    for m in members:
        m.position, m.found = _locate(m, sentence)
        if m.position is None:
            words = "、".join("/".join(w) if isinstance(w, tuple) else w for w in m.words) or "（无）"
            raise YamlError(
                doc.path,
                m.values[0][1],
                f"{m.what}引用的“分别”句中找不到指明它的词语（{words}），无法核对数额顺序；"
                f"请在规则或目标中用 respectively: 写明原文中指明它的词语",
            )
    seen: dict[int | None, Member] = {}
    for m in members:
        if m.position in seen:
            other = seen[m.position]
            raise YamlError(
                doc.path,
                m.values[0][1],
                f"{other.what}和{m.what}在“分别”句中指向同一处（“{m.found}”），无法核对数额顺序；"
                f"请用 respectively: 写明原文中分别指明它们的词语",
            )
        seen[m.position] = m


def _first(sentence: str, alternatives, start: int):
    """(index, word) of the earliest of ``alternatives`` at or after ``start``, or None."""
    if isinstance(alternatives, str):
        alternatives = (alternatives,)
    hits = [(i, w) for w in alternatives if (i := sentence.find(squash(w), start)) >= 0]
    return min(hits, key=lambda hit: (hit[0], -len(hit[1]))) if hits else None


def _pair(members: list[Member], listed, doc) -> None:
    members = sorted(members, key=lambda m: m.position or 0)  # every position is set by _place
    stated = "、".join(text for _, text in listed)
    named = "、".join(m.found for m in members)
    if len(members) != len(listed):
        raise YamlError(
            doc.path,
            members[0].values[0][1],
            f"“分别”句依次列出{len(listed)}个数额（{stated}），但有{len(members)}个取值引用它"
            f"（{'、'.join(m.what for m in members)}），无法一一对应",
        )
    for i, m in enumerate(members):
        expected, expected_text = listed[i]
        for value, line in m.values:
            if value.normalize() == expected:
                continue
            holder = next(
                (o for o in members if o is not m and any(v.normalize() == expected for v, _ in o.values)), None
            )
            swapped = f"；而{holder.what}写的是{_show(expected, expected_text)}" if holder else ""
            raise YamlError(
                doc.path,
                line,
                f"{m.what}与“分别”句的顺序不符：原文依次为{named}，数额依次为{stated}，"
                f"“{m.found}”对应{expected_text}，写的却是{_show(value, expected_text)}{swapped}",
            )


def _show(value: Decimal, like: str) -> str:
    """``value`` written the way the sentence writes its amounts (``like``: 50万元, 5%, 2000家 ...)."""
    match = _AMOUNT.fullmatch(like)
    assert match is not None, like  # ``like`` is one of the amounts _AMOUNT found in the sentence
    suffix = match.group(2)
    return f"{(value / _SCALE.get(suffix, Decimal(1))).normalize():f}{suffix}"
