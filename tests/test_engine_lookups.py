"""What the engine looks up once per run (core.engine.context) gives each claim what its own day reads.

A parameter's value (Eval.param) and a document's refusal (matching._document_refusal) are kept per
parameter or document *and day* for a whole Context: claims of different days evaluated one after the
other in one run must each still read the value of their own day, whatever was read before. The policy
below is made up for the test; each amount is worked out by hand beside it.
"""

from decimal import Decimal

from core.casefile import parse_company
from core.engine import Context, evaluate_company
from core.engine.trace import Trace
from core.subjects import _normalized, claim_identity, normalize
from test_engine_general import _uscc, make_policies

TEXT = "稀土高新区年度位次提升的，给予10万元资金支持；自2023年1月1日起，给予20万元资金支持。"
RULE = """\
rules:
  - id: t-ranking-fixed
    clause: 稀土高新区
    sentence: 稀土高新区年度位次提升的，给予10万元资金支持；自2023年1月1日起，给予20万元资金支持。
    summary: 高新区位次提升
    when: {type: zone_ranking}
    formula: fixed
    amount:
      - {value: 100000, cite: 给予10万元资金支持, to: 2022-12-31}
      - {value: 200000, cite: 给予20万元资金支持, from: 2023-01-01}
    once: subject
coverage:
  - {clause: 一, title: 测试, status: computed, rules: [t-ranking-fixed], note: 测试}
"""


def _case(policies, day: str, year: int = 2023):
    data = {
        "uscc": _uscc(),
        "name": "测试单位",
        "city": "baotou",
        "size": "medium",
        "history": {},
        "claims": [{"type": "zone_ranking", "date": day, "places_up": 3}],
    }
    return parse_company(data, policies.vocabulary, "company", year)


def test_one_run_reads_each_claims_parameter_value_at_its_own_day(tmp_path):
    policies = make_policies(tmp_path, TEXT, RULE)
    ctx = Context(policies, 2023)
    # The clause: 10万元 until 2022-12-31, 20万元 from 2023-01-01; in one run, after and before each other.
    days = ["2023-03-01", "2022-06-01", "2023-03-01", "2022-06-01"]
    results = [evaluate_company(_case(policies, day), ctx) for day in days]
    assert [r.lines[0].amount for r in results] == [Decimal("200000"), Decimal("100000")] * 2
    for day, r in zip(days, results):
        (use,) = r.lines[0].trace.params
        assert use.read_at.isoformat() == day
        assert use.display == ("200,000.00元" if day.startswith("2023") else "100,000.00元")
        assert use.cite == ("给予20万元资金支持" if day.startswith("2023") else "给予10万元资金支持")
    # one ParamUse per parameter and day, shared by the traces that read it
    assert results[0].lines[0].trace.params[0] is results[2].lines[0].trace.params[0]
    assert results[0].lines[0].trace.to_json() == results[2].lines[0].trace.to_json()


def test_one_run_refuses_a_day_before_the_document_and_pays_a_day_after(tmp_path):
    policies = make_policies(tmp_path, TEXT, RULE)  # the test document is in effect from 2021-08-14
    ctx = Context(policies, 2023)
    before, after, again = (
        evaluate_company(_case(policies, day), ctx) for day in ("2021-08-13", "2021-08-14", "2021-08-13")
    )
    for r in (before, again):
        assert r.lines == []
        (ex,) = r.excluded
        assert ex.reason == "事项日期2021-08-13不在《测试文件》（测试〔2021〕1号）有效期（2021-08-14至今）内"
        assert ex.trace is not None and ex.trace.to_json() == Trace().to_json()  # nothing was read
    # the first day in effect: the version of 2021-08-14 .. 2022-12-31, 10万元
    assert after.lines[0].amount == Decimal("100000")


def test_claim_identity_leaves_out_only_fields_that_state_nothing():
    # None and "" state nothing; 0, False, a zero amount and text of spaces are stated (the integer 0 and the
    # spaces as "", as subjects._text has always written them).
    fields = {"a": None, "b": "", "c": 0, "d": False, "e": Decimal("0.00"), "f": "  ", "g": "ＨＴ－００１", "h": "x"}
    assert claim_identity("t", fields) == (
        "t",
        ("c", ""),
        ("d", "0"),
        ("e", "0"),
        ("f", ""),
        ("g", "ht-001"),
        ("h", "x"),
    )


def test_normalize_gives_the_same_key_from_its_memo_and_after_the_memo_is_cleared():
    text = "ＨＴ－００１ 稀土　实验室"
    first = normalize(text)
    assert first == "ht-001稀土实验室"
    assert normalize(text) == first  # from the memo
    _normalized.cache_clear()
    assert normalize(text) == first
