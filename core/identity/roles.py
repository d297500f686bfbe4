"""Roles of the program's users, and what each may do.

A user holds one or more roles. Maker-checker is about people, not roles: a
user holding both 经办人 and 审核人 may review a batch, but never one they
imported or calculated themselves (core.store.approval).
"""

from __future__ import annotations

from core.vocabulary import ADMIN, PREPARER, REVIEWER, ROLE_LABELS, ROLES  # noqa: F401 (the words live there)

ROLE_DUTIES = {
    PREPARER: "导入申报、维护企业档案、计算批次、创建调整批次",
    REVIEWER: "审批批次、标记已拨付",
    ADMIN: "管理用户、调整政策参数、修改设置、从备份恢复",
}


def parse_roles(text: str) -> frozenset[str]:
    """Roles stored as ``preparer,reviewer`` (unknown names are dropped)."""
    return frozenset(r for r in (text or "").split(",") if r in ROLES)


def format_roles(roles) -> str:
    """The stored form: known roles in a fixed order, comma-separated."""
    return ",".join(r for r in ROLES if r in set(roles))


def role_labels(roles) -> str:
    """``经办人、审核人`` for screens and messages."""
    return "、".join(ROLE_LABELS[r] for r in ROLES if r in set(roles)) or "无"


def role_problem(roles) -> str | None:
    """None when ``roles`` is a usable set of roles, else the reason in Chinese."""
    roles = list(roles)
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        return f"未知的角色：{'、'.join(unknown)}（可用：{'、'.join(f'{r}（{ROLE_LABELS[r]}）' for r in ROLES)}）"
    if not roles:
        return "请至少指定一个角色"
    return None
