import pytest

from gui.ask import ScriptedAsker, set_asker


@pytest.fixture
def asker():
    """Answers questions the GUI asks; any unexpected question fails the test instead of hanging it."""
    scripted = ScriptedAsker()
    previous = set_asker(scripted)
    yield scripted
    set_asker(previous)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, asker):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    from gui.context import AppContext
    from gui.mainwindow import MainWindow

    ctx = AppContext(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    ctx.warm_up()  # the program does this on a worker thread while the window shows; tests want pages at once
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    ctx.close()
