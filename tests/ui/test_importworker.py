"""The import wizard's 检查 and 导入 in a worker process (gui/importworker.py): the same pages as on the thread,
the problems as the reader found them, 取消 that writes nothing, and the import broadcast to the other screens."""

import pytest
from gui_support import SAMPLE, broken_sample, settle

from core.excel.reader import read_workbook
from core.progress import Cancelled
from gui import importworker, workerprocess
from gui.batches.import_wizard import CHOOSE, CONFIRM, DONE, PROBLEMS


@pytest.fixture
def in_process(monkeypatch):
    """Every workbook is big enough for a worker process; the processes started are counted."""
    monkeypatch.setattr(importworker, "PROCESS_FROM_BYTES", 0)
    started = []
    real = workerprocess.run
    monkeypatch.setattr(workerprocess, "run", lambda *a, **k: started.append(k["name"]) or real(*a, **k))
    return started


def open_wizard(window, path):
    page = window.show_page("batches")
    wizard = page.import_workbook()
    wizard.file_edit.setText(str(path))
    return page, wizard


def test_the_sample_checked_and_imported_in_processes_reads_as_on_the_thread(window, qtbot, in_process):
    store = window.ctx.store
    on_thread = read_workbook(SAMPLE, known_uscc=store.known_uscc)
    page, wizard = open_wizard(window, SAMPLE)
    wizard.start_check()
    settle(qtbot)
    assert in_process == ["kjjb-check"] and wizard.step == CONFIRM
    checked = wizard.data
    assert checked.data is None and checked.kept.is_file()  # the window holds the summary, not the workbook
    assert (checked.sha256, checked.companies, checked.claims) == (
        on_thread.sha256,
        len(on_thread.companies),
        len(on_thread.claims),
    )
    assert "检查通过" in wizard.summary.text() and "30家" in wizard.summary.text()
    assert store.batches() == []  # nothing written before 导入
    kept = checked.kept
    wizard.start_import()
    assert wizard.cancel_import_button.isEnabled()
    settle(qtbot)
    assert in_process == ["kjjb-check", "kjjb-import"] and wizard.step == DONE
    assert [b.id for b in store.batches()] == [wizard.batch_id] and "已导入为批次" in wizard.done_label.text()
    assert store.company_results(wizard.batch_id) and len(store.companies.search()) == 30
    assert not kept.parent.exists()  # the worker's copy is removed once imported
    # the other screens heard of it from the worker's changes: the companies page lists them
    companies = window.show_page("companies")
    settle(qtbot)
    assert companies.model.rowCount() == 30


def test_problems_found_in_the_worker_are_listed_cell_by_cell(window, qtbot, tmp_path, in_process):
    page, wizard = open_wizard(window, broken_sample(tmp_path / "申报.xlsx"))
    wizard.start_check()
    settle(qtbot)
    assert in_process == ["kjjb-check"] and wizard.step == PROBLEMS
    cells = [(p.sheet, p.cell) for p in wizard.problems]
    assert cells[:2] == [("企业信息", "A4"), ("历史-认定记录", "E3")] and len(cells) == 7
    assert "没有导入任何数据" in wizard.problems_label.text()
    assert not list(tmp_path.glob("kjjb-import-*"))
    wizard.reject()


def test_cancelling_the_check_in_the_worker_imports_nothing(window, qtbot, in_process, monkeypatch, tmp_path):
    monkeypatch.setattr(importworker.tempfile, "tempdir", str(tmp_path))
    page, wizard = open_wizard(window, SAMPLE)
    wizard.start_check()
    wizard.cancel_check()
    settle(qtbot)
    assert wizard.step == CHOOSE and "已取消检查" in wizard.choose_note.text()
    assert window.ctx.store.batches() == [] and not list(tmp_path.glob("kjjb-import-*"))


