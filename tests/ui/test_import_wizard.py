"""导入申报工作簿: the wizard checks off the GUI thread, lists problems, saves the 错误清单, imports once."""

import shutil

import openpyxl
from gui_support import SAMPLE, broken_sample, settle

from gui.batches.import_wizard import CHOOSE, CONFIRM, DONE, PROBLEMS, problem_detail


def open_wizard(window):
    page = window.show_page("batches")
    return page, page.import_workbook()


def test_a_workbook_with_problems_is_not_imported_and_the_problems_are_shown(window, qtbot, asker, tmp_path):
    page, wizard = open_wizard(window)
    bad = broken_sample(tmp_path / "申报.xlsx")
    asker.answers = [str(bad)]
    wizard.browse()
    assert wizard.file_edit.text() == str(bad)
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == PROBLEMS
    problems = wizard.problems
    cells = [(p.sheet, p.cell) for p in problems]
    assert cells[:2] == [("企业信息", "A4"), ("历史-认定记录", "E3")] and ("历史-研发投入", "D5") in cells
    # the mistyped code also leaves that company's history and claims without a company
    assert ("历史-研发投入", "A5") in cells and len(problems) == 7
    assert wizard.problem_model.rowCount() == 7
    assert "没有导入任何数据" in wizard.problems_label.text()
    assert window.ctx.store.batches() == []
    # double-click: the cell, its value and the reason
    index = wizard.problem_model.index(0, 1)
    wizard.problem_view.doubleClicked.emit(index)
    kind, title, text = asker.asked[-1]
    assert kind == "info" and "单元格：A4（第4行，A列）" in text and "91150702MAQTM6001X" in text and "校验位" in text
    assert problem_detail(problems[1]).startswith("工作表：历史-认定记录\n单元格：E3")
    # the 错误清单 workbook: a marked copy with the list in front
    out = tmp_path / "申报_错误清单.xlsx"
    asker.answers = [str(out)]
    wizard.save_error_workbook()
    settle(qtbot)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "错误清单" and wb["企业信息"]["A4"].comment is not None
    assert asker.asked[-1][0] == "info" and "已保存错误清单" in asker.asked[-1][2]
    wizard.reject()


def test_the_sample_is_checked_confirmed_and_imported_once(window, qtbot, asker, tmp_path):
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(SAMPLE))
    wizard.start_check()
    assert wizard.check_bar.isVisible() or wizard.step != CHOOSE
    settle(qtbot)
    assert wizard.step == CONFIRM
    summary = wizard.summary.text()
    assert "检查通过" in summary and "30家" in summary and "2026年第一批科技创新奖补" in summary
    assert window.ctx.store.batches() == []  # nothing written before 导入
    wizard.start_import()
    settle(qtbot)
    assert wizard.step == DONE and "已导入为批次" in wizard.done_label.text()
    batch_id = wizard.batch_id
    assert [b.id for b in window.ctx.store.batches()] == [batch_id]
    # 立即计算: the wizard closes and the batch is calculated with a progress bar
    wizard.calculate_button.click()
    settle(qtbot)
    assert page.current is not None and page.current.id == batch_id
    assert page.results.rowCount() == 30 and all(c.calculated for c in page.results.companies)
    assert "计算完成" in window.status.text()
    # the same file again: said so, nothing imported twice
    copy = tmp_path / "同一文件.xlsx"
    shutil.copy(SAMPLE, copy)
    again = page.import_workbook(str(copy))
    again.start_check()
    settle(qtbot)
    assert again.step == CONFIRM and f"此前已导入为批次{batch_id}" in again.summary.text()
    assert again.import_button.text() == "打开该批次"
    again.start_import()
    settle(qtbot)
    assert again.step == DONE and "没有重复导入" in again.done_label.text()
    assert len(window.ctx.store.batches()) == 1


def test_checking_can_be_cancelled(window, qtbot, tmp_path):
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(SAMPLE))
    wizard.start_check()
    wizard.cancel_check()
    settle(qtbot)
    assert wizard.step in (CHOOSE, CONFIRM)  # a small file may be read before the request arrives
    if wizard.step == CHOOSE:
        assert "已取消" in wizard.choose_note.text()
    assert window.ctx.store.batches() == []


def test_a_missing_or_foreign_file_is_explained(window, qtbot, tmp_path):
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(tmp_path / "没有这个文件.xlsx"))
    wizard.start_check()
    assert wizard.step == CHOOSE and "找不到文件" in wizard.choose_note.text()
    text = tmp_path / "名单.xlsx"
    text.write_text("不是工作簿", encoding="utf-8")
    wizard.file_edit.setText(str(text))
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == PROBLEMS and wizard.refused
    assert "无法导入" in wizard.problems_label.text()


def test_closing_the_wizard_while_it_checks_is_safe(window, qtbot, asker):
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(SAMPLE))
    wizard.start_check()
    wizard.reject()
    settle(qtbot)
    assert not wizard.isVisible() and asker.asked == [] and window.ctx.store.batches() == []
    again = page.import_workbook()
    assert again is not wizard and again.isVisible()
    again.reject()


