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
from decimal import Decimal
from pathlib import Path

from core.paths import POLICIES
from core.policy.cite import squash, value_matches
from core.policy.model import (
    CAP_LABELS,
    LEVEL_CITY,
    LEVEL_REGION,
    NEWLY_LABELS,
    ONCE_LABELS,
    STATUS_LABELS,
    Calculator,
    Cap,
    Choice,
    Condition,
    Document,
    Keyed,
    Param,
    ParamVersion,
    Reading,
    Requirement,
    Rule,
    StackingGroup,
    Target,
)
from core.policy.policyset import PolicySet
from core.policy.registries import Registries
from core.policy.respectively import check_document
from core.policy.yamlio import Node, YamlError, load_yaml
from core.vocabulary import Vocabulary, load_vocabulary

_PARAM_KEYS = {"amount", "rate", "factor", "step", "minimum", "maximum", "years"}
_RULE_KEYS = {
    "id", "clause", "sentence", "summary", "qualifies", "when", "requires", "formula",
    "base", "caps", "floor", "once", "newly", "above_minimum", "formerly", "group", "note", "respectively",
} | _PARAM_KEYS
_UNIT_OF = {
    "amount": "yuan", "rate": "rate", "factor": "count", "step": "yuan", "minimum": "yuan",
    "maximum": "yuan", "years": "count", "floor": "yuan", "cap": "yuan", "threshold": "yuan",
}
_PARAM_LABELS = {
    "amount": "金额", "rate": "比例", "factor": "倍数", "step": "每档", "minimum": "下限（不低于）",
    "maximum": "上限（最高）", "years": "支持年限", "floor": "起付线（低于不予补助）",
}
COVERAGE_STATUSES = {
    "computed": "程序计算",
    "entered": "经办人录入金额（程序核对上限）",
    "calculator": "测算工具（不涉及拨付）",
    "target": "目标监测",
    "informational": "说明性条款（不涉及金额）",
    "not_computable": "无法计算",
}


class PolicyError(ValueError):
    """A policy file that cannot be trusted; the message names file and line."""


def load_policies(directory: Path | str | None = None, vocabulary: Vocabulary | None = None, *,
                  registries: Registries) -> PolicySet:
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


def _text(node: Node, key: str, required: bool = True) -> str:
    """A string field; numbers-looking values (clause ``3.``) must be quoted in YAML."""
    value = node.get(key)
    if value is None:
        if required:
            raise node.fail(f"缺少字段“{key}”", key)
        return ""
    if not isinstance(value, str):
        raise node.fail(f"“{key}”应写成文本（加引号，如 \"3.\"），实际读到{value!r}", key)
    return value


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
            "id", "title", "doc_number", "issuer", "level", "city", "date", "effective_from",
            "effective_to", "status", "repeals", "text", "stacking", "rounding", "note",
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


def _param_label(path: str) -> str:
    head, _, rest = path.partition(".")
    if head == "cap":
        return _CAP_LABELS.get(rest, "上限")
    if head == "requires":
        return "连续年数" if rest.endswith("years") else rest
    if head == "when":
        return "门槛（不低于）" if rest.endswith("at_least") else "门槛（低于）"
    base = _PARAM_LABELS.get(head, head)
    if rest:
        label = _KEY_LABELS.get(rest, rest)
        return f"{base}（{label}）"
    return base


_CAP_LABELS = {per: f"{label}上限" for per, label in CAP_LABELS.items()}
_KEY_LABELS = {"national": "国家级", "regional": "自治区级", "municipal": "市级", "small_micro": "小微企业",
               "default": "其他", "excellent": "优秀", "good": "良好", "medium": "中型企业", "large": "大型企业",
               "approved": "新认定/获批建设", "renewed": "期满续签", "cultivation": "培育期"}


