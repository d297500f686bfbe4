"""A policy file that cannot be trusted must not load; the message names file and line."""
import shutil
from pathlib import Path

import pytest

from core.paths import POLICIES
from core.policy.loader import PolicyError, load_policies

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
    _edit(policy_dir, "rate: {value: 0.05, cite: 按技术交易额5%给予补贴}",
          "rate: {value: 0.05, cite: 按技术交易额5%给予奖励}")
    with pytest.raises(PolicyError, match="不在条款原文中"):
        load_policies(policy_dir)


def test_sentence_must_be_in_the_document(policy_dir):
    _edit(policy_dir, "sentence: 对批准新建的博士后工作站给予30万元经费支持。",
          "sentence: 对批准新建的博士后工作站给予40万元经费支持。")
    with pytest.raises(PolicyError, match="原文句子在文件原文中找不到"):
        load_policies(policy_dir)


def test_parameter_dated_outside_the_document_period_fails(policy_dir):
    _edit(policy_dir, "amount: {value: 300000, cite: 30万元}",
          "amount: {value: 300000, cite: 30万元, from: 2020-01-01}")
    with pytest.raises(PolicyError, match="不在文件有效期"):
        load_policies(policy_dir)


def test_bare_number_without_citation_fails(policy_dir):
    _edit(policy_dir, "amount: {value: 300000, cite: 30万元}", "amount: 300000")
    with pytest.raises(PolicyError, match="不能只写数值"):
        load_policies(policy_dir)


def test_duplicate_key_fails(policy_dir):
    _edit(policy_dir, "    formula: fixed\n    amount: {value: 300000, cite: 30万元}",
          "    formula: fixed\n    formula: rate\n    amount: {value: 300000, cite: 30万元}")
    with pytest.raises(PolicyError, match="重复出现"):
        load_policies(policy_dir)


def test_unknown_field_in_condition_fails(policy_dir):
    _edit(policy_dir, "when: {type: recognition, kind: postdoc_station, stage: approved}",
          "when: {type: recognition, knd: postdoc_station, stage: approved}")
    with pytest.raises(PolicyError, match="没有字段“knd”"):
        load_policies(policy_dir)


def test_unknown_enum_value_fails(policy_dir):
    _edit(policy_dir, "when: {type: recognition, kind: postdoc_station, stage: approved}",
          "when: {type: recognition, kind: postdoc_statoin, stage: approved}")
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
