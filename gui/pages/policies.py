"""政策: the documents, their clauses and rules, each rule's sentence and parameters, and the
administrator's parameter overrides (added with who, when and why; listed with revoke)."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from shiboken6 import isValid
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.coverage import counting_text
from core.money import display_value
from gui.tables import equip
from gui.ask import ask
from gui.errors import show_failure
from core.policy.section_reader import COVERAGE_STATUSES
from core.engine.formulas import FORMULAS
from core.policy.model import STACKING_LABELS
from gui.models.base import Column, ListTableModel
from gui.operations import Operation
from gui.tracehtml import CSS
from gui.roles import current_user


def _level(ctx, doc) -> str:
    return "自治区" if doc.level == "region" else ctx.base_policies.vocabulary.label("cities", doc.city)


def _params_text(rule) -> str:
    return "；".join(f"{p.label}{display_value(p.unit, p.versions[-1].value)}" for _, p in rule.params())


def _fit_to_contents(view: QTableView, stretch: tuple[int, ...]) -> None:
    """Columns as wide as their texts (the ``stretch`` ones share the rest), measured once each time the rows
    change: a ResizeToContents header measured every cell again at each layout of the first showing (over
    5,000 data() calls, some 30 ms). Fixed, like ResizeToContents: the clerk does not drag them."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    model = view.model()

    def fit() -> None:
        for column in range(model.columnCount()):
            if column not in stretch:
                view.resizeColumnToContents(column)

    model.modelReset.connect(fit)
    fit()


class PoliciesPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        ps = ctx.policies
        docs = sorted(ps.documents.values(), key=lambda d: (d.level != "region", d.date))
        self.doc_model = ListTableModel(
            [
                Column("政策文件", lambda d: d.title),
                Column("文号", lambda d: d.doc_number or "—"),
                Column("层级", lambda d: _level(ctx, d)),
                Column("状态", lambda d: d.status_on(dt.date.today())),
                Column("有效期", lambda d: d.period_text),
                Column("叠加原则", lambda d: d.stacking_principle or "—"),
            ],
            docs,
            self,
        )
        self.docs = self._table(self.doc_model)
        self.docs.setObjectName("documents")
        _fit_to_contents(self.docs, stretch=(0,))

        self.rule_model = ListTableModel(
            [
                Column("条款", lambda r: r.clause),
                Column("事项", lambda r: r.summary),
                Column("计算方式", lambda r: FORMULAS[r.formula].label),
                Column("参数", _params_text),
                Column("规则编号", lambda r: r.id),
                Column("政策文件", lambda r: r.document.citation),
            ],
            (),
            self,
        )
        self.rules = self._table(self.rule_model)
        self.rules.setObjectName("rules")
        _fit_to_contents(self.rules, stretch=(1, 3))

        self.cov_model = ListTableModel(
            [
                Column("条款", lambda n: n["clause"]),
                Column("标题", lambda n: n["title"]),
                Column("处理方式", lambda n: COVERAGE_STATUSES[n["status"]]),
                Column("说明", lambda n: n["note"], tooltip=lambda n: n["note"]),
            ],
            (),
            self,
        )
        self.coverage = self._table(self.cov_model)
        self.coverage.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.override_model = ListTableModel(
            [
                Column("规则", lambda o: self._rule_text(o.override.target), tooltip=lambda o: o.override.target),
                Column("参数", lambda o: self._param(o.override)[0]),
                Column("新取值", lambda o: self._param(o.override)[1]),
                Column(
                    "有效期",
                    lambda o: (
                        f"{o.override.start.isoformat()}至{o.override.end.isoformat() if o.override.end else '今'}"
                    ),
                ),
                Column("调整人", lambda o: o.override.who),
                Column("调整时间", lambda o: f"{o.override.when:%Y-%m-%d %H:%M}"),
                Column("理由", lambda o: o.override.reason, tooltip=lambda o: o.override.reason),
                Column("状态", lambda o: "有效" if o.active else f"已撤销（{o.revoked_by} {o.revoked_at:%Y-%m-%d}）"),
            ],
            (),
            self,
        )
        self.overrides = self._table(self.override_model)
        self.overrides.setObjectName("overrides")
        self.overrides.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.overrides.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.overrides.horizontalHeader().setStretchLastSection(False)

        self.detail = QTextBrowser()
        self.detail.setObjectName("rule-detail")
        self.doc_info = QLabel()
        self.doc_info.setWordWrap(True)
        self.doc_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("rule-search")
        self.search_edit.setPlaceholderText("搜索规则：事项、条款、原文或规则编号（所有政策文件）")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.search_rules)
        self.tabs = tabs = QTabWidget()
        tabs.addTab(self.rules, "规则与参数")
        tabs.addTab(self.coverage, "条款覆盖")
        tabs.addTab(self.overrides, "参数调整记录")
        self.override_button = QPushButton("调整参数…")
        self.override_button.setObjectName("add-override")
        self.override_button.setToolTip("管理员按新文件或通知调整所选规则的参数（保留调整人、时间和理由）")
        self.override_button.clicked.connect(lambda: self.add_override())
        self.revoke_button = QPushButton("撤销所选调整…")
        self.revoke_button.clicked.connect(lambda: self.revoke_override())
        self.override_note = QLabel()
        self.override_note.setStyleSheet("color: #666666;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.override_note, 1)
        buttons.addWidget(self.override_button)
        buttons.addWidget(self.revoke_button)
        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.doc_info)
        lay.addWidget(self.search_edit)
        lay.addWidget(tabs)
        lay.addLayout(buttons)
        right.addWidget(top)
        right.addWidget(self.detail)
        right.setSizes([420, 260])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.docs)
        split.addWidget(right)
        split.setSizes([170, 560])
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        self.docs.selectionModel().currentRowChanged.connect(self._doc_changed)
        self.rules.selectionModel().currentRowChanged.connect(self._rule_changed)
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.overrides.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.docs.selectRow(0)
        self.dialog = None
        self._shown_overrides = 0  # counts what set the overrides or the note: a late first read is dropped
        self._first_read = True  # the first read of the overrides runs on a worker thread, not in the showing
        self._update_buttons()
        Operation(
            self,
            "读取参数调整记录",
            lambda _report, _cancelled: self._read_overrides(),
            progress=False,
            on_success=self._first_overrides(self._shown_overrides),
            on_failure=lambda _exc: isValid(self) and self._load_overrides(),
        ).start()
        ctx.subscribe(self._on_changes, owner=self)

    def _table(self, model) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.setWordWrap(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.setAlternatingRowColors(True)
        equip(view, "政策", settings=self.ctx.settings)
        return view

    def current_document(self):
        return self.doc_model.row_object(self.docs.currentIndex().row())

    def search_rules(self, text: str = "") -> list:
        """Rules of every document whose summary, clause, sentence, id or document holds ``text`` (the current
        document's rules again when it is cleared)."""
        words = text.split()
        if not words:
            self._doc_changed(self.docs.currentIndex())
            return self.rule_model.rows
        ps = self.ctx.policies

        def hit(r) -> bool:
            hay = f"{r.summary} {r.clause} {r.sentence} {r.id} {r.document.citation}"
            return all(w.lower() in hay.lower() for w in words)

        found = sorted(
            (r for r in ps.rules.values() if hit(r)), key=lambda r: (r.document.date, r.document.id, r.order)
        )
        self.rule_model.set_rows(found)
        self.tabs.setCurrentIndex(0)
        self.tabs.setTabText(0, f"规则与参数（搜索到{len(found)}条）")
        if found:
            self.rules.selectRow(0)
        else:
            self.detail.setHtml(CSS + f"<p>没有含“{escape(text.strip())}”的规则。</p>")
        return found

    def _doc_changed(self, current, _previous=None) -> None:
        doc = self.doc_model.row_object(current.row())
        if doc is None:
            return
        if self.search_edit.text().strip():
            self.search_edit.clear()  # a document chosen: its rules, not the search's
            return
        self.tabs.setTabText(0, "规则与参数")
        ps = self.ctx.policies
        rules = sorted((r for r in ps.rules.values() if r.document.id == doc.id), key=lambda r: r.order)
        self.rule_model.set_rows(rules)
        self.cov_model.set_rows(ps.coverage.get(doc.id, []))
        repeals = "、".join(doc.repeals) or "无"
        self.doc_info.setText(
            f"<b>{escape(doc.citation)}</b>　{escape(doc.issuer)}　成文{doc.date.isoformat()}　"
            f"废止：{escape(repeals)}<br>叠加原则：{escape(doc.stacking_principle or '无')}"
            f"{'：' + escape(doc.stacking_note) if doc.stacking_note else ''}"
        )
        if self.tabs.currentIndex() != 2:
            self.tabs.setCurrentIndex(0 if rules else 1)
        if rules:
            self.rules.selectRow(0)
        else:
            self.detail.setHtml(CSS + "<p>本文件只有目标或说明性条款，见“条款覆盖”。</p>")

    def _rule_changed(self, current, _previous=None) -> None:
        rule = self.rule_model.row_object(current.row())
        if rule is not None:
            self.detail.setHtml(rule_html(self.ctx.policies, rule))
        self._update_buttons()

    def activated(self) -> None:
        if not self._first_read:  # else the first read sets the note when it comes
            self._shown_overrides += 1
            self.override_note.setText(f"调整人：{self.who()}")

    def current_rule(self):
        return self.rule_model.row_object(self.rules.currentIndex().row())

    # ------------------------------------------------------------ overrides
    def _rule_text(self, rule_id: str) -> str:
        rule = self.ctx.policies.rules.get(rule_id)
        return f"{rule.document.citation}{rule.clause} {rule.summary}" if rule else rule_id

    def _param(self, o) -> tuple[str, str]:
        rule = self.ctx.policies.rules.get(o.target)
        p = dict(rule.params()).get(o.path) if rule else None
        if p is None:
            return o.path, str(o.value)
        return p.label, display_value(p.unit, o.value)

    def _read_overrides(self) -> tuple[list, str]:
        """The override records, revoked ones too, and the first run's clerk (the store's reads: no Qt)."""
        store = self.ctx.store
        return (store.overrides(include_revoked=True) if store is not None else []), self._clerk()

    def _first_overrides(self, shown: int):
        """What to do with the first read: show it unless the page is gone or read them again since; the
        note too unless something newer set it."""

        def show(read) -> None:
            if isValid(self) and self._first_read:
                self._first_read = False
                records, clerk = read
                self._show_overrides(records, self.who(clerk) if self._shown_overrides == shown else None)

        return show

    def _load_overrides(self) -> None:
        self._first_read = False
        records, clerk = self._read_overrides()
        self._show_overrides(records, self.who(clerk))

    def _show_overrides(self, records: list, who: str | None) -> None:
        self.override_model.set_rows(sorted(records, key=lambda r: (not r.active, -r.id)))
        active = sum(1 for r in records if r.active)
        self.tabs.setTabText(2, f"参数调整记录（{active}项有效）" if active else "参数调整记录")
        if who is not None:
            self._shown_overrides += 1
            self.override_note.setText(f"调整人：{who}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        from core.audit.roles import ADMIN
        from gui.roles import gate

        on_overrides = self.tabs.currentWidget() is self.overrides
        record = self.override_model.row_object(self.overrides.currentIndex().row())
        self.revoke_button.setVisible(on_overrides)
        admin = gate(
            self.override_button, self.ctx, ADMIN, "管理员按新文件或通知调整所选规则的参数（保留调整人、时间和理由）"
        )
        gate(self.revoke_button, self.ctx, ADMIN, "撤销所选参数调整")
        self.revoke_button.setEnabled(admin and record is not None and record.active)
        self.override_button.setEnabled(admin and (on_overrides or self.current_rule() is not None))

    def user_changed(self) -> None:
        self._update_buttons()
        self._shown_overrides += 1
        self.override_note.setText(f"调整人：{self.who()}")

    def _clerk(self) -> str:
        """The clerk's name from the first run (a read of the store), or ""."""
        try:
            return self.ctx.store.setting("clerk.name", "") or ""
        except Exception:
            return ""

    def who(self, clerk: str | None = None) -> str:
        """Who is changing parameters: the logged-in user (the store accepts no one else); before users exist,
        the clerk's name from the first run (``clerk``: read already)."""
        user = current_user(self.ctx)
        if user is not None:
            return user.name
        name = self._clerk() if clerk is None else clerk
        if not name:
            from gui.printing.cli import current_user as login_name

            name = str(self.ctx.settings.value("user/name", "") or "") or login_name()
        return name

    def add_override(self, path: str | None = None):
        from gui.policies.override_dialog import OverrideDialog

        rule = self.current_rule()
        store, ctx = self.ctx.store, self.ctx

        def save(values):
            return store.add_override(values["override"], ctx.base_policies)

        dialog = OverrideDialog(self, ctx.policies, self.who(), save, rule.id if rule else None, path)
        dialog.accepted.connect(self._override_saved)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _override_saved(self) -> None:
        self._tell_all()
        self.window.status.setText("已保存参数调整；草稿批次需重新计算后才能审批")

    def revoke_override(self) -> bool:
        record = self.override_model.row_object(self.overrides.currentIndex().row())
        if record is None or not record.active:
            return False
        o = record.override
        name, value = self._param(o)
        if not ask().confirm(
            self,
            "撤销参数调整",
            f"确定撤销这项参数调整？\n{self._rule_text(o.target)}：{name}调整为{value}"
            f"（{o.who}，{o.when:%Y-%m-%d}，理由：{o.reason}）\n\n撤销后恢复原取值，记录保留。",
            ok="撤销调整",
        ):
            return False
        try:
            self.ctx.store.revoke_override(record.id, self.who())
        except Exception as exc:
            show_failure(self, "撤销参数调整", exc)
            return False
        self._tell_all()
        self.window.status.setText("已撤销参数调整；草稿批次需重新计算后才能审批")
        return True

    def _tell_all(self) -> None:
        """This screen changed the overrides (on the GUI thread, just now): every screen, this one too, is told."""
        self.ctx.changed(self.ctx.store.last_changes)

    def _on_changes(self, changes) -> None:
        """The overrides or the settings (the issuer's name in the rules' texts) changed: show the policies again."""
        if changes.overrides or changes.settings or changes.database:
            self.policies_changed()

    def policies_changed(self) -> None:
        """The policies in force changed: show them again, keeping the document and rule selected."""
        doc = self.current_document()
        rule = self.current_rule()
        ps = self.ctx.policies
        docs = sorted(ps.documents.values(), key=lambda d: (d.level != "region", d.date))
        self.doc_model.set_rows(docs)
        row = next((i for i, d in enumerate(self.doc_model.rows) if doc is not None and d.id == doc.id), 0)
        self.docs.selectRow(row)  # the reset cleared the current row: this shows the document again
        if rule is not None:
            rrow = next((i for i, r in enumerate(self.rule_model.rows) if r.id == rule.id), None)
            if rrow is not None:
                self.rules.selectRow(rrow)
        self._load_overrides()


def rule_html(ps, rule) -> str:
    out = [
        CSS,
        f"<h3>{escape(rule.summary)}　<span class='muted'>{escape(rule.id)}</span></h3>",
        f"<p><b>政策依据：</b>{escape(rule.document.citation)}{escape(rule.clause)}</p>",
        f"<p class='cite'>{escape(rule.sentence)}</p>",
    ]
    if rule.qualifies:
        out.append(f"<p><b>适用对象：</b>{escape(rule.qualifies)}</p>")
    out.append(f"<p><b>计算方式：</b>{FORMULAS[rule.formula].label}</p>")
    rows = []
    for _, p in rule.params():
        for v in p.versions:
            end = v.end.isoformat() if v.end else "今"
            src = "政策原文" if v.source == "policy" else v.source.removeprefix("override:")
            rows.append(
                f"<tr><td>{escape(p.label)}</td><td>{escape(display_value(p.unit, v.value))}</td>"
                f"<td class='muted'>“{escape(v.cite)}”</td><td>{v.start.isoformat()}至{end}</td>"
                f"<td class='muted'>{escape(src)}</td></tr>"
            )
    if rows:
        out.append(
            "<p><b>参数</b></p><table class='kv'><tr><td>参数</td><td>取值</td><td>原文</td><td>有效期</td>"
            "<td>来源</td></tr>" + "".join(rows) + "</table>"
        )
    for cap in rule.caps:
        if cap.if_reading or cap.unless_reading:
            name = cap.if_reading or cap.unless_reading
            out.append(
                f"<p class='muted'>上限“{escape(cap.param.label)}”仅在解读 {escape(name)} "
                f"{'成立' if cap.if_reading else '不成立'}时适用。</p>"
            )
    if rule.requires:
        out.append("<p><b>历史条件：</b>" + "、".join(req.name for req in rule.requires) + "</p>")
    if rule.group:
        g = ps.groups[rule.group]
        out.append(f"<p><b>叠加组：</b>{escape(g.label)}（{STACKING_LABELS[g.policy]}）— {escape(g.note)}</p>")
    if rule.pays:
        out.append("<p><b>计算口径：</b>" + "；".join(escape(t) for t in counting_text(rule, quote="")) + "</p>")
    if rule.note:
        out.append(f"<p><b>说明：</b>{escape(rule.note)}</p>")
    readings = rule.document.readings
    if readings:
        out.append(
            "<p><b>本文件的解读</b></p><ul>"
            + "".join(
                f"<li>{escape(r.name)} = {escape(str(r.value))}：{escape(r.note)}</li>" for r in readings.values()
            )
            + "</ul>"
        )
    return "".join(out)
