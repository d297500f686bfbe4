"""What a user may do with a batch now, and why not: the batch page enables its buttons from this one place.

The answers follow the store's own checks (core.store.approval for the
batch's life, the role each store action requires per core.identity.permissions), so a
button is greyed, with the reason as its tooltip, before the clerk fills in a
form the store would refuse. The store still checks everything itself.
"""

from __future__ import annotations

from core.identity.permissions import permission
from core.identity.roles import ROLE_LABELS, role_labels
from core.vocabulary import APPROVED, DRAFT, PAID  # noqa: F401 (imported from here too)
from core.vocabulary import BATCH_STATUS_LABELS as STATUS_LABELS

# the batch page's action -> the store action it performs (None: it changes nothing in the store)
STORE_ACTION = {
    "import": "import",
    "calculate": "calculate",
    "approve": "approve",
    "paid": "mark_paid",
    "adjust": "create_adjustment",
    "export": None,
    "disbursement": None,
    "publicity": None,
    "letters": "issue_letter",
    "delete": "delete_draft",
    "refresh": None,
}
# action -> the role the store requires for it (None: anyone who can open the program)
ROLE_OF = {
    action: permission(store_action).role if store_action else None for action, store_action in STORE_ACTION.items()
}
ACTIONS = tuple(ROLE_OF)
OK = (True, "")


def role_reason(user, role: str | None) -> str:
    """Why ``user`` may not do what needs ``role`` ("" when they may; no user means no users exist yet)."""
    if role is None or user is None or role in user.roles:
        return ""
    return f"需要{ROLE_LABELS[role]}角色（当前用户“{user.name}”的角色为{role_labels(user.roles)}）"


def _state_reason(action: str, batch, user, lines: int, calculated: bool) -> str:
    """Why the batch's state does not allow ``action`` ("" when it does)."""
    if action in ("import", "refresh"):
        return ""
    if batch is None:
        return "请先选择一个批次"
    status = STATUS_LABELS.get(batch.status, batch.status)
    if action in ("calculate", "delete") and batch.status != DRAFT:
        return f"批次{status}，不能修改；发现错误请用“调整…”创建调整批次"
    if action == "approve":
        if batch.status != DRAFT:
            return f"批次已{status.removeprefix('已')}"
        if not calculated:
            return "批次尚未计算，请先计算（F9）再审批"
        if user is not None:
            if not batch.preparer:
                return "批次不是由登录的经办人计算的，请经办人登录后重新计算"
            if user.name in (batch.preparer, batch.created_by):
                did = "计算" if user.name == batch.preparer else "导入"
                return f"经办人和审核人不能是同一人：批次由您{did}，须由其他审核人审批（文件 → 切换用户）"
    if action == "paid" and batch.status != APPROVED:
        return "批次尚未审批" if batch.status == DRAFT else "批次已标记为已拨付"
    if action == "adjust" and batch.status == DRAFT:
        return "草稿批次可直接修改后重新计算；调整批次只用于更正已审批的批次"
    if action in ("disbursement", "publicity", "letters") and not lines:
        return "批次没有奖补明细（可能尚未计算）"
    if action == "letters" and batch.status == DRAFT:
        return "兑现通知书在批次审批后才能出具"
    return ""


def allowed_actions(batch, user, *, lines: int = 0, calculated: bool = True) -> dict[str, tuple[bool, str]]:
    """{action: (enabled, reason in Chinese when not)} for ``batch`` (a BatchRecord or None) and ``user``.

    ``user`` is the logged-in UserRecord, or None while the database has no users (then roles do not apply).
    ``lines`` is the batch's number of award lines; ``calculated`` whether every company of it is calculated.
    The role is checked first: a reviewer is told calculating needs a 经办人 before being told anything else.
    """
    out = {}
    for action, role in ROLE_OF.items():
        reason = role_reason(user, role) or _state_reason(action, batch, user, lines, calculated)
        out[action] = OK if not reason else (False, reason)
    return out
