"""Rule cases: facts and hand-worked expected lines, kept as YAML beside the policies.

Each case names the rules it checks (``covers``), gives a company, its history
and claims, and the lines it expects, worked out by hand from the clause and
written down with the working in ``why``. The pytest suite runs every case, and
so does ``python main.py check``, so a policy administrator who edits a policy
file can see at once which hand-worked results it changes.

Expected lines are compared one by one: each names its rule, the amount and,
where the rule pays more than one line, which line (``subject``: the contract
number, project or platform name as written in the claim, or the full subject
key; or ``claim``: the claim id, c1, c2 ... in order when not given). A line
the case does not expect fails it too, so two amounts swapped between levels
or claims cannot pass.

    - name: （十二）单个合同5%封顶50万元
      covers: [hlb-12-tech-contract]
      why: 12,000,000 × 5% = 600,000 > 500,000 单个合同上限 → 500,000
      claims:
        - {type: tech_contract, number: HT-1, date: 2026-05-01, amount: 12000000, regional_post_subsidy: true}
      expect:
        lines:
          - {rule: hlb-12-tech-contract, subject: HT-1, amount: 500000}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.calculators import CalculatorInputError, run_calculator
from core.casefile import CaseError, parse_company
from core.engine import Context, evaluate_company
from core.money import ZERO
from core.policy.yamlio import Node, YamlError, load_yaml
from core.subjects import normalize

_CASE_KEYS = {
    "name",
    "covers",
    "why",
    "award_year",
    "as_of",
    "include_drafts",
    "company",
    "history",
    "claims",
    "expect",
    "calculator",
    "inputs",
    "documents",
    "readings",
}
_EXPECT_KEYS = {"lines", "excluded", "total", "schedule", "errors", "warnings", "outputs"}
_LINE_KEYS = {"rule", "amount", "subject", "claim"}
_DEFAULT_USCC = "91150000MA0000000X"


@dataclass
class RuleCase:
    name: str
    path: str
    line: int
    covers: tuple
    node: Node
    defaults: dict


@dataclass
class Report:
    passed: int = 0
    failures: list = field(default_factory=list)
    uncovered: list = field(default_factory=list)


def _default_uscc() -> str:
    from core.uscc import check_character

    return _DEFAULT_USCC[:17] + check_character(_DEFAULT_USCC[:17])


def load_rule_cases(directory: Path) -> list[RuleCase]:
    out = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = load_yaml(path)
        if not isinstance(data, Node):
            raise YamlError(path, 1, "规则案例文件应为映射（defaults/cases）")
        data.check_keys({"defaults", "cases"}, {"cases"}, "规则案例文件：")
        defaults = dict(data.get("defaults") or {})
        for node in data["cases"]:
            node.check_keys(_CASE_KEYS, {"name", "covers", "why", "expect"}, "规则案例：")
            node["expect"].check_keys(_EXPECT_KEYS, set(), "期望：")
            _check_line_shape(node["expect"])
            out.append(RuleCase(node["name"], str(path), node.line, tuple(node["covers"]), node, defaults))
    return out


def _check_line_shape(exp: Node) -> None:
    lines = exp.get("lines")
    if lines is None:
        return
    if not isinstance(lines, list):
        raise exp.fail("lines 应为明细列表，每项写 {rule: 规则编号, amount: 金额}，必要时加 subject 或 claim", "lines")
    for item in lines:
        if not isinstance(item, Node):
            raise exp.fail("lines 的每一项应为 {rule: …, amount: …}", "lines")
        item.check_keys(_LINE_KEYS, {"rule", "amount"}, "期望明细：")


def subject_matches(subject: str, given) -> bool:
    """Whether a line's subject key is the one a case names: the key itself or its last part as written."""
    g = normalize(given)
    return subject == str(given) or subject == g or subject.endswith(":" + g) or subject.endswith("=" + g)


def _describe_line(line) -> str:
    return f"规则{line.rule.id}（事项{'、'.join(line.claim_ids) or line.claim_id}，{line.subject}）{line.amount}元"


def compare_lines(expected: list, lines: list) -> list[str]:
    """Problems matching expected lines one by one against the lines computed."""
    problems = []
    used = set()
    for item in expected:
        rid, amount = str(item["rule"]), Decimal(item["amount"])
        found = [
            i
            for i, l in enumerate(lines)
            if l.rule.id == rid
            and ("subject" not in item or subject_matches(l.subject, item["subject"]))
            and ("claim" not in item or str(item["claim"]) in (l.claim_ids or (l.claim_id,)))
        ]
        which = "".join(f"，{k} {item[k]}" for k in ("subject", "claim") if k in item)
        if not found:
            problems.append(f"期望规则{rid}{which}的明细{amount}元，实际没有")
            continue
        if len(found) > 1:
            problems.append(f"期望规则{rid}{which}的明细能对应{len(found)}条，请写明 subject 或 claim")
            continue
        i = found[0]
        if i in used:
            problems.append(f"期望规则{rid}{which}的明细与另一项期望对应同一条明细")
            continue
        used.add(i)
        if lines[i].amount != amount:
            problems.append(f"规则{rid}{which}：期望{amount}元，实际{lines[i].amount}元")
    for i, line in enumerate(lines):
        if i not in used:
            problems.append(f"多出明细：{_describe_line(line)}")
    return problems


