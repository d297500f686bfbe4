"""A scenario applied to the policies: a modified copy, the original untouched.

Parameter and reading changes become overrides of the copy (the same
mechanism as an administrator's, so every engine path sees them), dated to
cover every event, since a scenario asks "what if the clause said this". A
rule switched off stops paying; the documents' date of effect and status
change on the copy's documents only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from core.policy.cite import squash, value_matches
from core.policy.policyset import Override, OverrideError, PolicySet
from core.scenario.spec import Scenario, ScenarioError, ScenarioFile, same_clause

SCENARIO_START = dt.date(1900, 1, 1)  # a change covers every event the engine may date
_WHEN = dt.datetime(2000, 1, 1)  # overrides need a time stamp; a scenario's is not an administrator's


def check_base(policies: PolicySet, spec: ScenarioFile) -> None:
    unknown = [d for d in spec.base if d not in policies.documents]
    if unknown:
        known = "、".join(sorted(policies.documents))
        raise ScenarioError(f"测算方案的 base 中有未知政策文件：{'、'.join(unknown)}（可用：{known}）")


def apply_scenario(policies: PolicySet, spec: ScenarioFile, scenario: Scenario) -> PolicySet:
    """``policies`` (as in force, stored overrides included) with ``scenario`` applied; raises ScenarioError."""
    check_base(policies, spec)
    base = set(spec.base)
    overrides = []
    for c in scenario.changes:
        rule = policies.rules.get(c.rule)
        where = f"{spec.path}第{c.line}行：" if c.line else ""
        if rule is None:
            raise ScenarioError(f"{where}找不到规则“{c.rule}”")
        if rule.document.id not in base:
            raise ScenarioError(f"{where}规则{c.rule}属于《{rule.document.title}》，不在方案复制的文件（base）中")
        if not same_clause(c.clause, rule.clause):
            raise ScenarioError(f"{where}规则{c.rule}出自{rule.clause}，方案写的是{c.clause}")
        params = dict(rule.params())
        if c.param not in params:
            raise ScenarioError(f"{where}规则{c.rule}没有参数“{c.param}”（可调整：{'、'.join(params)}）")
        if squash(c.cite) not in squash(rule.document.text):
            raise ScenarioError(f"{where}引文“{c.cite}”不在《{rule.document.title}》原文中")
        current = [v.value for v in params[c.param].versions]
        if not any(value_matches(v, c.cite) for v in current):
            raise ScenarioError(
                f"{where}引文“{c.cite}”没有写到规则{c.rule}参数{c.param}的现值（{'、'.join(str(v) for v in current)}）"
            )
        overrides.append(
            Override(
                c.rule,
                c.param,
                c.value,
                SCENARIO_START,
                None,
                scenario.name,
                _WHEN,
                f"测算方案“{scenario.name}”：{c.reason or c.cite}",
            )
        )
    for r in scenario.readings:
        doc = policies.documents.get(r.document)
        where = f"{spec.path}第{r.line}行：" if r.line else ""
        if doc is None or r.document not in base:
            raise ScenarioError(f"{where}解读调整的文件“{r.document}”不在方案复制的文件（base）中")
        if r.name not in doc.readings:
            raise ScenarioError(f"{where}《{doc.title}》没有解读“{r.name}”（可用：{'、'.join(doc.readings)}）")
        if type(r.value) is not type(doc.readings[r.name].value):
            raise ScenarioError(f"{where}解读{r.name}的取值应与原取值同类（原为{doc.readings[r.name].value!r}）")
        overrides.append(
            Override(
                r.document,
                f"reading.{r.name}",
                r.value,
                SCENARIO_START,
                None,
                scenario.name,
                _WHEN,
                f"测算方案“{scenario.name}”：{r.reason}",
            )
        )
    try:
        changed = policies.with_overrides(overrides) if overrides else policies
    except OverrideError as exc:
        raise ScenarioError(f"测算方案“{scenario.name}”无法应用：{exc}") from None
    return _switched(changed, base, scenario, spec)


def _switched(policies: PolicySet, base: set, scenario: Scenario, spec: ScenarioFile) -> PolicySet:
    """The copy with rules switched off and the base documents' date and status changed."""
    off = {}
    for s in scenario.rules_off:
        rule = policies.rules.get(s.rule)
        if rule is None or rule.document.id not in base:
            where = f"{spec.path}第{s.line}行：" if s.line else ""
            raise ScenarioError(f"{where}停用的规则“{s.rule}”不在方案复制的文件（base）中")
        off[s.rule] = s
    if not off and scenario.effective_from is None and scenario.status is None:
        return policies
    documents = dict(policies.documents)
    for doc_id in base:
        doc = documents[doc_id]
        if scenario.effective_from is not None:
            doc = replace(doc, effective_from=scenario.effective_from)
        if scenario.status is not None:
            doc = replace(doc, status=scenario.status)
        documents[doc_id] = doc
    rules = {}
    for rid, rule in policies.rules.items():
        doc = documents[rule.document.id]
        if doc is not rule.document or rid in off:
            rule = replace(rule, document=doc, pays=rule.pays and rid not in off)
        rules[rid] = rule
    return PolicySet(
        documents,
        rules,
        policies.groups,
        policies.targets,
        policies.calculators,
        policies.coverage,
        policies.vocabulary,
    )


def describe_changes(policies: PolicySet, scenario: Scenario) -> list[dict]:
    """Each change of ``scenario`` as a 测算报告 row: document, clause, what, was, becomes, the clause's words."""
    rows = []
    for c in scenario.changes:
        rule = policies.rules[c.rule]
        param = dict(rule.params())[c.param]
        was = "、".join(str(v.value) for v in param.versions)
        rows.append(
            {
                "scenario": scenario.name,
                "document": rule.document.citation,
                "clause": rule.clause,
                "rule_id": rule.id,
                "what": f"{rule.summary}：{param.label}",
                "was": was,
                "becomes": str(c.value),
                "unit": param.unit,
                "cite": c.cite,
                "sentence": rule.sentence,
                "reason": c.reason,
            }
        )
    for s in scenario.rules_off:
        rule = policies.rules[s.rule]
        rows.append(
            {
                "scenario": scenario.name,
                "document": rule.document.citation,
                "clause": rule.clause,
                "rule_id": rule.id,
                "what": f"{rule.summary}：停用",
                "was": "执行",
                "becomes": "不执行",
                "unit": "",
                "cite": "",
                "sentence": rule.sentence,
                "reason": s.reason,
            }
        )
    for r in scenario.readings:
        doc = policies.documents[r.document]
        old = doc.readings[r.name]
        rows.append(
            {
                "scenario": scenario.name,
                "document": doc.citation,
                "clause": "",
                "rule_id": "",
                "what": f"解读 {r.name}",
                "was": _yes_no(old.value),
                "becomes": _yes_no(r.value),
                "unit": "",
                "cite": "",
                "sentence": old.note,
                "reason": r.reason,
            }
        )
    if scenario.effective_from is not None or scenario.status is not None:
        what = []
        if scenario.effective_from is not None:
            what.append(f"施行日期改为{scenario.effective_from.isoformat()}")
        if scenario.status is not None:
            what.append("按正式印发测算" if scenario.status == "in_force" else "按征求意见稿测算")
        rows.append(
            {
                "scenario": scenario.name,
                "document": "",
                "clause": "",
                "rule_id": "",
                "what": "；".join(what),
                "was": "",
                "becomes": "",
                "unit": "",
                "cite": "",
                "sentence": "",
                "reason": "",
            }
        )
    return rows


def _yes_no(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
