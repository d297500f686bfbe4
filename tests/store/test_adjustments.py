"""Correcting an approved batch: a linked adjustment batch of differences, which the ledger nets."""

import datetime as dt
from decimal import Decimal

import pytest
from storehelp import batch_data, contract, hte, profile, uscc

from core.policy.policyset import Override
from core.store import BatchLocked, InvalidData

D = Decimal


def approved(store, policies):
    """2026年第一批: 1号 首次高企 500,000; 2号 技术合同 2,000,000 x 5% = 100,000."""
    b, _ = store.apply_import(
        batch_data(
            "2026年第一批",
            2026,
            [profile(1), profile(2)],
            [(uscc(1), hte("2026-03-01")), (uscc(2), contract("HT-1", "2026-04-01", "2000000"))],
        )
    )
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    return b


def test_an_unchanged_recalculation_gives_no_lines(store, policies):
    b = approved(store, policies)
    a = store.create_adjustment(b, "张三", "复核")
    record = store.batch(a)
    assert (record.name, record.status, record.adjusts_batch_id, record.adjust_reason) == (
        "2026年第一批（调整）",
        "draft",
        b,
        "复核",
    )
    assert [r.company_name for r in store.company_results(a)] == [
        "呼伦贝尔测试1号科技有限公司",
        "呼伦贝尔测试2号科技有限公司",
    ]
    summary = store.calculate(a, policies)
    assert (summary.lines, summary.total) == (0, D("0"))


def test_a_higher_amount_pays_the_difference_and_the_ledger_nets_it(store, policies):
    b = approved(store, policies)
    before = store.lines(b)
    store.add_override(
        Override(
            "hlb-01-hte-first",
            "amount",
            D("600000"),
            dt.date(2026, 1, 1),
            None,
            "王",
            dt.datetime(2026, 1, 1),
            "正式文件定为60万元",
        ),
        policies,
    )
    a = store.create_adjustment(b, "张三", "正式文件印发，首次高企奖励定为60万元")
    store.calculate(a, policies)
    (line,) = store.lines(a)
    assert (line.company_name, line.rule_id, line.amount) == (
        "呼伦贝尔测试1号科技有限公司",
        "hlb-01-hte-first",
        D("100000.00"),
    )
    assert line.trace.steps[-1] == "调整：原批次1已兑现500,000.00元，重新计算应为600,000.00元，本批次补发100,000.00元"
    store.approve(a, "张三", "李四", allow_provisional=True)
    assert store.lines(b) == before  # the original stays as approved
    ledger = store.history(store.company_id(uscc(1))).ledger
    assert [(e.rule_id, e.amount) for e in ledger] == [("hlb-01-hte-first", D("600000.00"))]
    assert store.verify_audit().ok


def test_an_award_no_longer_due_is_taken_back(store, policies):
    b = approved(store, policies)
    store.set_setting("calc.include_drafts", "0")  # the draft policy may not be paid from after all
    a = store.create_adjustment(b, "张三", "征求意见稿不得兑现", company_ids=[store.company_id(uscc(2))])
    summary = store.calculate(a, policies)
    (line,) = store.lines(a)
    assert (summary.total, line.company_name, line.amount, line.clause) == (
        D("-100000.00"),
        "呼伦贝尔测试2号科技有限公司",
        D("-100000.00"),
        "（十二）",
    )
    assert line.trace.steps == ["调整：重新计算后不再享受本项奖补，冲减原批次1已兑现的100,000.00元"]
    store.approve(a, "张三", "李四", allow_provisional=True)
    assert store.history(store.company_id(uscc(2))).ledger == ()  # netted to nothing
    assert [e.amount for e in store.history(store.company_id(uscc(1))).ledger] == [D("500000.00")]
    # a second adjustment of the family starts from what the first left
    store.set_setting("calc.include_drafts", "1")
    a2 = store.create_adjustment(a, "张三", "撤回上次调整")
    assert store.batch(a2).adjusts_batch_id == b  # linked to the original, not to the adjustment
    store.calculate(a2, policies)
    assert [(l.company_name, l.amount) for l in store.lines(a2)] == [("呼伦贝尔测试2号科技有限公司", D("100000.00"))]


