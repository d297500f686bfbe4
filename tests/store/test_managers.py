"""The store as managers (issue 16): one permission table, one decorator, and what each change touched."""

import ast
import re
import datetime as dt
import inspect
from decimal import Decimal
from pathlib import Path

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.identity.permissions import PERMISSIONS, can
from core.identity.roles import ADMIN, PREPARER, REVIEWER
from core.policy.policyset import Override
from core.store import open_store
from core.store.changes import Changes, from_entries
from core.store.errors import PermissionDenied
from core.store.managers import base
from core.store.store import Store
from core.store.users import UserRecord

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x"}
MANAGERS = Path(base.__file__).parent


def _user(*roles, active=True):
    return UserRecord(1, "赵六", frozenset(roles), active, dt.datetime(2026, 1, 1))


def test_can_reads_the_permission_table():
    assert PERMISSIONS["approve"].role == REVIEWER and PERMISSIONS["approve"].label == "审批批次"
    assert can(_user(REVIEWER), "approve") == (True, "")
    ok, why = can(_user(PREPARER), "approve")
    assert not ok and why == "用户“赵六”的角色为经办人，不能审批批次（需要审核人角色）"
    assert can(None, "approve") == (False, "审批批次须先登录")
    assert can(None, "approve", has_users=False) == (True, "")  # before the database has users, as the store allows
    assert can(_user(ADMIN, active=False), "set_setting") == (False, "用户“赵六”已停用")
    assert can(_user(PREPARER), "issue_letter") == (True, "")  # any role


def test_every_change_in_the_managers_names_a_declared_action_and_no_role_is_written_by_hand():
    """The role checks live in one table: no manager names a role or writes a transaction of its own for a
    declared action, and every @change names an action the table holds."""
    actions = set()
    for path in MANAGERS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "change":
                actions.add(node.args[0].value)
            if isinstance(node, ast.Name):
                assert node.id not in {"PREPARER", "REVIEWER"}, f"{path.name} names a role"
    assert actions and actions <= set(PERMISSIONS)
    source = inspect.getsource(Store)
    assert not re.search(r"\b_changing\(|self\._actor\(", source)


def test_the_old_names_call_the_managers():
    store = Store("sqlite://")  # no schema needed: nothing is called
    try:
        for old, target in Store.LEGACY_NAMES.items():
            manager, method = target.split(".")
            assert callable(getattr(store, old)) and callable(getattr(getattr(store, manager), method)), target
        # the four managers that share a name with an old method are that method when called
        assert {"batches", "users", "settings", "backups"} <= {n for n in vars(store) if callable(getattr(store, n))}
    finally:
        store.close()


@pytest.fixture
def people(db_url):
    store = open_store(db_url)
    store.users.create_first_admin("管理员", PW["管理员"])
    store.users.add("张三", PW["张三"], ["preparer"])
    store.users.add("李四", PW["李四"], ["reviewer"])
    store.close()
    return db_url


def _as(url, name):
    store = open_store(url)
    store.users.login(name, PW[name])
    return store


