"""Company names on official lists against names in the store: what must match, and near misses that must not.

Precision and recall are measured on hand-made pairs (printed with -s); an automatic match must never be wrong
(precision 1.0), and every pair of one company spelled two ways must be found, automatically or as a proposal.
"""

import pytest

from core.lists.matching import Matcher, Stored
from core.lists.names import compare, is_branch, normalize_name

# (name on a list, name in the store): one company written two ways -> matched without asking
SAME = [
    ("呼伦贝尔北疆乳业科技有限公司", "呼伦贝尔北疆乳业科技有限公司"),
    ("ＡＢＣ（呼伦贝尔）科技有限公司", "ABC(呼伦贝尔)科技有限公司"),  # full-width letters and brackets
    ("包头市昆仑重型装备制造有限责任公司", "包头市昆仑重型装备制造有限公司"),  # 有限责任公司 = 有限公司
    ("通辽市 玉米生物化工科技有限公司", "通辽市玉米生物化工科技有限公司"),  # a typesetter's space
    ("通辽市玉米生物化工科技有限公司\u3000", "通辽市玉米生物化工科技有限公司"),  # ideographic space
    ("内蒙古伊利实业集团股份有限公司", "内蒙古伊利实业集团股份有限公司"),
    ("乌海市【华信】化工有限公司", "乌海市（华信）化工有限公司"),  # bracket kinds
    ("赤峰市瑞阳化工有限公司", "赤峰市瑞阳化工有限公司\u200b"),  # zero-width space
]
# one company, but the names differ enough that the clerk must confirm: proposed, never matched
PROPOSED = [
    ("内蒙古包头青山氢能科技有限公司", "包头青山氢能科技有限公司"),  # 内蒙古X公司 vs X公司
    ("内蒙古甲乙新材料有限公司", "甲乙新材料有限公司"),
    ("鄂尔多斯市蒙泰煤电股份有限公司", "鄂尔多斯市蒙泰煤电有限公司"),  # legal form
    ("呼伦贝尔东北阜丰生物科技有限公司", "呼伦贝尔东北阜丰生物科技有限公"),  # a character lost in typesetting
]
# different companies: neither matched nor proposed
DIFFERENT = [
    ("包头市九原储能技术有限公司稀土高新区分公司", "包头市九原储能技术有限公司"),  # a branch and its parent
    ("包头市九原储能技术有限公司", "包头市九原储能技术有限公司昆区分公司"),
    ("呼伦贝尔甲乙科技有限公司", "呼伦贝尔甲丙科技有限公司"),  # one character of the 字号
    ("包头稀土永磁材料科技有限公司", "包头稀土抛光粉科技有限公司"),
    ("通辽市玉米生物化工科技有限公司", "通辽市新能源装备有限公司"),
    ("中国银行呼伦贝尔分行", "中国银行"),
]


def _verdicts():
    labelled = (
        [(a, b, "same") for a, b in SAME]
        + [(a, b, "near") for a, b in PROPOSED]
        + [(a, b, "different") for a, b in DIFFERENT]
    )
    return [(a, b, want, compare(a, b).verdict) for a, b, want in labelled]


def test_precision_and_recall_on_hand_made_pairs(capsys):
    results = _verdicts()
    auto = [r for r in results if r[3] == "same"]
    auto_right = [r for r in auto if r[2] == "same"]
    precision = len(auto_right) / len(auto)
    recall = len(auto_right) / len(SAME)
    found = [r for r in results if r[2] in ("same", "near") and r[3] in ("same", "near")]
    recall_with_proposals = len(found) / (len(SAME) + len(PROPOSED))
    wrongly_proposed = [r for r in results if r[2] == "different" and r[3] != "different"]
    with capsys.disabled():
        print(
            f"\n名称匹配：自动匹配精确率 {precision:.2f}，召回率 {recall:.2f}；"
            f"含待确认建议的召回率 {recall_with_proposals:.2f}；误提建议 {len(wrongly_proposed)}/{len(DIFFERENT)}"
        )
    assert precision == 1.0
    assert recall == 1.0
    assert recall_with_proposals == 1.0
    assert wrongly_proposed == []


@pytest.mark.parametrize("a,b", PROPOSED)
def test_near_names_are_proposed_not_matched(a, b):
    like = compare(a, b)
    assert like.verdict == "near" and 0 < like.score < 100, like


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_near_misses_do_not_match(a, b):
    assert compare(a, b).verdict == "different"


def test_branch_is_recognised_and_never_matched_to_parent():
    assert is_branch(normalize_name("包头市九原储能技术有限公司稀土高新区分公司"))
    assert not is_branch(normalize_name("包头市九原储能技术有限公司"))
    m = Matcher([Stored(1, "91150207MA37DA00FH", "包头市九原储能技术有限公司")])
    found = m.match("包头市九原储能技术有限公司稀土高新区分公司")
    assert found.company_id is None and found.proposals == []


def test_matcher_uscc_first_then_name_then_proposals():
    m = Matcher(
        [
            Stored(1, "91150702MAAKD60002", "呼伦贝尔北疆乳业科技有限公司"),
            Stored(2, "91150204MALY4A00E2", "包头青山氢能科技有限公司"),
        ]
    )
    # the code decides even when the list writes the name another way
    assert (f := m.match("北疆乳业（呼伦贝尔）", "91150702MAAKD60002")).company_id == 1 and f.how == "uscc"
    assert f.note  # the clerk is told the names differ
    assert m.match("呼伦贝尔北疆乳业科技有限责任公司").how == "name"
    near = m.match("内蒙古包头青山氢能科技有限公司")
    assert near.company_id is None and [p.company_id for p in near.proposals] == [2]
    # a list code the store does not know: a company of the same name is only proposed
    other = m.match("呼伦贝尔北疆乳业科技有限公司", "91150702MAQTM6001U")
    assert other.company_id is None and other.proposals[0].company_id == 1