def check_case(rc: RuleCase, policies) -> list[str]:
    """Problems with one case (empty when it passes)."""
    node, exp = rc.node, rc.node["expect"]
    for rid in rc.covers:
        if rid not in policies.rules and rid not in policies.calculators:
            return [f"covers 中的规则“{rid}”不存在"]
    if "calculator" in node:
        return _check_calculator(node, exp, policies)
    if node.get("readings"):
        try:
            policies = _with_readings(policies, node["readings"])
        except ValueError as exc:
            return [f"readings 有误：{exc}"]
    year = int(node.get("award_year", rc.defaults.get("award_year", 2026)))
    company = dict(rc.defaults.get("company") or {})
    company.update(node.get("company") or {})
    company.setdefault("uscc", _default_uscc())
    company.setdefault("name", "测试单位")
    company["history"] = node.get("history") or {}
    company["claims"] = [dict(c) for c in node.get("claims") or []]
    try:
        case = parse_company(company, policies.vocabulary, "company", year)
    except CaseError as exc:
        return [f"案例数据有误：{exc}"]
    as_of = node.get("as_of")
    ctx = Context(
        policies,
        year,
        as_of if isinstance(as_of, dt.date) else None,
        bool(node.get("include_drafts", rc.defaults.get("include_drafts", True))),
    )
    result = evaluate_company(case, ctx)
    docs = node.get("documents")
    lines = [l for l in result.lines if not docs or l.rule.document.id in docs]
    problems = []
    mentioned = set()
    if "lines" in exp:
        expected = exp["lines"] or []
        mentioned |= {str(item["rule"]) for item in expected}
        found = compare_lines(expected, lines)
        if found:
            problems.append("奖补明细不符：" + "；".join(found) + _reasons(result))
    if "total" in exp:
        total = sum((l.amount for l in lines), ZERO)
        if total != Decimal(exp["total"]):
            problems.append(f"合计不符：期望{exp['total']}，实际{total}")
    for rid, text in (exp.get("excluded") or {}).items():
        if rid not in policies.rules:
            problems.append(f"excluded 中的规则“{rid}”不存在")
            continue
        mentioned.add(rid)
        reasons = [e.reason for e in result.excluded if e.rule.id == rid]
        if not any(str(text) in r for r in reasons):
            problems.append(f"期望规则{rid}被排除且理由含“{text}”，实际理由：{reasons or '未被排除'}")
    for rid, rows in (exp.get("schedule") or {}).items():
        matching = [l for l in lines if l.rule.id == rid]
        want = [(int(y), Decimal(a)) for y, a in rows]
        got = [(y, a) for y, a in matching[0].schedule] if matching and matching[0].schedule else None
        if got != want:
            problems.append(f"规则{rid}分年度安排不符：期望{want}，实际{got}")
    for key in ("errors", "warnings"):
        for text in exp.get(key) or []:
            if not any(str(text) in m for m in getattr(result, key)):
                problems.append(f"期望{key}含“{text}”，实际：{getattr(result, key)}")
    for rid in rc.covers:
        if rid not in mentioned:
            problems.append(f"案例声明覆盖规则{rid}，但期望中没有写出它的金额或排除理由")
    return problems


def _with_readings(policies, readings: Node):
    """The policies with some readings taken the other way: ``readings: {document id: {name: value}}``."""
    from core.policy.policyset import Override

    overrides = []
    for doc_id, values in readings.items():
        doc = policies.documents.get(doc_id)
        if doc is None or not isinstance(values, dict):
            raise ValueError(f"没有文件“{doc_id}”")
        for name, value in values.items():
            if name not in doc.readings:
                raise ValueError(f"文件{doc_id}没有解读“{name}”")
            overrides.append(
                Override(
                    doc_id,
                    f"reading.{name}",
                    value,
                    doc.effective_from,
                    None,
                    "规则案例",
                    dt.datetime(2000, 1, 1),
                    "案例改读",
                )
            )
    return policies.with_overrides(overrides)


def _check_calculator(node: Node, exp: Node, policies) -> list[str]:
    calc = policies.calculators.get(node["calculator"])
    if calc is None:
        return [f"测算工具“{node['calculator']}”不存在"]
    inputs = {k: (str(v) if isinstance(v, (int, Decimal)) else v) for k, v in (node.get("inputs") or {}).items()}
    try:
        out = run_calculator(calc, inputs)
    except CalculatorInputError as exc:
        return [f"测算输入有误：{exc}"]
    problems = []
    for name, value in (exp.get("outputs") or {}).items():
        got = out.outputs.get(name)
        if got is None or got != Decimal(value):
            problems.append(f"测算结果{name}不符：期望{value}，实际{got}")
    return problems


def _reasons(result) -> str:
    if not result.excluded and not result.errors:
        return ""
    parts = [f"{e.rule.id}：{e.reason}" for e in result.excluded] + list(result.errors)
    return "；排除/错误：" + "；".join(parts)


def run_rule_cases(policies, directory=None) -> Report:
    from core.paths import POLICIES

    directory = Path(directory or POLICIES / "cases")
    report = Report()
    covered = set()
    for rc in load_rule_cases(directory):
        covered |= set(rc.covers)
        problems = check_case(rc, policies)
        if problems:
            report.failures.append(f"{Path(rc.path).name}:{rc.line} {rc.name}：" + "；".join(problems))
        else:
            report.passed += 1
    report.uncovered = sorted(
        [rid for rid, r in policies.rules.items() if rid not in covered and r.pays]
        + [cid for cid in policies.calculators if cid not in covered]
    )
    return report
