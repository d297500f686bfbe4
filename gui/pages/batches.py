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
from typing import NamedTuple

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from core.batchactions import STATUS_LABELS, allowed_actions
from core.money import fmt_yuan
from gui import gcpolicy
from gui.batches.actions import BatchActions
from gui.batches.exports import BUDGET_KEY, WORKBOOK_FILTER, BatchExports  # noqa: F401 - where they were
from gui.batches.preview import BatchPreviews
from gui.batches.results_pane import ResultsPane
from gui.errors import show_failure
from gui.models.base import Column, ListTableModel
from gui.models.results import BatchResultsModel
from gui.operations import Operation
from gui.tables import equip
from gui.tracehtml import CSS
from gui.roles import current_user

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class BatchRow:
    """A batch with its totals, as the list shows it."""

    def __init__(self, record, totals):
        self.record = record
        self.companies, self.lines, self.total = totals if totals else (0, 0, None)

    @property
    def id(self) -> int:
        return self.record.id


class BatchFigures(NamedTuple):
    """What the page says of a batch, counted on the worker thread that read it (over 20,000 lines and 10,000
    companies the sums took the GUI thread several milliseconds of each recalculation)."""

    provisional: int  # lines worked out from a draft policy
    line_total: Decimal
    calculated: int  # companies
    errors: int  # companies
    total: Decimal  # of the companies' totals

    @classmethod
    def of(cls, companies, lines) -> BatchFigures:
        return cls(
            sum(1 for l in lines if l.provisional),
            sum((l.amount for l in lines), start=Decimal(0)),
            sum(1 for c in companies if c.calculated),
            sum(1 for c in companies if c.errors),
            sum((c.total for c in companies if c.total is not None), start=Decimal(0)),
        )


