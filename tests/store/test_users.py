"""Users, roles and maker-checker: who may change what, and nobody approves their own batch."""

import datetime as dt
from decimal import Decimal

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.policy.policyset import Override
from core.store import BatchLocked, InvalidData, open_store
from core.store.errors import LoginFailed, NotLoggedIn, PermissionDenied

D = Decimal
PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x", "王五": "Wang-2026"}


@pytest.fixture
def people(db_url):
    """A database with an administrator, a preparer (张三), a reviewer (李四) and one with both roles (王五)."""
    store = open_store(db_url)
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("张三", PW["张三"], ["preparer"])
    store.add_user("李四", PW["李四"], ["reviewer"])
    store.add_user("王五", PW["王五"], ["preparer", "reviewer"])
    store.close()
    return db_url


def as_user(url, name):
    store = open_store(url)
    store.login(name, PW[name])
    return store


def imported(store, n=1):
    b, _ = store.apply_import(batch_data(f"第{n}批", 2026, [profile(n)], [(uscc(n), hte("2026-03-01"))]))
    return b


def test_the_first_administrator_and_then_nobody_changes_anything_without_logging_in(db_url):
    store = open_store(db_url)
    assert not store.has_users()
    admin = store.create_first_admin("管理员", PW["管理员"])
    assert (admin.name, admin.roles, store.user) == ("管理员", frozenset({"admin"}), admin)
    with pytest.raises(InvalidData, match="数据库已有用户"):
        store.create_first_admin("另一个", "Other-2026")
    store.close()

    anonymous = open_store(db_url)
    with pytest.raises(NotLoggedIn, match="导入申报须先登录"):
        imported(anonymous)
    with pytest.raises(NotLoggedIn, match="修改设置须先登录"):
        anonymous.set_setting("bureau.name", "x")
    assert anonymous.batches() == []  # reading needs nobody
    entry = anonymous.audit_entries(action="user.create")[0]
    assert (entry.who, entry.target, entry.new) == (
        "管理员",
        "user:管理员",
        {"name": "管理员", "roles": "admin", "first": True},
    )
    anonymous.close()


def test_the_first_user_must_be_an_administrator_and_passwords_must_be_strong(db_url):
    store = open_store(db_url)
    with pytest.raises(InvalidData, match="第一个用户须为管理员"):
        store.add_user("张三", PW["张三"], ["preparer"])
    with pytest.raises(InvalidData, match="密码至少8位"):
        store.create_first_admin("管理员", "short1")
    with pytest.raises(InvalidData, match="未知的角色：boss"):
        store.add_user("管理员", PW["管理员"], ["admin", "boss"])
    store.add_user("管理员", PW["管理员"], ["admin"])
    assert [u.name for u in store.users()] == ["管理员"]
    store.close()


def test_roles_decide_who_may_do_what(people, policies):
    zhang = as_user(people, "张三")
    b = imported(zhang)
    zhang.calculate(b, policies)
    with pytest.raises(PermissionDenied, match="用户“张三”的角色为经办人，不能审批批次（需要审核人角色）"):
        zhang.approve(b, allow_provisional=True)
    with pytest.raises(PermissionDenied, match="不能调整政策参数（需要管理员角色）"):
        zhang.add_override(
            Override(
                "hlb-12-tech-contract", "rate", D("0.06"), dt.date(2026, 1, 1), None, "", dt.datetime(2026, 1, 1), "x"
            ),
            policies,
        )
    li = as_user(people, "李四")
    with pytest.raises(PermissionDenied, match="不能导入申报"):
        imported(li, 2)
    with pytest.raises(PermissionDenied, match="不能修改单位资料"):
        li.update_company(li.company_id(uscc(1)), phone="1")
    li.approve(b, allow_provisional=True)
    record = li.batch(b)
    assert (record.status, record.created_by, record.preparer, record.reviewer) == ("approved", "张三", "张三", "李四")
    assert [(e.action, e.who) for e in li.audit_entries(target=f"batch:{b}")] == [
        ("batch.import", "张三"),
        ("batch.calculate", "张三"),
        ("batch.approve", "李四"),
    ]
    zhang.close()
    li.close()


