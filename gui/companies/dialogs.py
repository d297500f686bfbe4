"""Dialogs that add or change one piece of a company's record, checked as the clerk types.

Each dialog is opened with ``open()`` (window-modal, never blocking the
event loop) and saves through ``save(values)`` when 确定 is pressed: a store
refusal (a duplicate certificate, a year already recorded) is shown in the
dialog, which stays open so the clerk can correct it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.model import RdYear, Recognition
from core.money import fmt_yuan
from core.platform_names import rule_names_platforms
from core.subjects import SUBJECT_FIELDS, claim_subject, describe
from gui.errors import clerk_message, is_tampered, show_failure
from gui.fields import (
    CheckedEdit,
    FieldSet,
    check_county,
    check_date,
    check_money,
    check_phone,
    check_text,
    check_uscc,
    check_year,
    enum_combo,
)
from gui.screenfit import FitsScreen

PLATFORM_NAME_HINT = "重点实验室等平台或载体必填，按证书填写；高新技术企业等称号不填"
PROFILE_FIELDS = (  # (name, label, required, limit)
    ("name", "企业名称", True, 200),
    ("county", "旗县区", False, 60),
    ("industry", "行业", False, 100),
    ("bank_name", "开户行", False, 200),
    ("bank_account", "账号", False, 60),
    ("contact", "联系人", False, 60),
    ("phone", "电话", False, 40),
)


def profile_fields(vocab, left: QFormLayout, right: QFormLayout, profile=None) -> FieldSet:
    """The company profile's fields in two columns; ``profile`` fills them (a CompanyRow or CompanyProfile)."""
    get = (lambda name: getattr(profile, name) or "") if profile is not None else (lambda name: "")
    fields = FieldSet(left)
    fields.add("uscc", "统一社会信用代码", CheckedEdit(check_uscc, get("uscc"), "18位，如 91150702MA0Q1234X5"))
    fields.add("name", "企业名称", CheckedEdit(check_text("企业名称", True, 200), get("name")))
    # no default city or size (issue 15: every new company was 呼和浩特市, 中型企业 unless changed)
    city = fields.add("city", "所属盟市", enum_combo(vocab.enums["cities"], get("city") or None, required="所属盟市"))
    county = fields.add(
        "county", "旗县区", CheckedEdit(check_county(city.currentData), get("county"), "从列表选择，或输入如“莫旗”")
    )
    _county_choices(county, city)
    city.currentIndexChanged.connect(lambda _i: (_county_choices(county, city), county.recheck()))
    fields.add("size", "企业规模", enum_combo(vocab.enums["sizes"], get("size") or None, required="企业规模"))
    fields.form = right
    for name, label, required, limit in PROFILE_FIELDS[2:]:
        check = check_phone if name == "phone" else check_text(label, required, limit)
        fields.add(name, label, CheckedEdit(check, get(name)))
    return fields


def _county_choices(edit, city) -> None:
    """The 旗县区 of the chosen city, offered as the clerk types (any part of the name)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QCompleter

    from core.regions import regions

    c = regions().city(city.currentData()) if city.currentData() else None
    completer = QCompleter(c.county_names() if c is not None else [], edit)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(
        QCompleter.CompletionMode.UnfilteredPopupCompletion
        if not edit.text()
        else QCompleter.CompletionMode.PopupCompletion
    )
    edit.setCompleter(completer)


def profile_values(fields: FieldSet) -> dict:
    out = {
        "uscc": fields["uscc"].value or fields["uscc"].text().strip(),
        "city": fields["city"].currentData(),
        "size": fields["size"].currentData(),
    }
    for name, *_ in PROFILE_FIELDS:
        out[name] = fields[name].value if fields[name].value is not None else fields[name].text().strip()
    return out


class RecordDialog(FitsScreen, QDialog):
    """A form with 确定 enabled only while every field is fine, and the store's answer shown in it."""

    def __init__(self, parent, title: str, save, *, width: int = 540):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.save = save
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = FieldSet(self.form)
        self.fields.changed.connect(self._update)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)
        self.result_value = None
        self.finished.connect(self.deleteLater)  # opened with open(): gone once answered

    def _update(self) -> None:
        self.ok_button.setEnabled(self.fields.ok)
        if self.fields.ok:
            self.error.setText("")

    def values(self) -> dict:
        raise NotImplementedError

    def accept(self) -> None:
        problems = self.fields.problems()
        if problems:
            self.error.setText("；".join(problems))
            return
        try:
            self.result_value = self.save(self.values())
        except Exception as exc:
            message = clerk_message(exc)
            if message is None or is_tampered(exc):
                show_failure(self, self.windowTitle(), exc)
                return
            self.error.setText(message)
            return
        super().accept()


