"""Who may do what: every store action, the role it needs and what it is called in Chinese.

One table, read by the store's ``@change`` decorator (core.store.managers.base) before any change is made and
by screens that grey out what the logged-in user may not do (``can``). An action whose role is None needs a
logged-in user of any role (anyone, before the database has users).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.identity.roles import ADMIN, PREPARER, REVIEWER, ROLE_LABELS, role_labels


@dataclass(frozen=True)
class Permission:
    action: str
    role: str | None
    label: str  # what the clerk asked for, as messages say it: "不能{label}"


def _table(*rows: tuple[str, str | None, str]) -> dict[str, Permission]:
    return {action: Permission(action, role, label) for action, role, label in rows}


PERMISSIONS: dict[str, Permission] = _table(
    # batches
    ("import", PREPARER, "导入申报"),
    ("calculate", PREPARER, "计算批次"),
    ("approve", REVIEWER, "审批批次"),
    ("mark_paid", REVIEWER, "标记已拨付"),
    ("delete_draft", PREPARER, "删除草稿批次"),
    ("create_adjustment", PREPARER, "创建调整批次"),
    # official lists (免申即享)
    ("import_list", PREPARER, "导入名单"),
    ("match_list", PREPARER, "匹配名单"),
    ("confirm_list_match", PREPARER, "确认名单匹配"),
    ("create_company_from_list", PREPARER, "由名单新建单位"),
    ("make_list_claims", PREPARER, "由名单生成申报事项"),
    ("record_consent", PREPARER, "记录意愿确认"),
    ("import_consent", PREPARER, "导入意愿确认表"),
    # award letters
    ("number_letters", None, "编排兑现通知书文号"),
    ("issue_letter", None, "出具兑现通知书"),
    ("record_export", None, "导出文件"),
    # companies and their history
    ("add_company", PREPARER, "新增单位"),
    ("delete_company", PREPARER, "删除单位"),
    ("merge_company", PREPARER, "合并单位"),
    ("update_company", PREPARER, "修改单位资料"),
    ("add_recognition", PREPARER, "录入认定记录"),
    ("update_recognition", PREPARER, "修改认定记录"),
    ("delete_recognition", PREPARER, "删除认定记录"),
    ("add_tech_sme", PREPARER, "录入入库记录"),
    ("delete_tech_sme", PREPARER, "删除入库记录"),
    ("set_rd_year", PREPARER, "录入研发费用"),
    ("delete_rd_year", PREPARER, "删除研发费用"),
    ("add_ledger_entry", PREPARER, "录入历史台账"),
    ("delete_ledger_entry", PREPARER, "删除历史台账"),
    # policy parameters and settings
    ("add_override", ADMIN, "调整政策参数"),
    ("revoke_override", ADMIN, "撤销参数调整"),
    ("set_setting", ADMIN, "修改设置"),
    # users
    ("add_user", ADMIN, "添加用户"),
    ("set_password", None, "修改密码"),
    ("reset_password", ADMIN, "重设其他用户的密码"),
    ("set_roles", ADMIN, "修改用户角色"),
    ("set_user_active", ADMIN, "停用或启用用户"),
    # the database
    ("restore", ADMIN, "从备份恢复"),
    ("upgrade_schema", ADMIN, "升级数据库结构"),
)


def permission(action: str) -> Permission:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise KeyError(
            f"no permission is declared for the store action {action!r} (core.identity.permissions)"
        ) from None


def refusal(user, action: str) -> str | None:
    """Why ``user`` (a UserRecord, or None: nobody logged in) may not do ``action``, in Chinese; None if they may.

    Read from the user record the screen holds; the store checks again against the database when it acts.
    """
    p = permission(action)
    if user is None:
        return f"{p.label}须先登录"
    if not user.active:
        return f"用户“{user.name}”已停用"
    if p.role is not None and p.role not in user.roles:
        return f"用户“{user.name}”的角色为{role_labels(user.roles)}，不能{p.label}（需要{ROLE_LABELS[p.role]}角色）"
    return None


def can(user, action: str, *, has_users: bool = True) -> tuple[bool, str]:
    """(whether ``user`` may do ``action``, the reason in Chinese when not). Before the database has users
    (``has_users=False``) anyone may do anything, as the store allows."""
    if not has_users:
        return True, ""
    why = refusal(user, action)
    return why is None, why or ""