def test_cancelling_the_import_in_the_worker_writes_nothing(window, qtbot, asker, in_process):
    page, wizard = open_wizard(window, SAMPLE)
    wizard.start_check()
    settle(qtbot)
    wizard.start_import()
    wizard.cancel_import()
    settle(qtbot)
    assert wizard.step == CONFIRM and asker.asked[-1][2] == "已取消导入，没有导入任何数据"
    assert window.ctx.store.batches() == [] and window.ctx.store.companies.search() == []
    wizard.start_import()  # the checked workbook is still there to import
    settle(qtbot)
    assert wizard.step == DONE and len(window.ctx.store.batches()) == 1


def test_a_cancel_that_comes_after_the_commit_reports_the_import(window, monkeypatch, in_process):
    """The worker committed, then 取消 arrived: the import stands and the wizard is told its batch."""
    store = window.ctx.store
    checked = importworker.check(store, SAMPLE, None, None, window.ctx.base_policies, lambda *a: None, lambda: False)

    def committed_then_cancelled(ctx, store, job, args, report, cancelled, **kwargs):
        job(store, args, report, lambda: False)
        raise Cancelled()

    monkeypatch.setattr(workerprocess, "run", committed_then_cancelled)
    (batch_id, created), changes = importworker.apply(store, checked, False, lambda *a: None, lambda: True)
    assert [b.id for b in store.batches()] == [batch_id] and created and batch_id in changes.batches
    checked.discard()


def test_a_cancel_before_anything_is_written_raises_cancelled(window, in_process):
    store = window.ctx.store
    checked = importworker.check(store, SAMPLE, None, None, window.ctx.base_policies, lambda *a: None, lambda: False)
    with pytest.raises(Cancelled):
        importworker.apply(store, checked, False, lambda *a: None, lambda: True)
    assert store.batches() == []
    checked.discard()
    assert checked.kept is None


def test_a_small_workbook_stays_on_the_thread(window, qtbot, monkeypatch):
    monkeypatch.setattr(workerprocess, "run", lambda *a, **k: pytest.fail("a process for 30 companies"))
    page, wizard = open_wizard(window, SAMPLE)
    wizard.start_check()
    settle(qtbot)
    assert wizard.step == CONFIRM and wizard.data.data is not None and wizard.data.kept is None
    wizard.start_import()
    assert not wizard.cancel_import_button.isEnabled()
    settle(qtbot)
    assert wizard.step == DONE and len(window.ctx.store.batches()) == 1


class _Runs:
    """Unpickled, it writes a file (in whichever process reads it): the reason a changed kept file is never read."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (self.marker.write_text, ("ran",))


def test_a_kept_file_changed_after_the_check_is_not_read_and_nothing_is_imported(
    window, qtbot, asker, in_process, tmp_path
):
    """The checked workbook waits in a temporary file between 检查 and 导入; whatever changed it meanwhile (the
    digest the check worker sent back through the window no longer matches) is refused before it is unpickled."""
    import pickle

    page, wizard = open_wizard(window, SAMPLE)
    wizard.start_check()
    settle(qtbot)
    kept = wizard.data.kept
    marker = tmp_path / "ran.txt"
    kept.write_bytes(pickle.dumps(_Runs(marker)))
    wizard.start_import()
    settle(qtbot)
    assert not marker.exists()
    assert wizard.step != DONE and "临时文件已被改动" in asker.asked[-1][2]
    assert window.ctx.store.batches() == [] and window.ctx.store.companies.search() == []


def test_the_kept_file_is_read_only_when_its_digest_matches(tmp_path):
    import hashlib

    kept = tmp_path / importworker.KEPT_NAME
    kept.write_bytes(b"checked")
    assert importworker._read_kept(kept, hashlib.sha256(b"checked").hexdigest()) == b"checked"
    with pytest.raises(importworker.KeptFileChanged):
        importworker._read_kept(kept, hashlib.sha256(b"other").hexdigest())
    with pytest.raises(importworker.KeptFileChanged):
        importworker._read_kept(kept, "")