def test_what_cannot_be_adjusted(store, policies):
    b, _ = store.apply_import(batch_data("草稿", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    with pytest.raises(BatchLocked, match="尚未审批，草稿可直接处理后重新计算，无需调整批次"):
        store.create_adjustment(b, "张三", "x")
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    with pytest.raises(InvalidData, match="请填写调整原因"):
        store.create_adjustment(b, "张三", " ")
    with pytest.raises(InvalidData, match="单位编号99不在批次1中"):
        store.create_adjustment(b, "张三", "x", company_ids=[99])
    a = store.create_adjustment(b, "张三", "x")
    (entry,) = store.audit_entries(action="batch.adjust")
    assert (entry.target, entry.new) == (
        f"batch:{a}",
        {"name": "草稿（调整）", "adjusts_batch_id": b, "reason": "x", "companies": 1, "claims": 1},
    )
    store.delete_draft(a)  # an adjustment not wanted after all is an ordinary draft
    assert [x.id for x in store.batches()] == [b]


def test_the_preparer_of_an_adjustment_cannot_approve_it(db_url, policies):
    from core.store import open_store

    store = open_store(db_url)
    store.create_first_admin("管理员", "Admin-2026")
    store.add_user("张三", "Zhang-2026", ["preparer"])
    store.add_user("王五", "Wang-2026", ["preparer", "reviewer"])
    store.add_user("李四", "Li-2026x", ["reviewer"])
    store.login("张三", "Zhang-2026")
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b, policies)
    store.login("王五", "Wang-2026")
    store.approve(b, allow_provisional=True)
    with pytest.raises(InvalidData, match="经办人应为当前登录用户“王五”"):
        store.create_adjustment(b, "张三", "复核")
    a = store.create_adjustment(b, None, "复核")
    store.calculate(a, policies)
    with pytest.raises(InvalidData, match="经办人和审核人不能是同一人"):
        store.approve(a, allow_provisional=True)
    store.login("李四", "Li-2026x")
    store.approve(a, allow_provisional=True)
    assert store.batch(a).status == "approved" and store.batch(a).created_by == "王五"
    store.close()


def test_an_approved_take_back_exports_a_recovery_sheet_and_spends_no_letter_number(store, policies, tmp_path):
    from openpyxl import load_workbook

    from core.excel.disbursement_sheet import write_disbursement_sheet
    from core.excel.results_workbook import write_results_workbook
    from core.letters.batch import prepare_letters
    from core.letters.samples import hulunbuir_settings

    b = approved(store, policies)
    store.set_setting("calc.include_drafts", "0")
    a = store.create_adjustment(b, "张三", "征求意见稿不得兑现", company_ids=[store.company_id(uscc(2))])
    store.calculate(a, policies)
    store.approve(a, "张三", "李四", allow_provisional=True)
    batch, lines = store.batch(a), store.lines(a)
    wb = load_workbook(write_disbursement_sheet(batch, lines, tmp_path / "拨付.xlsx", include_provisional=True))
    assert wb.sheetnames == ["应追回明细"]  # nothing is paid on top; 2号 pays back 100,000
    ws = wb["应追回明细"]
    assert (ws["B4"].value, ws["H4"].value, ws["I4"].value) == (
        "呼伦贝尔测试2号科技有限公司",
        100000,
        "人民币壹拾万元整",
    )
    summary = load_workbook(write_results_workbook(batch, lines, tmp_path / "结果.xlsx")).worksheets[0]
    assert "冲减人民币壹拾万元整" in [c.value for row in summary.iter_rows() for c in row]
    assert store.letter_numbers(a) == {}
    letters = prepare_letters(store, a, hulunbuir_settings())
    assert letters.letters == [] and [w.kind for w in letters.withheld] == ["nothing_due"]
