"""General engine behaviour, each checked on a small policy written for the test.

The policy texts below are short made-up documents in the shape of the seeds;
every expected amount is worked out by hand in the comment beside it.
"""

import shutil
import textwrap
from decimal import Decimal

import pytest

from core.casefile import parse_company
from core.engine import Context, evaluate_company, load_policies
from core.paths import POLICIES

USCC = "91150200MA0000000"


def _uscc() -> str:
    from core.uscc import check_character

    return USCC + check_character(USCC)


HEADER = """\
document:
  id: test-doc
  title: 测试文件
  doc_number: 测试〔2021〕1号
  issuer: 测试市人民政府
  level: city
  city: baotou
  date: 2021-08-14
  effective_from: 2021-08-14
  status: in_force
  text: texts/test-doc.txt
  rounding: 金额计算到分
"""


def make_policies(tmp_path, text: str, body: str):
    """A policy directory holding only the shared vocabulary and one test document."""
    d = tmp_path / "policies"
    (d / "texts").mkdir(parents=True)
    shutil.copy(POLICIES / "vocabulary.yaml", d / "vocabulary.yaml")
    (d / "texts" / "test-doc.txt").write_text(text, encoding="utf-8")
    (d / "test-doc.yaml").write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return load_policies(d)


def run(policies, claims, history=None, year=2023, size="medium"):
    data = {
        "uscc": _uscc(),
        "name": "测试单位",
        "city": "baotou",
        "size": size,
        "history": history or {},
        "claims": claims,
    }
    case = parse_company(data, policies.vocabulary, "company", year)
    return evaluate_company(case, Context(policies, year))


# ------------------------------------------------------------------ per_step on a count

RANKING_TEXT = "稀土高新区年度位次较上一年度每提升5位，给予500万元资金支持。"
RANKING_RULE = """\
rules:
  - id: t-ranking
    clause: 稀土高新区
    sentence: 稀土高新区年度位次较上一年度每提升5位，给予500万元资金支持。
    summary: 高新区位次提升
    when: {type: zone_ranking}
    formula: per_step
    base: places_up
    step: {value: 5, cite: 每提升5位}
    amount: {value: 5000000, cite: 给予500万元资金支持}
    once: subject
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-ranking], note: 测试}
"""


def test_per_step_on_a_count_base_prints_places_not_yuan(tmp_path):
    policies = make_policies(tmp_path, RANKING_TEXT, RANKING_RULE)
    assert policies.rules["t-ranking"].step.unit == "count"
    # 12 places up: 12 ÷ 5 = 2 full steps (2 places left over do not count); 2 × 5,000,000 = 10,000,000
    result = run(policies, [{"type": "zone_ranking", "date": "2023-06-01", "places_up": 12}])
    (line,) = result.lines
    assert line.amount == Decimal("10000000")
    assert line.trace.formula.startswith("12 ÷ 5 = 2档")
    assert "12.00" not in line.trace.formula
    step_use = next(p for p in line.trace.params if p.path == "step")
    assert step_use.display == "5"


def test_per_step_on_a_count_base_below_one_step_is_excluded_in_places(tmp_path):
    policies = make_policies(tmp_path, RANKING_TEXT, RANKING_RULE)
    # 4 places up < one step of 5 → nothing
    result = run(policies, [{"type": "zone_ranking", "date": "2023-06-01", "places_up": 4}])
    assert result.lines == []
    (ex,) = result.excluded
    assert ex.reason == "计算基数4不足一档（每档5）"


def test_per_step_on_money_keeps_yuan(tmp_path):
    text = "年度技术合同认定登记成交额较上年每增加5000万元，给予技术合同认定登记机构20万元的后补助资金支持。"
    body = """\
    rules:
      - id: t-turnover
        clause: 年度
        sentence: 年度技术合同认定登记成交额较上年每增加5000万元，给予技术合同认定登记机构20万元的后补助资金支持。
        summary: 成交额增长
        when: {type: contract_registration}
        formula: per_step
        base: turnover_increase
        step: {value: 50000000, cite: 每增加5000万元}
        amount: {value: 200000, cite: 20万元}
        once: subject
    coverage:
      - {clause: 一, title: 测试, status: computed, rules: [t-turnover], note: 测试}
    """
    policies = make_policies(tmp_path, text, body)
    assert policies.rules["t-turnover"].step.unit == "yuan"
    # increase 130,000,000 − 20,000,000 = 110,000,000; ÷ 50,000,000 = 2 steps; × 200,000 = 400,000
    result = run(
        policies,
        [{"type": "contract_registration", "year": 2023, "turnover": 130000000, "previous_turnover": 20000000}],
    )
    (line,) = result.lines
    assert line.amount == Decimal("400000")
    assert line.trace.formula.startswith("110,000,000.00 ÷ 50,000,000.00 = 2档")


