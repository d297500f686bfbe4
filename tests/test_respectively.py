"""“分别给予100万元、50万元”: swapping any two values bound to a 分别 sentence must stop the policies loading.

The sentences and their values are found in the shipped policy files, not listed here: every rule
parameter (amount, rate, minimum, maximum; keyed or not) and target value whose ``cite`` quotes a 分别
sentence is a slot, and every two slots of one sentence with different values are swapped (the whole
``{value: ..., cite: ...}`` mapping, so the cite check cannot be what catches it) in a copy of the policy
folder. The copy must fail to load naming both, or, if it loads, a rule case must fail.
"""

import itertools
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal

import pytest

from core.engine import load_policies
from core.paths import POLICIES
from core.policy.cite import squash
from core.policy.loader import PolicyError
from core.policy.respectively import UNCHECKED
from core.policy.yamlio import Node, load_yaml
from core.rulecases import run_rule_cases

MARK = "分别"
PARAMS = ("amount", "rate", "minimum", "maximum")
ONE_LINE_MAPPING = re.compile(r"\{\s*value:[^{}]*\}")
# A number with its unit, read independently of the module under test.
STATED = re.compile(r"(\d+(?:\.\d+)?)(万元|亿元|万|亿|元|%|％|家|个)")


@dataclass(frozen=True)
class Slot:
    file: str
    doc: str
    owner: str  # rule or target id
    path: str  # amount.national, maximum, values.2025
    line: int
    value: Decimal

    def __str__(self):
        return f"{self.owner} {self.path}"


def _value_nodes(node: Node, section: str):
    if section == "targets":
        for year, v in (node.get("values") or {}).items():
            yield f"values.{year}", v
        return
    for name in PARAMS:
        raw = node.get(name)
        if isinstance(raw, Node) and "by" in raw:
            for key, v in raw.items():
                if key != "by":
                    yield f"{name}.{key}", v
        elif raw is not None:
            yield name, raw


def find_sentences() -> dict:
    """(file, doc id, sentence) -> the slots quoting it, from every policy file."""
    found: dict = {}
    for path in sorted(POLICIES.glob("*.yaml")):
        if path.name == "vocabulary.yaml":
            continue
        data = load_yaml(path)
        for section in ("rules", "targets"):
            for node in data.get(section) or []:
                sentence = str(node["sentence"])
                if MARK not in sentence:
                    continue
                for where, v in _value_nodes(node, section):
                    for version in v if isinstance(v, list) else [v]:
                        if MARK in str(version["cite"]):
                            slot = Slot(
                                path.name,
                                data["document"]["id"],
                                node["id"],
                                where,
                                version.line,
                                Decimal(version["value"]),
                            )
                            found.setdefault((path.name, data["document"]["id"], sentence), []).append(slot)
    return found


SENTENCES = find_sentences()
PAIRS = [
    (sentence, a, b)
    for (_f, _d, sentence), slots in SENTENCES.items()
    for a, b in itertools.combinations(slots, 2)
    if a.value != b.value
]


def _swap(folder, a: Slot, b: Slot) -> None:
    path = folder / a.file
    lines = path.read_text(encoding="utf-8").split("\n")
    texts = []
    for slot in (a, b):
        found = ONE_LINE_MAPPING.findall(lines[slot.line - 1])
        assert len(found) == 1, f"{slot.file}:{slot.line} is not one {{value, cite}} mapping on its line"
        texts.append(found[0])
    lines[a.line - 1] = lines[a.line - 1].replace(texts[0], texts[1])
    lines[b.line - 1] = lines[b.line - 1].replace(texts[1], texts[0])
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def policy_copy(tmp_path):
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder)
    return folder


def test_the_shipped_files_have_respectively_sentences_to_swap():
    assert PAIRS, "no 分别 sentence with two different values found in the policy files"
    docs = {doc for (_f, doc, _s) in SENTENCES}
    assert {"bt-2021-24", "hlb-2025-draft", "nmg-2020-kjxm", "nmg-2021-35"} <= docs


def test_every_respectively_sentence_of_the_texts_with_two_amounts_is_swapped():
    """A 分别 sentence of a document listing different amounts is quoted by values the swap test covers."""
    swapped = {squash(sentence).rstrip("。；") for sentence, _a, _b in PAIRS}
    assert all(UNCHECKED.values()), "an unchecked sentence needs its reason"
    assert len(UNCHECKED) <= 3, "keep the list of sentences not checked short"
    seen = 0
    for text_path in sorted((POLICIES / "texts").glob("*.txt")):
        for part in re.split("[。；]", squash(text_path.read_text(encoding="utf-8"))):
            if MARK not in part:
                continue
            after = part[part.index(MARK) :]
            if len({m.group(0) for m in STATED.finditer(after)}) < 2:
                continue
            seen += 1
            if any(part in s or s in part for s in swapped):
                continue
            assert any(d == text_path.stem and start in part for (d, start) in UNCHECKED), (
                f"{text_path.name}: “{part}” is neither swapped nor in UNCHECKED"
            )
    assert seen, "no 分别 sentence with two amounts found in the texts"


