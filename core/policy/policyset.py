"""The loaded policies, indexed for the engine, with administrator overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.policy.model import (
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
)


@dataclass(frozen=True, slots=True)
class Override:
    """An administrator's change to one parameter or reading, kept with who, when and why.

    ``target`` is a rule id for parameters (``path`` like ``amount.national``,
    ``cap.company_year``) or a document id for readings (``path`` =
    ``reading.<name>``). The value applies to events dated ``start``..``end``.
    """

    target: str
    path: str
    value: object
    start: dt.date
    end: dt.date | None
    who: str
    when: dt.datetime
    reason: str

    @property
    def source(self) -> str:
        return f"override:{self.who} {self.when:%Y-%m-%d %H:%M} {self.reason}"


class OverrideError(ValueError):
    pass


# Overrides stored by earlier versions name a rule's single-item cap "cap.item";
# it is the rule's cap counted by the subject now (cap.subject / cap.subject_year).
LEGACY_ITEM_CAP = "cap.item"


class PolicySet:
    def __init__(self, documents, rules, groups, targets, calculators, coverage, vocabulary):
        self.documents: dict[str, Document] = documents
        self.rules: dict[str, Rule] = rules
        self.groups: dict[str, StackingGroup] = groups
        self.targets = targets
        self.calculators = calculators
        self.coverage = coverage
        self.vocabulary = vocabulary
        self._index: dict[str, dict] = {}
        self._multi_year: dict[str, tuple[Rule, ...]] = {}

    # ----- engine index -------------------------------------------------
    def index_for(self, city: str) -> dict:
        """Rules that can pay a company in ``city``, keyed by (claim type, kind or None)."""
        idx = self._index.get(city)
        if idx is None:
            idx = {}
            for rule in self.rules.values():
                if not rule.pays or not rule.document.applies_to_city(city):
                    continue
                kinds = rule.kind_filter or (None,)
                for kind in kinds:
                    idx.setdefault((rule.claim_type, kind), []).append(rule)
            idx = {k: tuple(sorted(v, key=lambda r: (r.document.id, r.order))) for k, v in idx.items()}
            self._index[city] = idx
        return idx

    def multi_year_rules(self, city: str) -> tuple[Rule, ...]:
        found = self._multi_year.get(city)
        if found is None:
            found = tuple(
                r
                for r in self.rules.values()
                if r.pays and r.years is not None and r.claim_type == "recognition" and r.document.applies_to_city(city)
            )
            self._multi_year[city] = found
        return found

    def group_of(self, rule: Rule) -> StackingGroup | None:
        return self.groups.get(rule.group) if rule.group else None

    # ----- overrides ----------------------------------------------------
    def with_overrides(self, overrides) -> PolicySet:
        """A new PolicySet with each override added as the newest version of its parameter."""
        documents = dict(self.documents)
        rules = dict(self.rules)
        for o in overrides:
            if o.path.startswith("reading."):
                doc = documents.get(o.target)
                name = o.path[len("reading.") :]
                if doc is None or name not in doc.readings:
                    raise OverrideError(f"找不到要修改的解读：{o.target} {o.path}")
                old = doc.readings[name]
                readings = dict(doc.readings)
                readings[name] = Reading(name, o.value, old.note, old.line, o.source)
                documents[o.target] = replace(doc, readings=readings)
                continue
            if o.target in rules:
                rules[o.target] = _override_rule(rules[o.target], o)
                continue
            # A rule renamed or split since the override was made: it applies to the rules it became.
            heirs = [rid for rid, r in rules.items() if o.target in r.formerly]
            if not heirs:
                raise OverrideError(f"找不到要修改参数的规则：{o.target}")
            applied = 0
            for rid in heirs:
                try:
                    rules[rid] = _override_rule(rules[rid], o)
                    applied += 1
                except OverrideError:
                    if len(heirs) == 1:
                        raise
            if not applied:
                raise OverrideError(f"规则{o.target}已拆分为{'、'.join(heirs)}，均没有参数“{o.path}”")
        # rules keep pointing at their (possibly new) document
        for rid, rule in rules.items():
            doc = documents[rule.document.id]
            if doc is not rule.document:
                rules[rid] = replace(rule, document=doc)
        return PolicySet(documents, rules, self.groups, self.targets, self.calculators, self.coverage, self.vocabulary)

    # ----- listing ------------------------------------------------------
    def rules_json(self) -> list[dict]:
        out = []
        for rule in sorted(self.rules.values(), key=lambda r: (r.document.id, r.order)):
            doc = rule.document
            out.append(
                {
                    "id": rule.id,
                    "document": doc.title,
                    "document_id": doc.id,
                    "doc_number": doc.doc_number,
                    "clause": rule.clause,
                    "kind": rule.formula,
                    "summary": rule.summary,
                    "sentence": rule.sentence,
                    "claim_type": rule.claim_type,
                    "group": rule.group,
                    "counting": counting_json(rule),
                    "params": {path: [_version_json(v) for v in p.versions] for path, p in rule.params()},
                }
            )
        return out


def _choice_json(value):
    if isinstance(value, Choice):
        return {"reading": value.reading, "when_true": value.when_true, "when_false": value.when_false}
    return value


def counting_json(rule: Rule) -> dict:
    """What the rule's 'once', 'newly' and caps count by, as the policy file states them."""
    return {
        "once": _choice_json(rule.once),
        "newly": _choice_json(rule.newly),
        "caps": [
            {
                "per": c.per,
                "value": str(c.param.versions[0].value),
                "cite": c.param.versions[0].cite,
                "if_reading": c.if_reading,
                "unless_reading": c.unless_reading,
            }
            for c in rule.caps
        ],
        "years": str(rule.years.versions[0].value) if rule.years is not None else None,
        "above_minimum": "entered" if rule.above_minimum else None,
    }


