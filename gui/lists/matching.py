"""名单与匹配: the lists, their rows matched to companies, proposals confirmed, claims made. A mixin of ListsPage."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.ask import ask
from gui.lists.common import RIGHT, _change, _fit, _run, _selected, _table
from gui.lists.mapping_dialog import MappingDialog
from gui.models.base import Column, ListTableModel


class MatchingTab:
    def _lists_tab(self) -> QWidget:
        self.lists_model = ListTableModel(
            [
                Column("编号", lambda r: r.id),
                Column("类别", lambda r: r.kind_label),
                Column("名单", lambda r: r.title),
                Column("日期", lambda r: r.list_date.isoformat() if r.list_date else ""),
                Column("行数", lambda r: r.rows, RIGHT),
                Column("已匹配", lambda r: r.matched, RIGHT),
                Column("已生成事项", lambda r: r.claimed, RIGHT),
                Column("导入人", lambda r: r.imported_by),
            ],
            (),
            self,
        )
        self.lists_view = _table(self.lists_model, "lists-table")
        self.lists_view.setMaximumHeight(170)
        self.lists_view.selectionModel().selectionChanged.connect(lambda *_: self.reload_entries())
        self.entries_model = ListTableModel(
            [
                Column("行号", lambda e: e.row_no),
                Column("名单中的名称", lambda e: e.company_name),
                Column("统一社会信用代码", lambda e: e.uscc),
                Column("证书/入库编号", lambda e: e.number),
                Column("匹配", lambda e: e.match_label),
                Column("库中单位", lambda e: f"{e.stored_name}（{e.company_uscc}）" if e.company_id else ""),
                Column("建议（相似度）", self._proposal_text),
                Column("申报事项", lambda e: f"批次{e.batch_id} {e.claim_key}" if e.claim_key else ""),
            ],
            (),
            self,
        )
        self.entries_view = _table(self.entries_model, "entries-table")
        self.entries_view.selectionModel().selectionChanged.connect(lambda *_: self._entry_selected())
        self.candidates = QComboBox()
        self.candidates.setObjectName("candidates")
        self.candidates.setMinimumWidth(240)
        # two rows, so the page fits a 1024-pixel screen: the list's actions, then matching one row
        buttons, matching = QHBoxLayout(), QHBoxLayout()
        matching.addWidget(QLabel("相近单位："))
        matching.addWidget(self.candidates)
        for name, text, slot in (
            ("import", "导入名单…", self.import_list),
            ("rematch", "重新自动匹配", self.rematch),
            ("confirm", "确认为所选单位", self.confirm),
            ("unmatch", "撤销匹配", self.unmatch),
            ("create", "由名单新建单位…", self.create_company),
            ("claims", "生成申报事项并计算…", self.make_claims),
        ):
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
            self.entries_note.setText(
                f"共{len(rows)}行，已匹配{len(rows) - unmatched}行，未匹配{unmatched}行；"
                "相近名称须经办人确认，分公司不会匹配到总公司"
            )

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
        _change(
            self,
            "由名单新建单位",
            lambda: service.create_company(store, e.id, uscc=code.strip().upper(), city=city),
            self._after,
        )

    def make_claims(self) -> None:
        from core.lists import service

        lst, store, policies = self.current_list(), self.ctx.store, self.ctx.base_policies
        if lst is None:
            return
        drafts = [b for b in store.batches() if b.status == "draft"]
        choices = "、".join(f"{b.id}" for b in drafts)
        text = ask().text(
            self,
            "生成申报事项",
            f"加入草稿批次（填批次编号：{choices or '无'}），或留空新建{dt.date.today().year}年度批次：",
        )
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
