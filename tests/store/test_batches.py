"""Import -> calculate -> approve across batches and years, on SQLite and PostgreSQL.

Amounts are the Hulunbuir draft's (resources/policies/hlb-2025-draft.yaml):
（一）首次获批国家高新技术企业50万元、再次获批15万元；
（十二）技术交易额5%，单个技术合同最高50万元，每个单位每年最高200万元.
"""

from decimal import Decimal

import pytest
from storehelp import batch_data, contract, hte, lines_by_rule, profile, uscc

from core.store import BatchLocked, Cancelled, InvalidData, Stale

D = Decimal


def _import_calc(store, policies, data):
    batch_id, created = store.apply_import(data)
    assert created
    store.calculate(batch_id, policies)
    return batch_id


def test_high_tech_first_time_then_repeat_three_years_later(store, policies):
    # 2026: no earlier HTE certificate -> （一）首次获批 500,000
    b1 = _import_calc(store, policies, batch_data("2026年第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    lines = store.lines(b1)
    assert lines_by_rule(lines, "hlb-01-hte-first") == [D("500000.00")]
    assert lines_by_rule(lines, "hlb-01-hte-repeat") == []
    store.approve(b1, "张三", "李四", allow_provisional=True)

    # 2029: the 2026 certificate was recorded by approving b1 -> 再次获批 150,000, not 首次
    b2 = _import_calc(store, policies, batch_data("2029年第一批", 2029, [profile(1)], [(uscc(1), hte("2029-03-01"))]))
    lines = store.lines(b2)
    assert lines_by_rule(lines, "hlb-01-hte-repeat") == [D("150000.00")]
    assert lines_by_rule(lines, "hlb-01-hte-first") == []
    (result,) = store.company_results(b2)
    reasons = {e["rule_id"]: e["reason"] for e in result.excluded}
    assert reasons["hlb-01-hte-first"] == "非首次获批：2026-03-01已获高新技术企业认定，证书号GR2026"
    assert result.total == D("150000.00")


def test_unapproved_batch_is_not_history(store, policies):
    """A draft's recognitions count for nobody: the 2029 claim is still a first time."""
    _import_calc(store, policies, batch_data("2026年第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    b2 = _import_calc(store, policies, batch_data("2029年第一批", 2029, [profile(1)], [(uscc(1), hte("2029-03-01"))]))
    assert lines_by_rule(store.lines(b2), "hlb-01-hte-first") == [D("500000.00")]


def test_a_platform_recognized_in_an_approved_batch_is_not_new_later(store, policies):
    """（三）“对新认定的……自治区级重点实验室……给予50万元”: approval records the lab; its re-recognition is not new."""
    u = uscc(9)

    def lab(date, name, n):
        return {"type": "recognition", "kind": "key_lab", "level": "regional", "date": date, "name": name, "id": n}

    b1 = _import_calc(
        store,
        policies,
        batch_data("2026年第一批", 2026, [profile(9)], [(u, lab("2026-03-01", "呼伦贝尔寒地作物重点实验室", "lab1"))]),
    )
    assert lines_by_rule(store.lines(b1), "hlb-03-platform") == [D("500000.00")]
    store.approve(b1, "张三", "李四", allow_provisional=True)

    # 2029: the same lab re-recognized after its review (a full-width space and a new certificate) pays nothing;
    # another lab of the same company is newly recognized -> 500,000
    b2 = _import_calc(
        store,
        policies,
        batch_data(
            "2029年第一批",
            2029,
            [profile(9)],
            [
                (u, lab("2029-03-01", "呼伦贝尔寒地作物重点实验室\u3000", "lab1-again")),
                (u, lab("2029-04-01", "呼伦贝尔草原生态重点实验室", "lab2")),
            ],
        ),
    )
    assert lines_by_rule(store.lines(b2), "hlb-03-platform") == [D("500000.00")]
    (result,) = store.company_results(b2)
    (refused,) = [e for e in result.excluded if e["rule_id"] == "hlb-03-platform"]
    assert refused["claim_id"] == "lab1-again"
    assert refused["reason"] == "非新认定：2026-03-01已获自治区级重点实验室“呼伦贝尔寒地作物重点实验室”认定"


def test_tech_contract_cap_per_unit_per_year_spans_batches(store, policies):
    u = uscc(2)
    # batch 1 of 2026: 3 contracts x 10,000,000 x 5% = 500,000 each (item cap 50万 not exceeded) = 1,500,000
    b1 = _import_calc(
        store,
        policies,
        batch_data(
            "2026年第一批",
            2026,
            [profile(2)],
            [
                (u, contract("HT-1", "2026-03-01", "10000000")),
                (u, contract("HT-2", "2026-04-01", "10000000")),
                (u, contract("HT-3", "2026-05-01", "10000000")),
            ],
        ),
    )
    assert lines_by_rule(store.lines(b1), "hlb-12-tech-contract") == [D("500000.00")] * 3
    store.approve(b1, "张三", "李四", allow_provisional=True)

    # batch 2 of 2026: 200万 - 150万 already approved = 50万 room: HT-4 500,000, HT-5 nothing
    b2 = _import_calc(
        store,
        policies,
        batch_data(
            "2026年第二批",
            2026,
            [profile(2)],
            [
                (u, contract("HT-4", "2026-08-01", "10000000")),
                (u, contract("HT-5", "2026-09-01", "10000000")),
            ],
        ),
    )
    lines = store.lines(b2)
    assert lines_by_rule(lines, "hlb-12-tech-contract") == [D("500000.00")]
    assert "已用1,500,000.00元" in " ".join(lines[0].trace.steps)
    (result,) = store.company_results(b2)
    assert [e["reason"] for e in result.excluded if e["rule_id"] == "hlb-12-tech-contract"] == [
        "已达到每个单位每年上限，本项不再支持"
    ]
    store.approve(b2, "张三", "李四", allow_provisional=True)

    # 2027: a new year, a new 200万
    b3 = _import_calc(
        store,
        policies,
        batch_data(
            "2027年第一批",
            2027,
            [profile(2)],
            [
                (u, contract("HT-6", "2027-03-01", "10000000")),
            ],
        ),
    )
    assert lines_by_rule(store.lines(b3), "hlb-12-tech-contract") == [D("500000.00")]
    ledger_2026 = [e.amount for e in store.history(store.company_id(u)).ledger if e.year == 2026]
    assert sum(ledger_2026) == D("2000000.00")


def test_draft_calculated_before_another_approval_must_be_recalculated(store, policies):
    u = uscc(3)
    b1 = _import_calc(
        store,
        policies,
        batch_data(
            "第一批",
            2026,
            [profile(3)],
            [
                (u, contract("HT-1", "2026-03-01", "10000000")),
                (u, contract("HT-2", "2026-03-02", "10000000")),
                (u, contract("HT-3", "2026-03-03", "10000000")),
            ],
        ),
    )
    b2 = _import_calc(
        store,
        policies,
        batch_data(
            "第二批",
            2026,
            [profile(3)],
            [(u, contract("HT-4", "2026-08-01", "10000000")), (u, contract("HT-5", "2026-08-02", "10000000"))],
        ),
    )
    assert lines_by_rule(store.lines(b2), "hlb-12-tech-contract") == [D("500000.00")] * 2  # computed before b1 counted
    store.approve(b1, "张三", "李四", allow_provisional=True)
    with pytest.raises(Stale, match="请重新计算后再审批"):
        store.approve(b2, "张三", "李四", allow_provisional=True)
    store.calculate(b2, policies)
    assert lines_by_rule(store.lines(b2), "hlb-12-tech-contract") == [D("500000.00")]
    store.approve(b2, "张三", "李四", allow_provisional=True)


def test_batch_history_excludes_its_own_ledger(store, policies):
    u = uscc(4)
    b1 = _import_calc(store, policies, batch_data("第一批", 2026, [profile(4)], [(u, hte("2026-03-01"))]))
    store.approve(b1, "张三", "李四", allow_provisional=True)
    cid = store.company_id(u)
    assert [e.rule_id for e in store.history(cid).ledger] == ["hlb-01-hte-first"]
    assert store.history(cid, batch_id=b1).ledger == ()


def test_approved_and_paid_batches_refuse_every_change(store, policies):
    b = _import_calc(store, policies, batch_data("第一批", 2026, [profile(5)], [(uscc(5), hte("2026-03-01"))]))
    before = store.lines(b)
    store.approve(b, "张三", "李四", allow_provisional=True)
    with pytest.raises(BatchLocked, match="已审批，不能重新计算"):
        store.calculate(b, policies)
    with pytest.raises(BatchLocked, match="已审批，不能再次审批"):
        store.approve(b, "张三", "李四", allow_provisional=True)
    with pytest.raises(BatchLocked, match="不能删除"):
        store.delete_draft(b)
    store.mark_paid(b)
    assert store.batch(b).status == "paid" and store.batch(b).paid_at is not None
    with pytest.raises(BatchLocked, match="已拨付，不能重新计算"):
        store.calculate(b, policies)
    with pytest.raises(BatchLocked, match="已于.*标记为已拨付"):
        store.mark_paid(b)
    assert store.lines(b) == before


def test_approval_needs_two_people_a_calculation_and_no_errors(store, policies):
    u = uscc(6)
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(6)], [(u, hte("2026-03-01"))]))
    with pytest.raises(InvalidData, match="经办人和审核人不能是同一人"):
        store.approve(b, "张三", " 张三 ")
    with pytest.raises(InvalidData, match="需填写经办人和审核人"):
        store.approve(b, "张三", "")
    with pytest.raises(BatchLocked, match="尚未计算"):
        store.approve(b, "张三", "李四")
    with pytest.raises(BatchLocked, match="尚未审批"):
        store.mark_paid(b)
    store.calculate(b, policies)
    with pytest.raises(BatchLocked, match="1条奖补依据征求意见稿测算"):
        store.approve(b, "张三", "李四")
    assert store.batch(b).status == "draft"

    # an entered amount naming a rule that does not exist is an error of that company
    bad = {
        "type": "entered",
        "rule_id": "no-such-rule",
        "date": "2026-05-01",
        "amount": "1000",
        "subject": "x",
        "id": "e1",
    }
    b2, _ = store.apply_import(batch_data("第二批", 2026, [profile(7)], [(uscc(7), bad)]))
    store.calculate(b2, policies)
    (result,) = store.company_results(b2)
    assert result.errors == ("事项e1：规则“no-such-rule”不存在或不是经办人录入金额的条款",)
    with pytest.raises(BatchLocked, match="有1家单位的计算结果有错误"):
        store.approve(b2, "张三", "李四", allow_provisional=True)


def test_recalculating_a_draft_replaces_its_lines(store, policies):
    u = uscc(8)
    b, _ = store.apply_import(
        batch_data(
            "第一批",
            2026,
            [profile(8), profile(9)],
            [(u, contract("HT-1", "2026-03-01", "2000000")), (uscc(9), hte("2026-03-01"))],
        )
    )
    first = store.calculate(b, policies)
    again = store.calculate(b, policies)
    lines = store.lines(b)
    assert (first.lines, first.total) == (again.lines, again.total) == (2, D("600000.00"))  # 100,000 + 500,000
    assert [l.line_no for l in lines] == [1, 2]
    assert [(l.company_name, l.amount) for l in lines] == [
        ("呼伦贝尔测试8号科技有限公司", D("100000.00")),
        ("呼伦贝尔测试9号科技有限公司", D("500000.00")),
    ]
    assert lines[0].bank_account == "0601000000000008"
    assert lines[0].basis == "《关于进一步提升科技创新能力的政策措施（征求意见稿）》（十二）"


def test_cancelled_calculation_writes_nothing(store, policies):
    b, _ = store.apply_import(
        batch_data(
            "第一批", 2026, [profile(n) for n in range(10, 15)], [(uscc(n), hte("2026-03-01")) for n in range(10, 15)]
        )
    )
    seen = []
    with pytest.raises(Cancelled):
        store.calculate(
            b, policies, progress=lambda done, total: seen.append((done, total)), cancel=lambda: len(seen) > 3
        )
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5)]
    assert store.lines(b) == []
    assert not any(r.calculated for r in store.company_results(b))
    summary = store.calculate(b, policies, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5) and summary.lines == 5 and summary.total == D("2500000.00")


