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
    op = run_change(ctx, window, "保存设置", _set_clerk(window), on_success=lambda r: results.append((r, len(heard))),
                    initiator=window)
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
    run_read(window, "读取", lambda report, cancelled: window.ctx.store.settings.get("clerk.name"),
             on_success=results.append)
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
    real = store.add_company(CompanyProfile("91150702MA0N8XKQ26", "呼伦贝尔合同测试科技有限公司", "hulunbuir", "海拉尔区",
                                            "small_micro"))
    dup_code = "91150781MA0Q1234X"[:17]
    dup = store.add_company(CompanyProfile(dup_code + check_character(dup_code), "呼伦贝尔合同测试科技公司（重复）",
                                           "hulunbuir", "海拉尔区", "small_micro"))
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