def test_a_preparer_cannot_approve_their_own_batch(people, policies):
    wang = as_user(people, "王五")  # holds both roles
    b = imported(wang)
    wang.calculate(b, policies)
    with pytest.raises(InvalidData, match=f"经办人和审核人不能是同一人：批次{b}由“王五”计算，须由其他审核人审批"):
        wang.approve(b, allow_provisional=True)
    # imported by 王五, calculated by 张三: 王五 still prepared it
    zhang = as_user(people, "张三")
    zhang.calculate(b, policies)
    with pytest.raises(InvalidData, match=f"经办人和审核人不能是同一人：批次{b}由“王五”导入"):
        wang.approve(b, allow_provisional=True)
    # nor can anyone sign as somebody else
    li = as_user(people, "李四")
    with pytest.raises(InvalidData, match="审核人应为当前登录用户“李四”，不能代“赵六”审批"):
        li.approve(b, "张三", "赵六", allow_provisional=True)
    with pytest.raises(InvalidData, match=f"批次{b}的经办人是“张三”，不是“王五”"):
        li.approve(b, "王五", "李四", allow_provisional=True)
    li.approve(b, "张三", "李四", allow_provisional=True)
    assert li.batch(b).status == "approved"
    for s in (wang, zhang, li):
        s.close()


def test_a_batch_calculated_before_users_existed_is_recalculated_by_a_preparer(db_url, policies):
    store = open_store(db_url)
    b = imported(store)
    store.calculate(b, policies)
    store.create_first_admin("管理员", PW["管理员"])
    store.add_user("李四", PW["李四"], ["reviewer"])
    store.add_user("张三", PW["张三"], ["preparer"])
    store.login("李四", PW["李四"])
    with pytest.raises(BatchLocked, match="不是由登录的经办人计算的，请经办人登录后重新计算"):
        store.approve(b, allow_provisional=True)
    store.login("张三", PW["张三"])
    store.calculate(b, policies)
    store.login("李四", PW["李四"])
    store.approve(b, allow_provisional=True)
    store.close()


def test_wrong_passwords_are_answered_ever_more_slowly(people):
    store = open_store(people)
    start = dt.datetime(2026, 11, 2, 9, 0, 0)
    now = [start]
    slept = []
    store.clock = lambda: now[0]
    store.sleep = slept.append
    for _ in range(3):
        with pytest.raises(LoginFailed, match="用户名或密码错误"):
            store.login("张三", "wrong-password")
    assert slept == [1.0, 2.0]  # the first wrong password is answered at once
    assert store.login_wait("张三") == 4.0
    now[0] = start + dt.timedelta(seconds=3)
    assert store.login_wait("张三") == 1.0
    with pytest.raises(LoginFailed, match="已连续4次"):
        store.login("张三", "wrong-again")
    assert slept == [1.0, 2.0, 1.0]
    now[0] = start + dt.timedelta(minutes=5)
    store.login("张三", PW["张三"])
    assert slept == [1.0, 2.0, 1.0] and store.user.name == "张三" and store.login_wait("张三") == 0
    # the count is kept in the database: another program run starts where this one left off
    with pytest.raises(LoginFailed):
        store.login("李四", "nope")
    other = open_store(people)
    other.clock = lambda: now[0]
    assert other.login_wait("李四") == 1.0
    # unknown names get the same answer, and are slowed down too
    with pytest.raises(LoginFailed, match="^用户名或密码错误$"):
        store.login("无此人", "whatever1")
    assert store.login_wait("无此人") == 1.0
    failures = store.audit_entries(action="user.login_failed")
    assert [(e.target, e.who) for e in failures][-2:] == [("user:李四", ""), ("user:无此人", "")]
    assert store.verify_audit().ok
    store.close()
    other.close()


def test_deactivated_users_and_the_last_administrator(people):
    admin = as_user(people, "管理员")
    zhang = as_user(people, "张三")
    with pytest.raises(InvalidData, match="“管理员”是唯一的管理员，不能取消其管理员角色"):
        admin.set_roles("管理员", ["reviewer"])
    with pytest.raises(InvalidData, match="不能停用自己的账户"):
        admin.set_user_active("管理员", False)
    admin.set_user_active("张三", False)
    with pytest.raises(NotLoggedIn, match="用户“张三”已停用，请重新登录"):
        imported(zhang)  # an open session ends with the account
    with pytest.raises(LoginFailed, match="已停用"):
        zhang.login("张三", PW["张三"])
    admin.set_user_active("张三", True)
    admin.set_roles("张三", ["preparer", "admin"])
    admin.set_roles("管理员", ["reviewer"])  # another administrator exists now
    assert [(u.name, sorted(u.roles)) for u in admin.users()] == [
        ("张三", ["admin", "preparer"]),
        ("李四", ["reviewer"]),
        ("王五", ["preparer", "reviewer"]),
        ("管理员", ["reviewer"]),
    ]
    assert [e.action for e in admin.audit_entries(action="user")][-4:] == [
        "user.disable",
        "user.enable",
        "user.roles",
        "user.roles",
    ]
    admin.close()
    zhang.close()


