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
PROGRESS_LINES = 2000  # lines between two looks at the progress and the cancel button


IN_FORCE, WITH_DRAFTS = "in_force", "with_drafts"
DISBURSEMENT, PUBLICITY = "资金拨付明细表", "公示名单"


def log_export(store, what: str, target: str, path) -> None:
    """The export in the audit log (who wrote what of which batch, where); a log that cannot be written does not
    undo a file already handed over, it is noted in the program's log."""
    from core.store.errors import StoreError
    from gui.errors import log

    try:
        store.record_export(what, target, {"saved_to": str(path)})
    except StoreError as exc:
        log.warning("导出未能记入审计日志：%s", exc)


class BatchExports:
    def _export(self, title: str, default: str, writer, done_text: str, with_warnings: bool = False):
        from gui.folders import remember_folder, save_path

        b = self.current
        target = ask().save_file(self, title, save_path(self.ctx.settings, default), WORKBOOK_FILTER)
        if not target:
            return None
        remember_folder(self.ctx.settings, target)
        store = self.ctx.store

        shown = len(self.lines)  # the batch page's count: for the progress only

        def work(report, cancelled):
            report(0, 0, f"正在读取批次{b.id}的奖补明细…")
            batch = store.batch(b.id)

            def watched(lines):
                for n, line in enumerate(lines, 1):
                    if n % PROGRESS_LINES == 0:
                        if cancelled():
                            raise Cancelled()
                        report(min(n, shown), shown, f"正在核对并生成{title}（{n:,}/{shown:,}条明细）…")
                    yield line

            # every row the file shows is checked against its seal as it is read, and the file is kept only
            # once all are (a tamper alarm, and no file)
            doing = title if "导出" in title else f"生成{title}"
            if with_warnings:  # the results workbook's 企业提示, read on the same snapshot once the lines are written
                with store.batches.paper_results(b.id, doing) as (lines, warnings):
                    path = writer(batch, watched(lines), target, warnings=warnings)
            else:
                with store.batches.paper_lines(b.id, doing) as lines:
                    path = writer(batch, watched(lines), target)
            if cancelled():  # written already: the clerk asked not to have it
                Path(path).unlink(missing_ok=True)
                raise Cancelled()
            log_export(store, title, f"batch:{b.id}", path)
            return path

        def saved(path):
            self.window.status.setText(f"{done_text}：{path}")
            ask().saved(self, title, f"{done_text}：\n{path}", path)

        return Operation(
            self,
            title,
            work,
            on_success=saved,
            on_cancel=lambda: self.window.status.setText(f"已取消{title}，没有生成文件"),
        ).start()

    def _draft_choice(self, what: str) -> str | None:
        """With lines computed under a draft (征求意见稿): the lines under documents in force on their own (the
        sheet notes the rest), or a 测算稿 of them all; None when the clerk stopped. Without such lines: IN_FORCE."""
        n = self.provisional
        if not n:
            return IN_FORCE
        in_force = len(self.lines) - n
        options = [f"导出测算稿（含全部{len(self.lines)}条，标题注明“测算稿，不得据此拨付”，供内部核对）"]
        if in_force:
            options.insert(0, f"只列依据正式文件的{in_force}条明细（{n}条测算明细不列入，表中注明）")
        choice = ask().choose(
            self, what, f"批次中有{n}条奖补依据征求意见稿测算，正式文件印发前不得拨付或公示。请选择导出方式：", options
        )
        if choice is None:
            return None
        return WITH_DRAFTS if options[choice].startswith("导出测算稿") else IN_FORCE

    def _sheet_request(self, sheet: str):
        """Ask what the 资金拨付明细表 or the 公示名单 needs (export and print preview ask alike): a function
        ``(batch, lines) -> (lines to show, keyword arguments of its builder)``, run by the work off the GUI
        thread, or None when the clerk stopped. The 资金拨付明细表 leaves out the list claims of companies that
        have not confirmed their account (免申即享, core.lists.service.withheld)."""
        mode = self._draft_choice(sheet)
        if mode is None:
            return None
        # in force only: the lines computed under a draft are left out, and the sheet says how many
        options: dict = {"include_provisional": mode == WITH_DRAFTS, "leave_out_drafts": mode != WITH_DRAFTS}
        if sheet == DISBURSEMENT:
            subject = ask().text(
                self, sheet, "预算科目（可不填）：", str(self.ctx.settings.value(BUDGET_KEY, "") or "")
            )
            if subject is None:
                return None
            subject = subject.strip()
            self.ctx.settings.setValue(BUDGET_KEY, subject)
            options["budget_subject"] = subject or None
        else:
            options["contact_unit"], options["contact"] = self._publicity_contact()

        store = self.ctx.store

        def prepared(batch, lines) -> tuple[list, dict]:
            if sheet == DISBURSEMENT:
                from core.lists.service import withheld

                return lines, {**options, "withheld": withheld(store, batch.id)}
            return lines, options

        return prepared

    @staticmethod
    def _publicity_contact() -> tuple[str, str]:
        """(unit, contact) the 公示名单's objection sentence names: the bureau as on the award letters."""
        from core.letters.errors import LetterError
        from core.letters.settings import load_letter_settings

        try:
            letter = load_letter_settings()
            return letter.issuer, letter.contact
        except LetterError:
            return "", ""

    def export_results(self):
        b = self.current
        if b is None:
            return None
        from core.excel.results_workbook import write_results_workbook

        return self._export(
            "导出结果", f"{b.name}_测算结果.xlsx", write_results_workbook, "已导出测算结果", with_warnings=True
        )

    def export_disbursement(self):
        from core.excel.disbursement_sheet import write_disbursement_sheet

        return self._export_sheet(DISBURSEMENT, write_disbursement_sheet, "已生成资金拨付明细表")

    def export_publicity(self):
        from core.excel.publicity_list import write_publicity_list

        return self._export_sheet(PUBLICITY, write_publicity_list, "已生成公示名单")

    def _export_sheet(self, sheet: str, write, done_text: str):
        b = self.current
        if b is None or not self.lines:
            return None
        prepare = self._sheet_request(sheet)
        if prepare is None:
            return None

        def writer(batch, lines, path):
            lines, options = prepare(batch, lines)
            return write(batch, lines, path, **options)

        return self._export(sheet, f"{b.name}_{sheet}.xlsx", writer, done_text)
