"""申报批次: calculate, inspect a trace, approve (two people; provisional lines confirmed), export, pay, delete."""

from decimal import Decimal

import openpyxl
from gui_support import sample_batch, settle

from gui.operations import Operation


def shown(window, qtbot, batch_id=None):
    page = window.show_page("batches")
    settle(qtbot)
    if batch_id is not None and (page.current is None or page.current.id != batch_id):
        page.refresh(select=batch_id)
        settle(qtbot)
    return page


def test_results_model_passes_the_model_tester(window, qtbot, qtmodeltester):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    assert page.results.rowCount() == 30
    qtmodeltester.check(page.results)


def test_calculate_in_the_background_then_inspect_a_trace(window, qtbot):
    batch_id = sample_batch(window, calculated=False)
    page = shown(window, qtbot, batch_id)
    assert "尚未计算" in page.banner.text()
    assert page.results.companies[0].total is None
    operation = page.calculate()
    assert operation in Operation.running or not Operation.running
    settle(qtbot)
    assert "计算完成：30家单位" in window.status.text()
    assert all(c.calculated for c in page.results.companies)
    assert "已计算" in page.banner.text() and "征求意见稿" in page.banner.text()
    # a line's trace: the clause's own sentence, inputs, parameters, formula
    line = next(l for l in page.lines if l.rule_id == "hlb-02-rd-post-subsidy" and l.amount > 0)
    assert page.select_line(line.uscc, line.line_no)
    text = page.trace.toPlainText()
    assert line.sentence in text
    assert "研发投入增量" in text and "比例" in text and "给予企业5%的后补助支持" in text
    assert "依据征求意见稿测算" in text
    # a company row: total in words, its lines, what was not counted and why
    assert page.select_line(line.uscc)
    text = page.trace.toPlainText()
    assert "合计" in text and "人民币" in text
    # filtering the tree keeps companies whose lines match
    page.filter_edit.setText("技术合同")
    assert 0 < page.results.rowCount() < 30 and page.results.total_companies == 30


def test_approve_names_two_people_and_confirms_provisional_lines(window, qtbot, asker):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    assert page.provisional > 0
    dialog = page.approve()
    dialog.fields["preparer"].setText("王丽")
    dialog.fields["reviewer"].setText("王丽")
    assert not dialog.ok_button.isEnabled() and "同一人" in dialog.fields["reviewer"].message.text()
    dialog.fields["reviewer"].setText("张伟")
    assert dialog.ok_button.isEnabled()
    asker.answers = [False]  # the provisional lines are not confirmed: nothing approved
    dialog.accept()
    assert dialog.isVisible() and "未审批" in dialog.error.text()
    assert window.ctx.store.batch(batch_id).status == "draft"
    asker.answers = [True]
    dialog.accept()
    settle(qtbot)
    assert asker.asked[-1][1] == "审批测算金额"
    b = window.ctx.store.batch(batch_id)
    assert (b.status, b.preparer, b.reviewer) == ("approved", "王丽", "张伟")
    # shown read-only
    assert page.current.status == "approved" and "只读" in page.banner.text()
    for name in ("calculate", "approve", "delete"):
        assert not page.actions_by_name[name].isEnabled()
    assert page.actions_by_name["letters"].isEnabled() and page.actions_by_name["paid"].isEnabled()
    assert page.calculate() is None or page.current.status == "approved"
    # 标记已拨付 is confirmed
    asker.answers = [False]
    assert not page.mark_paid()
    asker.answers = [True]
    assert page.mark_paid()
    settle(qtbot)
    assert window.ctx.store.batch(batch_id).status == "paid" and "已拨付" in page.banner.text()


