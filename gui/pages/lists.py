"""免申即享: official lists imported with a column mapping, matched to companies (proposals confirmed by the clerk),
made into claims of a draft batch and calculated, 意愿确认 per company, and 应享未享.

All store work and file reading runs off the GUI thread (gui.operations); tables are model/view.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.lists import kinds
from gui.ask import ask
from gui.models.base import Column, ListTableModel
from gui.operations import Operation, run_change, run_read

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NAV_LABEL = "免申即享"


def _yuan(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _table(model, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _fit(view: QTableView, widest: int = 360) -> None:
    """Columns as wide as their contents, none wider than ``widest`` pixels (long texts show in full as tooltips)."""
    view.resizeColumnsToContents()
    for col in range(view.model().columnCount()):
        if view.columnWidth(col) > widest:
            view.setColumnWidth(col, widest)


def _selected(view: QTableView):
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return view.model().row_object(rows[0].row()) if rows else None


def _run(parent, title, work, done, progress=False):
    """Store work off the GUI thread; a refusal is shown to the clerk."""
    return run_read(parent, title, lambda report, cancelled: work(), on_success=done, progress=progress)


def _change(page, title, work, done, progress=False):
    """A change to the store off the GUI thread: ``page`` refreshes itself in ``done``, the other screens are told."""
    return run_change(page.ctx, page, title, lambda report, cancelled: work(), on_success=done, progress=progress,
                      initiator=page)


# ---------------------------------------------------------------- the mapping dialog

class MappingDialog(QDialog):
    """导入名单: the file's columns mapped to fields (recognised, remembered per kind, changeable), a preview of the
    rows as read and every problem (row, column, reason); 导入 writes it whole or not at all."""

    def __init__(self, ctx, path: str, parent=None, kind: str = kinds.HIGH_TECH, list_date: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle("导入名单：表头对应")
        self.resize(1000, 640)
        self.ctx, self.path, self.prepared, self.result_id = ctx, path, None, None
        self.kind = QComboBox()
        self.kind.setObjectName("list-kind")
        for key, label in kinds.KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.date = QDateEdit()
        self.date.setObjectName("list-date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        day = list_date or dt.date.today()
        self.date.setDate(QDate(day.year, day.month, day.day))
        vocab = ctx.store.vocabulary
        self.platform_kind = QComboBox()
        self.platform_kind.addItem("（按名单“类别”列）", "")
        for key, label in vocab.enums["recognition_kinds"].items():
            self.platform_kind.addItem(label, key)
        self.level = QComboBox()
        self.level.addItem("（按名单“级别”列）", "")
        for key, label in vocab.enums["levels"].items():
            self.level.addItem(label, key)
        form = QFormLayout()
        form.addRow("文件", QLabel(str(path)))
        form.addRow("名单类别", self.kind)
        form.addRow("认定（入库）日期", self.date)
        form.addRow("平台类别（整份名单）", self.platform_kind)
        form.addRow("级别（整份名单）", self.level)
        self.title = QLabel()
        self.title.setObjectName("list-title")
        self.fields = QGroupBox("表头对应（可改）")
        self.grid = QGridLayout(self.fields)
        self.combos: dict[str, QComboBox] = {}
        self.preview_model = ListTableModel([
            Column("行号", lambda e: e.row_no), Column("企业名称", lambda e: e.company_name),
            Column("统一社会信用代码", lambda e: e.uscc), Column("证书/入库编号", lambda e: e.number),
            Column("日期", lambda e: e.date.isoformat() if e.date else (e.year or "")),
            Column("所在地区", lambda e: e.region), Column("平台名称", lambda e: e.platform_name),
            Column("平台类别", lambda e: vocab.label("recognition_kinds", e.platform_kind) if e.platform_kind else ""),
            Column("级别", lambda e: vocab.label("levels", e.level) if e.level else ""),
        ], (), self)
        self.preview = _table(self.preview_model, "list-preview")
        self.problems = QListWidget()
        self.problems.setObjectName("list-problems")
        self.problems.setMaximumHeight(120)
        self.summary = QLabel()
        self.summary.setObjectName("list-summary")
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("list-import")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.do_import)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.fields, 1)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addWidget(self.preview, 1)
        lay.addWidget(QLabel("问题（须全部改正后才能导入）："))
        lay.addWidget(self.problems)
        lay.addWidget(self.summary)
        lay.addWidget(buttons)
        for w in (self.kind, self.platform_kind, self.level):
            w.currentIndexChanged.connect(lambda _i: self.reload())
        self.date.dateChanged.connect(lambda _d: self.reload())
        self.reload()

    def _options(self) -> dict:
        d = self.date.date()
        return {"list_date": dt.date(d.year(), d.month(), d.day()), "platform_kind": self.platform_kind.currentData(),
                "level": self.level.currentData()}

    def reload(self, mapping: dict | None = None) -> None:
        from core.lists import service

        store, path, kind, opts = self.ctx.store, self.path, self.kind.currentData(), self._options()
        _run(self, "读取名单", lambda: service.prepare(store, path, kind, mapping=mapping, **opts), self._show,
             progress=True)

    def _show(self, p) -> None:
        self.prepared = p
        self.title.setText(f"名单标题：{p.title or '（无）'}　　工作表：{p.raw.sheet}　　表头在第{p.header.row}行")
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.combos = {}
        for i, name in enumerate(kinds.KIND_FIELDS[p.kind]):
            box = QComboBox()
            box.setObjectName(f"map-{name}")
            box.addItem("（无）", 0)
            for col, text in sorted(p.header.texts.items()):
                box.addItem(f"{text}（第{col}列）", col)
            box.setCurrentIndex(max(box.findData(p.mapping.get(name, 0)), 0))
            box.currentIndexChanged.connect(lambda _i: self._remap())
            self.combos[name] = box
            self.grid.addWidget(QLabel(kinds.field_label(name) + ("*" if name in kinds.REQUIRED[p.kind] else "")),
                                i // 2, (i % 2) * 2)
            self.grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        self._show_rows()

    def _remap(self) -> None:
        from core.lists import service

        mapping = {name: box.currentData() for name, box in self.combos.items() if box.currentData()}
        service.remap(self.ctx.store, self.prepared, mapping)
        self._show_rows()

    def _show_rows(self) -> None:
        p = self.prepared
        self.preview_model.set_rows(p.entries)
        _fit(self.preview)
        self.problems.clear()
        self.problems.addItems([str(x) for x in p.problems])
        self.summary.setText(f"共读出{len(p.entries)}家企业，{len(p.problems)}处问题")
        self.import_button.setEnabled(not p.problems and bool(p.entries))

    def do_import(self) -> None:
        from core.lists import service

        store, p = self.ctx.store, self.prepared

        def done(result):
            self.result_id = result[0]
            self.accept()

        _change(self, "导入名单", lambda: service.import_list(store, p), done, progress=True)


# ---------------------------------------------------------------- the page

class ListsPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.vocab = ctx.store.vocabulary
        self.proposals: dict = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("lists-tabs")
        self.tabs.addTab(self._lists_tab(), "名单与匹配")
        self.tabs.addTab(self._consent_tab(), "意愿确认")
        self.tabs.addTab(self._entitled_tab(), "应享未享")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        ctx.subscribe(self._on_changes, owner=self)

    def _on_changes(self, changes) -> None:
        """Another screen changed the store: the lists and the batches' consent follow companies and batches."""
        if self.isVisible() and (changes.companies or changes.batches or changes.database):
            self.reload()

    def activated(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.reload_lists()
        self.reload_batches()

    # ------------------------------------------------------------ lists and matching
    def _lists_tab(self) -> QWidget:
        self.lists_model = ListTableModel([
            Column("编号", lambda r: r.id), Column("类别", lambda r: r.kind_label), Column("名单", lambda r: r.title),
            Column("日期", lambda r: r.list_date.isoformat() if r.list_date else ""),
            Column("行数", lambda r: r.rows, RIGHT), Column("已匹配", lambda r: r.matched, RIGHT),
            Column("已生成事项", lambda r: r.claimed, RIGHT), Column("导入人", lambda r: r.imported_by),
        ], (), self)
        self.lists_view = _table(self.lists_model, "lists-table")
        self.lists_view.setMaximumHeight(170)
        self.lists_view.selectionModel().selectionChanged.connect(lambda *_: self.reload_entries())
        self.entries_model = ListTableModel([
            Column("行号", lambda e: e.row_no), Column("名单中的名称", lambda e: e.company_name),
            Column("统一社会信用代码", lambda e: e.uscc), Column("证书/入库编号", lambda e: e.number),
            Column("匹配", lambda e: e.match_label),
            Column("库中单位", lambda e: f"{e.stored_name}（{e.company_uscc}）" if e.company_id else ""),
            Column("建议（相似度）", self._proposal_text),
            Column("申报事项", lambda e: f"批次{e.batch_id} {e.claim_key}" if e.claim_key else ""),
        ], (), self)
        self.entries_view = _table(self.entries_model, "entries-table")
        self.entries_view.selectionModel().selectionChanged.connect(lambda *_: self._entry_selected())
        self.candidates = QComboBox()
        self.candidates.setObjectName("candidates")
        self.candidates.setMinimumWidth(240)
        # two rows, so the page fits a 1024-pixel screen: the list's actions, then matching one row
        buttons, matching = QHBoxLayout(), QHBoxLayout()
        matching.addWidget(QLabel("相近单位："))
        matching.addWidget(self.candidates)
        for name, text, slot in (("import", "导入名单…", self.import_list), ("rematch", "重新自动匹配", self.rematch),
                                 ("confirm", "确认为所选单位", self.confirm), ("unmatch", "撤销匹配", self.unmatch),
                                 ("create", "由名单新建单位…", self.create_company),
                                 ("claims", "生成申报事项并计算…", self.make_claims)):
            b = QPushButton(text)
            b.setObjectName(f"lists-{name}")
            b.clicked.connect(slot)
            (matching if name in ("confirm", "unmatch") else buttons).addWidget(b)
        buttons.addStretch()
        matching.addStretch()
        self.entries_note = QLabel()
        self.entries_note.setObjectName("entries-note")
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(self.lists_view)
        lay.addLayout(buttons)
        lay.addLayout(matching)
        lay.addWidget(self.entries_view, 1)
        lay.addWidget(self.entries_note)
        return w

    def _proposal_text(self, e) -> str:
        found = self.proposals.get(e.id) or []
        return "；".join(f"{p.name}（{p.score}）" for p in found[:2])

    def current_list(self):
        return _selected(self.lists_view)

    def reload_lists(self, select: int | None = None) -> None:
        from core.lists import service

        store = self.ctx.store
        keep = select or (self.current_list().id if self.current_list() else None)

        def done(rows):
            self.lists_model.set_rows(rows)
            _fit(self.lists_view)
            ids = [r.id for r in rows]
            if rows:
                row = ids.index(keep) if keep in ids else len(rows) - 1
                self.lists_view.selectRow(row)
            self.reload_entries()

        _run(self, "名单", lambda: service.lists(store), done)

    def reload_entries(self) -> None:
        from core.lists import service

        lst, store = self.current_list(), self.ctx.store
        if lst is None:
            self.entries_model.set_rows([])
            return

        def done(result):
            rows, self.proposals = result
            self.entries_model.set_rows(rows)
            _fit(self.entries_view)
            unmatched = sum(1 for e in rows if e.company_id is None)
            self.entries_note.setText(f"共{len(rows)}行，已匹配{len(rows) - unmatched}行，未匹配{unmatched}行；"
                                      "相近名称须经办人确认，分公司不会匹配到总公司")

        _run(self, "名单条目", lambda: (service.entries(store, lst.id), service.proposals(store, lst.id)), done)

    def current_entry(self):
        return _selected(self.entries_view)

    def _entry_selected(self) -> None:
        self.candidates.clear()
        e = self.current_entry()
        if e is None:
            return
        for p in self.proposals.get(e.id) or []:
            self.candidates.addItem(f"{p.name}（{p.uscc}）相似度{p.score}", (p.company_id, p.score))

    def import_list(self, path: str | None = None) -> MappingDialog | None:
        path = path or ask().open_file(self, "导入名单", "名单 (*.xlsx *.xls *.csv)")
        if not path:
            return None
        dialog = MappingDialog(self.ctx, path, self)
        dialog.finished.connect(lambda _r: self.reload_lists(dialog.result_id) if dialog.result_id else None)
        dialog.open()
        return dialog

    def _after(self, _result=None) -> None:
        self.reload_lists()

    def rematch(self) -> None:
        from core.lists import service

        lst, store = self.current_list(), self.ctx.store
        if lst is not None:
            _change(self, "重新匹配", lambda: service.match_again(store, lst.id), self._after)

    def confirm(self) -> None:
        from core.lists import service

        e, store = self.current_entry(), self.ctx.store
        choice = self.candidates.currentData()
        if e is None or choice is None:
            ask().info(self, "确认匹配", "请先选择名单中的一行和一个相近单位")
            return
        _change(self, "确认匹配", lambda: service.confirm_match(store, e.id, *choice), self._after)

    def unmatch(self) -> None:
        from core.lists import service

        e, store = self.current_entry(), self.ctx.store
        if e is not None and e.company_id is not None:
            _change(self, "撤销匹配", lambda: service.confirm_match(store, e.id, None), self._after)

    def create_company(self) -> None:
        from core.lists import service

        e, store = self.current_entry(), self.ctx.store
        if e is None or e.company_id is not None:
            return
        code = e.uscc
        if not code:
            code = ask().text(self, "由名单新建单位", f"“{e.company_name}”的统一社会信用代码：")
            if not code:
                return
        city = service.region_city(e.region, self.vocab)
        if not city:
            labels = list(self.vocab.enums["cities"].items())
            text = ask().text(self, "由名单新建单位", "所在盟市（如 包头市）：")
            city = next((k for k, label in labels if text and text.strip() in (label, k)), "")
            if not city:
                return
        _change(self, "由名单新建单位",
                lambda: service.create_company(store, e.id, uscc=code.strip().upper(), city=city), self._after)

    def make_claims(self) -> None:
        from core.lists import service

        lst, store, policies = self.current_list(), self.ctx.store, self.ctx.base_policies
        if lst is None:
            return
        drafts = [b for b in store.batches() if b.status == "draft"]
        choices = "、".join(f"{b.id}" for b in drafts)
        text = ask().text(self, "生成申报事项", f"加入草稿批次（填批次编号：{choices or '无'}），或留空新建"
                                         f"{dt.date.today().year}年度批次：")
        if text is None:
            return
        batch_id = int(text) if text.strip().isdigit() else None

        def work():
            bid, added, skipped = service.make_claims(store, lst.id, batch_id=batch_id)
            summary = store.calculate(bid, policies) if added else None
            return bid, added, skipped, summary

        def done(result):
            bid, added, skipped, summary = result
            text = f"批次{bid}：生成申报事项{added}项"
            if summary is not None:
                text += f"，已计算，合计{summary.total:,.2f}元（各单位意愿确认前不列入资金拨付明细表）"
            if skipped:
                text += "\n未生成：\n" + "\n".join(skipped[:20])
            ask().info(self, "生成申报事项", text)
            self._after()

        _change(self, "生成申报事项并计算", work, done, progress=True)

    # ------------------------------------------------------------ 意愿确认
    def _consent_tab(self) -> QWidget:
        self.batch_box = QComboBox()
        self.batch_box.setObjectName("consent-batch")
        self.batch_box.setMinimumWidth(300)
        self.batch_box.currentIndexChanged.connect(lambda _i: self.reload_consent())
        self.consent_model = ListTableModel([
            Column("统一社会信用代码", lambda r: r.uscc), Column("企业名称", lambda r: r.name),
            Column("奖补事项", lambda r: r.items), Column("金额（元）", lambda r: _yuan(r.amount), RIGHT),
            Column("开户行", lambda r: r.bank_name), Column("银行账号", lambda r: r.bank_account),
            Column("意愿确认", lambda r: r.consent_label),
            Column("日期", lambda r: r.consent_on.isoformat() if r.consent_on else ""),
            Column("记录人", lambda r: r.consent_by), Column("备注", lambda r: r.note),
        ], (), self)
        self.consent_view = _table(self.consent_model, "consent-table")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("批次"))
        bar.addWidget(self.batch_box)
        for name, text, slot in (("confirmed", "已确认账户", lambda: self.answer("confirmed")),
                                 ("declined", "放弃", lambda: self.answer("declined")),
                                 ("pending", "待确认", lambda: self.answer("pending")),
                                 ("export", "导出确认表…", self.export_consent),
                                 ("import", "导入确认表…", self.import_consent)):
            b = QPushButton(text)
            b.setObjectName(f"consent-{name}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch()
        note = QLabel("只有“已确认账户”的单位进入资金拨付明细表；草稿批次中表示放弃的单位，其名单事项移出批次（须重新计算）。")
        note.setWordWrap(True)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(note)
        lay.addWidget(self.consent_view, 1)
        return w

    def reload_batches(self) -> None:
        from sqlalchemy import select

        from core.store.models import Batch, ListEntry

        store = self.ctx.store

        def work():
            with store.reading() as s:
                return list(s.execute(select(Batch.id, Batch.name, Batch.status)
                                      .join(ListEntry, ListEntry.batch_id == Batch.id).distinct().order_by(Batch.id)))

        def done(rows):
            keep = self.batch_box.currentData()
            self.batch_box.blockSignals(True)
            self.batch_box.clear()
            for bid, name, status in rows:
                self.batch_box.addItem(f"{bid} {name}（{'草稿' if status == 'draft' else '已审批'}）", bid)
            if keep is not None and self.batch_box.findData(keep) >= 0:
                self.batch_box.setCurrentIndex(self.batch_box.findData(keep))
            self.batch_box.blockSignals(False)
            self.reload_consent()

        _run(self, "批次", work, done)

    def reload_consent(self) -> None:
        from core.lists.consent import consent_rows

        bid, store = self.batch_box.currentData(), self.ctx.store
        if bid is None:
            self.consent_model.set_rows([])
            return

        def done(rows):
            self.consent_model.set_rows(rows)
            _fit(self.consent_view)

        _run(self, "意愿确认", lambda: consent_rows(store, bid), done)

    def answer(self, state: str) -> None:
        from core.lists import service

        row, bid, store = _selected(self.consent_view), self.batch_box.currentData(), self.ctx.store
        if row is None or bid is None:
            return
        policies = self.ctx.base_policies

        def work():
            service.set_consent(store, bid, row.company_id, state)
            if state == service.DECLINED and store.batch(bid).status == "draft":
                store.calculate(bid, policies)

        def done(_r):
            self.reload_consent()

        _change(self, "意愿确认", work, done)

    def export_consent(self) -> None:
        from core.lists.consent import write_consent_sheet

        bid, store = self.batch_box.currentData(), self.ctx.store
        if bid is None:
            return
        path = ask().save_file(self, "导出确认表", f"批次{bid}_意愿确认表.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            _run(self, "导出确认表", lambda: write_consent_sheet(store, bid, path),
                 lambda r: ask().info(self, "导出确认表", f"已导出{r[1]}家单位：{r[0]}"))

    def import_consent(self) -> None:
        from core.lists.consent import read_consent_sheet

        store = self.ctx.store
        path = ask().open_file(self, "导入确认表", "Excel 工作簿 (*.xlsx)")
        if path:
            _change(self, "导入确认表", lambda: read_consent_sheet(store, path),
                    lambda r: (ask().info(self, "导入确认表", f"已导入批次{r[0]}的意愿确认：{r[1]}家单位"),
                               self.reload_consent()))

    # ------------------------------------------------------------ 应享未享
    def _entitled_tab(self) -> QWidget:
        from core.lists.entitled import DEFAULT_SPAN

        self.year = QSpinBox()
        self.year.setObjectName("entitled-year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.span = QSpinBox()
        self.span.setRange(1, 10)
        self.span.setValue(DEFAULT_SPAN)
        self.entitled_model = ListTableModel([
            Column("统一社会信用代码", lambda i: i.uscc), Column("企业名称", lambda i: i.company_name),
            Column("盟市", lambda i: self.vocab.label("cities", i.city)), Column("旗县区", lambda i: i.county),
            Column("奖补事项", lambda i: i.summary + ("（测算）" if i.provisional else "")),
            Column("金额（元）", lambda i: _yuan(i.amount), RIGHT), Column("原因", lambda i: i.why, tooltip=lambda i: i.why),
            Column("政策依据", lambda i: i.basis, tooltip=lambda i: i.sentence),
        ], (), self)
        self.entitled_view = _table(self.entitled_model, "entitled-table")
        self.entitled_total = QLabel()
        self.entitled_total.setObjectName("entitled-total")
        self.entitled_items = []
        bar = QHBoxLayout()
        bar.addWidget(QLabel("兑现年度"))
        bar.addWidget(self.year)
        bar.addWidget(QLabel("看最近几年的认定和入库"))
        bar.addWidget(self.span)
        for name, text, slot in (("run", "测算", self.reload_entitled), ("export", "导出工作簿…", self.export_entitled)):
            b = QPushButton(text)
            b.setObjectName(f"entitled-{name}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addStretch()
        note = QLabel("按库中认定、入库记录和台账测算应享而未兑现的奖补（已在草稿批次中的不列）；兑现前请核实，可由名单或申报表生成申报事项。")
        note.setWordWrap(True)
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addLayout(bar)
        lay.addWidget(note)
        lay.addWidget(self.entitled_view, 1)
        lay.addWidget(self.entitled_total)
        return w

    def reload_entitled(self) -> None:
        from core.lists.entitled import entitled

        store, policies, year, span = self.ctx.store, self.ctx.base_policies, self.year.value(), self.span.value()

        def work(report, cancelled):
            return entitled(store, policies, year, span=span, progress=report, cancel=cancelled)

        def done(items):
            self.entitled_items = items
            self.entitled_model.set_rows(items)
            _fit(self.entitled_view)
            total = sum((i.amount for i in items), 0)
            self.entitled_total.setText(f"{year}年度应享未享：{len({i.uscc for i in items})}家单位、{len(items)}项，"
                                        f"合计{total:,.2f}元")
            set_nav_count(self.window, len(items))

        Operation(self, "应享未享", work, on_success=done).start()

    def export_entitled(self) -> None:
        from core.lists.report import write_entitled_workbook

        year, items = self.year.value(), list(self.entitled_items)
        path = ask().save_file(self, "导出应享未享", f"{year}年度应享未享.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            def label(k):
                return self.vocab.label("cities", k)

            _run(self, "导出应享未享", lambda: write_entitled_workbook(items, year, path, label),
                 lambda p: ask().info(self, "导出应享未享", f"已导出：{p}"))


def set_nav_count(window, count: int) -> None:
    """The navigation entry shows how many awards are entitled and unpaid (应享未享) this year."""
    model = getattr(window, "nav_model", None)
    if model is None:
        return
    for row in range(model.rowCount()):
        item = model.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "lists":
            item.setText(f"{NAV_LABEL}（{count}）" if count else NAV_LABEL)
            item.setToolTip(f"{dt.date.today().year}年度应享未享{count}项" if count else "")


def announce_entitled(window) -> None:
    """Once the store is open: count this year's 应享未享 off the GUI thread and show it on the navigation entry."""
    from core.lists.entitled import entitled

    ctx = window.ctx
    store, policies, year = ctx.store, ctx.base_policies, dt.date.today().year
    Operation(window, "应享未享", lambda report, cancelled: len(entitled(store, policies, year, cancel=cancelled)),
              on_success=lambda n: set_nav_count(window, n), on_failure=lambda exc: None, progress=False).start()
