"""Buttons and menu items a user's roles do not allow: greyed, with the reason as their tooltip (issue 15: a clerk
without the role used to find out only after filling in a whole form). The store still checks every change."""

from __future__ import annotations

from core.batchactions import role_reason


def current_user(ctx):
    """The logged-in user, or None (no users yet, or the store not open yet: nothing is greyed then)."""
    return getattr(ctx.store, "user", None) if ctx.db_ready() else None


def gate(target, ctx, role: str | None, label: str) -> bool:
    """Enable ``target`` (a QAction or a button) when the user holds ``role``; otherwise grey it and say why."""
    reason = role_reason(current_user(ctx), role)
    target.setEnabled(not reason)
    target.setToolTip(f"{label}：{reason}" if reason else label)
    return not reason
