"""参数调整: an administrator changes one parameter of a rule from a date, with a reason.

The override is kept with who made it and when; it becomes the newest version
of the parameter for events dated inside its period, and every trace computed
with it names it. It is never edited: revoking it keeps the row.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtWidgets import QComboBox, QLabel

from core.money import display_value
from gui.companies.dialogs import RecordDialog
from gui.fields import CheckedEdit, check_date, check_decimal, check_money, check_text


def check_value(unit: str):
    """The new value's check for a parameter's unit: yuan (万 allowed), a rate (5% or 0.05), a count."""
    if unit == "yuan":
        return check_money("新取值")
    decimal = check_decimal("新取值")
    if unit == "rate":

        def rate(text):
            value, problem, hint = decimal(text)
            if problem is None and not 0 <= value <= 1:
                return None, "比例应在0至1之间（可写作 0.05 或 5%）", ""
            return value, problem, hint

        return rate

    def count(text):
        value, problem, hint = decimal(text)
        if problem is None and (value < 0 or value != value.to_integral_value()):
            return None, "应为不小于0的整数", ""
        return value, problem, hint

    return count


class OverrideDialog(RecordDialog):
    """Rule, parameter, new value (Decimal), effective from/to, reason; ``who`` is the current user."""

    def __init__(self, parent, policies, who: str, save, rule_id: str | None = None, path: str | None = None):
        super().__init__(parent, "参数调整", save, width=780)
        self.policies = policies
        self.who = who
        intro = QLabel(
            "调整后，事项日期在有效期内的计算按新取值；已审批的批次不受影响，草稿批次需重新计算。"
            "调整记录保留调整人、时间和理由，可撤销但不能删除。"
        )
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        f = self.fields
        self.rule = QComboBox()
        self.rule.setMaxVisibleItems(20)
        self.rule.setMinimumContentsLength(40)
        for r in sorted(policies.rules.values(), key=lambda r: (r.document.date, r.document.id, r.order)):
            if any(True for _ in r.params()):
                self.rule.addItem(f"{r.document.citation}{r.clause} {r.summary}", r.id)
        f.add("rule", "规则", self.rule)
        self.param = QComboBox()
        f.add("param", "参数", self.param)
        self.current = QLabel()
        self.current.setObjectName("current-value")
        self.current.setWordWrap(True)
        f.add("current", "现行取值", self.current)
        self.value = f.add("value", "新取值", CheckedEdit(check_value("yuan")))
        f.add(
            "start",
            "生效日期",
            CheckedEdit(check_date("生效日期"), dt.date.today().isoformat(), "事项日期自该日起按新取值"),
        )
        f.add("end", "截止日期", CheckedEdit(check_date("截止日期", required=False), "", "不填表示长期有效"))
        f.add(
            "reason", "调整理由", CheckedEdit(check_text("调整理由", True, 200), "", "如 依据呼科发〔2026〕3号通知调整")
        )
        who_label = QLabel(escape(who))
        who_label.setObjectName("who")
        f.add("who", "调整人", who_label)
        self.ok_button.setText("保存调整")
        self.rule.currentIndexChanged.connect(self._rule_changed)
        self.param.currentIndexChanged.connect(self._param_changed)
        if rule_id is not None:
            self.rule.setCurrentIndex(max(self.rule.findData(rule_id), 0))
        self._rule_changed()
        if path is not None:
            self.param.setCurrentIndex(max(self.param.findData(path), 0))
        self._update()

    def selected_rule(self):
        return self.policies.rules.get(self.rule.currentData())

    def selected_param(self):
        rule = self.selected_rule()
        if rule is None:
            return None
        return dict(rule.params()).get(self.param.currentData())

    def _rule_changed(self, *_args) -> None:
        rule = self.selected_rule()
        self.param.blockSignals(True)
        self.param.clear()
        if rule is not None:
            for path, p in rule.params():
                self.param.addItem(f"{p.label}（{path}）", path)
        self.param.blockSignals(False)
        self._param_changed()

    def _param_changed(self, *_args) -> None:
        p = self.selected_param()
        if p is None:
            self.current.setText("—")
            return
        today = dt.date.today()
        v = p.at(today) or p.versions[-1]
        source = "政策原文" if v.source == "policy" else "管理员调整"
        self.current.setText(
            f"{display_value(p.unit, v.value)}　<span style='color:#666'>“{escape(v.cite)}”，"
            f"{v.start.isoformat()}起，{source}</span>"
        )
        self.value.setPlaceholderText({"yuan": "如 500000 或 50万", "rate": "如 0.05 或 5%"}.get(p.unit, "如 3"))
        self.value.set_check(check_value(p.unit))

    def values(self) -> dict:
        from core.policy.policyset import Override

        f = self.fields
        return {
            "override": Override(
                target=self.rule.currentData(),
                path=self.param.currentData(),
                value=f["value"].value,
                start=f["start"].value,
                end=f["end"].value,
                who=self.who,
                when=dt.datetime.now(),
                reason=f["reason"].value,
            )
        }