def _param(raw, path: str, unit: str, doc: Document, sentence: str, where: Node, key: str,
           label: str | None = None) -> Param:
    label = label or _param_label(path)
    nodes = raw if isinstance(raw, list) else [raw]
    versions = []
    for v in nodes:
        if not isinstance(v, Node):
            raise where.fail(f"参数“{path}”应写成 {{value: ..., cite: 原文}}，不能只写数值", key)
        v.check_keys({"value", "cite", "from", "to"}, {"value", "cite"}, f"参数{path}：")
        value = v["value"]
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise v.fail(f"参数“{path}”的值应为数值", "value")
        value = Decimal(value)
        cite = str(v["cite"])
        if squash(cite) not in squash(sentence):
            raise v.fail(f"参数“{path}”的引用“{cite}”不在条款原文中", "cite")
        if not value_matches(value, cite):
            raise v.fail(f"参数“{path}”的值{value}与引用“{cite}”中的数字不符", "value")
        if value < 0 or (unit == "rate" and value > 1):
            raise v.fail(f"参数“{path}”的值{value}超出合理范围", "value")
        start = v.get("from", doc.effective_from)
        end = v.get("to")
        for d, k in ((start, "from"), (end, "to")):
            if d is not None and not doc.in_effect(d):
                raise v.fail(f"参数“{path}”的日期{d}不在文件有效期（{doc.period_text}）内", k)
        versions.append(ParamVersion(value, cite, start, end, "policy", v.line))
    return Param(path, label, unit, tuple(versions))


def _enum_label(vocab: Vocabulary, key: str) -> str:
    if key in _KEY_LABELS:
        return _KEY_LABELS[key]
    for values in vocab.enums.values():
        if key in values:
            return values[key]
    return key


def _param_or_keyed(raw, name: str, doc, sentence, rule_node: Node, vocab: Vocabulary):
    unit = _UNIT_OF[name]
    if isinstance(raw, Node) and "by" in raw:
        entries = {}
        for k, v in raw.items():
            if k != "by":
                label = f"{_PARAM_LABELS.get(name, name)}（{_enum_label(vocab, k)}）"
                entries[k] = _param(v, f"{name}.{k}", unit, doc, sentence, rule_node, name, label)
        if not entries:
            raise raw.fail(f"参数“{name}”按“{raw['by']}”区分，但没有列出取值")
        return Keyed(raw["by"], entries)
    return _param(raw, name, unit, doc, sentence, rule_node, name)


def _check_enum_value(vocab: Vocabulary, ctype, field: str, value, node: Node):
    spec = vocab.claim_types[ctype].fields.get(field)
    if spec is None:
        raise node.fail(f"事项类型“{ctype}”没有字段“{field}”", field)
    if spec.enum and value not in vocab.enums[spec.enum]:
        raise node.fail(f"字段“{field}”的取值“{value}”不在词表“{spec.enum}”中", field)


def _conditions(when: Node, vocab, doc, sentence, rule_id) -> tuple[str, tuple[Condition, ...]]:
    when.check_keys(set(when), {"type"}, "适用条件：")
    ctype = when["type"]
    if ctype not in vocab.claim_types:
        raise when.fail(f"未知事项类型“{ctype}”", "type")
    out = []
    for field, value in when.items():
        if field == "type":
            continue
        if field == "city" and "city" not in vocab.claim_types[ctype].fields:
            cities = value if isinstance(value, list) else [value]
            for c in cities:
                if c not in vocab.enums["cities"]:
                    raise when.fail(f"city 的取值“{c}”不在词表“cities”中", field)
            out.append(Condition("city", "in", tuple(cities), of="company"))
            continue
        if field not in vocab.claim_types[ctype].fields:
            raise when.fail(f"事项类型“{ctype}”没有字段“{field}”", field)
        if isinstance(value, list):
            for v in value:
                _check_enum_value(vocab, ctype, field, v, when)
            out.append(Condition(field, "in", tuple(value)))
        elif isinstance(value, Node):
            value.check_keys({"at_least", "below", "contains"}, set(), f"条件{field}：")
            if len(value) != 1:
                raise value.fail("每个条件只能写一种比较")
            op, operand = next(iter(value.items()))
            if op == "contains":
                out.append(Condition(field, op, str(operand)))
            else:
                ftype = vocab.claim_types[ctype].fields[field].type
                if ftype not in ("money", "int", "year"):
                    raise value.fail(f"字段“{field}”不是数值，不能比较大小")
                unit = "yuan" if ftype == "money" else "count"
                p = _param(operand, f"when.{field}.{op}", unit, doc, sentence, value, op)
                out.append(Condition(field, op, p))
        else:
            _check_enum_value(vocab, ctype, field, value, when)
            out.append(Condition(field, "eq", value))
    return ctype, tuple(out)


