"""The batch page's exports: the results workbook, the 资金拨付明细表 and the 公示名单 (on a worker thread).

A mixin of gui.pages.batches.BatchesPage (``self`` is the page).
"""
from __future__ import annotations

from pathlib import Path

from core.progress import Cancelled
from gui.ask import ask
from gui.operations import Operation

WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx)"
BUDGET_KEY = "batches/budget_subject"


class BatchExports:
    def _export(self, title: str, default: str, writer, done_text: str):
        b = self.current
        target = ask().save_file(self, title, default, WORKBOOK_FILTER)
        if not target:
            return None
        store = self.ctx.store

        def work(report, cancelled):
            report(0, 0, f"正在读取批次{b.id}的奖补明细…")
            batch, lines = store.batch(b.id), store.lines(b.id)
            if cancelled():
                raise Cancelled()
            report(0, 0, f"正在生成{title}（{len(lines):,}条明细）…")
            path = writer(batch, lines, target)
            if cancelled():  # written already: the clerk asked not to have it
                Path(path).unlink(missing_ok=True)
                raise Cancelled()
            return path

        def saved(path):
            self.window.status.setText(f"{done_text}：{path}")
            ask().info(self, title, f"{done_text}：\n{path}")

        return Operation(self, title, work, on_success=saved,
                         on_cancel=lambda: self.window.status.setText(f"已取消{title}，没有生成文件")).start()

    def _include_provisional(self, what: str) -> bool | None:
        """None = the clerk stopped; else whether to include lines computed under a draft."""
        if not self.provisional:
            return False
        if ask().confirm(self, what, f"批次中有{self.provisional}条奖补依据征求意见稿测算，正式文件印发前不得拨付或公示。\n\n"
                                     f"是否导出含这些金额的测算稿（标题注明“测算稿，不得据此拨付”）供内部核对？",
                         ok="导出测算稿"):
            return True
        return None

    def export_results(self):
        b = self.current
        if b is None:
            return None
        from core.excel.exports import write_results_workbook

        return self._export("导出结果", f"{b.name}_测算结果.xlsx", write_results_workbook, "已导出测算结果")

    def export_disbursement(self):
        b = self.current
        if b is None or not self.lines:
            return None
        include = self._include_provisional("资金拨付明细表")
        if include is None:
            return None
        subject = ask().text(self, "资金拨付明细表", "预算科目（可不填）：",
                             str(self.ctx.settings.value(BUDGET_KEY, "") or ""))
        if subject is None:
            return None
        subject = subject.strip()
        self.ctx.settings.setValue(BUDGET_KEY, subject)
        from core.excel.exports import write_disbursement_sheet

        def writer(batch, lines, path):
            return write_disbursement_sheet(batch, lines, path, budget_subject=subject or None,
                                            include_provisional=include)

        return self._export("资金拨付明细表", f"{b.name}_资金拨付明细表.xlsx", writer, "已生成资金拨付明细表")

    def export_publicity(self):
        b = self.current
        if b is None or not self.lines:
            return None
        include = self._include_provisional("公示名单")
        if include is None:
            return None
        from core.excel.exports import write_publicity_list

        def writer(batch, lines, path):
            return write_publicity_list(batch, lines, path, include_provisional=include)

        return self._export("公示名单", f"{b.name}_公示名单.xlsx", writer, "已生成公示名单")
