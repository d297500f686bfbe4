"""Reading a policy file's other sections: stacking groups, targets, calculators and clause coverage.

:mod:`core.policy.loader` hands each entry to the readers here and, once
every file is read, checks what they name across files (``_check_groups``,
``_check_coverage_refs``).
"""

from __future__ import annotations

from core.policy.cite import squash
from core.policy.model import (
    Calculator,
    Document,
    ParamVersion,
    StackingGroup,
    Target,
)
from core.policy.rule_reader import _param, _text
from core.policy.yamlio import Node, YamlError

COVERAGE_STATUSES = {
    "computed": "程序计算",
    "entered": "经办人录入金额（程序核对上限）",
    "calculator": "测算工具（不涉及拨付）",
    "target": "目标监测",
    "informational": "说明性条款（不涉及金额）",
    "not_computable": "无法计算",
}


def _group(node: Node, doc: Document) -> StackingGroup:
    node.check_keys(
        {"id", "label", "policy", "scope", "rules", "note"}, {"id", "label", "policy", "rules", "note"}, "叠加组："
    )
    if node["policy"] not in ("highest", "sum", "exclusive"):
        raise node.fail("policy 应为 highest（就高）、sum（累加）或 exclusive（互斥）", "policy")
    scope = node.get("scope", "claim")
    if scope not in ("claim", "company_year"):
        raise node.fail("scope 应为 claim（同一事项）或 company_year（同一单位同一年度）", "scope")
    return StackingGroup(
        node["id"], node["label"], node["policy"], scope, tuple(node["rules"]), node["note"], doc, node.line
    )


def _check_groups(groups: dict, rules: dict) -> None:
    member_of: dict[str, str] = {}
    for g in groups.values():
        for rid in g.rules:
            if rid not in rules:
                raise YamlError(g.document.path, g.line, f"叠加组{g.id}引用了不存在的规则“{rid}”")
            if rid in member_of:
                raise YamlError(g.document.path, g.line, f"规则{rid}同时属于叠加组{member_of[rid]}和{g.id}")
            member_of[rid] = g.id
    for g in groups.values():
        members = [rules[rid] for rid in g.rules]
        if g.policy == "highest" and len({(repr(m.once), m.years is None) for m in members}) > 1:
            raise YamlError(
                g.document.path,
                g.line,
                f"叠加组{g.id}（就高）的规则必须按同一方式只支持一次（once 和 years 一致），否则无法合并计算",
            )
    for r in rules.values():
        for old in r.formerly:
            if old in rules:
                raise YamlError(r.document.path, r.line, f"规则{r.id}的原编号“{old}”仍是另一条规则的编号")
        if r.group and r.group not in groups:
            raise YamlError(r.document.path, r.line, f"规则{r.id}的叠加组“{r.group}”不存在")
        if r.group and member_of.get(r.id) != r.group:
            raise YamlError(r.document.path, r.line, f"规则{r.id}写明属于{r.group}，但该组未列出它")
        if r.id in member_of and r.group is None:
            raise YamlError(r.document.path, r.line, f"规则{r.id}被叠加组{member_of[r.id]}列出，规则中也应写 group")


def _target(node: Node, doc: Document, text: str) -> Target:
    node.check_keys(
        {"id", "clause", "sentence", "metric", "label", "scope", "unit", "values", "baseline", "respectively"},
        {"id", "clause", "sentence", "metric", "label", "scope", "unit", "values"},
        "目标：",
    )
    sentence = str(node["sentence"])
    if squash(sentence) not in text:
        raise node.fail(f"目标{node['id']}的原文在文件中找不到", "sentence")
    unit = node["unit"]

    def read(values: Node | None, key: str, source: str) -> dict:
        out: dict[int, ParamVersion] = {}
        if values is None:
            return out
        for year, v in values.items():
            p = _param(v, f"{key}.{year}", unit, doc, source, values, str(year))
            out[int(year)] = p.versions[0]
        return out

    # Stated actuals (baseline) may be quoted from anywhere in the document.
    return Target(
        node["id"],
        doc,
        _text(node, "clause"),
        sentence,
        node["metric"],
        node["label"],
        node["scope"],
        unit,
        read(node["values"], "values", sentence),
        read(node.get("baseline"), "baseline", doc.text),
        node.line,
    )


def _calculator(node: Node, doc: Document, text: str, calculators) -> Calculator:
    node.check_keys(
        {"id", "clause", "sentence", "summary", "function", "params", "note"},
        {"id", "clause", "sentence", "summary", "function", "params"},
        "测算工具：",
    )
    sentence = str(node["sentence"])
    if squash(sentence) not in text:
        raise node.fail(f"测算工具{node['id']}的原文在文件中找不到", "sentence")
    fn = node["function"]
    if fn not in calculators:
        raise node.fail(f"未知测算函数“{fn}”", "function")
    params = {}
    for name, v in node["params"].items():
        params[name] = _param(v, name, _calc_unit(name), doc, sentence, node["params"], name)
    missing = set(calculators[fn].params) - set(params)
    if missing:
        raise node.fail(f"测算函数{fn}缺少参数：{'、'.join(sorted(missing))}", "params")
    return Calculator(
        node["id"], doc, node["clause"], sentence, node["summary"], fn, params, node.get("note", ""), node.line
    )


def _calc_unit(name: str) -> str:
    if name.endswith(("_rate", "_share")):
        return "rate"
    if name.endswith(("_ratio", "year", "years")):
        return "count"
    return "yuan"


def _coverage(nodes) -> list[Node]:
    for node in nodes:
        node.check_keys(
            {"clause", "title", "status", "rules", "note"}, {"clause", "title", "status", "note"}, "条款覆盖："
        )
        for key in ("clause", "title", "note"):
            _text(node, key)
        if node["status"] not in COVERAGE_STATUSES:
            raise node.fail(f"status 应为 {'、'.join(COVERAGE_STATUSES)}", "status")
    return list(nodes)


def _check_coverage_refs(coverage: dict, rules, targets, calculators) -> None:
    covered = set()
    for nodes in coverage.values():
        for node in nodes:
            for rid in node.get("rules") or []:
                if rid not in rules and rid not in targets and rid not in calculators:
                    raise node.fail(f"条款覆盖引用了不存在的规则“{rid}”", "rules")
                covered.add(rid)
    for rid, rule in rules.items():
        if rid not in covered:
            raise YamlError(rule.document.path, rule.line, f"规则{rid}没有列入任何条款的覆盖说明（coverage）")
