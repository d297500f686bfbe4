"""The batch page's actions along a batch's life: import, calculate, approve, adjust, mark paid, delete, letters.

A mixin of gui.pages.batches.BatchesPage (``self`` is the page). Which of
them a user may take now is core.batchactions.allowed_actions.
"""

from __future__ import annotations

from core.money import ZERO, fmt_yuan
from core.store.changes import Changes
from gui import calcworker
from gui.ask import ask
from gui.operations import run_change
from gui.roles import current_user


def _batch(batch_id: int | None, companies=()) -> Changes:
    """What a batch action touched for certain, whatever the store's last change says (see ``run_change``'s
    ``touched``): the batch, the companies it removed, and the audit log."""
    return Changes(
        batches=frozenset({batch_id} if batch_id is not None else ()), companies=frozenset(companies), audit=True
    )


class BatchActions:
    def import_workbook(self, path: str | None = None):
        from gui.batches.import_wizard import ImportWizard

        old = self.wizard
        if old is not None and not old.isVisible() and old.operation is None:
            old.deleteLater()  # not on close: a check still running reports to it
        wizard = ImportWizard(self.ctx, self, path)
        wizard.imported.connect(lambda batch_id, created: self.refresh(select=batch_id))
        wizard.calculate_requested.connect(lambda batch_id: self.calculate(batch_id))
        wizard.open()
        self.wizard = wizard
        return wizard

    def calculate(self, batch_id: int | None = None):
        batch_id = batch_id if batch_id is not None else (self.current.id if self.current else None)
        if batch_id is None:
            return None
        ctx = self.ctx
        rows = (self.batch_model.row_object(i) for i in range(self.batch_model.rowCount()))
        size = next((r.companies for r in rows if r is not None and r.id == batch_id), None)

        def work(report, cancelled):
            report(0, 0, "正在读取批次和企业历史…")

            def progress(done, total, text=""):
                if total and done >= total:
                    report(done, total, f"已计算{total:,}家单位，正在保存计算结果…")
                else:
                    report(done, total, f"正在计算：{done:,}/{total:,}家单位")

            return calcworker.calculate(ctx.store, batch_id, ctx.base_policies, progress, cancelled, size)

        def done(summary):
            text = (
                f"批次{summary.batch_id}计算完成：{summary.companies}家单位，{summary.lines}条奖补明细，"
                f"合计{fmt_yuan(summary.total)}元"
            )
            if summary.companies_with_errors:
                text += f"；{summary.companies_with_errors}家单位有错误"
            if summary.provisional_lines:
                text += f"；{summary.provisional_lines}条依据征求意见稿测算"
            self.window.status.setText(text)
            self.refresh(select=batch_id)

        def cancelled():
            self.window.status.setText("已取消计算，批次结果未改变")

        # a big batch is calculated in another process: this process' store saw no change, so the batch is named
        return run_change(
            ctx,
            self,
            "计算",
            work,
            initiator=self,
            touched=lambda _summary: _batch(batch_id),
            on_success=done,
            on_cancel=cancelled,
        )

    def approve(self):
        b = self.current
        if b is None or b.status != "draft":
            return None
        if not self.lines and not ask().confirm(
            self, "审批", "该批次没有奖补明细（可能尚未计算）。仍要审批吗？", ok="继续"
        ):
            return None
        from gui.batches.approve_dialog import ApproveDialog

        provisional = self.provisional

        def check(values):
            allow = False
            if provisional:
                if not ask().confirm(
                    self,
                    "审批测算金额",
                    f"批次中有{provisional}条奖补依据征求意见稿测算。征求意见稿不是正式文件，"
                    "正式印发前不得据此拨付。\n\n确定仍要审批这些测算金额吗？",
                    detail="审批后这些金额记入台账；兑现通知书不会为含测算金额的企业出具，拨付明细表只能导出为测算稿。",
                    ok="仍要审批",
                ):
                    raise ValueError("未审批：含依据征求意见稿测算的金额，未确认")
                allow = True
            return {**values, "allow_provisional": allow}

        user = current_user(self.ctx)
        if user is not None:
            dialog = ApproveDialog(
                self,
                b,
                self.totals or (0, 0, ZERO),
                provisional,
                check,
                preparer=b.created_by or "（未记录）",
                reviewer=user.name,
                signed_in=True,
            )
        else:
            dialog = ApproveDialog(self, b, self.totals or (0, 0, ZERO), provisional, check, preparer=self.clerk_name())
        dialog.accepted.connect(lambda: self._run_approval(b.id, dialog.result_value))
        dialog.open()
        self.dialog = dialog
        return dialog

    def clerk_name(self) -> str:
        try:
            return self.ctx.store.setting("clerk.name", "") or ""
        except Exception:
            return ""

    def _run_approval(self, batch_id: int, values: dict):
        store = self.ctx.store
        signed_in = current_user(self.ctx) is not None

        def work(report, cancelled):
            report(0, 0, "正在审批：写入台账和历史记录…")
            if signed_in:  # the store names both from who imported and who is logged in
                store.approve(batch_id, allow_provisional=values["allow_provisional"])
            else:
                store.approve(batch_id, values["preparer"], values["reviewer"], values["allow_provisional"])
            return batch_id

        def done(_):
            self.window.status.setText(
                f"批次{batch_id}已审批（经办人{values['preparer']}，审核人{values['reviewer']}）"
            )
            self.refresh(select=batch_id)

        return run_change(
            self.ctx, self, "审批", work, initiator=self, touched=_batch, on_success=done, cancellable=False
        )

    def adjust(self):
        """Open 调整: a new draft adjustment batch linked to the approved one shown."""
        b = self.current
        if b is None or b.status == "draft":
            return None
        from gui.batches.adjust_dialog import AdjustDialog

        company = self.results.company_at(self.tree.currentIndex())
        companies = self.totals[0] if self.totals else len(self.results.companies)
        dialog = AdjustDialog(
            self, b, companies, lambda values: values, selected=company.company_name if company is not None else None
        )
        uscc = company.uscc if company is not None else None
        dialog.accepted.connect(lambda: self._run_adjust(b.id, dialog.result_value, uscc))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _run_adjust(self, batch_id: int, values: dict, uscc: str | None):
        store = self.ctx.store
        who = None if current_user(self.ctx) is not None else self.clerk_name()

        def work(report, cancelled):
            report(0, 0, "正在创建调整批次…")
            ids = [store.company_id(uscc)] if values["only_selected"] and uscc else None
            return store.create_adjustment(batch_id, who, values["reason"], ids)

        def done(new_id):
            self.window.status.setText(f"已创建调整批次{new_id}：请先更正企业资料或参数，再计算（F9）并提交审批")
            self.refresh(select=new_id)

        return run_change(
            self.ctx, self, "创建调整批次", work, initiator=self, touched=_batch, on_success=done, cancellable=False
        )

    def mark_paid(self) -> bool:
        b = self.current
        if b is None or b.status != "approved":
            return False
        if not ask().confirm(
            self, "标记已拨付", f"确定批次{b.id}“{b.name}”的奖补资金已经拨付到位？\n标记后不能撤销。", ok="标记已拨付"
        ):
            return False
        store = self.ctx.store

        def done(_):
            self.window.status.setText(f"批次{b.id}已标记为已拨付")
            self.refresh(select=b.id)

        run_change(
            self.ctx,
            self,
            "标记已拨付",
            lambda report, cancelled: store.mark_paid(b.id),
            initiator=self,
            touched=lambda _: _batch(b.id),
            on_success=done,
            cancellable=False,
        )
        return True

    def delete_draft(self) -> bool:
        b = self.current
        if b is None or b.status != "draft":
            return False
        if not ask().confirm(
            self,
            "删除草稿批次",
            f"确定删除草稿批次{b.id}“{b.name}”？\n批次的申报事项和计算结果将被删除，"
            "导入时合并进企业档案的资料和历史记录保留；需要时可重新导入该工作簿。",
            ok="删除",
        ):
            return False
        store = self.ctx.store
        only_here = store.companies_only_in_import(b.id)
        drop = bool(only_here) and ask().confirm(
            self,
            "删除草稿批次",
            f"该批次导入时新建了{len(only_here)}家企业，它们不在其他批次中，也没有奖补记录。\n\n"
            "是否把这些企业连同其历史记录一并从企业档案中删除？（试导入的企业通常应删除）",
            ok="一并删除企业",
        )

        def work(report, cancelled):
            store.delete_draft(b.id)
            removed, kept = [], []
            for i, company_id in enumerate(only_here if drop else (), 1):
                report(i, len(only_here), f"正在删除试导入的企业：{i}/{len(only_here)}")
                try:
                    store.delete_company(company_id)
                    removed.append(company_id)
                except Exception as exc:  # a company another clerk used meanwhile stays, and is named
                    kept.append(str(exc))
            return removed, kept

        def done(result):
            removed, kept = len(result[0]), result[1]
            self.current = None
            more = f"，并删除了{removed}家仅由该批次导入的企业" if removed else ""
            self.window.status.setText(f"已删除草稿批次{b.id}“{b.name}”{more}")
            if kept:
                ask().info(self, "删除草稿批次", "以下企业未删除：\n" + "\n".join(kept[:10]))
            self.refresh()

        # several changes in one work: the store's last change names only the last company deleted
        run_change(
            self.ctx,
            self,
            "删除草稿",
            work,
            initiator=self,
            touched=lambda result: _batch(b.id, result[0]),
            on_success=done,
            cancellable=False,
        )
        return True

    def open_letters(self):
        b = self.current
        if b is None:
            return None
        return self.window.open_letters(b.id)
