"""申报批次: the batches, and for the one selected its companies and award lines with each line's trace.

Actions follow a batch's life: 导入 → 计算 → 审批 → 标记已拨付, with the
results workbook, the 资金拨付明细表, the 公示名单 and the 兑现通知书 along the
way. Everything that reads or writes much runs on a worker thread with a
progress bar (calculation can be cancelled). An approved or paid batch is
shown read-only: nothing in it can change.
"""
from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSplitter, QTableView,
                               QTextBrowser, QToolBar, QTreeView, QVBoxLayout, QWidget)

from core.earlier import deducted, earlier_text
from core.engine.trace import Trace
from core.money import difference_in_words, fmt_yuan
from core.progress import Cancelled
from core.vocabulary import BATCH_STATUS_LABELS as STATUS_LABELS
from gui import calcworker, gcpolicy
from gui.ask import ask
from gui.errors import show_failure
from gui.models.base import Column, ListTableModel
from gui.models.results import BatchResultsModel
from gui.operations import Operation
from gui.tracehtml import CSS, trace_html

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx)"
BUDGET_KEY = "batches/budget_subject"


class BatchRow:
    """A batch with its totals, as the list shows it."""

    def __init__(self, record, totals):
        self.record = record
        self.companies, self.lines, self.total = totals if totals else (0, 0, None)

    @property
    def id(self) -> int:
        return self.record.id


def line_rule(line) -> dict:
    number = f"（{line.doc_number}）" if line.doc_number else ""
    return {"document": f"《{line.document_title}》{number}", "clause": line.clause, "sentence": line.sentence}


EARLIER_BLOCK = "<p style='background:#fff4e5; padding:4px'>{}</p>"


def earlier_html(earlier: dict | None, paid_now: str) -> str:
    """The block saying what was awarded before for the subject (the engine's 'earlier') and what that means now."""
    if not earlier:
        return ""
    return EARLIER_BLOCK.format(f"<b>{escape(earlier_text(earlier))}</b>。{escape(paid_now)}")


def claims_html(keys) -> str:
    if len(keys) > 1:
        return f"<p><b>申报事项：</b>{escape('、'.join(keys))}（同一事项的{len(keys)}项申报合并计算）</p>"
    return f"<p><b>申报事项：</b>{escape(keys[0])}</p>" if keys else ""


def line_html(line) -> str:
    html = trace_html(line_rule(line), line.amount, line.trace, line.schedule, title=line.summary)
    head = f"<p class='muted'>{escape(line.company_name)}　{escape(line.uscc)}　第{line.line_no}条明细</p>"
    if line.provisional:
        head += ("<p style='color:#b00020'><b>依据征求意见稿测算：</b>文件正式印发前不得据此审批拨付；"
                 "审批时需明确确认，拨付明细表、公示名单只能作为测算稿导出。</p>")
    head += claims_html(line.claim_keys)
    head += earlier_html(line.earlier, f"本条已扣除{fmt_yuan(deducted(line.earlier))}元，本次兑现{fmt_yuan(line.amount)}元。")
    return CSS + head + html


def refusal_html(refusal) -> str:
    """A rule that matched a claim but pays nothing: why, what was awarded before, and how far it got."""
    e = refusal.data
    rule = {"document": refusal.basis.removesuffix(e.get("clause", "")), "clause": e.get("clause", ""),
            "sentence": e.get("sentence", "")}
    head = (f"<p class='muted'>{escape(refusal.company_name)}　{escape(refusal.uscc)}　未计入的条款</p>"
            + claims_html((refusal.claim_key,) if refusal.claim_key else ())
            + f"<p style='color:#b00020'><b>未计入：</b>{escape(refusal.reason)}</p>")
    head += earlier_html(refusal.earlier, "本次不再支持。")
    trace = e.get("trace")
    shown = trace_html(rule, None, Trace.from_json(trace), title=refusal.summary) if trace or rule["sentence"] else ""
    return CSS + head + shown


