"""What keeps the window responsive with big batches: the GC policy, freeing off the GUI thread, lazy rows."""

import dataclasses
import gc
import sys
import time
from decimal import Decimal

from core.records import CompanyResultRecord, LineRecord
from gui import gcpolicy
from gui.models.results import FETCH, BatchResultsModel


def test_full_collections_wait_while_work_runs_and_survivors_are_frozen():
    before, switch = gc.get_threshold(), sys.getswitchinterval()
    frozen = gc.get_freeze_count()
    gcpolicy.work_started()
    gcpolicy.work_started()
    assert gc.get_threshold()[2] == gcpolicy.QUIET_GEN2
    assert sys.getswitchinterval() <= gcpolicy.BUSY_SWITCH_INTERVAL
    gcpolicy.work_finished()
    assert gc.get_threshold()[2] == gcpolicy.QUIET_GEN2  # one piece of work still runs
    keep = [[object()] for _ in range(1000)]
    gcpolicy.work_finished()
    assert gc.get_threshold() == before and sys.getswitchinterval() == switch
    assert gc.get_freeze_count() >= frozen + 1000 and keep


def test_memory_freed_by_the_work_goes_back_to_the_system_when_it_ends(monkeypatch):
    """gcpolicy.give_back_memory: glibc's malloc_trim, on a thread, once the last piece of work ended."""
    import threading

    trimmed = []
    monkeypatch.setattr(gcpolicy, "_malloc_trim", lambda: lambda pad: trimmed.append((pad, threading.current_thread())))
    gcpolicy.work_started()
    assert not trimmed
    gcpolicy.work_finished()
    deadline = time.monotonic() + 5
    while not trimmed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert trimmed and trimmed[0][0] == 0 and trimmed[0][1] is not threading.main_thread()
    if sys.platform.startswith("linux"):
        monkeypatch.undo()
        assert gcpolicy._malloc_trim() is not None


def test_big_lists_are_freed_on_another_thread():
    a, b = [[i] for i in range(1000)], list(range(500))
    gcpolicy.drop_later(a, b, [])
    deadline = time.monotonic() + 5
    while (a or b) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert a == [] and b == []


def results(n):
    companies = [
        CompanyResultRecord(1, i, f"U{i:05d}", f"单位{i:05d}", "hulunbuir", "", True, Decimal("100.00"), 1)
        for i in range(n)
    ]
    lines = [
        LineRecord(
            1,
            i + 1,
            f"U{i:05d}",
            f"单位{i:05d}",
            "",
            "",
            "r",
            "d",
            "文件",
            None,
            "（一）",
            "奖补",
            "原文",
            Decimal("100.00"),
            False,
            {},
        )
        for i in range(n)
    ]
    return companies, lines


def test_results_are_handed_to_the_view_a_page_at_a_time(qtmodeltester):
    checked = BatchResultsModel()
    checked.set_results(*results(300))
    qtmodeltester.check(checked)
    model = BatchResultsModel()
    model.set_results(*results(1000))
    assert model.rowCount() == FETCH and model.canFetchMore()
    index = model.company_index("U00950")  # selecting one further down fetches through it
    assert index.isValid() and index.row() == 950 and model.rowCount() >= 951
    model.set_filter("单位0099")
    assert model.rowCount() == 10 and not model.canFetchMore() and model.total_companies == 1000
    model.set_filter("")
    assert model.rowCount() == FETCH


def test_the_tree_shows_the_lists_made_on_the_worker_thread_and_lets_go_of_them_item_by_item():
    """prepare (worker thread) makes the lists the unfiltered tree shows; the GUI thread only hands them over. When
    gcpolicy.drop empties a batch item by item, those lists shrink with it (nothing is freed at once)."""
    companies, lines = results(30)
    companies[3] = dataclasses.replace(companies[3], excluded=({"rule_id": "x", "summary": "不计入"},))
    prepared = BatchResultsModel.prepare(companies, lines)
    model = BatchResultsModel()
    model.set_prepared(prepared)
    assert model.companies is prepared.companies and model.companies == companies
    assert model.lines_of[3] == [l for l in lines if l.uscc == companies[3].uscc]
    assert [type(c).__name__ for c in model.children_of[3]] == ["LineRecord", "Refusal"]
    model.set_filter("单位00003")
    assert model.companies == [companies[3]] and model.children_of == [prepared.children_of[3]]
    model.set_filter("")
    assert model.companies is prepared.companies
    shown = model.set_prepared([])
    assert shown is prepared and model.rowCount() == 0
    gcpolicy.drop(shown)
    assert (shown, shown.companies, shown.lines_of, shown.children_of) == ([], [], [], [])


def test_background_work_pauses_a_millisecond_every_20_ms(monkeypatch):
    from gui import operations

    clock = [100.0]
    sleeps = []
    monkeypatch.setattr(operations.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(operations.time, "sleep", lambda s: sleeps.append(s))
    monkeypatch.setattr(operations, "_courtesy", type(operations._courtesy)())  # this thread starts afresh
    operations.courtesy()
    clock[0] += 0.019
    operations.courtesy()
    assert sleeps == []
    clock[0] += 0.002
    operations.courtesy()
    assert sleeps == [operations.COURTESY_PAUSE]
    clock[0] += 0.005
    operations.courtesy()
    assert sleeps == [operations.COURTESY_PAUSE]  # counted afresh from the pause


def test_the_batch_shown_is_let_go_of_before_the_next_reading_of_it(window, qtbot, monkeypatch):
    """Recalculating: the lines shown are emptied (off the GUI thread) before the batch is read again, so the
    window never holds two copies (bench/gui_memory_bench.py: resident memory returns after each recalculation)."""
    from gui_support import sample_batch, settle

    store = window.ctx.store
    batch_id = sample_batch(window)
    page = window.show_page("batches")
    settle(qtbot)
    page.refresh(select=batch_id)
    settle(qtbot)
    old = page.lines
    assert old
    held_when_read = []
    real = store.lines
    monkeypatch.setattr(store, "lines", lambda b: held_when_read.append(len(old)) or real(b))
    page.calculate()
    settle(qtbot)
    assert held_when_read and held_when_read[-1] == 0
    assert page.lines is not old and len(page.lines) > 0 and page.results.rowCount() == 30