def test_hidden_rows_and_direction_controls_are_listed_where_they_are(window, qtbot, tmp_path):
    """Issue 13 item 4 in the wizard: a hidden row and a right-to-left override, each at its place,
    the override shown as a code so the list itself cannot be reversed."""
    from hostile_files import filled
    from core.excel.template import write_template

    wb = filled(write_template(tmp_path / "模板.xlsx", award_year=2026))
    wb["企业信息"]["B2"] = "\u202e司公甲试测"
    wb["企业信息"].row_dimensions[3].hidden = True
    path = tmp_path / "伪造.xlsx"
    wb.save(path)
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(path))
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == PROBLEMS
    shown = [
        (
            wizard.problem_model.index(r, 2).data(),
            wizard.problem_model.index(r, 4).data(),
            wizard.problem_model.index(r, 5).data(),
        )
        for r in range(wizard.problem_model.rowCount())
    ]
    assert ("B2", "[U+202E]司公甲试测", shown[0][2]) == shown[0] and "改变文字显示方向" in shown[0][2]
    assert shown[1][0] == "第3行" and "此行被隐藏" in shown[1][2]
    assert shown[1][1].startswith("91150203MA0N8XKQ") and "包头乙新材料有限公司" in shown[1][1]
    assert window.ctx.store.batches() == []
    wizard.reject()


def test_the_wizard_reads_the_row_limit_setting(window, qtbot, tmp_path):
    from excel_support import save, template, uscc

    window.ctx.store.set_setting("import.max_rows", "1000")
    wb = template(2026)
    for i in range(1, 1100):
        wb["企业信息"].append([uscc(i), f"企业{i}", "通辽市"])
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(save(wb, tmp_path / "大.xlsx")))
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == PROBLEMS and wizard.refused and "超过1000行数据" in wizard.problems_label.text()
    wizard.reject()


def test_the_confirm_page_says_what_was_paid_before_and_what_is_counted_together(window, qtbot, asker, tmp_path):
    """Issue 12, the clerk's side: before importing, per claim, which batch paid its subject in which year and how
    much (the engine's 'earlier'), and which rows of one contract are counted together."""
    from gui_support import paid_before_workbooks

    first, path = paid_before_workbooks(window, tmp_path)
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(path))
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == CONFIRM
    summary = wizard.summary.text()
    assert "2项申报的事项此前已兑现过" in summary and "1处同一事项填了多行" in summary
    model = wizard.notice_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    sheet = "申报-技术合同（技术交易后补助）"
    assert rows[0][:2] == ["此前已兑现", "呼伦贝尔合同测试科技有限公司"] and rows[0][2] == f"{sheet}第2行"
    assert rows[0][3] == "技术合同HT-1" and rows[0][4] == f"200,000.00元（批次{first}，2026年）"
    assert rows[0][5].startswith("技术交易补贴") and rows[0][5].endswith("：扣除后本次应兑现100,000.00元")
    assert rows[1][2] == f"{sheet}第3行" and rows[1][3:5] == ["技术合同HT-2", f"500,000.00元（批次{first}，2026年）"]
    assert rows[1][5].endswith("：本次不再支持")
    assert rows[2][0] == "合并计算" and rows[2][2] == f"{sheet}第4、5行"
    assert rows[2][5].startswith("同一合同（技术合同HT-9）的2项申报合并计算") and len(rows) == 3
    assert wizard.notice_view.isVisibleTo(wizard)
    # double-click: the clause, every payment and what is paid now
    wizard.notice_view.doubleClicked.emit(model.index(1, 0))
    kind, title, text = asker.asked[-1]
    assert (
        title == "此前已兑现" and "（十二）" in text and f"该事项此前已兑现：批次{first}（2026年）500,000.00元" in text
    )
    assert "同一事项只支持一次" in text
    wizard.start_import()
    settle(qtbot)
    assert wizard.step == DONE


def test_nothing_to_say_leaves_the_list_hidden(window, qtbot):
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(SAMPLE))
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == CONFIRM and wizard.notice_model.rowCount() == 0
    assert not wizard.notice_view.isVisibleTo(wizard) and "此前已兑现" not in wizard.summary.text()
    wizard.reject()


def test_a_workbook_changing_a_payee_lists_the_change_and_imports_only_once_confirmed(window, qtbot, asker, tmp_path):
    """Issue 13 item 3: a known company's account changed by a workbook is shown old -> new and must be confirmed."""
    page, wizard = open_wizard(window)
    wizard.file_edit.setText(str(SAMPLE))
    wizard.start_check()
    settle(qtbot)
    assert not wizard.payee_view.isVisibleTo(wizard)  # a first import changes no stored payee
    wizard.start_import()
    settle(qtbot)
    wizard.reject()
    wb = openpyxl.load_workbook(SAMPLE)
    wb["企业信息"]["H2"] = "6222020000000000001"
    wb["批次信息"]["B3"] = "账户变更批次"
    changed = tmp_path / "改账户.xlsx"
    wb.save(changed)
    again = page.import_workbook(str(changed))
    again.start_check()
    settle(qtbot)
    assert again.step == CONFIRM and again.payee_view.isVisibleTo(again)
    assert again.payee_model.rowCount() == 1
    row = [again.payee_model.index(0, c).data() for c in range(5)]
    assert row == [
        "91150702MAAKD60002",
        "呼伦贝尔北疆乳业科技有限公司",
        "银行账号",
        "0607000000113439891",
        "6222020000000000001",
    ]
    assert "将改变1家已有单位的收款信息" in again.payee_label.text()
    assert not again.import_button.isEnabled()
    again.start_import()
    assert again.step == CONFIRM and len(window.ctx.store.batches()) == 1  # not without the tick
    again.payee_confirm.setChecked(True)
    assert again.import_button.isEnabled()
    again.start_import()
    settle(qtbot)
    assert again.step == DONE and len(window.ctx.store.batches()) == 2
    (entry,) = window.ctx.store.audit_entries(action="company.update")
    assert (entry.old, entry.new["bank_account"]) == ({"bank_account": "0607000000113439891"}, "6222020000000000001")