# ------------------------------------------------------------------ one claim, two rules of a 'highest' group

CENTER_TEXT = "获批建设后，市政府每年给予不低于3000万元资金支持。获批建设国家技术创新中心，一次性给予2000万元资金支持。"
CENTER_RULES = """\
rules:
  - id: t-rare-earth
    clause: 获批建设后
    sentence: 获批建设后，市政府每年给予不低于3000万元资金支持。
    summary: 稀土中心
    when: {type: recognition, kind: innovation_center, level: national, name: {contains: 稀土}}
    formula: at_least
    minimum: {value: 30000000, cite: 不低于3000万元}
    once: subject
    group: t-center
  - id: t-center
    clause: 获批建设国家技术创新中心
    sentence: 获批建设国家技术创新中心，一次性给予2000万元资金支持。
    summary: 国家技术创新中心
    when: {type: recognition, kind: innovation_center, level: national}
    formula: fixed
    amount: {value: 20000000, cite: 2000万元}
    once: subject
    group: t-center
stacking_groups:
  - {id: t-center, label: 国家技术创新中心, policy: highest, rules: [t-rare-earth, t-center], note: 只计一项}
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-rare-earth, t-center], note: 测试}
"""


def test_one_claim_matching_two_rules_of_a_highest_group_keeps_the_larger(tmp_path):
    policies = make_policies(tmp_path, CENTER_TEXT, CENTER_RULES)
    claim = {
        "type": "recognition",
        "kind": "innovation_center",
        "level": "national",
        "date": "2023-03-01",
        "name": "国家稀土新材料技术创新中心",
    }
    result = run(policies, [claim])
    # both rules match the one claim: 30,000,000 (not less than) vs 20,000,000 → keep 30,000,000
    assert [(l.rule.id, l.amount) for l in result.lines] == [("t-rare-earth", Decimal("30000000"))]
    (ex,) = result.excluded
    assert ex.rule.id == "t-center"
    assert "只计金额较高的一项" in ex.reason and "同一事项" not in ex.reason


def test_two_claims_of_one_subject_still_pay_once(tmp_path):
    policies = make_policies(tmp_path, CENTER_TEXT, CENTER_RULES)
    claim = {"type": "recognition", "kind": "innovation_center", "level": "national", "date": "2023-03-01"}
    result = run(policies, [dict(claim, id="a"), dict(claim, id="b")])
    # no 稀土 in the name: only t-center, 20,000,000 once; the repeated claim is the same thing
    assert [(l.rule.id, l.amount) for l in result.lines] == [("t-center", Decimal("20000000"))]
    assert any("同一事项" in e.reason for e in result.excluded)


# ------------------------------------------------------------------ multi-year support from history keeps name and stage

YEARLY_TEXT = (
    "获批建设后，市政府每年给予不低于3000万元资金支持，连续支持5年。"
    "获批建设国家重点实验室，每年给予1000万元资金支持，连续支持5年。"
)
YEARLY_RULES = """\
rules:
  - id: t-rare-earth
    clause: 获批建设后
    sentence: 获批建设后，市政府每年给予不低于3000万元资金支持，连续支持5年。
    summary: 稀土中心
    when: {type: recognition, kind: innovation_center, level: national, name: {contains: 稀土}}
    formula: at_least
    minimum: {value: 30000000, cite: 不低于3000万元}
    years: {value: 5, cite: 连续支持5年}
    once: subject_year
  - id: t-key-lab
    clause: 获批建设国家重点实验室
    sentence: 获批建设国家重点实验室，每年给予1000万元资金支持，连续支持5年。
    summary: 国家重点实验室
    when: {type: recognition, kind: key_lab, level: national, stage: approved}
    formula: fixed
    amount: {value: 10000000, cite: 1000万元}
    years: {value: 5, cite: 连续支持5年}
    once: subject_year
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-rare-earth, t-key-lab], note: 测试}
"""


def test_installment_from_history_matches_on_the_recorded_name(tmp_path):
    policies = make_policies(tmp_path, YEARLY_TEXT, YEARLY_RULES)
    history = {
        "recognitions": [
            {
                "kind": "innovation_center",
                "level": "national",
                "date": "2022-05-01",
                "name": "国家稀土新材料技术创新中心",
            }
        ]
    }
    # approved 2022, support 2022–2026; 2024 is year 3 → 30,000,000 (the stated minimum)
    result = run(policies, [], history=history, year=2024)
    assert [(l.rule.id, l.amount) for l in result.lines] == [("t-rare-earth", Decimal("30000000"))]
    assert "本年度为第3年" in result.lines[0].trace.formula


