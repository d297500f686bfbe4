"""导入申报工作簿: choose a file, check every cell (off the GUI thread, with progress and 取消), show the
problems, or what will be imported, then import it as a new draft batch.

Steps: 选择文件 → 检查 → 发现问题 (a table; double-click shows the cell; the
错误清单 workbook can be saved) or 确认导入 (what the file holds; says so when
the same file was imported before; lists the rows of one subject that will be
counted together and the claims whose subject was awarded before, with the
batch, year and amount, as the engine finds them) → 导入 → 完成. Nothing is
written before the clerk presses 导入.

When the workbook would change a known company's name, bank or account (who
is paid), 确认导入 lists each change old → new and 导入 stays disabled until
the clerk ticks that they verified them with the companies (the store refuses
such an import otherwise).
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
)

from gui import importworker
from gui.ask import ask
from gui.batches.import_pages import (  # noqa: F401 - where they were
    CHECKING,
    CHOOSE,
    CONFIRM,
    DONE,
    IMPORTING,
    PROBLEMS,
    STEP_TITLES,
    WORKBOOK_FILTER,
    WRAPPED_ROWS,
    WizardPages,
    notices,
    problem_detail,
)
from gui.errors import clerk_message, show_failure
from gui.importworker import Checked
from gui.operations import Operation, run_change
from gui.screenfit import FitsScreen


class ImportWizard(WizardPages, FitsScreen, QDialog):
    imported = Signal(int, bool)  # batch id, created (False: the same file was imported before)
    calculate_requested = Signal(int)

    def __init__(self, ctx, parent=None, path: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导入申报工作簿")
        self.resize(980, 620)
        self.path: Path | None = None
        self.data: Checked | None = None  # the workbook checked (gui.importworker)
        self.previous_batch: int | None = None
        self.problems: list = []
        self.refused = False
        self.batch_id: int | None = None
        self.operation: Operation | None = None
        self.paid_before: list = []  # PaidBefore of the workbook checked
        self.payee_changes: list = []

        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.stack = QStackedWidget()
        for build in (
            self._choose_page,
            self._checking_page,
            self._problems_page,
            self._confirm_page,
            self._importing_page,
            self._done_page,
        ):
            self.stack.addWidget(build())
        lay = QVBoxLayout(self)
        lay.addWidget(self.steps)
        lay.addWidget(self.stack, 1)
        self.go(CHOOSE)
        if path:
            self.file_edit.setText(str(path))

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        shown = [
            t
            for i, t in enumerate(STEP_TITLES)
            if not (i == PROBLEMS and step != PROBLEMS) and not (i == CONFIRM and step == PROBLEMS)
        ]
        current = STEP_TITLES[step]
        self.steps.setText(
            "　›　".join(
                f"<b>{escape(t)}</b>" if t == current else f"<span style='color:#888'>{escape(t)}</span>" for t in shown
            )
        )

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    # ------------------------------------------------------------ choose
    def browse(self) -> None:
        path = ask().open_file(self, "选择申报工作簿", WORKBOOK_FILTER)
        if path:
            self.file_edit.setText(path)

    def _file_changed(self, _text) -> None:
        self.choose_note.setText("")

    def save_template(self) -> None:
        path = ask().save_file(self, "生成申报模板", "申报模板.xlsx", WORKBOOK_FILTER)
        if not path:
            return
        year = self.year.value() if self.year_check.isChecked() else None

        def work(report, cancelled):
            from core.excel.template import write_template

            return write_template(path, award_year=year, batch_name=self.name_edit.text().strip())

        Operation(
            self,
            "生成申报模板",
            work,
            cancellable=False,
            on_success=lambda p: ask().info(self, "生成申报模板", f"已生成申报模板：\n{p}"),
        ).start()

    # ------------------------------------------------------------ check
    def start_check(self) -> None:
        text = self.file_edit.text().strip()
        if not text:
            self.choose_note.setText("请先选择要导入的工作簿")
            self.go(CHOOSE)
            return
        path = Path(text)
        if not path.is_file():
            self.choose_note.setText(f"找不到文件“{text}”，请检查路径，或点“浏览…”重新选择")
            self.go(CHOOSE)
            return
        self.path = path
        from gui.menus import remember_workbook

        remember_workbook(self.ctx.settings, path.resolve())  # 文件 → 最近导入的工作簿
        year = self.year.value() if self.year_check.isChecked() else None
        name = self.name_edit.text().strip() or None
        ctx = self.ctx
        self.check_label.setText(f"正在检查“{path.name}”：逐个单元格核对格式、必填项、代码和日期…")
        self.check_bar.setRange(0, 0)
        self.cancel_check_button.setEnabled(True)
        self.go(CHECKING)

        self.discard_checked()

        def work(report, cancelled):
            return importworker.check(ctx.store, path, year, name, ctx.base_policies, report, cancelled)

        self.operation = Operation(
            self,
            "检查工作簿",
            work,
            on_success=self._checked,
            on_failure=self._check_failed,
            on_cancel=self._check_cancelled,
            on_progress=self._check_progress,
            progress=False,
        ).start()

    def _check_progress(self, done: int, total: int, text: str) -> None:
        self.check_bar.setRange(0, max(total, 0))
        self.check_bar.setValue(min(done, total) if total else 0)
        if text:
            self.check_label.setText(text)

    def cancel_check(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.cancel_check_button.setEnabled(False)
            self.check_label.setText("正在取消…")

    def _check_cancelled(self) -> None:
        self.operation = None
        if not self.isVisible():
            return
        self.choose_note.setText("已取消检查，没有导入任何数据")
        self.go(CHOOSE)

    def _check_failed(self, exc) -> None:
        self.operation = None
        if not self.isVisible():
            return
        from core.excel.problems import WorkbookError, WorkbookRefused

        if not isinstance(exc, WorkbookError):
            if clerk_message(exc) is not None:
                self.choose_note.setText(clerk_message(exc))
                self.go(CHOOSE)
            else:
                self.go(CHOOSE)
                show_failure(self, "检查工作簿", exc)
            return
        self.problems = list(exc.problems)
        self.refused = isinstance(exc, WorkbookRefused)
        self.problem_model.set_rows(list(enumerate(self.problems)))
        sheets = Counter(p.sheet for p in self.problems if p.sheet)
        if self.refused:
            text = f"“{self.path.name}”无法导入：{exc.reason}"
        else:
            where = "、".join(f"{s}{n}处" for s, n in sheets.most_common(4))
            text = (
                f"“{self.path.name}”有<b>{len(self.problems)}</b>处问题（{escape(where)}），"
                f"<b>没有导入任何数据</b>。请按下表改正工作簿后重新导入；"
                f"可保存“错误清单”工作簿：问题单元格标红并附说明，交给填表单位修改。"
            )
        self.problems_label.setText(text)
        self.save_errors_button.setEnabled(True)
        self.go(PROBLEMS)
        if self.problems:
            self.problem_view.selectRow(0)

    def show_problem(self, row: int) -> None:
        if 0 <= row < len(self.problems):
            ask().info(self, f"问题{row + 1}", problem_detail(self.problems[row]))

    def save_error_workbook(self):
        from core.excel.errorbook import error_workbook_path

        default = str(error_workbook_path(self.path)) if self.path else "错误清单.xlsx"
        target = ask().save_file(self, "保存错误清单", default, WORKBOOK_FILTER)
        if not target:
            return None
        problems, source = self.problems, (None if self.refused else self.path)

        def work(report, cancelled):
            from core.excel.errorbook import write_error_workbook

            return write_error_workbook(problems, target, source=source)

        def saved(path):
            ask().info(
                self,
                "保存错误清单",
                f"已保存错误清单：\n{path}\n\n问题单元格已标红并附批注，首页“错误清单”可逐条跳转。",
            )

        return Operation(self, "保存错误清单", work, on_success=saved, cancellable=False).start()

    def _checked(self, result: Checked) -> None:
        self.operation = None
        if not self.isVisible():
            result.discard()
            return  # closed while it was being checked
        self.data = d = result
        self.previous_batch, known, changes, found = d.previous, d.known, d.payee_changes, d.paid_before
        self.paid_before = found
        claims = d.claim_types
        vocab = self.ctx.store.vocabulary
        claim_text = (
            "、".join(
                f"{vocab.claim_types[t].label if t in vocab.claim_types else t}{n:,}项" for t, n in claims.most_common()
            )
            or "无"
        )
        rows = [
            ("文件", self.path.name),
            ("批次名称", d.batch_name),
            ("兑现年度", f"{d.award_year}年度"),
            (
                "企业",
                f"{d.companies:,}家（其中{known:,}家已在企业档案中，将合并更新；{d.companies - known:,}家为新企业）",
            ),
            (
                "历史记录",
                f"认定记录{d.recognitions:,}条、科技型中小企业入库{d.tech_sme:,}条、研发投入{d.rd:,}条",
            ),
            ("申报事项", f"{d.claims:,}项：{claim_text}"),
        ]
        if found:
            rows.append(("此前已兑现", f"{len(found):,}项申报的事项此前已兑现过（见下表），计算时扣除已兑现部分"))
        if d.notes:
            rows.append(("合并计算", f"{len(d.notes):,}处同一事项填了多行（如合同的补充协议），将合并计算，不重复支持"))
        html = (
            "<p>检查通过，没有发现问题。将导入为一个新的<b>草稿批次</b>：</p><table cellpadding='4'>"
            + "".join(f"<tr><td style='color:#555'>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table>"
        )
        listed = notices(d, found)
        self.notice_model.set_rows(listed)
        if len(listed) <= WRAPPED_ROWS:  # each row as tall as its text; a long list stays one line a row
            self.notice_view.resizeRowsToContents()
        self.notice_view.setVisible(bool(listed))
        self.confirm_stretch.setVisible(not listed)
        if self.previous_batch is not None:
            try:
                before = self.ctx.store.batch(self.previous_batch)
                name = f"批次{before.id}“{before.name}”"
            except Exception:
                name = f"批次{self.previous_batch}"
            html += (
                f"<p style='color:#b26a00'><b>该文件此前已导入为{escape(name)}。</b>"
                "同一文件不会重复导入；点“打开该批次”查看。如有修改，请保存为新文件后再导入。</p>"
            )
            self.import_button.setText("打开该批次")
        else:
            html += (
                "<p style='color:#555'>点“导入”后写入数据库（导入前自动备份）。导入后可在“申报批次”中计算、审核。</p>"
            )
            self.import_button.setText("导入(&I)")
        if listed:
            html += "<p>请核对下表（双击一行查看详情）：</p>"
        self.summary.setText(html)
        self.show_payee_changes(changes if self.previous_batch is None else [])
        self.go(CONFIRM)

    def show_notice(self, row: int) -> None:
        n = self.notice_model.row_object(row)
        if n is not None:
            ask().info(self, n.kind, f"{n.company}\n{n.detail}")

    def show_payee_changes(self, changes) -> None:
        """The known companies whose name, bank or account the workbook changes: listed, to be confirmed."""
        self.payee_changes = list(changes)
        self.payee_model.set_rows(self.payee_changes)
        for w in (self.payee_label, self.payee_view, self.payee_confirm):
            w.setVisible(bool(changes))
        self.payee_confirm.setChecked(False)
        if changes:
            companies = len({c.uscc for c in changes})
            self.payee_label.setText(
                f"<p style='color:#b00020'><b>注意：该工作簿将改变{companies}家已有单位的收款信息（拨付对象）。</b>"
                "请逐条与申报单位核实（电话或书面），确认无误后勾选下方确认框再导入；"
                "如有疑问，请退回申报单位。变更将记入审计日志，作出变更的人不能审批向这些单位拨付的批次。</p>"
            )
        self._payee_confirmed(False)

    def _payee_confirmed(self, _checked) -> None:
        self.import_button.setEnabled(not self.payee_changes or self.payee_confirm.isChecked())

    # ------------------------------------------------------------ import
    def start_import(self) -> None:
        if self.data is None:
            return
        if self.previous_batch is not None:
            self._imported((self.previous_batch, False))
            return
        if self.payee_changes and not self.payee_confirm.isChecked():
            return
        checked, ctx = self.data, self.ctx
        accepted = bool(self.payee_changes) and self.payee_confirm.isChecked()
        self.import_label.setText("正在写入数据库（导入前已自动备份数据库）…")
        self.cancel_import_button.setEnabled(checked.kept is not None)  # on the thread it cannot be stopped
        self.go(IMPORTING)

        def work(report, cancelled):
            return importworker.apply(ctx.store, checked, accepted, report, cancelled)

        def failed(exc):
            self.operation = None
            self.go(CONFIRM)
            show_failure(self, "导入", exc)

        def cancelled():
            self.operation = None
            self.go(CONFIRM)
            self.import_label.setText("")
            ask().info(self, "导入", "已取消导入，没有导入任何数据")

        # the batch page refreshes itself on ``imported``; the other screens hear of the import from the change op
        self.operation = run_change(
            ctx,
            self,
            "导入",
            work,
            initiator=self.parent(),
            touched=lambda outcome: outcome[1],
            on_success=lambda outcome: self._imported(outcome[0]),
            on_failure=failed,
            on_cancel=cancelled,
            progress=False,
        )

    def cancel_import(self) -> None:
        if self.operation is not None and self.step == IMPORTING:
            self.operation.cancel()
            self.cancel_import_button.setEnabled(False)
            self.import_label.setText("正在取消导入…")

    def _imported(self, result) -> None:
        self.operation = None
        self.batch_id, created = result
        d = self.data
        if created:
            self.done_label.setText(
                f"已导入为批次{self.batch_id}“{d.batch_name}”（草稿）：{d.companies}家企业，"
                f"{d.claims}项申报事项。\n\n下一步：计算奖补金额。"
            )
        else:
            self.done_label.setText(f"该文件此前已导入为批次{self.batch_id}，没有重复导入。")
        self.discard_checked()
        self.calculate_button.setVisible(created)
        self.go(DONE)
        self.imported.emit(self.batch_id, created)

    def _calculate_now(self) -> None:
        batch_id = self.batch_id
        self.accept()
        if batch_id is not None:
            self.calculate_requested.emit(batch_id)

    def reject(self) -> None:
        if self.operation is not None and self.step == CHECKING:
            self.cancel_check()
        if self.step == IMPORTING:
            return  # one transaction: it completes or not, but it cannot be left half-way (取消 stops it)
        self.discard_checked()
        super().reject()

    def accept(self) -> None:
        self.discard_checked()
        super().accept()

    def discard_checked(self) -> None:
        """Let go of the workbook checked, and of the worker's copy of it."""
        if self.data is not None:
            self.data.discard()