class CompanyDialog(RecordDialog):
    """新增企业: the profile, checked field by field."""

    def __init__(self, parent, vocab, save):
        super().__init__(parent, "新增企业", save, width=760)
        left, right = QFormLayout(), QFormLayout()
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.body.insertLayout(0, columns)
        self.fields = profile_fields(vocab, left, right)
        self.fields.changed.connect(self._update)
        self._update()

    def values(self) -> dict:
        return profile_values(self.fields)


class RecognitionDialog(RecordDialog):
    """认定记录: kind, level, date, number, where issued, platform name, stage."""

    def __init__(self, parent, vocab, save, rec: Recognition | None = None):
        super().__init__(parent, "修改认定记录" if rec else "新增认定记录", save)
        enums = vocab.enums
        f = self.fields
        f.add("kind", "认定类别", enum_combo(enums["recognition_kinds"], rec.kind if rec else "high_tech"))
        f.add("level", "级别", enum_combo(enums["levels"], rec.level if rec else "national", none_label="（无级别）"))
        f.add(
            "date",
            "认定日期",
            CheckedEdit(
                check_date("认定日期"),
                rec.date.isoformat() if rec else "",
                "如 2025-11-20、2025/11/20 或 2025年11月20日",
            ),
        )
        f.add(
            "number", "证书或文件编号", CheckedEdit(check_text("证书或文件编号", False, 100), rec.number if rec else "")
        )
        f.add(
            "issued_in",
            "发证省份",
            CheckedEdit(
                check_text("发证省份", False, 40), rec.issued_in if rec else "", "区外证书填写省份，区内的不填"
            ),
        )
        f.add(
            "name",
            "平台或载体名称",
            CheckedEdit(check_text("平台或载体名称", False, 200), rec.name if rec else "", PLATFORM_NAME_HINT),
        )
        f.add("stage", "阶段", enum_combo(enums["stages"], rec.stage if rec else "approved"))
        self._update()

    def values(self) -> dict:
        f = self.fields
        return {
            "recognition": Recognition(
                kind=f["kind"].currentData(),
                level=f["level"].currentData(),
                date=f["date"].value,
                number=f["number"].value or "",
                issued_in=f["issued_in"].value or "",
                name=f["name"].value or "",
                stage=f["stage"].currentData(),
            )
        }


class TechSmeDialog(RecordDialog):
    def __init__(self, parent, save):
        super().__init__(parent, "新增科技型中小企业入库记录", save)
        self.fields.add("year", "入库年度", CheckedEdit(check_year("入库年度"), str(dt.date.today().year), "如 2025"))
        self.fields.add("number", "入库登记编号", CheckedEdit(check_text("入库登记编号", False, 100)))
        self._update()

    def values(self) -> dict:
        return {"year": self.fields["year"].value, "number": self.fields["number"].value or ""}


class RdYearDialog(RecordDialog):
    """研发投入 of one year (an existing year's figures are replaced)."""

    def __init__(self, parent, save, rd: RdYear | None = None):
        super().__init__(parent, f"修改{rd.year}年度研发投入" if rd else "新增研发投入", save)
        f = self.fields
        money = lambda v: fmt_yuan(v) if v is not None else ""  # noqa: E731
        year = f.add("year", "年度", CheckedEdit(check_year("年度"), str(rd.year if rd else dt.date.today().year - 1)))
        year.setReadOnly(rd is not None)
        f.add(
            "expense",
            "研发费用（元）",
            CheckedEdit(check_money("研发费用"), money(rd.expense) if rd else "", "如 1,200,000 或 120万"),
        )
        self.super_deduction = QCheckBox("享受研发费用加计扣除")
        self.super_deduction.setChecked(rd.super_deduction if rd else True)
        f.add("super_deduction", "", self.super_deduction)
        f.add(
            "deducted",
            "已加计扣除的研发费用（元）",
            CheckedEdit(
                check_money("已加计扣除的研发费用", False), money(rd.deducted) if rd else "", "不填则按研发费用计"
            ),
        )
        f.add("revenue", "营业收入（元）", CheckedEdit(check_money("营业收入", False), money(rd.revenue) if rd else ""))
        self._update()

    def values(self) -> dict:
        f = self.fields
        return {
            "rd": RdYear(
                f["year"].value,
                f["expense"].value,
                self.super_deduction.isChecked(),
                f["deducted"].value,
                f["revenue"].value,
            )
        }


