"""Payee changes are a maker-checker fact (issue 13 item 3).

Whoever changed a company's name, bank or account, or its history, since the
company's details were last approved, cannot approve a batch that pays it;
the log keeps every changed value old -> new, also for changes by import, and
an import that changes a payee is refused until confirmed.
"""

import datetime as dt

import pytest
from storehelp import Recognition, batch_data, contract, hte, profile, uscc

from core.store import InvalidData, open_store
from core.store.errors import PayeeChanges

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x", "王五": "Wang-2026"}


@pytest.fixture
def people(db_url):
    """An administrator, a preparer (张三), a reviewer (李四) and 王五 holding both roles."""
    store = open_store(db_url)
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("张三", PW["张三"], ["preparer"])
    store.add_user("李四", PW["李四"], ["reviewer"])
    store.add_user("王五", PW["王五"], ["preparer", "reviewer"])
    store.close()
    return db_url


@pytest.fixture
def clerks(people):
    stores = {}
    for name in ("张三", "李四", "王五"):
        stores[name] = open_store(people)
        stores[name].login(name, PW[name])
    yield stores
    for s in stores.values():
        s.close()


def draft(zhang, policies, n=1, name="第一批"):
    b, _ = zhang.apply_import(batch_data(name, 2026, [profile(n)], [(uscc(n), hte("2026-03-01"))]))
    zhang.calculate(b, policies)
    return b


def test_whoever_changed_the_account_cannot_approve_paying_it(clerks, policies):
    """The issue's case: a user with both roles changes the account, a colleague recalculates, they approve."""
    zhang, li, wang = clerks["张三"], clerks["李四"], clerks["王五"]
    b = draft(zhang, policies)
    cid = zhang.company_id(uscc(1))
    wang.update_company(cid, bank_account="6222000099998888")
    zhang.calculate(b, policies)
    with pytest.raises(InvalidData) as refused:
        wang.approve(b, allow_provisional=True)
    message = str(refused.value)
    assert message.startswith(
        "审核人不能审批向自己修改过收款信息或历史记录的单位拨付的批次：“王五”在这些单位上次审批后改动过"
        "单位“呼伦贝尔测试1号科技有限公司”：修改银行账号（第"
    )
    assert message.endswith(f"批次{b}须由其他审核人审批")
    (change,) = zhang.audit_entries(action="company.update")
    assert (change.who, change.old, change.new) == (
        "王五",
        {"bank_account": "0601000000000001"},
        {"bank_account": "6222000099998888"},
    )
    li.approve(b, allow_provisional=True)  # another reviewer sees the new account and approves it
    assert li.lines(b)[0].bank_account == "6222000099998888"


def test_a_payee_changed_by_import_counts_like_an_edit(clerks, policies):
    zhang, li, wang = clerks["张三"], clerks["李四"], clerks["王五"]
    b = draft(zhang, policies)
    changed = batch_data(
        "换账户",
        2026,
        [profile(1, bank_name="中国银行海拉尔支行", bank_account="6216000011112222")],
        [(uscc(1), contract("HT-2", "2026-05-01", "100000"))],
    )
    with pytest.raises(PayeeChanges, match="导入将改变1家已有单位的收款信息"):
        wang.apply_import(changed)
    assert [f"{c.field}:{c.old}->{c.new}" for c in wang.payee_changes(changed)] == [
        "bank_name:中国工商银行呼伦贝尔分行->中国银行海拉尔支行",
        "bank_account:0601000000000001->6216000011112222",
    ]
    other, _ = wang.apply_import(changed, accept_payee_changes=True)
    zhang.calculate(b, policies)
    with pytest.raises(InvalidData, match="单位“呼伦贝尔测试1号科技有限公司”：修改开户行、银行账号"):
        wang.approve(b, allow_provisional=True)
    (entry,) = zhang.audit_entries(action="company.update")
    assert (entry.who, entry.old, entry.new) == (
        "王五",
        {"bank_name": "中国工商银行呼伦贝尔分行", "bank_account": "0601000000000001"},
        {"bank_name": "中国银行海拉尔支行", "bank_account": "6216000011112222", "imported_in": other},
    )
    li.approve(b, allow_provisional=True)


def test_history_entered_by_the_reviewer_blocks_them_too(clerks, policies):
    zhang, li, wang = clerks["张三"], clerks["李四"], clerks["王五"]
    b = draft(zhang, policies)
    wang.add_recognition(zhang.company_id(uscc(1)), Recognition("high_tech", "national", dt.date(2019, 1, 1), "GR2019"))
    zhang.calculate(b, policies)
    with pytest.raises(InvalidData, match="：修改历史记录（第"):
        wang.approve(b, allow_provisional=True)
    li.approve(b, allow_provisional=True)


def test_a_company_created_by_the_reviewers_import_is_theirs_until_someone_else_approves_it(clerks, policies):
    zhang, li, wang = clerks["张三"], clerks["李四"], clerks["王五"]
    wang.apply_import(batch_data("王五导入", 2026, [profile(1)], [(uscc(1), contract("HT-1", "2026-04-01", "100"))]))
    b = draft(zhang, policies, 1, "张三导入")
    with pytest.raises(InvalidData, match="：导入时新建单位（第"):
        wang.approve(b, allow_provisional=True)
    li.approve(b, allow_provisional=True)
    # once another reviewer approved the company's details, what 王五 entered before no longer binds him
    later = draft(zhang, policies, 1, "第二批")
    wang.approve(later, allow_provisional=True)
    assert wang.batch(later).reviewer == "王五"


def test_changes_to_companies_the_batch_does_not_pay_do_not_matter(clerks, policies):
    zhang, wang = clerks["张三"], clerks["王五"]
    b = draft(zhang, policies)
    other = zhang.add_company(profile(9))
    wang.update_company(other, bank_account="6222000011110000")
    wang.approve(b, allow_provisional=True)


def test_an_adjustment_paying_a_changed_account_needs_another_reviewer(clerks, policies):
    zhang, li, wang = clerks["张三"], clerks["李四"], clerks["王五"]
    b = draft(zhang, policies)
    li.approve(b, allow_provisional=True)
    wang.update_company(zhang.company_id(uscc(1)), name="呼伦贝尔测试1号科技股份有限公司")
    wang.add_recognition(zhang.company_id(uscc(1)), Recognition("high_tech", "national", dt.date(2019, 1, 1), ""))
    adj = zhang.create_adjustment(b, None, "补录2019年认定后复核")
    zhang.calculate(adj, policies)
    # with a 2019 certificate on record, 2026 is no first recognition: the correction takes that award back
    (first,) = zhang.lines(b)
    assert -first.amount in [line.amount for line in zhang.lines(adj) if line.rule_id == first.rule_id]
    with pytest.raises(InvalidData, match="：修改名称（第.*）、修改历史记录（第"):
        wang.approve(adj, allow_provisional=True)
    li.approve(adj, allow_provisional=True)


def test_before_users_exist_nothing_changes(store, policies):
    b = draft(store, policies)
    store.update_company(store.company_id(uscc(1)), bank_account="6222000099998888")
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
