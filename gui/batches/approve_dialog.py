"""审批: the preparer (经办人) and the reviewer (审核人) name themselves; they must be two different people."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QFormLayout, QLabel

from core.money import fmt_yuan
from gui.companies.dialogs import RecordDialog
from gui.fields import CheckedEdit, check_text

MAX_NAME = 60


class ApproveDialog(RecordDialog):
    """Names checked as typed; ``save`` receives {"preparer", "reviewer"}."""

    def __init__(
        self,
        parent,
        batch,
        totals,
        provisional: int,
        save,
        preparer: str = "",
        reviewer: str = "",
        signed_in: bool = False,
    ):
        super().__init__(parent, f"审批批次{batch.id}", save, width=520)
        companies, lines, total = totals
        text = (
            f"<p>批次<b>{escape(batch.name)}</b>（{batch.award_year}年度）：{companies}家单位，{lines}条奖补明细，"
            f"合计<b>{fmt_yuan(total)}</b>元。</p>"
            "<p>审批后，奖补记入台账（以后批次的年度上限、“首次”判断都以此为准），批次不能再修改或重新计算。</p>"
        )
        if provisional:
            text += (
                f"<p style='color:#b00020'>其中{provisional}条依据征求意见稿测算，文件正式印发前不得拨付；"
                "审批时需再次确认。</p>"
            )
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        f = self.fields
        f.add("preparer", "经办人", CheckedEdit(check_text("经办人", True, MAX_NAME), preparer, "经办人姓名"))
        f.add("reviewer", "审核人", CheckedEdit(self._check_reviewer, reviewer, "审核人姓名（不能与经办人相同）"))
        f["preparer"].textChanged.connect(lambda _t: f["reviewer"].recheck())
        if signed_in:  # users exist: the preparer is who imported the batch, the reviewer who is logged in
            for key in ("preparer", "reviewer"):
                f[key].setReadOnly(True)
            note = QLabel("经办人为导入本批次的用户，审核人为当前登录用户；二者不能是同一人。")
            note.setStyleSheet("color: #555;")
            self.body.addWidget(note)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.ok_button.setText("审批")
        self._update()

    def _check_reviewer(self, text: str):
        value, problem, hint = check_text("审核人", True, MAX_NAME)(text)
        if problem is None and value and "preparer" in self.fields.fields and value == self.fields["preparer"].value:
            return None, "审核人不能与经办人是同一人", ""
        return value, problem, hint

    def values(self) -> dict:
        return {"preparer": self.fields["preparer"].value, "reviewer": self.fields["reviewer"].value}
