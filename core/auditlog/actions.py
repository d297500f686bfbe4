"""What audit entries are called on screen, and a one-line account of an entry's change."""

from __future__ import annotations

import json

ACTION_LABELS = {
    "audit.start": "启用审计日志",
    "batch.import": "导入批次",
    "batch.calculate": "计算批次",
    "batch.approve": "审批批次",
    "batch.paid": "标记已拨付",
    "batch.delete": "删除草稿批次",
    "batch.adjust": "创建调整批次",
    "company.create": "新增单位",
    "company.update": "修改单位资料",
    "company.delete": "删除单位",
    "company.merge": "合并单位",
    "recognition.add": "录入认定记录",
    "recognition.update": "修改认定记录",
    "recognition.delete": "删除认定记录",
    "tech_sme.add": "录入入库记录",
    "tech_sme.delete": "删除入库记录",
    "rd.set": "录入研发费用",
    "rd.delete": "删除研发费用",
    "ledger.add": "录入历史台账",
    "ledger.delete": "删除历史台账",
    "override.add": "调整政策参数",
    "override.revoke": "撤销参数调整",
    "setting.set": "修改设置",
    "letters.number": "编排通知书文号",
    "letters.issue": "出具兑现通知书",
    "audit.extend": "扩大封存范围",
    "audit.tamper": "拒绝写入被篡改的数据",
    "user.login": "输错密码后登录成功",
    "backup.restore": "从备份恢复",
    "user.create": "添加用户",
    "user.password": "修改密码",
    "user.roles": "修改角色",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.login_failed": "登录失败",
    "list.import": "导入名单",
    "list.match": "确认名单匹配",
    "list.claims": "由名单生成申报事项",
    "list.consent": "记录意愿确认",
    "list.withdraw": "撤回名单申报事项",
    "export.write": "导出文件",
}
TARGET_LABELS = {
    "batch": "批次",
    "company": "单位",
    "override": "参数调整",
    "setting": "设置",
    "user": "用户",
    "audit": "审计日志",
    "database": "数据库",
    # rows named by a refusal (audit.tamper) by their table
    "recognitions": "认定记录",
    "tech_sme_registrations": "入库记录",
    "rd_years": "研发费用记录",
    "batch_companies": "批次单位记录",
    "claims": "申报事项",
    "award_lines": "奖补明细",
    "ledger": "台账记录",
    "import_log": "导入记录",
    "letter_numbers": "通知书编号记录",
    "letter_issues": "通知书出具记录",
    "users": "用户记录",
    "list": "名单",
    "view": "列表",
    "official_lists": "名单",
    "list_entries": "名单条目",
}
NOBODY = "（无用户）"


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def target_label(target: str) -> str:
    """``batch:3`` → ``批次3``, ``user:张三`` → ``用户张三``."""
    kind, _, rest = target.partition(":")
    return f"{TARGET_LABELS.get(kind, kind)}{rest}"


def who_label(who: str) -> str:
    return who or NOBODY


def _text(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, str):
        return value or "空"
    return json.dumps(value, ensure_ascii=False)


# What an administrator reads for the field names the log stores.
FIELD_LABELS = {
    "status": "状态",
    "preparer": "经办人",
    "reviewer": "审核人",
    "lines": "明细条数",
    "total": "合计",
    "allow_provisional": "允许审批测算金额",
    "companies": "单位数",
    "companies_with_errors": "有错误的单位数",
    "provisional_lines": "测算明细条数",
    "overrides_version": "参数调整版本",
    "name": "名称",
    "award_year": "兑现年度",
    "source_name": "导入文件",
    "sha256": "文件校验值",
    "value": "取值",
    "target": "规则",
    "path": "参数",
    "value_type": "取值类型",
    "valid_from": "起始日期",
    "valid_to": "截止日期",
    "reason": "理由",
    "who": "操作人",
    "uscc": "统一社会信用代码",
    "city": "盟市",
    "county": "旗县区",
    "size": "企业规模",
    "industry": "行业",
    "bank_name": "开户行",
    "bank_account": "账号",
    "contact": "联系人",
    "phone": "电话",
    "kind": "类别",
    "level": "级别",
    "date": "日期",
    "number": "编号",
    "issued_in": "发证地",
    "stage": "阶段",
    "year": "年度",
    "expense": "研发费用",
    "super_deduction": "加计扣除",
    "deducted": "加计扣除额",
    "revenue": "营业收入",
    "rule_id": "规则编号",
    "amount": "金额",
    "subject": "事项",
    "person": "人员",
    "roles": "角色",
    "active": "启用",
    "rows": "封存行数",
    "claims": "申报事项数",
    "adjusts_batch_id": "更正的批次",
    "adjust_reason": "更正理由",
    "imported_in": "导入批次",
    "companies_created": "新建的单位",
    "history_added": "补充了历史记录的单位",
    "summary": "导入内容",
    "doing": "被拒绝的操作",
    "tampered": "被改动的数据",
    "count": "行数",
    "failures": "连续输错次数",
    "after_failures": "此前连续输错次数",
    "tables": "数据表",
    "file": "备份文件",
    "safety_copy": "恢复前的数据",
    "damaged": "原数据库文件的损坏情况",
    "what": "导出内容",
    "lines_left_out": "未列入的测算明细条数",
    "saved_to": "保存位置",
    "history_rows": "一并删除的历史记录",
    "merged_from": "并入的单位",
    "moved_rows": "移入的历史记录",
    "dropped_rows": "重复而删去的历史记录",
}


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def change_summary(old, new, limit: int = 200) -> str:
    """``电话：空 → 0470-1234567；账号：0601 → 0602`` (or the values, for a creation or deletion)."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(dict.fromkeys([*old, *new]))
        parts = [
            f"{field_label(k)}：{_text(old.get(k))} → {_text(new.get(k))}"
            if k in old
            else f"{field_label(k)}：{_text(new[k])}"
            for k in keys
            if old.get(k) != new.get(k) or k not in old
        ]
    elif isinstance(new, dict):
        parts = [f"{field_label(k)}：{_text(v)}" for k, v in new.items()]
    elif isinstance(old, dict):
        parts = ["删除：" + "，".join(f"{field_label(k)}：{_text(v)}" for k, v in old.items())]
    else:
        parts = []
    text = "；".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
