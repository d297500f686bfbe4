"""Context: what stays the same for every company of one evaluation run (core.engine.evaluate)."""

from __future__ import annotations

import datetime as dt

from core.engine.counting import Families, additive
from core.policy.model import Rule
from core.policy.policyset import PolicySet


class Context:
    """What stays the same for every company of one evaluation run."""

    def __init__(self, policies: PolicySet, award_year: int, as_of: dt.date | None = None, include_drafts: bool = True):
        self.policies = policies
        self.vocabulary = policies.vocabulary
        self.award_year = award_year
        self.as_of = as_of or dt.date(award_year, 12, 31)
        self.include_drafts = include_drafts
        self.cap_rules = _cap_key_rules(policies)
        self.families = Families.build(policies)
        spec = self.vocabulary.claim_types["recognition"].fields
        self.recognition_defaults = {name: f.default for name, f in spec.items() if f.default is not None}
        self._multi_year: dict[str, tuple] = {}
        self._additive: dict[str, bool] = {}
        self.document_refusals: dict[tuple, str | None] = {}  # (document id, day) -> matching._document_refusal
        self.param_uses: dict[tuple, tuple] = {}  # (id(param), day) -> (param, value, ParamUse): formulas.Eval.param
        self.period_caps = {
            rid: tuple(c for c in rule.caps if c.per in PERIOD_CAPS) for rid, rule in policies.rules.items()
        }

    def additive(self, rule: Rule) -> bool:
        """core.engine.counting.additive, once per rule."""
        found = self._additive.get(rule.id)
        if found is None:
            found = self._additive[rule.id] = additive(rule, self.vocabulary)
        return found

    def multi_year(self, city: str) -> tuple[tuple[Rule, ...], frozenset | None]:
        """The rules of ``city`` that pay for several years, and the recognition kinds they can match (None: any)."""
        found = self._multi_year.get(city)
        if found is None:
            rules = self.policies.multi_year_rules(city)
            filters = [rule.kind_filter for rule in rules]
            kinds = (
                None
                if any(f is None for f in filters)
                else frozenset(kind for f in filters if f is not None for kind in f)
            )
            found = self._multi_year[city] = (rules, kinds)
        return found


PERIOD_CAPS = ("company_year", "person_total", "person_year")  # caps that span subjects (the last pass)


def _cap_key_rules(policies: PolicySet) -> dict[str, frozenset]:
    out: dict[str, set] = {}
    for rule in policies.rules.values():
        for cap in rule.caps:
            out.setdefault(cap.key, set()).update(rule.family_ids)
    return {k: frozenset(v) for k, v in out.items()}