def test_passwords_are_changed_with_the_old_one_or_reset_by_an_administrator(people):
    zhang = as_user(people, "张三")
    with pytest.raises(LoginFailed, match="原密码不正确"):
        zhang.set_password("张三", "New-pass-1", "wrong")
    zhang.set_password("张三", "New-pass-1", PW["张三"])
    with pytest.raises(PermissionDenied, match="重设其他用户的密码"):
        zhang.set_password("李四", "New-pass-2")
    admin = as_user(people, "管理员")
    admin.set_password("张三", "Reset-pass-3")
    zhang.login("张三", "Reset-pass-3")
    (entry, *_) = admin.audit_entries(action="user.password")
    assert entry.new == {"password": "（已更改）"} and "scrypt" not in str(entry)
    admin.close()
    zhang.close()


def test_a_role_given_in_the_database_directly_is_named(people, db_url):
    from test_audit import tamper

    tamper(db_url, "UPDATE users SET roles = 'preparer,reviewer,admin' WHERE name = '张三'")
    (problem,) = open_store(db_url).verify_audit().problems
    assert str(problem).startswith("用户“张三”与第") and "user.create）封存的内容不符（被直接改动）" in str(problem)


def test_who_is_the_logged_in_user(people, policies):
    admin = as_user(people, "管理员")
    rule = Override(
        "hlb-12-tech-contract", "rate", D("0.06"), dt.date(2026, 1, 1), None, "", dt.datetime(2026, 1, 1), "会议纪要"
    )
    oid = admin.add_override(rule, policies)
    assert admin.override(oid).override.who == "管理员"
    with pytest.raises(InvalidData, match="调整人应为当前登录用户“管理员”，不能以“王局长”的名义操作"):
        admin.add_override(
            Override(rule.target, rule.path, rule.value, rule.start, None, "王局长", rule.when, "x"), policies
        )
    admin.revoke_override(oid)
    assert admin.overrides(include_revoked=True)[0].revoked_by == "管理员"
    admin.close()