def test_cultivation_stage_in_history_pays_no_installment_of_an_approval(tmp_path):
    policies = make_policies(tmp_path, YEARLY_TEXT, YEARLY_RULES)
    history = {"recognitions": [{"kind": "key_lab", "level": "national", "date": "2022-05-01", "stage": "cultivation"}]}
    # only in cultivation since 2022: the 1000万-a-year support of an approved key lab does not apply
    assert run(policies, [], history=history, year=2024).lines == []
    history["recognitions"][0]["stage"] = "approved"
    result = run(policies, [], history=history, year=2024)
    assert [(l.rule.id, l.amount) for l in result.lines] == [("t-key-lab", Decimal("10000000"))]


def test_cultivation_in_history_does_not_make_an_approval_a_repeat(tmp_path):
    text = "对首次获批国家重点实验室的给予100万元。"
    body = """\
    readings:
      first_counts_out_of_region: {value: true, note: 测试}
    rules:
      - id: t-first
        clause: 对首次获批
        sentence: 对首次获批国家重点实验室的给予100万元。
        summary: 首次获批
        when: {type: recognition, kind: key_lab, level: national}
        newly: company
        formula: fixed
        amount: {value: 1000000, cite: 100万元}
        once: company
    coverage:
      - {clause: 一, title: 测试, status: computed, rules: [t-first], note: 测试}
    """
    policies = make_policies(tmp_path, text, body)
    claim = {"type": "recognition", "kind": "key_lab", "level": "national", "date": "2023-03-01"}
    history = {"recognitions": [{"kind": "key_lab", "level": "national", "date": "2021-09-01", "stage": "cultivation"}]}
    # in cultivation since 2021, approved 2023: the approval is the first → 1,000,000
    assert [l.amount for l in run(policies, [claim], history=history).lines] == [Decimal("1000000")]


# ------------------------------------------------------------------ items recognised on one day


def test_two_items_recognised_the_same_day_are_two_items_when_numbered(tmp_path):
    text = "通过国审的农牧业新品种，一次性给予20万元后补助资金支持。"
    body = """\
    rules:
      - id: t-variety
        clause: 通过国审
        sentence: 通过国审的农牧业新品种，一次性给予20万元后补助资金支持。
        summary: 国审新品种
        when: {type: recognition, kind: new_crop_variety}
        formula: fixed
        amount: {value: 200000, cite: 20万元}
        once: subject
    coverage:
      - {clause: 一, title: 测试, status: computed, rules: [t-variety], note: 测试}
    """
    policies = make_policies(tmp_path, text, body)
    v = {"type": "recognition", "kind": "new_crop_variety", "level": "national", "date": "2023-03-01"}
    # two varieties of one notice, each with its own 审定编号: 2 × 200,000
    numbered = [dict(v, number="国审玉20230001"), dict(v, number="国审玉20230002")]
    assert [l.amount for l in run(policies, numbered).lines] == [Decimal("200000")] * 2
    # the same variety entered twice is one item
    assert len(run(policies, [dict(v, number="国审玉20230001"), dict(v, number="国审玉20230001")]).lines) == 1


# ------------------------------------------------------------------ 'once' that depends on a reading

ONCE_TEXT = "对连续两次入库的企业给予5万元后补助资金支持。"
ONCE_RULE = """\
readings:
  twice_once: {value: true, note: 测试：每个单位只享受一次}
rules:
  - id: t-twice
    clause: 对连续两次入库
    sentence: 对连续两次入库的企业给予5万元后补助资金支持。
    summary: 连续两次入库
    when: {type: tech_sme_registration}
    requires:
      - consecutive_tech_sme: {years: {value: 2, cite: 连续两次入库}}
    formula: fixed
    amount: {value: 50000, cite: 5万元}
    once: {reading: twice_once, when_true: company, when_false: subject}
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-twice], note: 测试}
"""


def test_once_follows_its_reading(tmp_path):
    import datetime as dt

    from core.policy.policyset import Override

    policies = make_policies(tmp_path, ONCE_TEXT, ONCE_RULE)
    history = {
        "tech_sme_years": [2022, 2023],
        "ledger": [{"rule_id": "t-twice", "year": 2023, "amount": 50000, "subject": "tech_sme:2023"}],
    }
    claim = [{"type": "tech_sme_registration", "year": 2024}]
    # read as once per company: paid in 2023 → nothing in 2024, and the trace shows the reading
    result = run(policies, claim, history=history, year=2024)
    assert result.lines == []
    assert "只享受一次" in result.excluded[0].reason
    assert result.excluded[0].trace.readings[0][0] == "twice_once"
    # read the other way: every further consecutive registration pays 50,000
    flipped = policies.with_overrides(
        [
            Override(
                "test-doc",
                "reading.twice_once",
                False,
                dt.date(2021, 8, 14),
                None,
                "测试",
                dt.datetime(2024, 1, 1),
                "改读",
            )
        ]
    )
    assert [l.amount for l in run(flipped, claim, history=history, year=2024).lines] == [Decimal("50000")]


