"""A policy file that cannot be trusted must not load; the message names file and line."""

import shutil
from pathlib import Path

import pytest

from core.engine import load_policies
from core.paths import POLICIES
from core.policy.loader import PolicyError

HLB = "hlb-2025-draft.yaml"


@pytest.fixture
def policy_dir(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    return d


def _edit(d: Path, old: str, new: str, name: str = HLB, count: int = 1):
    path = d / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return i
    raise AssertionError(fragment)


def test_shipped_policies_load(policies):
    assert {"hlb-2025-draft"} <= set(policies.documents)
    assert all(r.sentence for r in policies.rules.values())


def test_misspelled_cite_key_fails_with_file_and_line(policy_dir):
    path = _edit(policy_dir, "amount: {value: 500000, cite: 50万元}", "amount: {value: 500000, cit: 50万元}")
    with pytest.raises(PolicyError) as err:
        load_policies(policy_dir)
    msg = str(err.value)
    assert HLB in msg and f"第{_line_of(path, 'cit: 50万元')}行" in msg and "cit" in msg


def test_value_must_be_a_number_the_cite_states(policy_dir):
    _edit(policy_dir, "amount: {value: 100000, cite: 10万元}", "amount: {value: 1000000, cite: 10万元}")
    with pytest.raises(PolicyError, match="与引用“10万元”中的数字不符"):
        load_policies(policy_dir)


def test_cite_must_be_in_the_sentence(policy_dir):
    _edit(
        policy_dir,
        "rate: {value: 0.05, cite: 按技术交易额5%给予补贴}",
        "rate: {value: 0.05, cite: 按技术交易额5%给予奖励}",
    )
    with pytest.raises(PolicyError, match="不在条款原文中"):
        load_policies(policy_dir)


def test_sentence_must_be_in_the_document(policy_dir):
    _edit(
        policy_dir,
        "sentence: 对批准新建的博士后工作站给予30万元经费支持。",
        "sentence: 对批准新建的博士后工作站给予40万元经费支持。",
    )
    with pytest.raises(PolicyError, match="原文句子在文件原文中找不到"):
        load_policies(policy_dir)


def test_parameter_dated_outside_the_document_period_fails(policy_dir):
    _edit(
        policy_dir, "amount: {value: 300000, cite: 30万元}", "amount: {value: 300000, cite: 30万元, from: 2020-01-01}"
    )
    with pytest.raises(PolicyError, match="不在文件有效期"):
        load_policies(policy_dir)


def test_bare_number_without_citation_fails(policy_dir):
    _edit(policy_dir, "amount: {value: 300000, cite: 30万元}", "amount: 300000")
    with pytest.raises(PolicyError, match="不能只写数值"):
        load_policies(policy_dir)


def test_duplicate_key_fails(policy_dir):
    _edit(
        policy_dir,
        "    formula: fixed\n    amount: {value: 300000, cite: 30万元}",
        "    formula: fixed\n    formula: rate\n    amount: {value: 300000, cite: 30万元}",
    )
    with pytest.raises(PolicyError, match="重复出现"):
        load_policies(policy_dir)


def test_unknown_field_in_condition_fails(policy_dir):
    _edit(
        policy_dir,
        "when: {type: recognition, kind: postdoc_station, stage: approved}",
        "when: {type: recognition, knd: postdoc_station, stage: approved}",
    )
    with pytest.raises(PolicyError, match="没有字段“knd”"):
        load_policies(policy_dir)


def test_unknown_enum_value_fails(policy_dir):
    _edit(
        policy_dir,
        "when: {type: recognition, kind: postdoc_station, stage: approved}",
        "when: {type: recognition, kind: postdoc_statoin, stage: approved}",
    )
    with pytest.raises(PolicyError, match="不在词表"):
        load_policies(policy_dir)


def test_unknown_requirement_fails(policy_dir):
    _edit(policy_dir, "      - super_deduction_years: {years:", "      - super_deduction_yeras: {years:")
    with pytest.raises(PolicyError, match="未知判定"):
        load_policies(policy_dir)


def test_rule_missing_from_coverage_fails(policy_dir):
    _edit(policy_dir, "rules: [hlb-15-intl-base]", "rules: []")
    with pytest.raises(PolicyError, match="没有列入任何条款的覆盖说明"):
        load_policies(policy_dir)


def test_group_naming_unknown_rule_fails(policy_dir):
    _edit(policy_dir, "rules: [hlb-01-hte-first, hlb-01-hte-repeat]", "rules: [hlb-01-hte-first, hlb-01-hte-repaet]")
    with pytest.raises(PolicyError, match="不存在的规则"):
        load_policies(policy_dir)


# ------------------------------------------------------------------ what once, newly and caps count by


def test_unknown_once_value_fails_with_file_and_line(policy_dir):
    path = _edit(
        policy_dir,
        "    amount: {value: 300000, cite: 30万元}\n    once: subject",
        "    amount: {value: 300000, cite: 30万元}\n    once: per_contract",
    )
    with pytest.raises(PolicyError) as err:
        load_policies(policy_dir)
    msg = str(err.value)
    assert HLB in msg and f"第{_line_of(path, 'once: per_contract')}行" in msg
    assert "once 的取值“per_contract”未知（可用：subject、subject_year、event、company、company_year）" in msg


def test_a_paying_rule_must_say_what_it_counts_by(policy_dir):
    _edit(
        policy_dir,
        "    amount: {value: 300000, cite: 30万元}\n    once: subject\n",
        "    amount: {value: 300000, cite: 30万元}\n",
    )
    with pytest.raises(PolicyError, match="缺少 once"):
        load_policies(policy_dir)


def test_unknown_newly_value_and_undeclared_reading_fail(policy_dir):
    _edit(
        policy_dir,
        "newly: company\n    formula: fixed\n    amount: {value: 500000, cite: 50万元}",
        "newly: platfrom\n    formula: fixed\n    amount: {value: 500000, cite: 50万元}",
    )
    with pytest.raises(PolicyError, match="newly 的取值“platfrom”未知"):
        load_policies(policy_dir)


def test_newly_reading_must_be_declared(policy_dir):
    _edit(
        policy_dir,
        "newly: {reading: newly_per_platform, when_true: platform, when_false: company}",
        "newly: {reading: newly_per_platfrom, when_true: platform, when_false: company}",
    )
    with pytest.raises(PolicyError, match="newly 引用的解读“newly_per_platfrom”未在 readings 中声明"):
        load_policies(policy_dir)


def test_newly_only_for_recognitions(policy_dir):
    _edit(
        policy_dir,
        "    once: subject\n    caps:\n      - {per: subject, value: 500000",
        "    once: subject\n    newly: company\n    caps:\n      - {per: subject, value: 500000",
    )
    with pytest.raises(PolicyError, match="newly（新认定）只用于认定/获批事项"):
        load_policies(policy_dir)


def test_old_cap_scope_names_its_replacement(policy_dir):
    _edit(
        policy_dir,
        "{per: subject, value: 500000, cite: 单个技术合同最高补贴50万元}",
        "{scope: item, value: 500000, cite: 单个技术合同最高补贴50万元}",
    )
    with pytest.raises(PolicyError, match="上限的 scope 已改为 per"):
        load_policies(policy_dir)


def test_cap_per_subject_year_needs_once_per_subject_year(policy_dir):
    _edit(
        policy_dir,
        "{per: subject, value: 500000, cite: 单个技术合同最高补贴50万元}",
        "{per: subject_year, value: 500000, cite: 单个技术合同最高补贴50万元}",
    )
    with pytest.raises(PolicyError, match="once 应为 subject_year"):
        load_policies(policy_dir)


def test_multi_year_support_counts_per_subject_and_year(policy_dir):
    _edit(
        policy_dir,
        "    years: {value: 5, cite: 连续5年}\n    once: subject_year",
        "    years: {value: 5, cite: 连续5年}\n    once: subject",
        name="nmg-2020-kjxm.yaml",
    )
    with pytest.raises(PolicyError, match="连续支持多年（years）的规则按事项每年支持一次"):
        load_policies(policy_dir)


def test_members_of_a_highest_group_count_alike(policy_dir):
    _edit(
        policy_dir,
        "    amount: {value: 300000, cite: 一次性奖励30万元研发经费}\n    once: company\n    group: nmg-hte-first",
        "    amount: {value: 300000, cite: 一次性奖励30万元研发经费}\n    once: subject\n    group: nmg-hte-first",
        name="nmg-2020-kjxm.yaml",
    )
    with pytest.raises(PolicyError, match="叠加组nmg-hte-first（就高）的规则必须按同一方式只支持一次"):
        load_policies(policy_dir)


def test_company_city_condition_is_checked_against_the_vocabulary(policy_dir):
    _edit(policy_dir, "city: [hohhot, baotou, ordos]", "city: [hohhot, baotuo, ordos]", name="nmg-2020-kjxm.yaml")
    with pytest.raises(PolicyError, match="city 的取值“baotuo”不在词表“cities”中"):
        load_policies(policy_dir)


def test_an_override_stored_for_the_old_item_cap_applies_to_the_cap_per_subject(policies):
    import datetime as dt
    from decimal import Decimal

    from core.policy.policyset import Override

    o = Override(
        "hlb-12-tech-contract",
        "cap.item",
        Decimal("600000"),
        dt.date(2026, 1, 1),
        None,
        "赵管理",
        dt.datetime(2026, 3, 1),
        "依据通知上调单个合同上限",
    )
    rule = policies.with_overrides([o]).rules["hlb-12-tech-contract"]
    (per_subject,) = [c for c in rule.caps if c.per == "subject"]
    assert per_subject.param.at(dt.date(2026, 5, 1)).value == Decimal("600000")


def test_an_override_of_a_split_rule_applies_to_the_rules_it_became(policies):
    import datetime as dt
    from decimal import Decimal

    from core.policy.policyset import Override

    o = Override(
        "nmg20-09-special-zones",
        "amount",
        Decimal("60000000"),
        dt.date(2021, 1, 1),
        None,
        "赵管理",
        dt.datetime(2026, 3, 1),
        "测试",
    )
    ps = policies.with_overrides([o])
    for rid in ("nmg20-09-sustainable-zone", "nmg20-09-agri-demo-zone"):
        assert ps.rules[rid].amount.at(dt.date(2026, 5, 1)).value == Decimal("60000000")


def test_the_loader_checks_against_the_registries_it_is_given(policy_dir):
    """core.policy knows no formula or history check of its own: take one away and a rule using it is refused."""
    from dataclasses import replace

    from core.engine import ENGINE
    from core.policy.loader import load_policies as load_with

    no_rate = replace(ENGINE, formulas={k: v for k, v in ENGINE.formulas.items() if k != "rate"})
    with pytest.raises(PolicyError, match="未知计算方式“rate”"):
        load_with(policy_dir, registries=no_rate)
    no_check = replace(ENGINE, predicates={k: v for k, v in ENGINE.predicates.items() if k != "consecutive_tech_sme"})
    with pytest.raises(PolicyError, match="未知判定“consecutive_tech_sme”"):
        load_with(policy_dir, registries=no_check)
    assert len(load_with(policy_dir, registries=ENGINE).rules) == len(load_policies(policy_dir).rules)


def test_every_formula_kind_declares_what_it_needs_and_computes_if_it_pays():
    from core.engine.formulas import FORMULAS

    assert set(FORMULAS) == {"fixed", "rate", "per_step", "multiple", "at_least", "entered", "informational"}
    for kind in FORMULAS.values():
        assert kind.label and (kind.compute is not None) == kind.pays, kind.name
        assert not set(kind.required) & set(kind.optional), kind.name
    assert [k for k, v in FORMULAS.items() if not v.pays] == ["informational"]
