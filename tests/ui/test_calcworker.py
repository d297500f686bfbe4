"""A batch calculated in a worker process (gui/calcworker.py) gives the very lines a thread gives,
reports progress, can be cancelled, and brings the store's refusals back as they are."""

import threading

import pytest
from gui_support import sample_batch, settle

from core.progress import Cancelled
from core.store.errors import BatchLocked, StoreError
from gui import calcworker, workerprocess


def lines_of(store, batch_id):
    return [(l.uscc, l.rule_id, l.amount, l.provisional) for l in store.lines(batch_id)]


def test_the_worker_process_writes_the_lines_the_thread_writes(window):
    store, policies = window.ctx.store, window.ctx.base_policies
    batch_id = sample_batch(window, calculated=False)
    reported = []
    summary = calcworker.calculate(
        store, batch_id, policies, lambda *a: reported.append(a), lambda: False, companies=None
    )
    in_process = lines_of(store, batch_id)
    assert summary.batch_id == batch_id and summary.companies == 30 and summary.lines == len(in_process) > 0
    assert reported and reported[-1][:2] == (30, 30)
    threaded = store.calculate(batch_id, policies)
    assert lines_of(store, batch_id) == in_process
    assert (threaded.lines, threaded.total) == (summary.lines, summary.total)


def test_a_small_batch_stays_on_the_thread(window, monkeypatch):
    monkeypatch.setattr(calcworker, "_in_process", lambda *a: pytest.fail("a process for 30 companies"))
    batch_id = sample_batch(window, calculated=False)
    summary = calcworker.calculate(
        window.ctx.store, batch_id, window.ctx.base_policies, lambda *a: None, lambda: False, companies=30
    )
    assert summary.companies == 30


def test_cancel_stops_the_worker_and_nothing_is_written(window):
    store = window.ctx.store
    batch_id = sample_batch(window, calculated=False)
    asked = threading.Event()

    def cancelled():
        asked.set()
        return True

    with pytest.raises(Cancelled):
        calcworker.calculate(store, batch_id, window.ctx.base_policies, lambda *a: None, cancelled)
    assert asked.is_set()
    assert not any(c.calculated for c in store.company_results(batch_id))


def test_a_refusal_in_the_worker_reaches_the_window_as_the_store_raised_it(window):
    store = window.ctx.store
    batch_id = sample_batch(window)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    with pytest.raises(StoreError) as refused:
        calcworker.calculate(store, batch_id, window.ctx.base_policies, lambda *a: None, lambda: False)
    with pytest.raises(type(refused.value)) as on_thread:
        store.calculate(batch_id, window.ctx.base_policies)
    assert str(refused.value) == str(on_thread.value) and isinstance(refused.value, BatchLocked)


def test_the_logged_in_user_calculates_in_the_worker(window):
    store = window.ctx.store
    store.create_first_admin("管理员", "Admin-2026")
    store.add_user("王丽", "Wangli-2026", ["preparer"])
    store.login("王丽", "Wangli-2026")
    batch_id = sample_batch(window, calculated=False)
    summary = calcworker.calculate(store, batch_id, window.ctx.base_policies, lambda *a: None, lambda: False)
    assert summary.companies == 30
    store.login("管理员", "Admin-2026")
    calculated = [e for e in store.audit_entries(target=f"batch:{batch_id}") if "calc" in e.action]
    assert calculated and all(e.who == "王丽" for e in calculated)


def test_the_batches_screen_calculates_a_big_batch_in_a_process(window, qtbot, monkeypatch):
    monkeypatch.setattr(calcworker, "PROCESS_FROM", 10)
    started = []
    real = calcworker._in_process
    monkeypatch.setattr(calcworker, "_in_process", lambda *a: started.append(1) or real(*a))
    batch_id = sample_batch(window, calculated=False)
    page = window.show_page("batches")
    settle(qtbot)
    page.refresh(select=batch_id)
    settle(qtbot)
    page.calculate()
    settle(qtbot)
    assert started and "计算完成：30家单位" in window.status.text()
    assert all(c.calculated for c in page.results.companies)


def test_under_the_windows_launcher_the_worker_is_the_embedded_pythonw(monkeypatch, tmp_path):
    """installer/windows/launcher.c always runs app\\main.py: the worker is started with python\\pythonw.exe,
    and without one the calculation stays on the thread."""
    from multiprocessing import spawn

    monkeypatch.setattr(spawn, "_python_exe", spawn.get_executable())  # put back after the test
    (tmp_path / "python").mkdir()
    monkeypatch.setattr(workerprocess.sys, "platform", "win32")
    monkeypatch.setattr(workerprocess.sys, "executable", str(tmp_path / "kjjb.exe"))
    monkeypatch.setattr(workerprocess.sys, "prefix", str(tmp_path / "elsewhere"))
    assert workerprocess.worker_context() is None
    (tmp_path / "python" / "pythonw.exe").write_bytes(b"")
    ctx = workerprocess.worker_context()
    assert ctx is not None and ctx.get_start_method() == "spawn"
    assert spawn.get_executable() == str(tmp_path / "python" / "pythonw.exe")