def test_exports_results_disbursement_and_publicity(window, qtbot, asker, tmp_path):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    results = tmp_path / "结果.xlsx"
    asker.answers = [str(results)]
    page.export_results()
    settle(qtbot)
    wb = openpyxl.load_workbook(results)
    assert wb.sheetnames == ["汇总", "按企业汇总", "奖补明细", "企业提示"]
    # every warning the results screen shows is on the 企业提示 sheet, in member order
    warned = [(c.company_name, c.uscc, w) for c in window.ctx.store.company_results(batch_id) for w in c.warnings]
    shown_rows = list(wb["企业提示"].iter_rows(min_row=4, values_only=True))
    assert warned and shown_rows == [(i, *w) for i, w in enumerate(warned, 1)]
    assert asker.asked[-1][0] == "saved" and "已导出测算结果" in asker.asked[-1][2]
    # the disbursement sheet: the draft's provisional lines need the clerk's choice (here the 测算稿), then 预算科目
    sheet = tmp_path / "拨付.xlsx"
    asker.answers = [1, "2060499 其他技术研究与开发支出", str(sheet)]
    page.export_disbursement()
    settle(qtbot)
    ws = openpyxl.load_workbook(sheet).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("测算稿" in c for c in cells) and "预算科目" in cells
    assert any("2060499" in c for c in cells)
    assert window.ctx.settings.value("batches/budget_subject") == "2060499 其他技术研究与开发支出"
    # declining the choice exports nothing
    asker.answers = [None]
    assert page.export_disbursement() is None
    publicity = tmp_path / "公示.xlsx"
    asker.answers = [1, str(publicity)]
    page.export_publicity()
    settle(qtbot)
    assert publicity.exists()
    # a refusal of the export (here: a folder that does not exist) is the clerk's message
    asker.answers = [str(tmp_path / "没有的文件夹" / "结果.xlsx")]
    page.export_results()
    settle(qtbot)
    assert asker.asked[-1][0] == "error" and "文件夹不存在" in asker.asked[-1][2]


def test_disbursement_without_provisional_lines_asks_only_for_the_budget_subject(window, qtbot, asker, tmp_path):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    page.provisional = 0  # as for a batch computed under published documents only
    target = tmp_path / "拨付明细表.xlsx"
    asker.answers = ["", str(target)]
    page.export_disbursement()
    settle(qtbot)
    kinds = [a[0] for a in asker.asked]
    assert kinds == ["text", "save_file", "saved"]
    # the sample's lines do include draft ones: they stay out of the payable sheet all the same, with a note
    cells = [str(c.value) for row in openpyxl.load_workbook(target).active.iter_rows() for c in row if c.value]
    assert not any("测算" in c for c in cells if not c.startswith("注："))
    assert any(c.startswith("注：本批次另有") for c in cells)


def test_letters_open_for_an_approved_batch(window, qtbot, asker):
    batch_id = sample_batch(window)
    window.ctx.store.approve(batch_id, "王丽", "张伟", allow_provisional=True)
    page = shown(window, qtbot, batch_id)
    dialog = page.open_letters()
    assert dialog is not None and dialog.batch_id == batch_id
    assert dialog.companies.count() > 0
    dialog.close()


def test_delete_a_draft_after_confirmation(window, qtbot, asker):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    asker.answers = [False]
    assert not page.delete_draft()
    assert window.ctx.store.batches()
    store = window.ctx.store
    companies = len(store.search_companies())
    asker.answers = [True, False]  # delete the draft, keep the companies its import brought in
    assert page.delete_draft()
    settle(qtbot)
    assert store.batches() == [] and len(store.search_companies()) == companies
    assert page.current is None and "还没有申报批次" in page.trace.toPlainText()
    assert asker.asked[-1][2].startswith(f"该批次导入时新建了{companies}家企业")


