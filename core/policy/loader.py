"""Reading policy files into a PolicySet, refusing anything unchecked.

A policy file is one document: its header, the readings taken of its
ambiguous passages, its rules with their dated parameters, its stacking
groups, targets, calculators and a coverage list of every numbered clause.
Loading fails, naming file and line, when

* a key is unknown or missing (a misspelled ``cite`` is not silently dropped),
* a rule's sentence is not in the document's text, or a parameter's ``cite``
  is not in its rule's sentence, or the value is not a number the cite states,
* a parameter's date lies outside the document's period,
* a rule names an unknown claim type, field, enum value, requirement or base,
* the values of a "分别给予100万元、50万元" sentence are not assigned in the
  order the sentence names what they are for (core.policy.respectively: how
  a rule's place in the sentence is found, and its ``respectively:`` field),
* a paying rule does not say what its award counts by (``once``), or a
  ``once``, ``newly`` or cap ``per`` is unknown or does not fit the others
  (docs/policy-files.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.paths import POLICIES
from core.policy.cite import squash
from core.policy.model import (
    LEVEL_CITY,
    LEVEL_REGION,
    STATUS_LABELS,
    Document,
    Reading,
    Rule,
    StackingGroup,
    Target,
)
from core.policy.policyset import PolicySet
from core.policy.registries import Registries
from core.policy.respectively import check_document
from core.policy.rule_reader import _rule
from core.policy.section_reader import _calculator, _check_coverage_refs, _check_groups, _coverage, _group, _target
from core.policy.yamlio import Node, YamlError, load_yaml
from core.vocabulary import Vocabulary, load_vocabulary


class PolicyError(ValueError):
    """A policy file that cannot be trusted; the message names file and line."""


def load_policies(
    directory: Path | str | None = None, vocabulary: Vocabulary | None = None, *, registries: Registries
) -> PolicySet:
    """The policy files of ``directory`` (resources/policies), checked against ``registries``.

    The program's registries are the engine's: ``core.engine.load_policies``
    passes them.
    """
    directory = Path(directory or POLICIES)
    vocab = vocabulary or load_vocabulary()
    files = sorted(p for p in directory.glob("*.yaml") if p.name != "vocabulary.yaml")
    if not files:
        raise PolicyError(f"{directory}：没有找到政策文件")
    documents: dict[str, Document] = {}
    rules: dict[str, Rule] = {}
    groups: dict[str, StackingGroup] = {}
    targets: dict[str, Target] = {}
    calculators: dict = {}
    coverage: dict = {}
    try:
        for path in files:
            try:
                _load_file(path, vocab, registries, documents, rules, groups, targets, calculators, coverage)
            except (YamlError, PolicyError):
                raise
            except Exception as exc:  # a shape the checks above did not foresee
                raise YamlError(path, None, f"无法读取（{exc.__class__.__name__}：{exc}）") from exc
        _check_groups(groups, rules)
        _check_coverage_refs(coverage, rules, targets, calculators)
    except YamlError as exc:
        raise PolicyError(str(exc)) from exc
    return PolicySet(documents, rules, groups, targets, calculators, coverage, vocab)


def _load_file(path, vocab, registries: Registries, documents, rules, groups, targets, calculators, coverage):
    data = load_yaml(path)
    if not isinstance(data, Node):
        raise YamlError(path, 1, "政策文件应为映射（document/rules/...）")
    data.check_keys(
        {"document", "readings", "rules", "stacking_groups", "targets", "calculators", "coverage"},
        {"document", "coverage"},
        "政策文件：",
    )
    doc = _document(data["document"], data.get("readings") or {}, path)
    if doc.id in documents:
        raise data["document"].fail(f"文件编号“{doc.id}”与其他政策文件重复", "id")
    documents[doc.id] = doc
    text = squash(doc.text)
    loaded_rules, loaded_targets = [], []
    for order, node in enumerate(data.get("rules") or []):
        rule = _rule(node, doc, text, vocab, order, registries)
        if rule.id in rules:
            raise node.fail(f"规则编号“{rule.id}”重复", "id")
        rules[rule.id] = rule
        loaded_rules.append((node, rule))
    for node in data.get("stacking_groups") or []:
        g = _group(node, doc)
        if g.id in groups:
            raise node.fail(f"叠加组编号“{g.id}”重复", "id")
        groups[g.id] = g
    for node in data.get("targets") or []:
        t = _target(node, doc, text)
        targets[t.id] = t
        loaded_targets.append((node, t))
    check_document(doc, loaded_rules, loaded_targets, vocab)
    for node in data.get("calculators") or []:
        c = _calculator(node, doc, text, registries.calculators)
        calculators[c.id] = c
    coverage[doc.id] = _coverage(data["coverage"])


def _date(node: Node, key: str) -> dt.date:
    value = _optional_date(node, key)
    if value is None:
        raise node.fail(f"缺少日期“{key}”", key)
    return value


def _optional_date(node: Node, key: str) -> dt.date | None:
    value = node.get(key)
    if value is None:
        return None
    if not isinstance(value, dt.date):
        raise node.fail(f"“{key}”应为日期（如2021-08-14），实际为“{value}”", key)
    return value


def _document(node: Node, readings_node, path: Path) -> Document:
    node.check_keys(
        {
            "id",
            "title",
            "doc_number",
            "issuer",
            "level",
            "city",
            "date",
            "effective_from",
            "effective_to",
            "status",
            "repeals",
            "text",
            "stacking",
            "rounding",
            "note",
        },
        {"id", "title", "issuer", "level", "date", "effective_from", "status", "text", "rounding"},
        "文件信息：",
    )
    if node["level"] not in (LEVEL_REGION, LEVEL_CITY):
        raise node.fail("level 应为 region（自治区）或 city（盟市）", "level")
    if node["level"] == LEVEL_CITY and not node.get("city"):
        raise node.fail("盟市文件必须写明 city", "city")
    if node["status"] not in STATUS_LABELS:
        raise node.fail(f"status 应为 {'、'.join(STATUS_LABELS)}", "status")
    text_path = path.parent / node["text"]
    if not text_path.is_file():
        raise node.fail(f"找不到原文文件 {text_path}", "text")
    start, end = _date(node, "effective_from"), _optional_date(node, "effective_to")
    if end and end < start:
        raise node.fail("effective_to 早于 effective_from", "effective_to")
    stacking = node.get("stacking") or Node()
    if stacking:
        stacking.check_keys({"principle", "clause", "note"}, {"principle", "clause", "note"}, "叠加原则：")
    readings = {}
    for name, r in (readings_node or {}).items():
        r.check_keys({"value", "note"}, {"value", "note"}, f"解读{name}：")
        readings[name] = Reading(name, r["value"], r["note"], r.line)
    return Document(
        id=node["id"],
        title=node["title"],
        doc_number=node.get("doc_number"),
        issuer=node["issuer"],
        level=node["level"],
        city=node.get("city"),
        date=_date(node, "date"),
        effective_from=start,
        effective_to=end,
        status=node["status"],
        repeals=tuple(node.get("repeals") or ()),
        stacking_principle=stacking.get("principle"),
        stacking_note=stacking.get("note", ""),
        rounding_note=node["rounding"],
        path=str(path),
        text=text_path.read_text(encoding="utf-8"),
        readings=readings,
    )
