"""Reading a policy file's rules: their dated parameters, conditions, requirements and what each counts by.

:mod:`core.policy.loader` reads the file and its document header and hands
each entry of ``rules`` to :func:`_rule` here; every value is checked against
the sentence it cites (docs/policy-files.md).
"""

from __future__ import annotations

from decimal import Decimal

from core.policy.cite import squash, value_matches
from core.policy.model import (
    CAP_LABELS,
    NEWLY_LABELS,
    ONCE_LABELS,
    Cap,
    Choice,
    Condition,
    Document,
    Keyed,
    Param,
    ParamVersion,
    Requirement,
    Rule,
)
from core.policy.registries import Registries
from core.policy.yamlio import Node, YamlError
from core.vocabulary import Vocabulary

_PARAM_KEYS = {"amount", "rate", "factor", "step", "minimum", "maximum", "years"}
_RULE_KEYS = {
    "id",
    "clause",
    "sentence",
    "summary",
    "qualifies",
    "when",
    "requires",
    "formula",
    "base",
    "caps",
    "floor",
    "once",
    "newly",
    "above_minimum",
    "formerly",
    "group",
    "note",
    "respectively",
} | _PARAM_KEYS
_UNIT_OF = {
    "amount": "yuan",
    "rate": "rate",
    "factor": "count",
    "step": "yuan",
    "minimum": "yuan",
    "maximum": "yuan",
    "years": "count",
    "floor": "yuan",
    "cap": "yuan",
    "threshold": "yuan",
}
_PARAM_LABELS = {
    "amount": "金额",
    "rate": "比例",
    "factor": "倍数",
    "step": "每档",
    "minimum": "下限（不低于）",
    "maximum": "上限（最高）",
    "years": "支持年限",
    "floor": "起付线（低于不予补助）",
}


def _text(node: Node, key: str, required: bool = True) -> str:
    """A string field; numbers-looking values (clause ``3.``) must be quoted in YAML."""
    value = node.get(key)
    if value is None:
        if required:
            raise node.fail(f"缺少字段“{key}”", key)
        return ""
    if not isinstance(value, str):
        raise node.fail(f'“{key}”应写成文本（加引号，如 "3."），实际读到{value!r}', key)
    return value


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
_KEY_LABELS = {
    "national": "国家级",
    "regional": "自治区级",
    "municipal": "市级",
    "small_micro": "小微企业",
    "default": "其他",
    "excellent": "优秀",
    "good": "良好",
    "medium": "中型企业",
    "large": "大型企业",
    "approved": "新认定/获批建设",
    "renewed": "期满续签",
    "cultivation": "培育期",
}


def _param(
    raw, path: str, unit: str, doc: Document, sentence: str, where: Node, key: str, label: str | None = None
) -> Param:
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
        c.check_keys(
            {"per", "scope", "value", "cite", "key", "from", "to", "if_reading", "unless_reading"},
            {"value", "cite"},
            "上限：",
        )
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
