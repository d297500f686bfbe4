"""Every table: sorting by header click, 复制, 打开 and 导出当前列表 (as shown, text stays text); models checked by
qtmodeltester."""

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.models.base import Column, ListTableModel
from gui_support import sample_batch, settle


def test_list_models_pass_the_model_tester_sorted_and_unsorted(qtmodeltester):
    model = ListTableModel(
        [Column("编号", lambda r: r[0]), Column("金额", lambda r: r[1])], [(3, "1,200.00"), (1, "900.00"), (2, "—")]
    )
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert [r[1] for r in model.rows] == ["900.00", "1,200.00", "—"]  # by value, not "1" < "9"; empty last
    qtmodeltester.check(model)
    model.set_rows([(5, "50.00"), (6, "5.00")])  # new rows keep the clerk's order
    assert [r[1] for r in model.rows] == ["5.00", "50.00"]


def test_the_results_and_company_models_pass_the_model_tester(qtbot, window, qtmodeltester):
    batch_id = sample_batch(window)
    page = window.show_page("batches")
    page.refresh(select=batch_id)
    settle(qtbot)
    qtmodeltester.check(page.results)
    companies = window.show_page("companies")
    settle(qtbot)
    qtmodeltester.check(companies.model)


def test_batches_sort_by_number_and_the_selection_follows(qtbot, window, asker, tmp_path):
    from gui_support import paid_before_workbooks

    first, _ = paid_before_workbooks(window, tmp_path)
    second = sample_batch(window)
    page = window.show_page("batches")
    page.refresh(select=first)
    settle(qtbot)
    view = page.batch_view
    assert view.isSortingEnabled()
    assert [b.id for b in page.batch_model.rows] == [second, first]  # newest first, as loaded
    shown = page.batch_model.row_object(view.currentIndex().row()).id
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [b.id for b in page.batch_model.rows] == [first, second]
    assert page.batch_model.row_object(view.currentIndex().row()).id == shown == page.current.id
    page.refresh()  # read again: the order the clerk chose stays, and so does the batch shown
    settle(qtbot)
    assert [b.id for b in page.batch_model.rows] == [first, second]
    assert page.batch_model.row_object(view.currentIndex().row()).id == shown == page.current.id


def test_context_menu_copy_open_and_export_the_list_as_shown(qtbot, window, asker, tmp_path):
    store = window.ctx.store
    sample_batch(window)
    page = window.show_page("companies")
    settle(qtbot)
    view = page.view
    rect = view.visualRect(page.model.index(1, 0))
    view.customContextMenuRequested.emit(rect.center())
    assert [a.text() for a in view.table_menu.actions() if a.text()] == [
        "打开",
        "复制",
        "导出当前列表…",
        "按此列升序排列",
        "按此列降序排列",
    ]
    assert view.currentIndex().row() == 1
    view.table_actions["copy"].trigger()
    copied = QApplication.clipboard().text().split("\t")
    assert copied[:2] == [page.model.index(1, 0).data(), page.model.index(1, 1).data()]
    view.table_actions["open"].trigger()
    assert page.stack.currentWidget() is page.panel and page.panel.detail.company.uscc == copied[1]
    page.show_list()
    target = tmp_path / "企业.xlsx"
    asker.answers = [str(target)]
    view.table_actions["export"].trigger()
    settle(qtbot)
    assert asker.asked[-1][0] == "saved" and str(target) in asker.asked[-1][2]
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "企业档案" and rows[2][:2] == ("企业名称", "统一社会信用代码")
    count = page.model.rowCount()
    assert len(rows) == 3 + count and count == len(store.search_companies())
    assert [r[1] for r in rows[3:]] == [page.model.index(i, 1).data() for i in range(count)]
    assert all(c.data_type == "s" for row in ws.iter_rows(min_row=4) for c in row if c.value is not None)
    assert window.ctx.settings.value("folders/last_saved") == str(tmp_path)  # the next save dialog opens here


def test_an_exported_name_that_looks_like_a_formula_stays_text(qtbot, tmp_path, asker):
    from PySide6.QtWidgets import QTableView

    from gui.tables import equip

    model = ListTableModel([Column("企业名称", lambda r: r)], ['=HYPERLINK("http://x","点我")', "+86-471"])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    equip(view, "测试")
    asker.answers = [str(tmp_path / "t.xlsx")]
    view.table_actions["export"].trigger()
    settle(qtbot)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert ws["A4"].value == '=HYPERLINK("http://x","点我")' and ws["A4"].data_type == "s"
    assert ws["A5"].value == "+86-471" and ws["A5"].data_type == "s"


def test_exports_are_in_the_audit_log(qtbot, window, asker, tmp_path):
    """Issue 15: exports are logged (who wrote what, of which batch, where); letters were logged already."""
    batch_id = sample_batch(window)
    page = window.show_page("batches")
    page.refresh(select=batch_id)
    settle(qtbot)
    asker.answers = [str(tmp_path / "结果.xlsx")]
    page.export_results()
    settle(qtbot)
    asker.answers = [str(tmp_path / "批次.xlsx")]
    page.batch_view.table_actions["export"].trigger()
    settle(qtbot)
    entries = [e for e in window.ctx.store.audit_entries(action="export") if e.action == "export.write"]
    assert [(e.target, e.new["what"]) for e in entries] == [
        (f"batch:{batch_id}", "导出结果"),
        ("view:申报批次", "导出当前列表：申报批次（1行）"),
    ]
    assert entries[0].new["saved_to"] == str(tmp_path / "结果.xlsx")
    audit = window.show_page("audit")
    audit.kind_box.setCurrentIndex(audit.kind_box.findData("export"))
    assert audit.model.rowCount() == 2 and audit.model.index(0, 3).data() == "导出文件"
    audit.table.selectRow(1)
    assert "保存位置" in audit.detail.toPlainText() and "导出内容" in audit.detail.toPlainText()