def _version_json(v: ParamVersion) -> dict:
    return {
        "value": str(v.value),
        "cite": v.cite,
        "from": v.start.isoformat(),
        "to": v.end.isoformat() if v.end else None,
        "source": v.source,
    }


def _override_rule(rule: Rule, o: Override) -> Rule:
    if not isinstance(o.value, (int, Decimal)) or isinstance(o.value, bool):
        raise OverrideError(f"参数值应为数值：{o.value!r}")
    version = ParamVersion(Decimal(o.value), f"管理员调整：{o.reason}", o.start, o.end, o.source)

    def bump(p: Param) -> Param:
        return p.with_version(version)

    head, _, rest = o.path.partition(".")
    if head in ("amount", "rate", "minimum") and getattr(rule, head) is not None:
        p = getattr(rule, head)
        if isinstance(p, Keyed):
            if rest not in p.entries:
                raise OverrideError(f"规则{rule.id}的参数{head}没有取值“{rest}”")
            entries = dict(p.entries)
            entries[rest] = bump(entries[rest])
            return _with(rule, head, Keyed(p.by, entries))
        if rest:
            raise OverrideError(f"规则{rule.id}的参数{head}不区分取值")
        return _with(rule, head, bump(p))
    if head in ("factor", "step", "maximum", "years", "floor") and not rest and getattr(rule, head) is not None:
        return _with(rule, head, bump(getattr(rule, head)))
    if head == "cap":
        caps = list(rule.caps)
        # stored before caps said what they count by: the item cap is the rule's cap(s) counted by the subject
        paths = {"cap.subject", "cap.subject_year"} if o.path == LEGACY_ITEM_CAP else {o.path}
        hit = False
        for i, c in enumerate(caps):
            if c.param.path in paths:
                caps[i] = Cap(c.per, bump(c.param), c.key, c.if_reading, c.unless_reading)
                hit = True
        if hit:
            return replace(rule, caps=tuple(caps))
    if head == "when":
        conds = list(rule.conditions)
        for i, cond in enumerate(conds):
            if isinstance(cond.value, Param) and cond.value.path == o.path:
                conds[i] = Condition(cond.field, cond.op, bump(cond.value))
                return replace(rule, conditions=tuple(conds))
    if head == "requires":
        reqs = list(rule.requires)
        for i, r in enumerate(reqs):
            for name, value in r.args.items():
                if isinstance(value, Param) and value.path == o.path:
                    args = dict(r.args)
                    args[name] = bump(value)
                    reqs[i] = Requirement(r.name, args)
                    return replace(rule, requires=tuple(reqs))
    raise OverrideError(f"规则{rule.id}没有参数“{o.path}”")


def _with(rule: Rule, name: str, value: Any) -> Rule:
    """``rule`` with the one field ``name`` replaced (a field chosen by the override's path)."""
    changes: dict[str, Any] = {name: value}
    return replace(rule, **changes)
