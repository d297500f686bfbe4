"""Changes reach the screens (Anki's CollectionOp/OpChanges): a change operation broadcasts what the store says it
touched, and each page refreshes only for what it shows."""

from gui_support import SAMPLE, settle

from core.excel.reader import read_workbook
from core.store.changes import Changes
from gui.operations import ChangeOp, run_change, run_read


def _set_clerk(window):
    return lambda report, cancelled: window.ctx.store.settings.set("clerk.name", "张三")


def _import_sample(window):
    def work(report, cancelled):
        store = window.ctx.store
        return store.batches.apply_import(read_workbook(SAMPLE, known_uscc=store.known_uscc))[0]

    return work


def _counting(monkeypatch, page, name: str) -> list:
    calls = []
    original = getattr(page, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(page, name, counted)
    return calls


def test_a_change_op_delivers_the_stores_changes_to_subscribers_and_its_result_after(window, qtbot):
    ctx, heard, results = window.ctx, [], []
    ctx.subscribe(lambda changes: heard.append(("other", changes)))
    ctx.subscribe(lambda changes: heard.append(("initiator", changes)), owner=window)
    op = run_change(
        ctx,
        window,
        "保存设置",
        _set_clerk(window),
        on_success=lambda r: results.append((r, len(heard))),
        initiator=window,
    )
    assert isinstance(op, ChangeOp)
    settle(qtbot)
    assert [who for who, _ in heard] == ["other"]  # the initiator refreshes itself in on_success
    changes = heard[0][1]
    assert changes.settings == {"clerk.name"} and changes.audit
    assert not (changes.batches or changes.companies or changes.overrides or changes.database)
    assert results == [(None, 1)]  # told after the broadcast, with the work's own result
    assert op.changes == changes


def test_a_change_op_that_changed_nothing_broadcasts_nothing(window, qtbot):
    heard = []
    window.ctx.subscribe(heard.append)
    run_change(window.ctx, window, "读取", lambda report, cancelled: window.ctx.store.settings.get("clerk.name"))
    settle(qtbot)
    assert heard == []


def test_a_read_op_broadcasts_nothing(window, qtbot):
    heard, results = [], []
    window.ctx.subscribe(heard.append)
    window.ctx.store.settings.set("clerk.name", "李四")  # a change before: not the read's
    run_read(
        window, "读取", lambda report, cancelled: window.ctx.store.settings.get("clerk.name"), on_success=results.append
    )
    settle(qtbot)
    assert results == ["李四"] and heard == []


def test_the_companies_page_searches_again_for_a_batch_change_but_not_for_a_setting(window, qtbot, monkeypatch):
    page = window.show_page("companies")
    settle(qtbot)
    searches = _counting(monkeypatch, page, "search")
    run_change(window.ctx, window, "保存设置", _set_clerk(window))
    settle(qtbot)
    assert searches == []
    run_change(window.ctx, window, "导入", _import_sample(window))
    settle(qtbot)
    assert len(searches) == 1
    assert page.model.rowCount() > 0  # the imported companies are listed


def test_a_hidden_companies_page_searches_when_it_is_shown_again_and_only_if_something_changed(
    window, qtbot, monkeypatch
):
    """An import while 申报批次 is shown: the hidden list is not searched during it (the worker thread would take
    the interpreter from the window), but when 企业档案 is shown; shown again with nothing changed, it is not."""
    from gui.pages import companies as page_module

    page = window.show_page("companies")
    settle(qtbot)
    searches = _counting(monkeypatch, page, "search")
    window.show_page("batches")
    settle(qtbot)
    run_change(window.ctx, window, "导入", _import_sample(window))
    settle(qtbot)
    assert searches == [] and page.model.rowCount() == 0
    window.show_page("companies")
    settle(qtbot)
    assert len(searches) == 1 and page.model.rowCount() == 30
    window.show_page("batches")
    window.show_page("companies")
    settle(qtbot)
    assert len(searches) == 1  # nothing changed: the list shown is current
    monkeypatch.setattr(page_module, "FRESH_FOR", 0.0)  # another user may have changed a shared database since
    window.show_page("batches")
    window.show_page("companies")
    settle(qtbot)
    assert len(searches) == 2


def test_the_batches_page_reads_its_list_again_for_a_batch_change_but_not_for_a_setting(window, qtbot, monkeypatch):
    page = window.show_page("batches")
    settle(qtbot)
    refreshes = _counting(monkeypatch, page, "refresh")
    run_change(window.ctx, window, "保存设置", _set_clerk(window))
    settle(qtbot)
    assert refreshes == []
    batch_id = None

    def imported(result):
        nonlocal batch_id
        batch_id = result

    run_change(window.ctx, window, "导入", _import_sample(window), on_success=imported)
    settle(qtbot)
    assert len(refreshes) == 1
    assert [r.id for r in page.batch_model.rows] == [batch_id]


def test_a_page_is_not_told_of_its_own_change(window, qtbot, monkeypatch):
    page = window.show_page("batches")
    settle(qtbot)
    refreshes = _counting(monkeypatch, page, "refresh")
    window.ctx.changed(Changes(batches=frozenset({1})), initiator=page)
    assert refreshes == []
    window.ctx.changed(Changes(batches=frozenset({1})))
    assert len(refreshes) == 1


def test_policies_in_force_are_read_again_only_when_the_change_touched_them(window, qtbot):
    ctx = window.ctx
    before = ctx.policies
    ctx.changed(Changes(settings=frozenset({"clerk.name"}), batches=frozenset({1})))
    assert ctx.policies is before
    ctx.changed(Changes(overrides=frozenset({1})))
    assert ctx.policies is not before


def test_a_merge_on_the_companies_page_tells_the_other_screens_but_not_itself(window, qtbot, asker, monkeypatch):
    from core.records import CompanyProfile
    from core.uscc import check_character

    store = window.ctx.store
    real = store.add_company(
        CompanyProfile("91150702MA0N8XKQ26", "呼伦贝尔合同测试科技有限公司", "hulunbuir", "海拉尔区", "small_micro")
    )
    dup_code = "91150781MA0Q1234X"[:17]
    dup = store.add_company(
        CompanyProfile(
            dup_code + check_character(dup_code),
            "呼伦贝尔合同测试科技公司（重复）",
            "hulunbuir",
            "海拉尔区",
            "small_micro",
        )
    )
    page = window.show_page("companies")
    page.search()
    settle(qtbot)
    heard = []
    window.ctx.subscribe(heard.append)
    searches = _counting(monkeypatch, page, "search")
    page.view.selectRow(page.model.row_of(dup))
    asker.answers = ["91150702MA0N8XKQ26", True]
    assert page.merge_current()
    settle(qtbot)
    # the store names the company merged into (its audit entry's target); the one merged away is gone
    assert len(heard) == 1 and real in heard[0].companies and heard[0].audit
    assert len(searches) == 1  # its own search after the merge, not a second one for being told


def _batches_page(window, qtbot, batch_id):
    page = window.show_page("batches")
    settle(qtbot)
    page.refresh(select=batch_id)
    settle(qtbot)
    return page


def test_calculating_a_big_batch_in_a_process_tells_the_other_screens_which_batch(window, qtbot, monkeypatch):
    """The worker process changes the database on its own connection: this process' store saw no change, yet the
    letters and companies screens must hear that the batch changed; the batch page refreshes itself once."""
    from gui import calcworker
    from gui_support import sample_batch

    monkeypatch.setattr(calcworker, "PROCESS_FROM", 10)
    batch_id = sample_batch(window, calculated=False)
    page = _batches_page(window, qtbot, batch_id)
    heard = []
    window.ctx.subscribe(heard.append)
    refreshes = _counting(monkeypatch, page, "refresh")
    page.calculate()
    settle(qtbot)
    assert "计算完成：30家单位" in window.status.text()
    assert len(heard) == 1 and heard[0].batches == {batch_id} and heard[0].audit
    assert refreshes == [()]  # its own refresh after the calculation, not a second one for being told
    assert all(c.calculated for c in page.results.companies)


def test_deleting_a_trial_import_names_every_company_it_removed(window, qtbot, asker, monkeypatch):
    """One work of many changes (the draft, then each company only its import brought in): the broadcast names
    the batch and all 30 companies, not only the store's last change (the last company deleted)."""
    from gui_support import sample_batch

    batch_id = sample_batch(window)
    store = window.ctx.store
    companies = set(store.companies_only_in_import(batch_id))
    page = _batches_page(window, qtbot, batch_id)
    heard = []
    window.ctx.subscribe(heard.append)
    refreshes = _counting(monkeypatch, page, "refresh")
    asker.answers = [True, True]
    assert page.delete_draft()
    settle(qtbot)
    assert len(companies) == 30 and store.batches() == []
    assert len(heard) == 1 and heard[0].batches == {batch_id} and heard[0].companies == companies
    assert len(refreshes) == 1


def test_approving_and_marking_paid_tell_the_letters_screen(window, qtbot, asker, monkeypatch):
    """审批 and 标记已拨付 run as change ops: the other screens (the letters depend on the batch's state) hear of
    the batch; the batch page shows the new state after its own refresh."""
    from gui_support import sample_batch

    batch_id = sample_batch(window)
    page = _batches_page(window, qtbot, batch_id)
    heard = []
    window.ctx.subscribe(heard.append)
    page._run_approval(batch_id, {"preparer": "王丽", "reviewer": "张伟", "allow_provisional": True})
    settle(qtbot)
    assert window.ctx.store.batch(batch_id).status == "approved" and page.current.status == "approved"
    assert batch_id in heard[-1].batches and heard[-1].companies  # approval writes the ledger of its companies
    asker.answers = [True]
    assert page.mark_paid()
    settle(qtbot)
    assert page.current.status == "paid" and len(heard) == 2 and heard[-1].batches == {batch_id}