def test_deleting_a_trial_import_also_deletes_the_companies_only_it_brought_in(window, qtbot, asker):
    """Issue 15: after a trial import the store kept every test company."""
    batch_id = sample_batch(window)
    store = window.ctx.store
    from core.records import CompanyProfile

    kept = store.add_company(
        CompanyProfile("91150702MA0N8XKQ26", "另行录入的企业", "hulunbuir", "海拉尔区", "small_micro")
    )
    page = shown(window, qtbot, batch_id)
    asker.answers = [True, True]
    assert page.delete_draft()
    settle(qtbot)
    assert store.search_companies() == [kept]
    assert "并删除了" in window.status.text()
    assert [e.action for e in store.audit_entries(action="company")].count("company.delete") == 30


def test_a_company_is_deleted_from_the_list_only_when_nothing_refers_to_it(window, qtbot, asker):
    from core.records import CompanyProfile

    store = window.ctx.store
    sample_batch(window)
    lone = store.add_company(
        CompanyProfile("91150702MA0N8XKQ26", "另行录入的企业", "hulunbuir", "海拉尔区", "small_micro")
    )
    page = window.show_page("companies")
    page.search()  # the list shown at start-up, read again with the company just added
    settle(qtbot)
    in_batch = next(i for i in range(page.model.rowCount()) if page.model.company_id(i) != lone)
    page.view.selectRow(in_batch)
    assert not page.delete_current()
    assert asker.asked[-1][0] == "error" and "不能删除" in asker.asked[-1][2]
    page.view.selectRow(page.model.row_of(lone))
    asker.answers = [True]
    assert page.delete_current()
    settle(qtbot)
    assert store.company_id("91150702MA0N8XKQ26") is None and page.model.row_of(lone) == -1


def test_calculation_and_exports_can_be_cancelled(window, qtbot, asker, tmp_path):
    batch_id = sample_batch(window, calculated=False)
    page = shown(window, qtbot, batch_id)
    operation = page.calculate()
    operation.cancel()
    settle(qtbot)
    if "已取消计算" in window.status.text():  # a fast machine may finish the 30 companies first
        assert not any(c.calculated for c in window.ctx.store.company_results(batch_id))
    target = tmp_path / "结果.xlsx"
    asker.answers = [str(target)]
    page.export_results().cancel()
    settle(qtbot)
    assert not target.exists() and "已取消导出结果" in window.status.text()


def test_the_layout_is_remembered(window, qtbot):
    page = window.show_page("batches")
    page.splitter.setSizes([200, 400])
    window.close()
    assert window.ctx.settings.value("batches/splitter") is not None
    assert window.ctx.settings.value("companies/header") is not None


def test_signed_in_approval_names_the_importer_and_the_logged_in_reviewer(window, qtbot, asker):
    store = window.ctx.store
    store.create_first_admin("管理员", "Admin-2026")
    store.add_user("王丽", "Wangli-2026", ["preparer"])
    store.add_user("张伟", "Zhangwei-2026", ["reviewer"])
    store.login("王丽", "Wangli-2026")
    batch_id = sample_batch(window)  # imported and calculated by 王丽
    store.login("张伟", "Zhangwei-2026")
    page = shown(window, qtbot, batch_id)
    dialog = page.approve()
    assert dialog.fields["preparer"].text() == "王丽" and dialog.fields["preparer"].isReadOnly()
    assert dialog.fields["reviewer"].text() == "张伟" and dialog.fields["reviewer"].isReadOnly()
    asker.answers = [True]  # the provisional lines are confirmed
    dialog.accept()
    settle(qtbot)
    b = store.batch(batch_id)
    assert (b.status, b.preparer, b.reviewer) == ("approved", "王丽", "张伟")


def test_the_importer_cannot_approve_their_own_batch_on_screen(window, qtbot, asker):
    store = window.ctx.store
    store.create_first_admin("管理员", "Admin-2026")
    store.add_user("王丽", "Wangli-2026", ["preparer", "reviewer"])
    store.login("王丽", "Wangli-2026")
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    dialog = page.approve()
    asker.answers = [True]
    dialog.accept()
    settle(qtbot)
    assert store.batch(batch_id).status == "draft"
    assert any(kind == "error" for kind, _, _ in asker.asked) or dialog.error.text()


