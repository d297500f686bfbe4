"""Policy documents, rules and dated parameters as plain objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

LEVEL_REGION = "region"
LEVEL_CITY = "city"

STATUS_LABELS = {"in_force": "现行有效", "draft": "征求意见稿", "expired": "已失效", "repealed": "已废止"}
STACKING_LABELS = {"highest": "就高（取金额最高者）", "sum": "累加", "exclusive": "互斥（只能有一项）"}
# What a rule's "once" counts by: the claims of one key are added up (or the
# highest taken), and what the ledger already paid for the key is deducted.
ONCE_LABELS = {
    "subject": "按同一事项计：同一事项的各次申报（含以前年度）合并计算，已兑现的扣除",
    "subject_year": "按同一事项每年计：同一事项同一年度的各次申报合并计算，已兑现的扣除",
    "event": "按每次认定（评估、续签）计：同一次只支持一次",
    "company": "每个单位只享受一次",
    "company_year": "每个单位每年只享受一次",
}
ONCE_SHORT = {
    "subject": "按事项",
    "subject_year": "按事项每年",
    "event": "按每次认定",
    "company": "每单位一次",
    "company_year": "每单位每年一次",
}
NEWLY_SHORT = {"company": "首次(单位)", "company_any_level": "首次(单位,不论级别)", "platform": "新认定(平台)"}
# What "新认定/新获批/首次" counts by: which earlier recognitions make a claim not new.
NEWLY_LABELS = {
    "company": "本单位此前没有同类同级认定（首次）",
    "company_any_level": "本单位此前没有同类认定（不论级别）",
    "platform": "该平台（载体）此前没有同类同级认定；名称不同的另一平台不受影响",
}
# What a cap counts by.
CAP_LABELS = {
    "subject": "同一事项累计",
    "subject_year": "同一事项每年",
    "company_year": "每个单位每年",
    "person_total": "同一人累计",
    "person_year": "同一人每年",
}


@dataclass(frozen=True, slots=True)
class Choice:
    """A value that depends on a reading of the document: ``when_true`` if the reading holds, else ``when_false``."""

    reading: str
    when_true: str | None
    when_false: str | None

    def values(self) -> tuple:
        return self.when_true, self.when_false


@dataclass(frozen=True, slots=True)
class ParamVersion:
    value: Decimal
    cite: str
    start: dt.date
    end: dt.date | None = None
    source: str = "policy"  # "policy", or who changed it: "override:张三 2026-03-01 理由"
    line: int = 0

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Param:
    """One number of a rule with its history of values; ``path`` names it in overrides."""

    path: str
    label: str
    unit: str  # "yuan", "rate", "count"
    versions: tuple[ParamVersion, ...]

    def at(self, day: dt.date) -> ParamVersion | None:
        found = None
        for v in self.versions:  # later versions (overrides) win where they overlap
            if v.covers(day):
                found = v
        return found

    def with_version(self, version: ParamVersion) -> Param:
        return replace(self, versions=self.versions + (version,))


@dataclass(frozen=True, slots=True)
class Keyed:
    """A parameter that depends on a field (amount by level, rate by size)."""

    by: str
    entries: dict  # key -> Param; key "default" matches anything else

    def pick(self, key: str) -> Param | None:
        return self.entries.get(key) or self.entries.get("default")


@dataclass(frozen=True, slots=True)
class Cap:
    per: str  # subject | subject_year | company_year | person_total | person_year (CAP_LABELS)
    param: Param
    key: str  # caps with the same key share one limit
    if_reading: str | None = None
    unless_reading: str | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str  # eq | in | at_least | below | contains
    value: Any  # str, tuple of str, or Param (by op)
    of: str = "claim"  # "claim": a field of the claim; "company": an attribute of the company (city)


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str
    args: dict


@dataclass(frozen=True, slots=True)
class Reading:
    """How this program reads an ambiguous passage; an administrator may change it."""

    name: str
    value: object
    note: str
    line: int = 0
    source: str = "policy"


@dataclass(frozen=True, eq=False)
class Document:
    id: str
    title: str
    doc_number: str | None
    issuer: str
    level: str  # region | city
    city: str | None
    date: dt.date
    effective_from: dt.date
    effective_to: dt.date | None
    status: str
    repeals: tuple[str, ...]
    stacking_principle: str | None
    stacking_note: str
    rounding_note: str
    path: str
    text: str
    readings: dict = field(default_factory=dict)

    def in_effect(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def applies_to_city(self, city: str) -> bool:
        return self.level == LEVEL_REGION or self.city == city

    def reading(self, name: str) -> object:
        return self.readings[name].value

    @property
    def period_text(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "今"
        return f"{self.effective_from.isoformat()}至{end}"

    def status_on(self, day: dt.date) -> str:
        """The status a clerk reads on ``day``: a document in force past its end date has expired (issue 15:
        documents valid to 2025-12-31 showed as 现行有效 on 2026-12-01), one not yet in effect says so."""
        if self.status == "in_force":
            if self.effective_to is not None and day > self.effective_to:
                return f"已失效（{self.effective_to.isoformat()}到期）"
            if day < self.effective_from:
                return f"尚未施行（{self.effective_from.isoformat()}起）"
        return STATUS_LABELS[self.status]

    @property
    def citation(self) -> str:
        return f"《{self.title}》" + (f"（{self.doc_number}）" if self.doc_number else "")


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    document: Document
    clause: str
    sentence: str
    summary: str
    qualifies: str
    formula: str  # a kind of the formula registry the loader was given (core.engine.formulas.FORMULAS)
    claim_type: str | None
    conditions: tuple[Condition, ...]
    requires: tuple[Requirement, ...]
    amount: Param | Keyed | None = None
    rate: Param | Keyed | None = None
    factor: Param | None = None
    step: Param | None = None
    minimum: Param | Keyed | None = None
    maximum: Param | None = None
    years: Param | None = None
    base: str | None = None
    caps: tuple[Cap, ...] = ()
    floor: Param | None = None
    once: str | Choice = "subject"  # what the award counts by (ONCE_LABELS)
    newly: str | Choice | None = None  # what makes a recognition not new (NEWLY_LABELS)
    above_minimum: bool = False  # at_least: the clerk may enter the approved amount, not below the minimum
    formerly: tuple[str, ...] = ()  # earlier ids of this rule: their ledger entries count as its own
    group: str | None = None
    note: str = ""
    line: int = 0
    order: int = 0
    pays: bool = True  # False: the clause states no amount (the formula registry says which kinds pay)

    @property
    def kind_filter(self) -> tuple[str, ...] | None:
        for c in self.conditions:
            if c.field == "kind":
                return (str(c.value),) if c.op == "eq" else tuple(c.value)
        return None

    @property
    def family_ids(self) -> tuple[str, ...]:
        return (self.id,) + self.formerly

    def params(self) -> Iterator[tuple[str, Param]]:
        """Every (path, Param) of the rule, for screens and overrides."""
        for name in ("amount", "rate", "minimum"):
            p = getattr(self, name)
            if isinstance(p, Keyed):
                yield from ((q.path, q) for q in p.entries.values())
            elif p is not None:
                yield p.path, p
        for name in ("factor", "step", "maximum", "years", "floor"):
            p = getattr(self, name)
            if p is not None:
                yield p.path, p
        for c in self.caps:
            yield c.param.path, c.param
        for cond in self.conditions:
            if isinstance(cond.value, Param):
                yield cond.value.path, cond.value
        for req in self.requires:
            for value in req.args.values():
                if isinstance(value, Param):
                    yield value.path, value


@dataclass(frozen=True, eq=False)
class StackingGroup:
    id: str
    label: str
    policy: str  # highest | sum | exclusive
    scope: str  # claim | company_year
    rules: tuple[str, ...]
    note: str
    document: Document
    line: int = 0


@dataclass(frozen=True, eq=False)
class Target:
    id: str
    document: Document
    clause: str
    sentence: str
    metric: str
    label: str
    scope: str  # city name, or "region"
    unit: str  # count | rate | yuan
    values: dict  # year -> ParamVersion-like (value, cite)
    baseline: dict  # year -> Decimal (stated actuals, e.g. 2022年底53家)
    line: int = 0


@dataclass(frozen=True, eq=False)
class Calculator:
    id: str
    document: Document
    clause: str
    sentence: str
    summary: str
    function: str
    params: dict  # name -> Param
    note: str = ""
    line: int = 0