def test_an_approved_batch_cannot_be_changed_by_anything(people, policies):
    zhang, li, admin = as_user(people, "张三"), as_user(people, "李四"), as_user(people, "管理员")
    b = imported(zhang)
    zhang.calculate(b, policies)
    li.approve(b, allow_provisional=True)
    lines = zhang.lines(b)
    with pytest.raises(BatchLocked, match="已审批，不能重新计算"):
        zhang.calculate(b, policies)
    with pytest.raises(BatchLocked, match="不能删除"):
        zhang.delete_draft(b)
    with pytest.raises(BatchLocked, match="已审批，不能再次审批"):
        li.approve(b, allow_provisional=True)
    assert zhang.apply_import(batch_data("第1批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))])) == (b, False)
    admin.add_override(
        Override(
            "hlb-01-hte-first", "amount", D("600000"), dt.date(2026, 1, 1), None, "", dt.datetime(2026, 1, 1), "调高"
        ),
        policies,
    )
    cid = zhang.company_id(uscc(1))
    zhang.update_company(cid, bank_account="6222000099998888", name="改名后的公司")
    with pytest.raises(InvalidData, match="由批次1审批写入台账，不能删除"):
        zhang.delete_ledger_entry(1)
    assert zhang.lines(b) == lines  # same amounts, same name and account as approved
    assert (lines[0].company_name, lines[0].bank_account) == ("呼伦贝尔测试1号科技有限公司", "0601000000000001")
    b2 = imported(zhang, 2)
    zhang.update_company(zhang.company_id(uscc(2)), bank_account="6222000011110000")
    zhang.calculate(b2, policies)
    assert zhang.lines(b2)[0].bank_account == "6222000011110000"  # a draft shows the company as it is
    assert zhang.verify_audit().ok
    for s in (zhang, li, admin):
        s.close()


def test_unknown_and_known_names_get_the_same_answer_after_the_same_wait_and_work(people, monkeypatch):
    """Issue 13 item 6: nothing in the answer, the count, the wait or the work done tells which names exist."""
    from core.store.managers import users as store_module

    checked = []
    real = store_module.verify_password

    def recording(password, stored):
        checked.append(stored.rsplit("$", 2)[0])  # scrypt$n$r$p: the cost of the check, not the hash
        return real(password, stored)

    monkeypatch.setattr(store_module, "verify_password", recording)
    store = open_store(people)
    start = dt.datetime(2026, 11, 2, 9, 0, 0)
    store.clock = lambda: start
    seen = {}
    for name in ("张三", "无此人"):
        slept, answers = [], []
        store.sleep = slept.append
        for _ in range(3):
            with pytest.raises(LoginFailed) as caught:
                store.login(name, "wrong-password")
            answers.append(str(caught.value))
        seen[name] = (answers, slept, store.login_wait(name))
    assert (
        seen["张三"]
        == seen["无此人"]
        == (["用户名或密码错误", "用户名或密码错误（已连续2次）", "用户名或密码错误（已连续3次）"], [1.0, 2.0], 4.0)
    )
    assert len(checked) == 6 and len(set(checked)) == 1  # one scrypt check of the same cost every time
    # another program run (the count lives in the audit log) waits just as long for both names
    other = open_store(people)
    other.clock = lambda: start + dt.timedelta(seconds=1)
    assert other.login_wait("张三") == other.login_wait("无此人") == 3.0
    entries = [(e.target, e.new) for e in other.audit_entries(action="user.login_failed")]
    assert entries == [("user:张三", {"failures": n}) for n in (1, 2, 3)] + [
        ("user:无此人", {"failures": n}) for n in (1, 2, 3)
    ]
    # the right password ends the run, and says so in the log
    store.sleep = lambda s: None
    store.login("张三", PW["张三"])
    assert store.login_wait("张三") == 0 and store.login_wait("无此人") == 4.0
    (ok,) = store.audit_entries(action="user.login")
    assert (ok.target, ok.new) == ("user:张三", {"after_failures": 3})
    assert store.verify_audit().ok
    store.close()
    other.close()


def test_a_failure_count_reset_in_the_database_file_does_not_shorten_the_wait(people, db_url):
    from test_audit import tamper

    store = open_store(people)
    start = dt.datetime(2026, 11, 2, 9, 0, 0)
    store.clock = lambda: start
    store.sleep = lambda s: None
    for _ in range(4):
        with pytest.raises(LoginFailed):
            store.login("李四", "wrong-password")
    tamper(db_url, "UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE name = '李四'")
    assert store.login_wait("李四") == 8.0
    store.close()


def test_names_typed_with_invisible_characters_are_one_person(db_url, policies):
    """Issue 13 item 4/6: before users exist, 张三 and 张三 + U+200B cannot sign as preparer and reviewer."""
    store = open_store(db_url)
    b = imported(store)
    store.calculate(b, policies)
    for reviewer in ("张三\u200b", "\ufeff张三", " 张三\u2060 "):
        with pytest.raises(InvalidData, match="经办人和审核人不能是同一人"):
            store.approve(b, "张三", reviewer, allow_provisional=True)
    store.approve(b, "张三\u200b", "李四", allow_provisional=True)
    assert (store.batch(b).preparer, store.batch(b).reviewer) == ("张三", "李四")
    # once users exist, a look-alike name is the same user, and a name that displays as another is refused
    store.create_first_admin("管理员\u200b", PW["管理员"])
    assert [u.name for u in store.users()] == ["管理员"]
    store.add_user("张三", PW["张三"], ["preparer"])
    with pytest.raises(InvalidData, match="用户名“张三”已被使用"):
        store.add_user("张三\u200d", PW["张三"], ["preparer"])
    with pytest.raises(InvalidData, match="改变文字显示方向的控制字符"):
        store.add_user("\u202e三张", PW["张三"], ["preparer"])
    assert store.login("张三\u200b", PW["张三"]).name == "张三"
    store.close()