def _requires(raw, doc: Document, node: Node, sentence: str, predicates) -> tuple[Requirement, ...]:
    out = []
    for item in raw or []:
        if isinstance(item, str):
            name, args = item, {}  # type: tuple[str, dict]
        elif isinstance(item, Node) and len(item) == 1:
            name, args = next(iter(item.items()))
            args = dict(args or {})
        else:
            raise node.fail("requires 的每一项应为判定名称或 {名称: {参数}}", "requires")
        if name not in predicates:
            raise node.fail(f"未知判定“{name}”（可用：{'、'.join(sorted(predicates))}）", "requires")
        pred = predicates[name]
        for a in list(args):
            if a == "if_reading":
                if args[a] not in doc.readings:
                    raise node.fail(f"判定“{name}”引用的解读“{args[a]}”未在 readings 中声明", "requires")
                continue
            if a in pred.param_args:
                args[a] = _param(args[a], f"requires.{name}.{a}", "count", doc, sentence, node, "requires")
            elif a not in pred.args:
                raise node.fail(f"判定“{name}”没有参数“{a}”", "requires")
        for a in pred.param_args:
            if a not in args:
                raise node.fail(f"判定“{name}”需要参数“{a}”（写成 {{value: ..., cite: 原文}}）", "requires")
        for r in pred.readings:
            if r not in doc.readings:
                raise node.fail(f"判定“{name}”需要在文件 readings 中写明解读“{r}”", "requires")
        out.append(Requirement(name, args))
    return tuple(out)