def test_a_calculation_can_be_cancelled_while_it_still_reads_the_companies(store, policies):
    b, _ = store.apply_import(
        batch_data(
            "第一批", 2026, [profile(n) for n in range(10, 13)], [(uscc(n), hte("2026-03-01")) for n in range(10, 13)]
        )
    )
    asked, seen = [], []
    with pytest.raises(Cancelled):  # asked once per row read: the third row is never reached
        store.calculate(
            b,
            policies,
            progress=lambda done, total: seen.append(done),
            cancel=lambda: asked.append(1) or len(asked) > 2,
        )
    assert len(asked) == 3 and seen == []  # no company evaluated
    assert store.lines(b) == [] and not any(r.calculated for r in store.company_results(b))


def test_stored_lines_read_the_same_after_policies_change(store, policies):
    b = _import_calc(store, policies, batch_data("第一批", 2026, [profile(16)], [(uscc(16), hte("2026-03-01"))]))
    store.approve(b, "张三", "李四", allow_provisional=True)
    # the policy set is not consulted when reading: lines carry their own snapshot
    (line,) = store.lines(b)
    assert (line.document_title, line.clause, line.summary) == (
        "关于进一步提升科技创新能力的政策措施（征求意见稿）",
        "（一）",
        "首次获批国家高新技术企业",
    )
    assert line.sentence.startswith("对首次获批的国家高新技术企业给予50万元经费支持")
    assert str(line.trace.params[0].value) == "500000"