class LedgerDialog(RecordDialog):
    """An award paid before the program was used, typed in from the paper records.

    What it paid for is asked field by field, as the rule's claims name their
    subject (core.subjects.SUBJECT_FIELDS: a contract's number, a platform's
    kind, level and name ...), so the engine meets it when the subject is
    claimed again and pays it only once.
    """

    def __init__(self, parent, policies, save):
        super().__init__(parent, "录入历史奖补", save, width=620)
        self.policies, self.vocab = policies, policies.vocabulary
        f = self.fields
        rule = QComboBox()
        rule.setEditable(False)
        for r in sorted(policies.rules.values(), key=lambda r: (r.document.date, r.document.id, r.order)):
            if r.pays:
                rule.addItem(f"{r.document.citation}{r.clause} {r.summary}", r.id)
        rule.setMaxVisibleItems(20)
        rule.setMinimumContentsLength(30)
        f.add("rule", "政策条款", rule)
        f.add("year", "兑现年度", CheckedEdit(check_year("兑现年度"), str(dt.date.today().year - 1)))
        f.add("amount", "金额（元）", CheckedEdit(check_money("金额"), "", "如 300,000 或 30万"))
        box = QWidget()
        self.subject_form = QFormLayout(box)
        self.subject_form.setContentsMargins(0, 0, 0, 0)
        self.subject_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("奖补事项", box)
        self.subject_label = QLabel()
        self.subject_label.setObjectName("subject")
        self.subject_label.setWordWrap(True)
        self.subject_label.setStyleSheet("color: #555555;")
        self.form.addRow("", self.subject_label)
        self.subject_fields = FieldSet(self.subject_form)
        f.add("note", "来源", CheckedEdit(check_text("来源", True, 200), "", "如 原拨付文件 呼科发〔2024〕8号"))
        rule.currentIndexChanged.connect(self._rule_changed)
        self._rule_changed()

    @property
    def rule(self):
        return self.policies.rules.get(self.fields["rule"].currentData())

    def _rule_changed(self, *_args) -> None:
        """Ask for the fields the chosen rule's claims name their subject by."""
        while self.subject_form.rowCount():
            self.subject_form.removeRow(0)
        self.subject_fields = FieldSet(self.subject_form)
        rule = self.rule
        ctype = self.vocab.claim_types.get(rule.claim_type) if rule is not None else None
        if ctype is None:
            self.subject_fields.add("subject", "事项说明", CheckedEdit(check_text("奖补事项", False, 200)))
        else:
            allowed = {c.field: c.value for c in rule.conditions if c.of == "claim" and c.op in ("eq", "in")}
            for name in SUBJECT_FIELDS.get(ctype.name, ()):
                self.subject_fields.add(
                    name, ctype.fields[name].label, self._subject_widget(ctype.fields[name], allowed.get(name))
                )
        self.subject_fields.changed.connect(self._update)
        self._update()

    def _subject_widget(self, spec, allowed):
        """An input for one subject field: a list of the values the rule takes, or a checked edit."""
        if spec.enum:
            values = self.vocab.enums[spec.enum]
            if allowed is not None:
                keep = set(allowed) if isinstance(allowed, (tuple, list, set, frozenset)) else {allowed}
                values = {k: v for k, v in values.items() if k in keep}
            return enum_combo(
                values,
                next(iter(values), None),
                none_label="（无级别）" if spec.name == "level" and allowed is None else None,
            )
        if spec.type == "year":
            return CheckedEdit(check_year(spec.label), "", "如 2024")
        if spec.type == "date":
            return CheckedEdit(check_date(spec.label), "", "如 2024-06-30")
        required = spec.required or (spec.name == "name" and rule_names_platforms(self.rule, self.policies))
        hint = {"name": "按证书填写平台或载体名称" if required else "", "number": "选填"}.get(spec.name, "")
        return CheckedEdit(check_text(spec.label, required, 200), "", hint)

    def subject(self) -> tuple[str, str]:
        """(subject, person) of the award as the engine keys it; ValueError names a field still wrong."""
        problems = self.subject_fields.problems()
        if problems:
            raise ValueError("；".join(problems))
        rule = self.rule
        values = {}
        for name, widget in self.subject_fields.fields.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.value
            if value not in (None, ""):
                values[name] = value
        if rule is None or rule.claim_type not in self.vocab.claim_types:
            return values.get("subject", ""), ""
        subject = claim_subject(rule.claim_type, values, values.get("date"))
        return subject, str(values.get("person_id", "")) if rule.claim_type == "flexible_talent" else ""

    def _update(self) -> None:
        super()._update()
        ok = self.fields.ok and self.subject_fields.ok
        self.ok_button.setEnabled(ok)
        try:
            subject, _ = self.subject()
        except ValueError:
            subject = ""
        self.subject_label.setText(
            f"计作：{describe(subject, self.vocab)}。以后申报同一事项时，按此扣除已兑现部分"
            if subject and ":" in subject
            else ""
        )

    def values(self) -> dict:
        f = self.fields
        subject, person = self.subject()
        return {
            "rule_id": f["rule"].currentData(),
            "year": f["year"].value,
            "amount": f["amount"].value,
            "subject": subject,
            "person": person,
            "note": f["note"].value,
        }
