"""政策 (issue 15): a document past its end date reads 已失效 by today's date; rules can be searched across documents."""

import datetime as dt

from gui_support import settle


def test_documents_past_their_end_date_show_as_expired(window, policies):
    doc = policies.documents["nmg-2021-35"]
    assert doc.effective_to == dt.date(2025, 12, 31)
    assert doc.status_on(dt.date(2025, 12, 31)) == "现行有效"
    assert doc.status_on(dt.date(2026, 12, 1)) == "已失效（2025-12-31到期）"
    assert doc.status_on(dt.date(2021, 7, 1)) == "尚未施行（2021-07-28起）"
    assert policies.documents["hlb-2025-draft"].status_on(dt.date(2030, 1, 1)) == "征求意见稿"
    page = window.show_page("policies")
    row = next(i for i, d in enumerate(page.doc_model.rows) if d.id == "nmg-2021-35")
    shown = page.doc_model.index(row, 3).data()
    assert shown == doc.status_on(dt.date.today())


def test_rule_search_finds_rules_of_every_document_and_clears_back(window, qtbot):
    page = window.show_page("policies")
    settle(qtbot)
    first_doc_rules = [r.id for r in page.rule_model.rows]
    page.search_edit.setText("技术合同")  # as typed
    found = list(page.rule_model.rows)
    assert found and all("技术合同" in f"{r.summary}{r.sentence}{r.clause}{r.document.citation}" for r in found)
    assert len({r.document.id for r in found}) >= 2  # across documents
    assert page.tabs.tabText(0) == f"规则与参数（搜索到{len(found)}条）"
    assert page.rule_model.index(0, 5).data() == found[0].document.citation
    assert page.detail.toPlainText()  # the first hit's sentence is shown
    page.search_edit.setText("没有这样的规则xyz")
    assert page.rule_model.rows == []
    assert "没有含“没有这样的规则xyz”的规则" in page.detail.toPlainText()
    page.search_edit.clear()
    assert [r.id for r in page.rule_model.rows] == first_doc_rules and page.tabs.tabText(0) == "规则与参数"


def _cut_cells(view, columns) -> list[str]:
    """The texts of ``columns`` wider than their column (the clerk would see them cut off)."""
    model, metrics = view.model(), view.fontMetrics()
    return [
        model.index(row, column).data()
        for row in range(model.rowCount())
        for column in columns
        if metrics.horizontalAdvance(model.index(row, column).data()) > view.columnWidth(column)
    ]


def test_rule_columns_fit_their_texts_measured_once_per_document(window, qtbot):
    """Issue 14: the columns are measured when the rows change, not at every layout; every text still fits,
    after choosing another document and after a search, and the clerk cannot drag them."""
    from PySide6.QtWidgets import QHeaderView

    page = window.show_page("policies")
    settle(qtbot)
    fitted = (0, 2, 4, 5)  # 条款, 计算方式, 规则编号, 政策文件 (事项 and 参数 share the rest)
    assert page.rule_model.rows and _cut_cells(page.rules, fitted) == []
    assert _cut_cells(page.docs, (1, 2, 3, 4, 5)) == []
    header = page.rules.horizontalHeader()
    assert header.sectionResizeMode(4) == QHeaderView.ResizeMode.Fixed
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch
    ids = {d.id: i for i, d in enumerate(page.doc_model.rows)}
    page.docs.selectRow(ids["nmg-2021-35"])  # other rules, other ids
    settle(qtbot)
    assert page.rule_model.rows[0].document.id == "nmg-2021-35" and _cut_cells(page.rules, fitted) == []
    page.search_edit.setText("奖励")  # rules of every document: the longest citation and id fit too
    settle(qtbot)
    assert len({r.document.id for r in page.rule_model.rows}) >= 2 and _cut_cells(page.rules, fitted) == []
    longest = max(page.rules.fontMetrics().horizontalAdvance(r.id) for r in page.rule_model.rows)
    assert page.rules.columnWidth(4) < longest + 40  # measured again for these rows, not kept from the first ones