def test_once_naming_an_undeclared_reading_fails(tmp_path):
    from core.policy.loader import PolicyError

    with pytest.raises(PolicyError, match="once 引用的解读“nope”未在 readings 中声明"):
        make_policies(tmp_path, ONCE_TEXT, ONCE_RULE.replace("{reading: twice_once,", "{reading: nope,"))


# ------------------------------------------------------------------ paid once per subject, and saying what was found

CONTRACT_TEXT = "对获得自治区技术交易后补助的合同，按技术交易额5%给予补贴，单个技术合同最高补贴50万元。"
CONTRACT_RULE = """\
rules:
  - id: t-contract
    clause: 对获得
    sentence: 对获得自治区技术交易后补助的合同，按技术交易额5%给予补贴，单个技术合同最高补贴50万元。
    summary: 技术交易补贴
    when: {type: tech_contract, regional_post_subsidy: true}
    formula: rate
    base: amount
    rate: {value: 0.05, cite: 按技术交易额5%给予补贴}
    once: subject
    caps:
      - {per: subject, value: 500000, cite: 单个技术合同最高补贴50万元}
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-contract], note: 测试}
"""


def test_a_refusal_as_already_paid_carries_what_was_found(tmp_path):
    policies = make_policies(tmp_path, CONTRACT_TEXT, CONTRACT_RULE)
    history = {
        "claims": [
            {
                "award_year": 2022,
                "type": "tech_contract",
                "number": "HT-1",
                "date": "2022-05-01",
                "amount": "12000000",
                "regional_post_subsidy": True,
            }
        ],
        "ledger": [{"rule_id": "t-contract", "year": 2022, "amount": "500000", "subject": "contract:ht-1", "batch": 3}],
    }
    # 2023: a supplement of HT-1: (12,000,000 + 2,000,000) × 5% = 700,000 → 500,000 per contract, all paid in 2022
    result = run(
        policies,
        [
            {
                "type": "tech_contract",
                "number": "ht-1",
                "date": "2023-02-01",
                "amount": "2000000",
                "regional_post_subsidy": True,
            }
        ],
        history=history,
    )
    assert result.lines == []
    (ex,) = result.excluded
    assert ex.reason == (
        "同一事项只支持一次：技术合同HT-1，台账显示已于2022年兑现500,000.00元（批次3）；"
        "已在2022年审批的批次中申报（事项h1），按本条计应得500,000.00元；"
        "本次合计应得500,000.00元，已全部兑现或已审批，不再重复支持"
    )
    assert ex.earlier.to_json() == {
        "subject": "contract:ht-1",
        "subject_text": "技术合同HT-1",
        "paid": "500000.00",
        "entries": [{"year": 2022, "batch_id": 3, "amount": "500000.00", "rule_id": "t-contract"}],
        "claims": [{"award_year": 2022, "claim_id": "h1"}],
        "worth": "500000.00",
        "deducted": "500000.00",
    }
    assert ex.to_json()["earlier"]["entries"][0]["batch_id"] == 3
    assert any("扣除已兑现或已审批部分" in step for step in ex.trace.steps)


def test_a_top_up_line_says_what_it_deducted(tmp_path):
    policies = make_policies(tmp_path, CONTRACT_TEXT, CONTRACT_RULE)
    history = {
        "claims": [
            {
                "award_year": 2022,
                "type": "tech_contract",
                "number": "HT-1",
                "date": "2022-05-01",
                "amount": "6000000",
                "regional_post_subsidy": True,
            }
        ],
        "ledger": [{"rule_id": "t-contract", "year": 2022, "amount": "300000", "subject": "contract:ht-1"}],
    }
    # (6,000,000 + 3,000,000) × 5% = 450,000 ≤ 500,000; 300,000 paid in 2022 → 150,000
    result = run(
        policies,
        [
            {
                "type": "tech_contract",
                "number": "HT-1",
                "date": "2023-02-01",
                "amount": "3000000",
                "regional_post_subsidy": True,
            }
        ],
        history=history,
    )
    (line,) = result.lines
    assert line.amount == Decimal("150000") and line.subject == "contract:ht-1"
    assert line.earlier.deducted == Decimal("300000")
    assert "450,000.00 − 300,000.00 = 150,000.00" in line.trace.steps[-1]
    assert line.to_json()["earlier"]["paid"] == "300000.00"
