"""政策: the documents, their clauses and rules, each rule's sentence and parameters."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QTabWidget,
                               QTextBrowser, QVBoxLayout, QWidget)

from core.money import display_value
from core.policy.loader import COVERAGE_STATUSES
from core.policy.model import FORMULA_LABELS, STACKING_LABELS, STATUS_LABELS
from gui.models.base import Column, ListTableModel
from gui.tracehtml import CSS


def _level(ctx, doc) -> str:
    return "自治区" if doc.level == "region" else ctx.base_policies.vocabulary.label("cities", doc.city)


def _params_text(rule) -> str:
    return "；".join(f"{p.label}{display_value(p.unit, p.versions[-1].value)}" for _, p in rule.params())


class PoliciesPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        ps = ctx.policies
        docs = sorted(ps.documents.values(), key=lambda d: (d.level != "region", d.date))
        self.doc_model = ListTableModel([
            Column("政策文件", lambda d: d.title),
            Column("文号", lambda d: d.doc_number or "—"),
            Column("层级", lambda d: _level(ctx, d)),
            Column("状态", lambda d: STATUS_LABELS[d.status]),
            Column("有效期", lambda d: d.period_text),
            Column("叠加原则", lambda d: d.stacking_principle or "—"),
        ], docs, self)
        self.docs = self._table(self.doc_model)
        self.docs.setObjectName("documents")
        header = self.docs.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.rule_model = ListTableModel([
            Column("条款", lambda r: r.clause),
            Column("事项", lambda r: r.summary),
            Column("计算方式", lambda r: FORMULA_LABELS[r.formula]),
            Column("参数", _params_text),
            Column("规则编号", lambda r: r.id),
        ], (), self)
        self.rules = self._table(self.rule_model)
        self.rules.setObjectName("rules")
        header = self.rules.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.cov_model = ListTableModel([
            Column("条款", lambda n: n["clause"]),
            Column("标题", lambda n: n["title"]),
            Column("处理方式", lambda n: COVERAGE_STATUSES[n["status"]]),
            Column("说明", lambda n: n["note"], tooltip=lambda n: n["note"]),
        ], (), self)
        self.coverage = self._table(self.cov_model)
        self.coverage.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.detail = QTextBrowser()
        self.detail.setObjectName("rule-detail")
        self.doc_info = QLabel()
        self.doc_info.setWordWrap(True)
        self.doc_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = tabs = QTabWidget()
        tabs.addTab(self.rules, "规则与参数")
        tabs.addTab(self.coverage, "条款覆盖")
        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.doc_info)
        lay.addWidget(tabs)
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
        self.docs.selectRow(0)

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
        return view

    def current_document(self):
        return self.doc_model.row_object(self.docs.currentIndex().row())

    def _doc_changed(self, current, _previous=None) -> None:
        doc = self.doc_model.row_object(current.row())
        if doc is None:
            return
        ps = self.ctx.policies
        rules = sorted((r for r in ps.rules.values() if r.document.id == doc.id), key=lambda r: r.order)
        self.rule_model.set_rows(rules)
        self.cov_model.set_rows(ps.coverage.get(doc.id, []))
        repeals = "、".join(doc.repeals) or "无"
        self.doc_info.setText(
            f"<b>{escape(doc.citation)}</b>　{escape(doc.issuer)}　成文{doc.date.isoformat()}　"
            f"废止：{escape(repeals)}<br>叠加原则：{escape(doc.stacking_principle or '无')}"
            f"{'：' + escape(doc.stacking_note) if doc.stacking_note else ''}")
        self.tabs.setCurrentIndex(0 if rules else 1)
        if rules:
            self.rules.selectRow(0)
        else:
            self.detail.setHtml(CSS + "<p>本文件只有目标或说明性条款，见“条款覆盖”。</p>")

    def _rule_changed(self, current, _previous=None) -> None:
        rule = self.rule_model.row_object(current.row())
        if rule is not None:
            self.detail.setHtml(rule_html(self.ctx.policies, rule))


def rule_html(ps, rule) -> str:
    out = [CSS, f"<h3>{escape(rule.summary)}　<span class='muted'>{escape(rule.id)}</span></h3>",
           f"<p><b>政策依据：</b>{escape(rule.document.citation)}{escape(rule.clause)}</p>",
           f"<p class='cite'>{escape(rule.sentence)}</p>"]
    if rule.qualifies:
        out.append(f"<p><b>适用对象：</b>{escape(rule.qualifies)}</p>")
    out.append(f"<p><b>计算方式：</b>{FORMULA_LABELS[rule.formula]}</p>")
    rows = []
    for _, p in rule.params():
        for v in p.versions:
            end = v.end.isoformat() if v.end else "今"
            src = "政策原文" if v.source == "policy" else v.source.removeprefix("override:")
            rows.append(f"<tr><td>{escape(p.label)}</td><td>{escape(display_value(p.unit, v.value))}</td>"
                        f"<td class='muted'>“{escape(v.cite)}”</td><td>{v.start.isoformat()}至{end}</td>"
                        f"<td class='muted'>{escape(src)}</td></tr>")
    if rows:
        out.append("<p><b>参数</b></p><table class='kv'><tr><td>参数</td><td>取值</td><td>原文</td><td>有效期</td>"
                   "<td>来源</td></tr>" + "".join(rows) + "</table>")
    for cap in rule.caps:
        if cap.if_reading or cap.unless_reading:
            name = cap.if_reading or cap.unless_reading
            out.append(f"<p class='muted'>上限“{escape(cap.param.label)}”仅在解读 {escape(name)} "
                       f"{'成立' if cap.if_reading else '不成立'}时适用。</p>")
    if rule.requires:
        out.append("<p><b>历史条件：</b>" + "、".join(req.name for req in rule.requires) + "</p>")
    if rule.group:
        g = ps.groups[rule.group]
        out.append(f"<p><b>叠加组：</b>{escape(g.label)}（{STACKING_LABELS[g.policy]}）— {escape(g.note)}</p>")
    if rule.once:
        out.append("<p>每个单位只享受一次。</p>")
    if rule.note:
        out.append(f"<p><b>说明：</b>{escape(rule.note)}</p>")
    readings = rule.document.readings
    if readings:
        out.append("<p><b>本文件的解读</b></p><ul>" + "".join(
            f"<li>{escape(r.name)} = {escape(str(r.value))}：{escape(r.note)}</li>" for r in readings.values()) + "</ul>")
    return "".join(out)