class BatchesPage(BatchActions, BatchExports, BatchPreviews, ResultsPane, QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.loading = False
        self._batch_generation = 0
        self._select_after: int | None = None
        self.current = None  # BatchRecord of the batch shown
        self.totals = None
        self.lines: list = []
        self.provisional = 0
        self.calculated_all = False  # every company of the batch shown is calculated
        self.wizard = None
        self.dialog = None

        # batch list
        self.batch_model = ListTableModel(
            [
                Column("编号", lambda b: b.id),
                Column("批次名称", lambda b: b.record.name, tooltip=lambda b: b.record.source_name or None),
                Column("兑现年度", lambda b: b.record.award_year),
                Column("状态", lambda b: STATUS_LABELS.get(b.record.status, b.record.status)),
                Column("企业", lambda b: f"{b.companies}家"),
                Column("明细", lambda b: f"{b.lines}条"),
                Column("合计（元）", lambda b: fmt_yuan(b.total) if b.total is not None else "—", RIGHT),
                Column(
                    "经办人 / 审核人",
                    lambda b: f"{b.record.preparer} / {b.record.reviewer}" if b.record.preparer else "",
                ),
                Column("导入文件", lambda b: b.record.source_name, tooltip=lambda b: b.record.source_name or None),
            ],
            (),
            self,
        )
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
        equip(self.batch_view, "申报批次", settings=ctx.settings, store=lambda: ctx.store)

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
            ("refresh", "刷新", "F5", self.refresh),
        ):
            if name is None:
                self.toolbar.addSeparator()
                continue
            act = QAction(label, self)
            act.setData(
                f"{label.rstrip('…')}（{shortcut}）" if shortcut else label.rstrip("…")
            )  # the tooltip when enabled
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                # the whole window's while this page shows (focus in the navigation list too)
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda checked=False, s=slot: s())
            self.addAction(act)
            self.toolbar.addAction(act)
            self.actions_by_name[name] = act
            if name == "publicity":
                self._add_print_preview()

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
        equip(
            self.tree,
            "计算结果",
            settings=ctx.settings,
            sortable=False,
            store=lambda: ctx.store,
            note=lambda: f"批次{self.current.id}“{self.current.name}”" if self.current else "",
        )
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
        ctx.subscribe(self._on_changes, owner=self)

    def _add_print_preview(self) -> None:
        """打印预览 ▾ beside the exports: the 资金拨付明细表 or the 公示名单, each enabled as its export is."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        self.preview_actions: dict[str, QAction] = {}
        for name, label, slot in (
            ("disbursement", "资金拨付明细表…", self.preview_disbursement),
            ("publicity", "公示名单…", self.preview_publicity),
        ):
            act = menu.addAction(label)
            act.setData(f"打印预览{label.rstrip('…')}")
            act.triggered.connect(lambda checked=False, s=slot: s())
            self.preview_actions[name] = act
        self.preview_button = QToolButton()
        self.preview_button.setObjectName("print-preview")
        self.preview_button.setText("打印预览")
        self.preview_button.setMenu(menu)
        self.preview_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(self.preview_button)

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

        Operation(
            self, "读取批次", work, on_success=self._batches_loaded, on_failure=self._load_failed, progress=False
        ).start()

    def _on_changes(self, changes) -> None:
        """Another screen changed the store: read the list again if batches or their letters changed."""
        if self.isVisible() and (changes.batches or changes.letters or changes.database):
            self.refresh()

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
        shown = self.batch_model.rows  # in the order the clerk sorted them
        row = next((i for i, b in enumerate(shown) if b.id == wanted), 0 if shown else -1)
        if row >= 0:
            self.batch_view.selectRow(row)
            self._load_batch(shown[row].id)
        else:
            self.current = None
            self.results.clear()
            self.loading = False
            self.trace.setHtml(
                CSS + "<h3>还没有申报批次</h3><p>点“导入申报工作簿…”导入按申报模板填好的工作簿，"
                "或在“帮助 → 载入演示数据”中载入30家示例企业的批次。</p>"
            )
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
        # The batch shown is let go of before the new one is read, not after: with both held at once the
        # window's resident memory stayed 50-100 MB higher after each recalculation of 10,000 companies (the
        # allocator keeps the pages they shared; bench/gui_memory_bench.py).
        old, old_lines = self.results.set_prepared([]), self.lines
        self.lines = []
        self._update_actions()

        def work(report, cancelled):
            gcpolicy.drop(old, old_lines)  # item by item on this thread, leaving the interpreter to the window
            store = ctx.store
            companies, lines = store.company_results(batch_id), store.lines(batch_id)
            prepared, figures = BatchResultsModel.prepare(companies, lines), BatchFigures.of(companies, lines)
            return store.batch(batch_id), companies, lines, prepared, figures

        def done(result):
            # the page may be gone when the read comes back (the window closed meanwhile)
            if generation == self._batch_generation and isValid(self.batch_view):
                self._show_batch(*result)

        Operation(self, "读取批次", work, on_success=done, on_failure=self._load_failed, progress=False).start()

    def _show_batch(self, batch, companies, lines, prepared=None, figures=None) -> None:
        self.current = batch
        old_lines, self.lines = self.lines, lines
        self.ctx.settings.setValue("batches/current", batch.id)
        if figures is None:
            figures = BatchFigures.of(companies, lines)
        self.provisional = figures.provisional
        row = self.batch_model.row_object(self.batch_view.currentIndex().row())
        self.totals = (
            (row.companies, row.lines, row.total)
            if row is not None and row.id == batch.id
            else (len(companies), len(lines), figures.line_total)
        )
        if prepared is None:
            prepared = BatchResultsModel.prepare(companies, lines)
        old = self.results.set_prepared(prepared)
        gcpolicy.drop_later(old, old_lines)  # the last batch shown is freed off the GUI thread
        calculated, errors, total = figures.calculated, figures.errors, figures.total
        self.calculated_all = calculated == len(companies)
        self.results_note.setText(
            f"{len(companies)}家单位，{len(lines)}条明细，合计{fmt_yuan(total)}元"
            + (f"，{errors}家有错误" if errors else "")
        )
        self._banner(batch, calculated, len(companies), errors)
        self.loading = False
        self._update_actions()
        first = self.results.index(0, 0)
        if first.isValid():
            QTimer.singleShot(0, self.tree, lambda: self.tree.setCurrentIndex(self.results.index(0, 0)))
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
                text += (
                    f"　<span style='color:#b00020'>{self.provisional}条依据征求意见稿测算，正式印发前不得拨付。</span>"
                )
        else:
            when = b.approved_at.strftime("%Y-%m-%d") if b.approved_at else ""
            paid = f"，{b.paid_at:%Y-%m-%d}已拨付" if b.paid_at else ""
            text = (
                f"<b>{STATUS_LABELS[b.status]}（只读）</b>：经办人{escape(b.preparer)}、审核人{escape(b.reviewer)}"
                f"于{when}审批{paid}。已审批的批次不能修改或重新计算，可导出和打印兑现通知书；"
                "发现错误请用“调整…”创建调整批次。"
            )
            color = "#eaf5ea"
        if b.adjusts_batch_id:
            text += (
                f"<br/><b>调整批次</b>：更正编号{b.adjusts_batch_id}批次（原因：{escape(b.adjust_reason or '未填写')}），"
                "明细为与原批次已兑现金额的差额，负数为冲减。"
            )
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {color}; padding: 5px; border-radius: 3px;")

    def _update_actions(self) -> None:
        """Enable each action as core.batchactions says for this batch and the logged-in user; a disabled one's
        tooltip says why."""
        user = current_user(self.ctx)
        allowed = allowed_actions(self.current, user, lines=len(self.lines), calculated=self.calculated_all)
        for name, act in self.actions_by_name.items():
            enabled, reason = allowed[name]
            act.setEnabled(enabled)
            act.setToolTip(act.data() if enabled else f"{act.data()}：{reason}")
        for name, act in self.preview_actions.items():  # as the export of the same sheet
            enabled, reason = allowed[name]
            act.setEnabled(enabled)
            act.setToolTip(act.data() if enabled else f"{act.data()}：{reason}")
        enabled = [a for a in self.preview_actions.values() if a.isEnabled()]
        self.preview_button.setEnabled(bool(enabled))
        self.preview_button.setToolTip(
            "打印前预览资金拨付明细表或公示名单" if enabled else self.preview_actions["disbursement"].toolTip()
        )

    def user_changed(self) -> None:
        """Another user logged in (文件 → 切换用户): what they may do differs."""
        self._update_actions()

    def wait_text(self) -> str:
        return "正在读取…" if self.loading else ""
