"""调整: correcting an approved batch through a new, linked adjustment batch (never an edit)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from gui.companies.dialogs import RecordDialog
from gui.fields import CheckedEdit, check_text

MAX_REASON = 200


class AdjustDialog(RecordDialog):
    """Reason and scope of the adjustment; ``save`` receives {"reason", "only_selected"}.

    ``selected`` is the company chosen in the results (name), offered as the
    only one to adjust; by default every company of the original is.
    """

    def __init__(self, parent, batch, companies: int, save, selected: str | None = None):
        super().__init__(parent, f"调整批次{batch.id}", save, width=560)
        intro = QLabel(
            f"<p>批次<b>{escape(batch.name)}</b>已审批，不能修改。更正以<b>调整批次</b>进行：</p>"
            "<ol style='margin-left: 12px;'>"
            "<li>先在企业档案中更正资料，或由管理员调整政策参数；</li>"
            "<li>创建调整批次，计算后其明细为与原批次已兑现金额的差额（负数为冲减）；</li>"
            "<li>由经办人以外的审核人审批，差额记入台账，原批次保持不变。</li></ol>"
        )
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.fields.add(
            "reason",
            "调整原因",
            CheckedEdit(check_text("调整原因", True, MAX_REASON), "", "例如：复核发现研发费用填报有误"),
        )
        scope = QWidget()
        box = QVBoxLayout(scope)
        box.setContentsMargins(0, 0, 0, 0)
        self.all_button = QRadioButton(f"原批次全部{companies}家单位")
        self.all_button.setObjectName("scope-all")
        self.selected_button = QRadioButton(f"仅选中的单位：{selected}" if selected else "仅选中的单位（未选择）")
        self.selected_button.setObjectName("scope-selected")
        self.selected_button.setEnabled(bool(selected))
        group = QButtonGroup(self)
        for button in (self.all_button, self.selected_button):
            group.addButton(button)
            box.addWidget(button)
        self.all_button.setChecked(True)
        self.form.addRow("调整范围", scope)
        self.ok_button.setText("创建调整批次")
        self._update()

    def values(self) -> dict:
        return {"reason": self.fields["reason"].value, "only_selected": self.selected_button.isChecked()}
