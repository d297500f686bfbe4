"""core.batchactions.allowed_actions: what the batch page enables, by the batch's state and the user's roles."""

import datetime as dt

from core.batchactions import ACTIONS, allowed_actions
from core.records import BatchRecord
from core.store.users import UserRecord

NOW = dt.datetime(2026, 12, 1, 9, 0)


def batch(status="draft", preparer="王敏", created_by="王敏"):
    return BatchRecord(3, "2026年度", 2026, status, NOW, "申报.xlsx", preparer, "", created_by=created_by)


def user(name, *roles):
    return UserRecord(1, name, frozenset(roles), True, NOW)


def enabled(result):
    return {a for a, (ok, _) in result.items() if ok}


def test_every_action_is_answered_with_a_reason_when_disabled():
    result = allowed_actions(None, None)
    assert set(result) == set(ACTIONS)
    assert enabled(result) == {"import", "refresh"}
    assert all(reason == "请先选择一个批次" for a, (ok, reason) in result.items() if not ok)


def test_without_users_the_state_alone_decides():
    draft = allowed_actions(batch(), None, lines=40)
    assert enabled(draft) == {
        "import",
        "refresh",
        "calculate",
        "approve",
        "delete",
        "export",
        "disbursement",
        "publicity",
    }
    assert draft["letters"] == (False, "兑现通知书在批次审批后才能出具")
    assert draft["paid"] == (False, "批次尚未审批")
    approved = allowed_actions(batch("approved"), None, lines=40)
    assert enabled(approved) == {
        "import",
        "refresh",
        "paid",
        "adjust",
        "export",
        "disbursement",
        "publicity",
        "letters",
    }
    assert approved["calculate"][1].startswith("批次已审批，不能修改")
    paid = allowed_actions(batch("paid"), None, lines=40)
    assert paid["paid"] == (False, "批次已标记为已拨付") and paid["approve"] == (False, "批次已拨付")


def test_a_reviewer_cannot_calculate_and_is_told_why_first():
    result = allowed_actions(batch(), user("李审", "reviewer"), lines=40)
    assert result["calculate"] == (False, "需要经办人角色（当前用户“李审”的角色为审核人）")
    assert result["import"][0] is False and result["delete"][0] is False
    assert result["approve"] == (True, "")


def test_the_preparer_cannot_approve_their_own_batch():
    own = allowed_actions(batch(), user("王敏", "preparer", "reviewer"), lines=40)
    assert own["approve"] == (False, "经办人和审核人不能是同一人：批次由您计算，须由其他审核人审批（文件 → 切换用户）")
    imported = allowed_actions(batch(preparer="赵六"), user("王敏", "preparer", "reviewer"), lines=40)
    assert imported["approve"][1].startswith("经办人和审核人不能是同一人：批次由您导入")


def test_approval_needs_a_calculation_by_a_logged_in_clerk():
    reviewer = user("李审", "reviewer")
    assert allowed_actions(batch(), reviewer, calculated=False)["approve"] == (
        False,
        "批次尚未计算，请先计算（F9）再审批",
    )
    assert allowed_actions(batch(preparer=""), reviewer)["approve"] == (
        False,
        "批次不是由登录的经办人计算的，请经办人登录后重新计算",
    )


def test_exports_need_lines_and_an_administrator_only_reads():
    admin = user("管理员甲", "admin")
    result = allowed_actions(batch("approved"), admin, lines=0)
    assert result["disbursement"] == (False, "批次没有奖补明细（可能尚未计算）")
    assert result["export"] == (True, "")
    assert enabled(allowed_actions(batch("approved"), admin, lines=5)) == {
        "refresh",
        "export",
        "disbursement",
        "publicity",
        "letters",
    }
