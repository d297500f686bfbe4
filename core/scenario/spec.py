"""The scenario file: which documents a scenario copies and what it changes in them.

Every change carries the clause it changes and the words of the clause it
replaces (``cite``), checked against the rule as the loader checks a policy
file's values, so a 测算报告 can name, beside each figure, the sentence of
the draft it departs from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.policy.cite import squash
from core.policy.yamlio import Node, YamlError, load_yaml


class ScenarioError(ValueError):
    """A scenario file that cannot be applied, with where and why (Chinese, for the clerk)."""


@dataclass(frozen=True)
class ParamChange:
    rule: str
    param: str  # a path of Rule.params(): amount, amount.national, cap.company_year, floor, years ...
    value: Decimal
    clause: str
    cite: str  # the words of the clause whose figure is changed
    reason: str = ""
    line: int = 0


@dataclass(frozen=True)
class RuleSwitch:
    rule: str
    reason: str = ""
    line: int = 0


@dataclass(frozen=True)
class ReadingChange:
    document: str
    name: str
    value: object
    reason: str = ""
    line: int = 0


@dataclass(frozen=True)
class Scenario:
    name: str
    note: str = ""
    changes: tuple[ParamChange, ...] = ()
    rules_off: tuple[RuleSwitch, ...] = ()
    readings: tuple[ReadingChange, ...] = ()
    effective_from: dt.date | None = None  # the base documents' date of effect in this scenario
    status: str | None = None  # "in_force": the draft taken as published (amounts no longer provisional)


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file: the documents copied, the baseline's name and one or more scenarios."""

    title: str
    base: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    baseline_name: str = "现行（原文）"
    path: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


_FILE_KEYS = {"title", "base", "baseline", "note", "scenarios"}
_SCENARIO_KEYS = {"name", "note", "changes", "rules_off", "readings", "effective_from", "status"}
_STATUSES = ("draft", "in_force")


def load_scenario_file(path: str | Path) -> ScenarioFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"找不到测算方案文件：{path}") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise ScenarioError(f"无法读取测算方案文件{path}：{exc.__class__.__name__}") from None
    return parse_scenario_text(text, path)


def parse_scenario_text(text: str, path: str | Path = "<方案>") -> ScenarioFile:
    """A scenario file from YAML text. A file without ``scenarios:`` is one scenario written at the top level."""
    try:
        data = load_yaml(path, text)
    except YamlError as exc:
        raise ScenarioError(str(exc)) from None
    try:
        return _parse(data, str(path))
    except YamlError as exc:
        raise ScenarioError(str(exc)) from None


def _parse(data: object, path: str) -> ScenarioFile:
    if not isinstance(data, Node):
        raise YamlError(path, None, "测算方案文件应为键值结构（见 docs/scenarios.md）")
    single = "scenarios" not in data
    allowed = _FILE_KEYS | (_SCENARIO_KEYS if single else set())
    data.check_keys(allowed, {"base"}, "测算方案：")
    base = data["base"]
    if isinstance(base, str):
        base = [base]
    if not isinstance(base, list) or not base or not all(isinstance(b, str) for b in base):
        raise data.fail("base 应列出方案复制的政策文件编号（如 hlb-2025-draft）", "base")
    if single:
        items = [data]
    else:
        items = data["scenarios"]
        if not isinstance(items, list) or not items:
            raise data.fail("scenarios 应列出至少一个方案", "scenarios")
    scenarios = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, Node):
            raise data.fail(f"第{i}个方案应为键值结构", "scenarios")
        scenarios.append(_scenario(item, i, single))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise data.fail("方案名称重复：" + "、".join(sorted({n for n in names if names.count(n) > 1})))
    return ScenarioFile(
        title=_text(data, "title") or scenarios[0].name,
        base=tuple(base),
        scenarios=tuple(scenarios),
        baseline_name=_text(data, "baseline") or "现行（原文）",
        path=path,
        note=_text(data, "note") if not single else "",
    )


def _text(node: Node, key: str) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, Decimal)):
        raise node.fail(f"{key} 应为文字", key)
    return str(value).strip()


def _scenario(node: Node, index: int, single: bool) -> Scenario:
    if not single:
        node.check_keys(_SCENARIO_KEYS, {"name"}, f"第{index}个方案：")
    name = _text(node, "name") or f"方案{index}"
    effective = node.get("effective_from")
    if effective is not None and not isinstance(effective, dt.date):
        raise node.fail("effective_from 应为日期，如 2026-07-01", "effective_from")
    status = node.get("status")
    if status is not None and status not in _STATUSES:
        raise node.fail(f"status 只能是 {'、'.join(_STATUSES)}", "status")
    return Scenario(
        name=name,
        note=_text(node, "note"),
        changes=tuple(_change(c) for c in _items(node, "changes")),
        rules_off=tuple(_switch(c) for c in _items(node, "rules_off")),
        readings=tuple(_reading(c) for c in _items(node, "readings")),
        effective_from=effective,
        status=status,
    )


def _items(node: Node, key: str) -> list[Node]:
    items = node.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Node) for i in items):
        raise node.fail(f"{key} 应为列表，每项为键值结构", key)
    return items


def _change(node: Node) -> ParamChange:
    node.check_keys(
        {"rule", "param", "value", "clause", "cite", "reason"},
        {"rule", "param", "value", "clause", "cite"},
        "参数调整：",
    )
    value = node["value"]
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise node.fail(f"value 应为数值（金额以元计，比例如0.05），实际为“{value}”", "value")
    if value < 0:
        raise node.fail("value 不能为负数", "value")
    return ParamChange(
        str(node["rule"]),
        str(node["param"]),
        Decimal(value),
        str(node["clause"]),
        str(node["cite"]),
        _text(node, "reason"),
        node.line,
    )


def _switch(node: Node) -> RuleSwitch:
    node.check_keys({"rule", "reason"}, {"rule"}, "停用规则：")
    return RuleSwitch(str(node["rule"]), _text(node, "reason"), node.line)


def _reading(node: Node) -> ReadingChange:
    node.check_keys({"document", "name", "value", "reason"}, {"document", "name", "value"}, "解读调整：")
    return ReadingChange(str(node["document"]), str(node["name"]), node["value"], _text(node, "reason"), node.line)


def same_clause(a: str, b: str) -> bool:
    return squash(a) == squash(b)
