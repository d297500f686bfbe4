"""The program as a whole: the window shows before the data is read, menus, demonstration data, errors."""

from gui_support import settle

from gui.operations import Operation


def test_the_window_shows_first_and_pages_are_built_when_the_store_is_open(qtbot, tmp_path, monkeypatch, asker):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    ctx = AppContext(f"sqlite:///{tmp_path / 'cold.sqlite3'}")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    assert not ctx.ready and ctx._store is None  # nothing read yet: the window shows at once
    w.show()
    assert w.stack.currentWidget().objectName().startswith("placeholder-")
    settle(qtbot)
    assert ctx.ready
    assert type(w.stack.currentWidget()).__name__ == "CompaniesPage"
    assert w.show_page("policies").doc_model.rowCount() > 0
    w.close()
    ctx.close()


def test_menus_and_shortcuts(window):
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts[:3] == ["导入申报工作簿(&I)…", "最近导入的工作簿(&R)", "生成申报模板(&T)…"]
    assert texts[-4:] == ["切换用户(&W)…", "注销(&O)", "", "退出(&X)"]
    assert window.manual_action.shortcut().toString() == "F1"
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.demo_action in window.help_menu.actions()
    labels = [a.text() for a in window.view_menu.actions()]
    assert labels == ["企业档案", "申报批次", "政策", "计算工具", "目标监测", "审计日志", "政策沙盘", "免申即享"]
    assert [a.shortcut().toString() for a in window.view_menu.actions()] == [f"Ctrl+{i}" for i in range(1, 9)]


def test_load_demo_data_from_the_help_menu(window, qtbot, asker):
    from gui import menus

    asker.answers = [False]
    assert menus.load_demo(window) is None
    assert window.ctx.store.batches() == []
    asker.answers = [True]
    menus.load_demo(window)
    settle(qtbot)
    batches = window.ctx.store.batches()
    assert len(batches) == 1 and "演示数据" in window.status.text()
    page = window.show_page("batches")
    settle(qtbot)
    assert page.current.id == batches[0].id and all(c.calculated for c in page.results.companies)
    companies = window.show_page("companies")
    settle(qtbot)
    assert companies.model.rowCount() == 30


def test_the_import_menu_opens_the_wizard_and_the_template_is_written(window, qtbot, asker, tmp_path):
    from gui import menus

    wizard = menus.import_workbook(window)
    assert wizard is not None and wizard.windowTitle() == "导入申报工作簿"
    wizard.reject()
    out = tmp_path / "申报模板.xlsx"
    asker.answers = [str(out)]
    menus.save_template(window)
    settle(qtbot)
    assert out.exists() and "已生成申报模板" in asker.asked[-1][2]


def test_an_unexpected_error_in_background_work_is_logged_and_shown_with_details(window, qtbot, asker):
    def work(report, cancelled):
        raise KeyError("bug")

    Operation(window, "测试", work).start()
    settle(qtbot)
    kind, title, text = asker.asked[-1]
    assert kind == "error" and "KeyError" in text and "日志" in text


def test_a_store_refusal_is_the_clerks_message(window, qtbot, asker):
    from core.store.errors import BatchLocked

    def work(report, cancelled):
        raise BatchLocked("批次1已审批，不能重新计算")

    Operation(window, "计算", work).start()
    settle(qtbot)
    assert asker.asked[-1] == ("error", "计算", "批次1已审批，不能重新计算")