def test_each_change_says_what_it_touched(people, published_policies):
    policies = published_policies  # its lines are not provisional, so the letters get numbers
    zhang, li, admin = _as(people, "张三"), _as(people, "李四"), _as(people, "管理员")
    try:
        batch_id, _ = zhang.batches.apply_import(
            batch_data("第1批", 2026, [profile(1), profile(2)], [(uscc(1), hte("2026-03-01"))])
        )
        imported = zhang.last_changes
        company_ids = {zhang.companies.id_of(uscc(1)), zhang.companies.id_of(uscc(2))}
        assert imported.batches == {batch_id} and imported.companies == company_ids and imported.audit
        assert not imported.users and not imported.settings and not imported.policies

        zhang.batches.calculate(batch_id, policies)
        assert zhang.last_changes == Changes(batches=frozenset({batch_id}), audit=True)

        li.batches.approve(batch_id, allow_provisional=True)
        # the members' award history gained the batch's lines: a company screen refreshes them
        assert li.last_changes == Changes(batches=frozenset({batch_id}), companies=frozenset(company_ids), audit=True)

        li.letters.numbers(batch_id)
        assert li.last_changes.letters == {batch_id}

        admin.settings.set("calc.include_drafts", "0")
        assert admin.last_changes == Changes(settings=frozenset({"calc.include_drafts"}), audit=True)
        oid = admin.settings.add_override(
            Override(
                "hlb-12-tech-contract",
                "rate",
                Decimal("0.06"),
                dt.date(2026, 1, 1),
                None,
                "",
                dt.datetime(2026, 1, 1),
                "测试",
            ),
            policies,
        )
        assert admin.last_changes.overrides == {oid} and admin.last_changes.policies

        admin.users.set_roles("张三", ["preparer", "reviewer"])
        assert admin.last_changes == Changes(users=frozenset({"张三"}), audit=True)
    finally:
        for s in (zhang, li, admin):
            s.close()


def test_a_refused_change_is_refused_by_the_table_and_changes_nothing(people):
    li = _as(people, "李四")
    try:
        before = li.last_changes
        with pytest.raises(PermissionDenied, match="不能新增单位（需要经办人角色）"):
            li.companies.add(profile(3))
        assert li.last_changes is before
        assert li.companies.id_of(uscc(3)) is None
    finally:
        li.close()


def test_changes_from_entries_and_union():
    c = from_entries(
        [
            ("batch.import", "batch:3", None, {}),
            ("company.create", "company:7", None, {}),
            ("letters.issue", "batch:3", None, {}),
            ("backup.restore", "database", None, {}),
        ],
        {"companies": {8}},
    )
    assert c.batches == {3} and c.companies == {7, 8} and c.letters == {3} and c.database and c.audit
    assert c.policies  # a restored database may hold other overrides
    assert not Changes() and (Changes() | c) == c


def test_rows_written_in_bulk_are_sealed_from_their_values_as_they_read_back(db_url, monkeypatch):
    """Issue 14: claims, members, lines and ledger rows are sealed from the values written, not read back at the
    end of the change that wrote them; the seals are those a reading of the rows gives (the audit check reads
    them all). Rows a change updates, or relies on (the lines an approval approves), are still read: that is
    their check."""
    from core.engine import load_policies
    from core.excel.reader import read_workbook
    from core.paths import RESOURCES
    from core.store import approval_rows, audit

    read_back: list[str] = []

    def spy(real):
        def reading(s, table_name, keys, **kw):
            keys = list(keys)
            if keys:
                read_back.append(table_name)
            return real(s, table_name, keys, **kw)

        return reading

    real = audit.row_states
    monkeypatch.setattr(audit, "row_states", spy(real))
    monkeypatch.setattr(audit, "iter_states", spy(audit.iter_states))  # the check of rows a change relies on
    monkeypatch.setattr(approval_rows, "row_states", spy(approval_rows.row_states))  # lines and claims approved
    store = open_store(db_url)
    try:
        data = read_workbook(RESOURCES / "samples" / "申报样例.xlsx", vocabulary=store.vocabulary)
        batch_id, _ = store.batches.apply_import(data)  # the sample: amounts with fen, traces, dates
        assert not {"claims", "batch_companies"} & set(read_back)
        read_back.clear()
        store.batches.calculate(batch_id, load_policies())
        assert "award_lines" not in read_back and "batch_companies" in read_back  # members updated: checked
        read_back.clear()
        store.batches.approve(batch_id, preparer="张三", reviewer="李四", allow_provisional=True)
        assert "ledger" not in read_back and {"award_lines", "claims"} <= set(read_back)
        monkeypatch.setattr(audit, "row_states", real)
        report = store.audit.verify()
        assert report.ok, report
        assert len(store.batches.lines(batch_id)) == 54
    finally:
        store.close()