def test_an_approved_batch_is_corrected_by_an_adjustment_batch(window, qtbot, asker, tmp_path):
    store = window.ctx.store
    batch_id = sample_batch(window)
    store.approve(batch_id, "王丽", "张伟", allow_provisional=True)
    taken = next(l for l in store.lines(batch_id) if l.provisional)  # a line under the Hulunbuir draft
    page = shown(window, qtbot, batch_id)
    assert page.actions_by_name["adjust"].isEnabled() and "调整…" in page.banner.text()
    assert page.select_line(taken.uscc)
    dialog = page.adjust()
    assert not dialog.ok_button.isEnabled()  # a reason is required
    dialog.fields["reason"].setText("征求意见稿未正式印发，不得兑现")
    dialog.selected_button.setChecked(True)
    assert taken.company_name in dialog.selected_button.text()
    dialog.accept()
    settle(qtbot)
    new = page.current
    assert (new.adjusts_batch_id, new.status, new.adjust_reason) == (
        batch_id,
        "draft",
        "征求意见稿未正式印发，不得兑现",
    )
    assert [c.uscc for c in store.company_results(new.id)] == [taken.uscc]
    assert "调整批次" in page.banner.text() and f"更正编号{batch_id}批次" in page.banner.text()
    assert store.batch(batch_id).status == "approved"  # the original is untouched
    store.set_setting("calc.include_drafts", "0")
    page.calculate()
    settle(qtbot)
    lines = store.lines(new.id)
    paid = sum(l.amount for l in store.lines(batch_id) if l.uscc == taken.uscc and l.provisional)
    assert lines and sum(l.amount for l in lines) == -paid  # every draft-based award of the company taken back
    assert page.select_line(taken.uscc) and "冲减人民币" in page.trace.toPlainText()
    store.approve(new.id, "王丽", "张伟", allow_provisional=True)
    page.refresh(select=new.id)
    settle(qtbot)
    sheet = tmp_path / "拨付.xlsx"
    asker.answers = [0, "", str(sheet)]  # all taken back was paid under the draft: the 测算稿 is the one choice
    page.export_disbursement()
    settle(qtbot)
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == ["应追回明细"] and wb.active["B4"].value == taken.company_name


def test_results_show_what_was_paid_before_and_why_a_line_was_refused(window, qtbot, tmp_path, qtmodeltester):
    """Issue 12, the clerk's side, on the results screen: the line of HT-1's supplement says what was deducted
    (batch, year, amount), HT-2 claimed again is a 未计入 row with the engine's reason in the tree, and the trace
    pane shows both in a block of their own. Hulunbuir（十二）, worked in gui_support.paid_before_workbooks."""
    from core.excel.reader import read_workbook
    from gui.models.results import NOTE_COLUMN
    from gui_support import paid_before_workbooks

    first, path = paid_before_workbooks(window, tmp_path)
    store = window.ctx.store
    batch_id, _ = store.apply_import(read_workbook(path, known_uscc=store.known_uscc))
    store.calculate(batch_id, window.ctx.base_policies)
    window.ctx.data_changed()
    page = shown(window, qtbot, batch_id)
    model = page.results
    qtmodeltester.check(model)
    company = model.index(0, 0)
    assert model.rowCount(company) == 3  # two lines, one refusal
    note = model.index(0, NOTE_COLUMN).data()
    assert note.startswith("2条明细；1条未计入；2项此前已兑现")
    rows = [[model.index(r, c, company).data() for c in range(model.columnCount())] for r in range(3)]
    topped, together, refused = rows
    assert topped[2] == "100,000.00" and topped[3].startswith(f"此前已兑现200,000.00元（批次{first}，2026年），已扣除")
    assert together[2] == "200,000.00" and together[3].startswith("合并2项申报计算")
    assert refused[0].startswith("未计入：技术交易补贴") and refused[1].endswith("（十二）") and refused[2] == "—"
    assert refused[3].startswith("同一事项只支持一次：技术合同HT-2，台账显示已于2026年兑现500,000.00元")
    assert (
        model.refusal_at(model.index(2, 0, company)) is not None and model.line_at(model.index(2, 0, company)) is None
    )
    # the trace pane: a block of its own for what was awarded before
    line = next(l for l in page.lines if l.amount == Decimal("100000.00"))
    assert page.select_line(line.uscc, line.line_no)
    text = page.trace.toPlainText()
    assert f"该事项此前已兑现：批次{first}（2026年）200,000.00元" in text
    assert (
        "本条已扣除200,000.00元，本次兑现100,000.00元" in text
        and "申报事项：申报-技术合同（技术交易后补助）第2行" in text
    )
    assert page.select_refusal(line.uscc, "hlb-12-tech-contract")
    text = page.trace.toPlainText()
    assert "未计入：同一事项只支持一次" in text and f"该事项此前已兑现：批次{first}（2026年）500,000.00元" in text
    assert "本次不再支持" in text and "单个技术合同最高补贴50万元" in text
    # filtering finds a company by a refused rule's name too
    page.filter_edit.setText("技术交易补贴")
    assert model.rowCount() == 1