@pytest.mark.parametrize("sentence, a, b", PAIRS, ids=[f"{a.doc}:{a}<->{b.path}" for _s, a, b in PAIRS])
def test_swapping_two_values_of_a_respectively_sentence_fails(policy_copy, sentence, a, b):
    key = (a.doc, squash(sentence)[:20])
    if key in UNCHECKED:
        pytest.skip(UNCHECKED[key])
    _swap(policy_copy, a, b)
    try:
        policies = load_policies(policy_copy)
    except PolicyError as exc:
        message = str(exc)
        assert a.file in message and "与“分别”句的顺序不符" in message
        assert f"第{a.line}行" in message or f"第{b.line}行" in message
        assert a.owner in message and b.owner in message
        return
    report = run_rule_cases(policies, policy_copy / "cases")
    assert report.failures, f"swapping {a} and {b} loads and passes every rule case"


def _edit(folder, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_swapped_level_amounts_name_file_line_rule_and_both_values(policy_copy):
    # 呼伦贝尔（三）“对新认定的国家级、自治区级重点实验室……分别给予100万元、50万元经费支持”
    path = policy_copy / "hlb-2025-draft.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: hlb-03-platform")
    end = text.index("  - id: hlb-03-regional-base")
    rule = (
        text[start:end]
        .replace("national: {value: 1000000,", "national: {value: X,")
        .replace("regional: {value: 500000,", "regional: {value: 1000000,")
        .replace("{value: X,", "{value: 500000,")
    )
    path.write_text(text[:start] + rule + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1 + next(i for i, l in enumerate(rule.splitlines()) if "national:" in l)
    with pytest.raises(PolicyError) as err:
        load_policies(policy_copy)
    assert str(err.value) == (
        f"{path} 第{line}行：规则hlb-03-platform的amount.national与“分别”句的顺序不符："
        "原文依次为国家级、自治区级，数额依次为100万元、50万元，“国家级”对应100万元，写的却是50万元；"
        "而规则hlb-03-platform的amount.regional写的是100万元"
    )


def test_a_rule_split_from_the_sentence_without_words_naming_it_is_refused(policy_copy):
    # 科技兴蒙（十）: the two rules are `entered`, without `when`; each says which level it is.
    _edit(policy_copy, "nmg-2020-kjxm.yaml", "    respectively: 国家级\n", "")
    with pytest.raises(
        PolicyError, match="nmg20-10-national-transfer-zone的上限（最高）引用的“分别”句中找不到指明它的词语"
    ):
        load_policies(policy_copy)


def test_two_rules_at_one_place_of_the_sentence_are_refused(policy_copy):
    # 呼伦贝尔（六）: 国家……知识产权优势企业 would find the 自治区 one; the rule names “及优势企业”.
    _edit(policy_copy, "hlb-2025-draft.yaml", "    respectively: 及优势企业", "    note: x")
    with pytest.raises(
        PolicyError,
        match="hlb-06-ip-national-advantage的金额和规则hlb-06-ip-regional-advantage的金额在“分别”句中指向同一处",
    ):
        load_policies(policy_copy)


def test_a_sentence_listing_more_amounts_than_values_bound_to_it_is_refused(policy_copy):
    text = (policy_copy / "hlb-2025-draft.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: hlb-06-ip-regional-advantage")
    end = text.index("  - id: hlb-06-geographic-indication")
    (policy_copy / "hlb-2025-draft.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(PolicyError, match=r"“分别”句依次列出3个数额（20万元、15万元、10万元），但有2个取值引用它"):
        load_policies(policy_copy)


def test_the_words_of_respectively_must_be_in_the_sentence(policy_copy):
    _edit(policy_copy, "nmg-2021-35.yaml", "respectively: 科技型中小企业", "respectively: 科技型企业")
    with pytest.raises(
        PolicyError, match="目标nmg35-04-tech-sme-count-2025引用的“分别”句中找不到指明它的词语（科技型企业）"
    ):
        load_policies(policy_copy)


def test_respectively_outside_a_respectively_sentence_is_refused(policy_copy):
    _edit(
        policy_copy,
        "nmg-2021-35.yaml",
        "    metric: region_rd_government\n",
        "    metric: region_rd_government\n    respectively: 政府资金\n",
    )
    with pytest.raises(PolicyError, match="respectively 只用于引用“分别”句"):
        load_policies(policy_copy)


def test_a_keyed_parameter_may_name_its_keys_words(policy_copy):
    # 包头（九）“认定为国家级和自治区级科技企业孵化器，一次性分别给予200万元、50万元的资金支持”
    anchor = "    when: {type: recognition, kind: incubator, level: [national, regional], stage: approved}\n"
    _edit(policy_copy, "bt-2021-24.yaml", anchor, anchor + "    respectively: {national: 国家级, regional: 自治区级}\n")
    assert load_policies(policy_copy).rules["bt-09-incubator"].amount.pick("national").versions[0].value == 2000000
    _edit(
        policy_copy,
        "bt-2021-24.yaml",
        "{national: 国家级, regional: 自治区级}",
        "{national: 自治区级, regional: 国家级}",
    )
    with pytest.raises(PolicyError, match="规则bt-09-incubator的amount.regional与“分别”句的顺序不符"):
        load_policies(policy_copy)
    _edit(
        policy_copy, "bt-2021-24.yaml", "{national: 自治区级, regional: 国家级}", "{national: 国家级, municipal: 市级}"
    )
    with pytest.raises(PolicyError, match="respectively 中的“municipal”不是amount的取值"):
        load_policies(policy_copy)