def company_html(c, lines) -> str:
    out = [CSS, f"<h3>{escape(c.company_name)}</h3><p class='muted'>{escape(c.uscc)}</p>"]
    if not c.calculated:
        out.append("<p>尚未计算。点“计算”后显示奖补金额和计算过程。</p>")
        return "".join(out)
    total = c.total
    out.append(f"<p>合计：<span class='amount'>{fmt_yuan(total)} 元</span>（{escape(difference_in_words(total))}），"
               f"{len(lines)}条明细。选中下面的明细查看计算过程。</p>")
    if lines:
        out.append("<table class='kv'>" + "".join(
            f"<tr><td>{escape(l.summary)}</td><td class='muted'>{escape(l.basis)}</td>"
            f"<td align='right'>{fmt_yuan(l.amount)}</td></tr>" for l in lines) + "</table>")
    if c.errors:
        out.append("<h3 style='color:#b00020'>错误（须处理后重新计算才能审批）</h3><ul>" +
                   "".join(f"<li>{escape(e)}</li>" for e in c.errors) + "</ul>")
    if c.warnings:
        out.append("<h3>提示</h3><ul>" + "".join(f"<li>{escape(w)}</li>" for w in c.warnings) + "</ul>")
    if c.excluded:
        out.append("<h3>未计入的条款</h3><ul>")
        for e in c.excluded:
            number = f"（{e.get('doc_number')}）" if e.get("doc_number") else ""
            would = e.get("would_have_been")
            amount = f"（按条款应为{fmt_yuan(Decimal(would))}元）" if would else ""
            out.append(f"<li>《{escape(e.get('document', ''))}》{escape(number)}{escape(e.get('clause', ''))}："
                       f"{escape(e.get('reason', ''))}{amount}</li>")
        out.append("</ul>")
    return "".join(out)


class BatchesPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.loading = False
        self._started = False
        self._batch_generation = 0
        self._select_after: int | None = None
        self.current = None  # BatchRecord of the batch shown
        self.totals = None
        self.lines: list = []
        self.provisional = 0
        self.wizard = None
        self.dialog = None

        # batch list
        self.batch_model = ListTableModel([
            Column("编号", lambda b: b.id),
            Column("批次名称", lambda b: b.record.name, tooltip=lambda b: b.record.source_name or None),
            Column("兑现年度", lambda b: b.record.award_year),
            Column("状态", lambda b: STATUS_LABELS.get(b.record.status, b.record.status)),
            Column("企业", lambda b: f"{b.companies}家"),
            Column("明细", lambda b: f"{b.lines}条"),
            Column("合计（元）", lambda b: fmt_yuan(b.total) if b.total is not None else "—", RIGHT),
            Column("经办人 / 审核人", lambda b: f"{b.record.preparer} / {b.record.reviewer}" if b.record.preparer else ""),
            Column("导入文件", lambda b: b.record.source_name, tooltip=lambda b: b.record.source_name or None),
        ], (), self)
        self.batch_view = QTableView()
        self.batch_view.setObjectName("batches")
        self.batch_view.setModel(self.batch_model)
        self.batch_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.batch_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.batch_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.batch_view.setAlternatingRowColors(True)
        self.batch_view.verticalHeader().setVisible(False)
        self.batch_view.setWordWrap(False)
        h = self.batch_view.horizontalHeader()
        for col, width in enumerate((48, 300, 72, 64, 72, 72, 140, 130)):
            h.resizeSection(col, width)
        h.setStretchLastSection(True)
        self.batch_view.selectionModel().currentRowChanged.connect(self._batch_changed)

        # actions
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("batch-actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_name: dict[str, QAction] = {}
        for name, label, shortcut, slot in (
                ("import", "导入申报工作簿…", None, self.import_workbook),  # Ctrl+I is the 文件 menu's
                ("calculate", "计算", "F9", self.calculate),
                ("approve", "审批…", None, self.approve),
                ("paid", "标记已拨付", None, self.mark_paid),
                ("adjust", "调整…", None, self.adjust),
                (None, None, None, None),
                ("export", "导出结果…", "Ctrl+E", self.export_results),
                ("disbursement", "资金拨付明细表…", None, self.export_disbursement),
                ("publicity", "公示名单…", None, self.export_publicity),
                ("letters", "兑现通知书…", "Ctrl+P", self.open_letters),
                (None, None, None, None),
                ("delete", "删除草稿…", None, self.delete_draft),
                ("refresh", "刷新", "F5", self.refresh)):
            if name is None:
                self.toolbar.addSeparator()
                continue
            act = QAction(label, self)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                act.setToolTip(f"{label.rstrip('…')}（{shortcut}）")
            act.triggered.connect(lambda checked=False, s=slot: s())
            self.addAction(act)
            self.toolbar.addAction(act)
            self.actions_by_name[name] = act

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)

        # results
        self.results = BatchResultsModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("results")
        self.tree.setModel(self.results)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        th = self.tree.header()
        for col, width in enumerate((230, 170, 100)):
            th.resizeSection(col, width)
        th.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        th.setStretchLastSection(True)
        self.tree.selectionModel().currentChanged.connect(self._result_changed)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("results-filter")
        self.filter_edit.setPlaceholderText("筛选企业或奖补项目")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.results_note = QLabel()
        self.results_note.setStyleSheet("color: #555555;")
        self.trace = QTextBrowser()
        self.trace.setObjectName("trace")
        self.trace.setOpenLinks(False)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.results_note)
        ll.addLayout(row)
        ll.addWidget(self.tree, 1)
        bottom = QSplitter()
        bottom.addWidget(left)
        bottom.addWidget(self.trace)
        bottom.setSizes([760, 440])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.batch_view)
        split.addWidget(bottom)
        split.setSizes([110, 520])
        self.splitter, self.results_splitter = split, bottom
        self._restore_state(ctx.settings)
        outer = QVBoxLayout(self)
        outer.addWidget(self.toolbar)
        outer.addWidget(self.banner)
        outer.addWidget(split, 1)
        self._update_actions()

    # ------------------------------------------------------------ layout
    STATE = (("batches/splitter", "splitter"), ("batches/results_splitter", "results_splitter"))

    def _restore_state(self, settings) -> None:
        for key, attr in self.STATE:
            value = settings.value(key)
            if value is not None:
                getattr(self, attr).restoreState(value)
        header = settings.value("batches/tree_header")
        if header is not None:
            self.tree.header().restoreState(header)

    def save_state(self, settings) -> None:
        """Called by the main window as it closes: the splitters and the columns as the clerk left them."""
        for key, attr in self.STATE:
            settings.setValue(key, getattr(self, attr).saveState())
        settings.setValue("batches/tree_header", self.tree.header().saveState())

    # ------------------------------------------------------------ loading
    @property
    def store(self):
        return self.ctx.store

    def activated(self) -> None:
        if not self._started:
            self._started = True
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Read the batch list again (worker thread), then the selected batch."""
        if select is not None:
            self._select_after = select
        elif self._select_after is None and self.current is not None:
            self._select_after = self.current.id
        ctx = self.ctx
        self.loading = True

        def work(report, cancelled):
            store = ctx.store
            return store.batches(), store.batch_totals()

        Operation(self, "读取批次", work, on_success=self._batches_loaded, on_failure=self._load_failed,
                  progress=False).start()

    def _changed(self, batch_id: int | None) -> None:
        """This screen changed the data: show the batch, and let other screens refresh."""
        self.refresh(select=batch_id)
        self.ctx.data_changed()

    def _load_failed(self, exc) -> None:
        self.loading = False
        show_failure(self, "读取批次", exc)

    def _batches_loaded(self, result) -> None:
        batches, totals = result
        wanted = self._select_after
        if wanted is None:
            saved = self.ctx.settings.value("batches/current")
            wanted = int(saved) if saved not in (None, "") and str(saved).isdigit() else None
        self._select_after = None
        rows = [BatchRow(b, totals.get(b.id)) for b in reversed(batches)]  # newest first
        self.batch_view.selectionModel().blockSignals(True)
        self.batch_model.set_rows(rows)
        self.batch_view.selectionModel().blockSignals(False)
        row = next((i for i, b in enumerate(rows) if b.id == wanted), 0 if rows else -1)
        if row >= 0:
            self.batch_view.selectRow(row)
            self._load_batch(rows[row].id)
        else:
            self.current = None
            self.results.clear()
            self.loading = False
            self.trace.setHtml(CSS + "<h3>还没有申报批次</h3><p>点“导入申报工作簿…”导入按申报模板填好的工作簿，"
                               "或在“帮助 → 载入演示数据”中载入30家示例企业的批次。</p>")
            self._update_actions()

    def _batch_changed(self, current, _previous=None) -> None:
        b = self.batch_model.row_object(current.row())
        if b is not None and (self.current is None or b.id != self.current.id):
            self._load_batch(b.id)

    def _load_batch(self, batch_id: int) -> None:
        self._batch_generation += 1
        generation = self._batch_generation
        self.loading = True
        self.results_note.setText("正在读取…")
        ctx = self.ctx

        def work(report, cancelled):
            store = ctx.store
            companies, lines = store.company_results(batch_id), store.lines(batch_id)
            return store.batch(batch_id), companies, lines, BatchResultsModel.prepare(companies, lines)

        def done(result):
            if generation == self._batch_generation:
                self._show_batch(*result)

        Operation(self, "读取批次", work, on_success=done, on_failure=self._load_failed, progress=False).start()

    def _show_batch(self, batch, companies, lines, prepared=None) -> None:
        self.current = batch
        old_lines, self.lines = self.lines, lines
        self.ctx.settings.setValue("batches/current", batch.id)
        self.provisional = sum(1 for l in lines if l.provisional)
        row = self.batch_model.row_object(self.batch_view.currentIndex().row())
        self.totals = (row.companies, row.lines, row.total) if row is not None and row.id == batch.id else (
            len(companies), len(lines), sum((l.amount for l in lines), start=Decimal(0)))
        if prepared is None:
            prepared = BatchResultsModel.prepare(companies, lines)
        old = self.results.set_prepared(prepared)
        gcpolicy.drop_later(old, old_lines)  # the last batch shown is freed off the GUI thread
        calculated = sum(1 for c in companies if c.calculated)
        errors = sum(1 for c in companies if c.errors)
        total = sum((c.total for c in companies if c.total is not None), start=Decimal(0))
        self.results_note.setText(f"{len(companies)}家单位，{len(lines)}条明细，合计{fmt_yuan(total)}元"
                                  + (f"，{errors}家有错误" if errors else ""))
        self._banner(batch, calculated, len(companies), errors)
        self.loading = False
        self._update_actions()
        first = self.results.index(0, 0)
        if first.isValid():
            QTimer.singleShot(0, lambda: self.tree.setCurrentIndex(self.results.index(0, 0)))
        else:
            self.trace.setHtml(CSS + "<p>该批次没有企业。</p>")

    def _banner(self, b, calculated: int, companies: int, errors: int) -> None:
        if b.status == "draft":
            if calculated < companies:
                text = f"<b>草稿</b>：{companies - calculated}家单位尚未计算，请点“计算”（F9）。"
                color = "#fff4e5"
            else:
                text = "<b>草稿</b>：已计算。核对无误后“审批…”；修改企业档案或参数后需要重新计算。"
                color = "#e8f1fb"
            if errors:
                text += f"　<span style='color:#b00020'>{errors}家单位计算有错误，处理后重新计算才能审批。</span>"
            if self.provisional:
                text += f"　<span style='color:#b00020'>{self.provisional}条依据征求意见稿测算，正式印发前不得拨付。</span>"
        else:
            when = b.approved_at.strftime("%Y-%m-%d") if b.approved_at else ""
            paid = f"，{b.paid_at:%Y-%m-%d}已拨付" if b.paid_at else ""
            text = (f"<b>{STATUS_LABELS[b.status]}（只读）</b>：经办人{escape(b.preparer)}、审核人{escape(b.reviewer)}"
                    f"于{when}审批{paid}。已审批的批次不能修改或重新计算，可导出和打印兑现通知书；"
                    "发现错误请用“调整…”创建调整批次。")
            color = "#eaf5ea"
        if b.adjusts_batch_id:
            text += (f"<br/><b>调整批次</b>：更正编号{b.adjusts_batch_id}批次（原因：{escape(b.adjust_reason or '未填写')}），"
                     "明细为与原批次已兑现金额的差额，负数为冲减。")
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {color}; padding: 5px; border-radius: 3px;")

    def _update_actions(self) -> None:
        b = self.current
        draft = b is not None and b.status == "draft"
        has_lines = bool(self.lines)
        enable = {"import": True, "refresh": True,
                  "calculate": draft, "approve": draft, "delete": draft,
                  "paid": b is not None and b.status == "approved",
                  "adjust": b is not None and b.status != "draft",
                  "export": b is not None, "disbursement": has_lines, "publicity": has_lines,
                  "letters": b is not None and b.status != "draft" and has_lines}
        for name, act in self.actions_by_name.items():
            act.setEnabled(bool(enable.get(name, False)))
        self.actions_by_name["letters"].setToolTip(
            "兑现通知书（审批后才能出具）" if draft else "兑现通知书（Ctrl+P）")

    def _filter(self, text: str) -> None:
        self.results.set_filter(text)
        if text.strip() and self.results.rowCount() <= 200:
            self.tree.expandAll()

    def _result_changed(self, current, _previous=None) -> None:
        index = current
        line = self.results.line_at(index)
        if line is not None:
            self.trace.setHtml(line_html(line))
            return
        refusal = self.results.refusal_at(index)
        if refusal is not None:
            self.trace.setHtml(refusal_html(refusal))
            return
        company = self.results.company_at(index)
        if company is not None:
            self.trace.setHtml(company_html(company, self.results.lines_of[self.results.companies.index(company)]))

    def select_refusal(self, uscc: str, rule_id: str) -> bool:
        """Select a company's refusal under ``rule_id`` in the results: the reason shows beside it."""
        company = self.results.company_index(uscc)
        if not company.isValid():
            return False
        refusals = self.results.refusals_of(company.row())
        found = next((i for i, r in enumerate(refusals) if r.data.get("rule_id") == rule_id), None)
        if found is None:
            return False
        target = self.results.index(len(self.results.lines_of[company.row()]) + found, 0, company)
        self.tree.expand(company)
        self.tree.setCurrentIndex(target)
        self.tree.scrollTo(target)
        return True

    def select_line(self, uscc: str, line_no: int | None = None) -> bool:
        """Select a company (and one of its lines) in the results: the trace shows beside it."""
        company = self.results.company_index(uscc)
        if not company.isValid():
            return False
        target = company
        if line_no is not None:
            lines = self.results.lines_of[company.row()]
            row = next((i for i, l in enumerate(lines) if l.line_no == line_no), None)
            if row is None:
                return False
            target = self.results.index(row, 0, company)
        self.tree.expand(company)
        self.tree.setCurrentIndex(target)
        self.tree.scrollTo(target)
        return True

    def wait_text(self) -> str:
        return "正在读取…" if self.loading else ""

    # ------------------------------------------------------------ actions
    def import_workbook(self, path: str | None = None):
        from gui.batches.import_wizard import ImportWizard

        old = self.wizard
        if old is not None and not old.isVisible() and old.operation is None:
            old.deleteLater()  # not on close: a check still running reports to it
        wizard = ImportWizard(self.ctx, self, path)
        wizard.imported.connect(lambda batch_id, created: self._changed(batch_id))
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
            text = (f"批次{summary.batch_id}计算完成：{summary.companies}家单位，{summary.lines}条奖补明细，"
                    f"合计{fmt_yuan(summary.total)}元")
            if summary.companies_with_errors:
                text += f"；{summary.companies_with_errors}家单位有错误"
            if summary.provisional_lines:
                text += f"；{summary.provisional_lines}条依据征求意见稿测算"
            self.window.status.setText(text)
            self._changed(batch_id)

        def cancelled():
            self.window.status.setText("已取消计算，批次结果未改变")

        return Operation(self, "计算", work, on_success=done, on_cancel=cancelled).start()

    def approve(self):
        b = self.current
        if b is None or b.status != "draft":
            return None
        if not self.lines and not ask().confirm(self, "审批", "该批次没有奖补明细（可能尚未计算）。仍要审批吗？", ok="继续"):
            return None
        from gui.batches.approve_dialog import ApproveDialog

        provisional = self.provisional

        def check(values):
            allow = False
            if provisional:
                if not ask().confirm(
                        self, "审批测算金额",
                        f"批次中有{provisional}条奖补依据征求意见稿测算。征求意见稿不是正式文件，"
                        "正式印发前不得据此拨付。\n\n确定仍要审批这些测算金额吗？",
                        detail="审批后这些金额记入台账；兑现通知书不会为含测算金额的企业出具，拨付明细表只能导出为测算稿。",
                        ok="仍要审批"):
                    raise ValueError("未审批：含依据征求意见稿测算的金额，未确认")
                allow = True
            return {**values, "allow_provisional": allow}

        user = getattr(self.ctx.store, "user", None)
        if user is not None:
            dialog = ApproveDialog(self, b, self.totals or (0, 0, 0), provisional, check,
                                   preparer=b.created_by or "（未记录）", reviewer=user.name, signed_in=True)
        else:
            dialog = ApproveDialog(self, b, self.totals or (0, 0, 0), provisional, check, preparer=self.clerk_name())
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

        def work(report, cancelled):
            report(0, 0, "正在审批：写入台账和历史记录…")
            if getattr(store, "user", None) is not None:  # the store names both from who imported and who is logged in
                store.approve(batch_id, allow_provisional=values["allow_provisional"])
            else:
                store.approve(batch_id, values["preparer"], values["reviewer"], values["allow_provisional"])
            return batch_id

        def done(_):
            self.window.status.setText(f"批次{batch_id}已审批（经办人{values['preparer']}，审核人{values['reviewer']}）")
            self._changed(batch_id)

        return Operation(self, "审批", work, on_success=done, cancellable=False).start()

    def adjust(self):
        """Open 调整: a new draft adjustment batch linked to the approved one shown."""
        b = self.current
        if b is None or b.status == "draft":
            return None
        from gui.batches.adjust_dialog import AdjustDialog

        company = self.results.company_at(self.tree.currentIndex())
        companies = self.totals[0] if self.totals else len(self.results.companies)
        dialog = AdjustDialog(self, b, companies, lambda values: values,
                              selected=company.company_name if company is not None else None)
        uscc = company.uscc if company is not None else None
        dialog.accepted.connect(lambda: self._run_adjust(b.id, dialog.result_value, uscc))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _run_adjust(self, batch_id: int, values: dict, uscc: str | None):
        store = self.ctx.store
        who = None if getattr(store, "user", None) is not None else self.clerk_name()

        def work(report, cancelled):
            report(0, 0, "正在创建调整批次…")
            ids = [store.company_id(uscc)] if values["only_selected"] and uscc else None
            return store.create_adjustment(batch_id, who, values["reason"], ids)

        def done(new_id):
            self.window.status.setText(f"已创建调整批次{new_id}：请先更正企业资料或参数，再计算（F9）并提交审批")
            self._changed(new_id)

        return Operation(self, "创建调整批次", work, on_success=done, cancellable=False).start()

    def mark_paid(self) -> bool:
        b = self.current
        if b is None or b.status != "approved":
            return False
        if not ask().confirm(self, "标记已拨付", f"确定批次{b.id}“{b.name}”的奖补资金已经拨付到位？\n标记后不能撤销。",
                             ok="标记已拨付"):
            return False
        try:
            self.store.mark_paid(b.id)
        except Exception as exc:
            show_failure(self, "标记已拨付", exc)
            return False
        self.window.status.setText(f"批次{b.id}已标记为已拨付")
        self._changed(b.id)
        return True

    def delete_draft(self) -> bool:
        b = self.current
        if b is None or b.status != "draft":
            return False
        if not ask().confirm(self, "删除草稿批次",
                             f"确定删除草稿批次{b.id}“{b.name}”？\n批次的申报事项和计算结果将被删除，"
                             "导入时合并进企业档案的资料和历史记录保留；需要时可重新导入该工作簿。", ok="删除"):
            return False
        store = self.ctx.store

        def work(report, cancelled):
            store.delete_draft(b.id)
            return b.id

        def done(_):
            self.current = None
            self.window.status.setText(f"已删除草稿批次{b.id}“{b.name}”")
            self._changed(None)

        Operation(self, "删除草稿", work, on_success=done, cancellable=False).start()
        return True

    # ------------------------------------------------------------ exports
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
        from core.lists.service import withheld

        store = self.ctx.store

        def writer(batch, lines, path):
            return write_disbursement_sheet(batch, lines, path, budget_subject=subject or None,
                                            include_provisional=include, withheld=withheld(store, batch.id))

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

    def open_letters(self):
        b = self.current
        if b is None:
            return None
        return self.window.open_letters(b.id)