def _rule(node: Node, doc: Document, text: str, vocab: Vocabulary, order: int, registries: Registries) -> Rule:
    if not isinstance(node, Node):
        raise YamlError(doc.path, None, "rules 的每一项应为映射")
    node.check_keys(_RULE_KEYS, {"id", "clause", "sentence", "summary", "formula"}, "规则：")
    rid = _text(node, "id")
    sentence = _text(node, "sentence")
    for key in ("clause", "summary"):
        _text(node, key)
    for key in ("qualifies", "note", "group"):
        _text(node, key, required=False)
    if squash(sentence) not in text:
        raise node.fail(f"规则{rid}的原文句子在文件原文中找不到：“{sentence[:30]}…”", "sentence")
    if squash(node["clause"]) not in text:
        raise node.fail(f"规则{rid}的条款号“{node['clause']}”在原文中找不到", "clause")
    formula = node["formula"]
    kind = registries.formulas.get(formula)
    if kind is None:
        raise node.fail(f"未知计算方式“{formula}”（可用：{'、'.join(registries.formulas)}）", "formula")
    for key in sorted(kind.required):
        if key not in node:
            raise node.fail(f"计算方式{formula}需要“{key}”")
    for key in _PARAM_KEYS | {"base"}:
        if key in node and key not in kind.required and key not in kind.optional:
            raise node.fail(f"计算方式{formula}不使用“{key}”", key)
    if kind.claims == "entered":
        if "when" in node:
            raise node.fail("经办人录入金额的规则由录入事项触发，不写 when", "when")
        conditions: tuple[Condition, ...]
        ctype, conditions = "entered", (Condition("rule_id", "eq", rid),)
    elif kind.claims == "none":
        ctype, conditions = None, ()
    else:
        if "when" not in node:
            raise node.fail(f"规则{rid}缺少适用条件 when")
        ctype, conditions = _conditions(node["when"], vocab, doc, sentence, rid)
    base = node.get("base")
    base_unit = "yuan"
    if base is not None:
        fields = vocab.claim_types[ctype].fields if ctype else {}
        if base not in registries.bases and base not in fields:
            raise node.fail(f"计算基数“{base}”既不是事项字段也不是已知派生基数", "base")
        if base in fields and fields[base].type in ("int", "year"):
            base_unit = "count"  # places, pieces: a step of such a base is a count, not yuan
    kwargs = {}
    for key in _PARAM_KEYS & set(node):
        if key in ("factor", "step", "maximum", "years"):
            unit = base_unit if key == "step" else _UNIT_OF[key]
            kwargs[key] = _param(node[key], key, unit, doc, sentence, node, key)
        else:
            kwargs[key] = _param_or_keyed(node[key], key, doc, sentence, node, vocab)
    caps = []
    for c in node.get("caps") or []:
        c.check_keys({"per", "scope", "value", "cite", "key", "from", "to", "if_reading", "unless_reading"},
                     {"value", "cite"}, "上限：")
        if "scope" in c:
            raise c.fail("上限的 scope 已改为 per（按什么计：" + "、".join(CAP_LABELS) + "）", "scope")
        if c.get("per") not in CAP_LABELS:
            raise c.fail(f"未知上限范围“{c.get('per')}”（可用：{'、'.join(CAP_LABELS)}）", "per")
        for rk in ("if_reading", "unless_reading"):
            if rk in c and c[rk] not in doc.readings:
                raise c.fail(f"上限引用的解读“{c[rk]}”未在 readings 中声明", rk)
        pv = Node({k: c[k] for k in ("value", "cite", "from", "to") if k in c})
        pv.line, pv.path, pv.key_lines = c.line, c.path, c.key_lines
        p = _param(pv, f"cap.{c['per']}", "yuan", doc, sentence, c, "value")
        caps.append(Cap(c["per"], p, c.get("key", rid), c.get("if_reading"), c.get("unless_reading")))
    floor = _param(node["floor"], "floor", "yuan", doc, sentence, node, "floor") if "floor" in node else None
    once, newly = _counting(node, kind.pays, ctype, doc, caps, "years" in kwargs)
    above = node.get("above_minimum")
    if above is not None and (above != "entered" or formula != "at_least"):
        raise node.fail("above_minimum 只能写 entered，且只用于“不低于”（at_least）的规则", "above_minimum")
    formerly = node.get("formerly") or []
    if not isinstance(formerly, list) or not all(isinstance(x, str) for x in formerly):
        raise node.fail("formerly 应为规则原编号的列表", "formerly")
    return Rule(
        id=rid,
        document=doc,
        clause=node["clause"],
        sentence=sentence,
        summary=node["summary"],
        qualifies=node.get("qualifies", ""),
        formula=formula,
        pays=kind.pays,
        claim_type=ctype,
        conditions=conditions,
        requires=_requires(node.get("requires"), doc, node, sentence, registries.predicates),
        base=base,
        caps=tuple(caps),
        floor=floor,
        once=once,
        newly=newly,
        above_minimum=above is not None,
        formerly=tuple(formerly),
        group=node.get("group"),
        note=node.get("note", ""),
        line=node.line,
        order=order,
        **kwargs,
    )


def _choice(raw, allowed: dict, doc: Document, node: Node, key: str, none_ok: bool = False):
    """A plain value from ``allowed``, or ``{reading: name, when_true: value, when_false: value}``."""
    names = "、".join(allowed) + ("、none" if none_ok else "")

    def one(value, where):
        if none_ok and value == "none":
            return None
        if value not in allowed:
            raise where.fail(f"{key} 的取值“{value}”未知（可用：{names}）", key)
        return value

    if isinstance(raw, Node):
        raw.check_keys({"reading", "when_true", "when_false"}, {"reading", "when_true", "when_false"}, f"{key}：")
        if raw["reading"] not in doc.readings:
            raise node.fail(f"{key} 引用的解读“{raw['reading']}”未在 readings 中声明", key)
        return Choice(raw["reading"], one(raw["when_true"], raw), one(raw["when_false"], raw))
    if not isinstance(raw, str):
        raise node.fail(f"{key} 应写成 {names} 之一，或 {{reading: 解读, when_true: …, when_false: …}}", key)
    return one(raw, node)


