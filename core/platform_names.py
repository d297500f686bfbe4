"""The platform's name, required wherever a platform record enters the store and its identity decides money.

The engine tells platforms apart by name; without one by certificate number; with neither it reads a record as
possibly any platform of its kind (core.engine.predicates.may_be_same_platform). Those fallbacks are conservative
but not stable: a record a first batch could tell apart may become indistinguishable once a later batch brings
another, so the same claims can pay differently in one batch and in two. A platform always has a name on its
certificate, so every input asks for it: a workbook's rows (历史-认定记录 and 申报-认定、获批), an official platform
list, the company history editor and a ledger entry typed in by hand (reading ``platform_name_required`` in
docs/coverage.md). The certificate number stays optional. Records stored before keep the engine's fallbacks.

Which kinds are platforms is read from the rule data, not listed here: the kinds of the recognition rules whose
amount depends on which platform it is, that is a support running for years per platform (``years``) or a
'newly' check that may be made per platform (``newly``: platform). A once-only rule (``once``: subject) on such a
kind counts by the platform too; one on another kind (a company title such as 创新引领型民营企业, a 地理标志商标)
counts by kind and level, and no name is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from core.subjects import normalize, parse_recognition_subject

if TYPE_CHECKING:
    from core.policy.model import Rule
    from core.policy.policyset import PolicySet

LABEL = "平台或载体名称"


def _per_platform(rule: Rule) -> bool:
    """Whether a recognition rule's amount depends on which platform it is: yearly support, or 'newly' per platform."""
    if rule.claim_type != "recognition" or rule.kind_filter is None:
        return False
    newly = rule.newly
    readings = newly.values() if newly is not None and not isinstance(newly, str) else (newly,)
    return rule.years is not None or "platform" in readings


def platform_kinds(policies: PolicySet) -> frozenset[str]:
    """The recognition kinds that are platforms (or carriers) in the rule data: see the module's docstring."""
    return frozenset(k for r in policies.rules.values() if _per_platform(r) for k in r.kind_filter or ())


@lru_cache(maxsize=1)
def _program_policies() -> PolicySet:
    from core.engine.registries import load_policies

    return load_policies()


def _kinds(policies: PolicySet | None) -> frozenset[str]:
    return platform_kinds(policies) if policies is not None else _program_kinds()


@lru_cache(maxsize=1)
def _program_kinds() -> frozenset[str]:
    """:func:`platform_kinds` of the program's policy files (loaded on first use: only a record without a name)."""
    return platform_kinds(_program_policies())


def name_problem(kind: str, name: object, policies: PolicySet | None = None) -> str | None:
    """Why a recognition (on file or claimed) of ``kind`` without a platform name is refused, else None."""
    if normalize(name) or kind not in _kinds(policies):
        return None
    return (
        f"请填写{LABEL}：该类别是平台或载体，连续支持、“新认定”“只支持一次”都按名称区分是否同一平台，"
        "须按证书填写名称（证书编号可不填）"
    )


def rule_names_platforms(rule: Rule, policies: PolicySet | None = None) -> bool:
    """Whether what ``rule`` paid must name the platform: a recognition rule on a kind that is a platform."""
    kinds = _kinds(policies)
    return rule.claim_type == "recognition" and any(k in kinds for k in rule.kind_filter or ())


def ledger_problem(rule_id: str, subject: str, policies: PolicySet | None = None) -> str | None:
    """Why a ledger entry typed in for ``rule_id`` (or one of its former ids) is refused for naming no platform."""
    ps = policies if policies is not None else _program_policies()
    rule = ps.rules.get(rule_id) or next((r for r in ps.rules.values() if rule_id in r.formerly), None)
    if rule is None or not rule_names_platforms(rule, ps):
        return None
    parsed = parse_recognition_subject(subject or "")
    if parsed is not None and parsed[2]:
        return None
    return f"请填写{LABEL}：该条款按平台计算奖补，已兑现的须写明是哪个平台（按证书填写名称），以后申报时据此扣除"