def test_a_change_while_calculating_is_not_overwritten(store, policies):
    """Evaluation runs outside any transaction; if a company changes meanwhile, nothing is saved."""
    b, _ = store.apply_import(
        batch_data("第一批", 2026, [profile(n) for n in (17, 18)], [(uscc(n), hte("2026-03-01")) for n in (17, 18)])
    )

    def edit_midway(done, total):
        if done == 1:
            store.update_company(store.company_id(uscc(18)), phone="0470-6666666")

    with pytest.raises(Stale, match="计算期间以下单位的资料被修改：呼伦贝尔测试18号科技有限公司"):
        store.calculate(b, policies, progress=edit_midway)
    assert store.lines(b) == []
    assert store.calculate(b, policies).lines == 2


def test_calculation_can_run_on_a_worker_thread(store, policies):
    import threading

    b, _ = store.apply_import(
        batch_data(
            "第一批", 2026, [profile(n) for n in range(40, 60)], [(uscc(n), hte("2026-03-01")) for n in range(40, 60)]
        )
    )
    outcome = {}

    def work():
        try:
            outcome["summary"] = store.calculate(b, policies)
        except Exception as exc:  # reported below
            outcome["error"] = exc

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        store.batches()  # the screen keeps reading meanwhile
        worker.join(0.01)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["summary"].total == D("10000000.00")  # 20 x 500,000