def _counting(node: Node, pays: bool, ctype, doc: Document, caps, multi_year: bool):
    """``once`` (required for a rule that pays) and ``newly``, checked against the caps and years."""
    if "once" not in node:
        if not pays:
            return "subject", None
        raise node.fail("缺少 once：写明本条奖补按什么只支持一次（" + "、".join(ONCE_LABELS) + "）")
    once = _choice(node["once"], ONCE_LABELS, doc, node, "once")
    values = once.values() if isinstance(once, Choice) else (once,)
    if multi_year and set(values) != {"subject_year"}:
        raise node.fail("连续支持多年（years）的规则按事项每年支持一次，once 应为 subject_year", "once")
    for cap in caps:
        if cap.per == "subject_year" and set(values) != {"subject_year"}:
            raise node.fail("上限按“同一事项每年”计（per: subject_year）时，once 应为 subject_year", "caps")
        if cap.per == "subject" and not set(values) <= {"subject", "subject_year"}:
            raise node.fail("上限按“同一事项累计”计（per: subject）时，once 应为 subject 或 subject_year", "caps")
    newly = None
    if "newly" in node:
        if ctype != "recognition":
            raise node.fail("newly（新认定）只用于认定/获批事项（type: recognition）的规则", "newly")
        newly = _choice(node["newly"], NEWLY_LABELS, doc, node, "newly", none_ok=True)
    return once, newly


def _group(node: Node, doc: Document) -> StackingGroup:
    node.check_keys({"id", "label", "policy", "scope", "rules", "note"}, {"id", "label", "policy", "rules", "note"},
                    "叠加组：")
    if node["policy"] not in ("highest", "sum", "exclusive"):
        raise node.fail("policy 应为 highest（就高）、sum（累加）或 exclusive（互斥）", "policy")
    scope = node.get("scope", "claim")
    if scope not in ("claim", "company_year"):
        raise node.fail("scope 应为 claim（同一事项）或 company_year（同一单位同一年度）", "scope")
    return StackingGroup(node["id"], node["label"], node["policy"], scope, tuple(node["rules"]), node["note"], doc,
                         node.line)


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
            raise YamlError(g.document.path, g.line, f"叠加组{g.id}（就高）的规则必须按同一方式只支持一次"
                                                     f"（once 和 years 一致），否则无法合并计算")
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
    node.check_keys({"id", "clause", "sentence", "metric", "label", "scope", "unit", "values", "baseline",
                     "respectively"},
                    {"id", "clause", "sentence", "metric", "label", "scope", "unit", "values"}, "目标：")
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
    return Target(node["id"], doc, _text(node, "clause"), sentence, node["metric"], node["label"], node["scope"], unit,
                  read(node["values"], "values", sentence), read(node.get("baseline"), "baseline", doc.text), node.line)


def _calculator(node: Node, doc: Document, text: str, calculators) -> Calculator:
    node.check_keys({"id", "clause", "sentence", "summary", "function", "params", "note"},
                    {"id", "clause", "sentence", "summary", "function", "params"}, "测算工具：")
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
    return Calculator(node["id"], doc, node["clause"], sentence, node["summary"], fn, params, node.get("note", ""),
                      node.line)


def _calc_unit(name: str) -> str:
    if name.endswith(("_rate", "_share")):
        return "rate"
    if name.endswith(("_ratio", "year", "years")):
        return "count"
    return "yuan"


def _coverage(nodes) -> list[Node]:
    for node in nodes:
        node.check_keys({"clause", "title", "status", "rules", "note"}, {"clause", "title", "status", "note"},
                        "条款覆盖：")
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