def test_lines_under_documents_in_force_are_payable_on_their_own(window, qtbot, asker, tmp_path):
    """Issue 15: one line on the draft (征求意见稿) no longer makes the whole batch a 测算稿."""
    from decimal import Decimal

    from core.letters.settings import load_letter_settings, save_letter_settings
    from dataclasses import replace

    save_letter_settings(
        replace(load_letter_settings(), issuer="呼伦贝尔市科学技术局", contact="联系人：王敏，电话：0470-8221234")
    )
    batch_id = sample_batch(window)
    window.ctx.store.approve(batch_id, "王丽", "张伟", allow_provisional=True)
    page = shown(window, qtbot, batch_id)
    lines = window.ctx.store.lines(batch_id)
    drafts = [l for l in lines if l.provisional]
    in_force = [l for l in lines if not l.provisional]
    assert drafts and in_force
    sheet = tmp_path / "拨付.xlsx"
    asker.answers = [0, "", str(sheet)]
    page.export_disbursement()
    settle(qtbot)
    choose = next(a for a in asker.asked if a[0] == "choose")
    assert f"只列依据正式文件的{len(in_force)}条明细（{len(drafts)}条测算明细不列入，表中注明）" in choose[2]
    ws = openpyxl.load_workbook(sheet).active
    title = ws["A1"].value
    assert "测算稿" not in title
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == len(in_force)
    total = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "合计")
    assert Decimal(str(total[7])) == sum(l.amount for l in in_force)
    notes = [r[0] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].startswith("注：")]
    assert notes == [f"注：本批次另有{len(drafts)}条奖补依据征求意见稿测算，文件正式印发前不得拨付或公示，未列入本表。"]
    publicity = tmp_path / "公示.xlsx"
    asker.answers = [0, str(publicity)]
    page.export_publicity()
    settle(qtbot)
    cells = [str(c) for row in openpyxl.load_workbook(publicity).active.iter_rows(values_only=True) for c in row if c]
    assert any("请向呼伦贝尔市科学技术局反映，联系人：王敏，电话：0470-8221234。" in c for c in cells)


def test_approving_a_batch_without_lines_shows_a_zero_total(window, qtbot, asker):
    """A batch with no award line has no totals row: the dialog says 0.00 yuan instead of failing on the int 0."""
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    page.totals = None
    dialog = page.approve()
    from PySide6.QtWidgets import QLabel

    assert any("合计<b>0.00</b>元" in label.text() for label in dialog.findChildren(QLabel))
    dialog.reject()
