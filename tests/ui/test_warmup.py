"""The pages' modules are imported after the window shows, one module per timer tick (gui/warmup.py), and a page
opened before that finished still works."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gui_support import settle

from gui import warmup
from gui.mainwindow import PAGES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def modules(tmp_path, monkeypatch):
    """Write a package tree under ``tmp_path`` (path -> source); its modules are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(files: dict[str, str]) -> None:
        for name, source in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")

    yield write
    for name in list(sys.modules):
        if name.split(".")[0] in {"wpkg", "wpkg_uses", "bigpkg"}:
            del sys.modules[name]


def test_each_step_imports_one_module_after_its_dependencies(modules):
    modules(
        {
            "wpkg/__init__.py": "",
            "wpkg/leaf.py": "VALUE = 1\n",
            "wpkg/middle.py": """
                from typing import TYPE_CHECKING
                from wpkg import leaf
                if TYPE_CHECKING:
                    from wpkg import typing_only
            """,
            "wpkg/page.py": """
                from . import middle
                try:
                    import wpkg_not_installed
                except ImportError:
                    wpkg_not_installed = None

                def opened():
                    from wpkg.lazy import X
                    return X
            """,
            "wpkg/lazy.py": "X = 2\n",
            "wpkg/typing_only.py": "raise RuntimeError('only for the type checker')\n",
        }
    )
    log: list = []
    steps = list(warmup.warm_steps(["wpkg.page"], log))
    imported = [name for name, count, _ in log if count]
    # dependencies first; the page's function-level import too; the TYPE_CHECKING one and the missing one not
    assert imported == ["wpkg", "wpkg.leaf", "wpkg.middle", "wpkg.lazy", "wpkg.page"]
    assert all(count == 1 for name, count, _ in log if name != "wpkg_not_installed")  # one module's body per step
    assert "wpkg.typing_only" not in sys.modules and ("import", "wpkg_not_installed") in steps
    assert list(warmup.warm_steps(["wpkg.page"])) == []  # all imported: nothing to do


def test_an_installed_package_not_imported_yet_waits_for_a_worker_thread(modules, tmp_path, monkeypatch):
    """An installed package's __init__ imports its submodules itself (openpyxl: 180 of them): it cannot be cut
    into slices, so it is named for a worker thread and what needs it waits for the next pass."""
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(warmup, "SITE_PACKAGES", (str(site),))
    modules(
        {
            "site/bigpkg/__init__.py": "from bigpkg import part\n",
            "site/bigpkg/part.py": "PART = 1\n",
            "wpkg_uses/__init__.py": "",
            "wpkg_uses/sheet.py": "import bigpkg\n",
            "wpkg_uses/other.py": "OTHER = 1\n",
        }
    )
    elsewhere: set = set()
    log: list = []
    list(warmup.warm_steps(["wpkg_uses.sheet", "wpkg_uses.other"], log, elsewhere=elsewhere))
    assert elsewhere == {"bigpkg"}
    assert "bigpkg" not in sys.modules and "wpkg_uses.sheet" not in sys.modules and "wpkg_uses.other" in sys.modules
    import bigpkg  # noqa: F401 - what the worker thread does

    list(warmup.warm_steps(["wpkg_uses.sheet"], log, elsewhere=elsewhere))
    assert "wpkg_uses.sheet" in sys.modules and log[-1][:2] == ("wpkg_uses.sheet", 1)


def test_every_page_opens_by_keyboard_at_once_after_start(window, qtbot, asker):
    """Ctrl+1 … Ctrl+8 pressed before the warm-up ran: each page is built and shown, and the warm-up then
    finishes without a complaint."""
    from PySide6.QtCore import Qt

    assert not warmup.finished(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    for number, (_key, label, spec) in enumerate(PAGES, 1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        shown = window.stack.currentWidget()
        assert type(shown).__name__ == spec.split(":")[1], label
        assert window.nav.currentIndex().data() == label
    qtbot.waitUntil(lambda: warmup.finished(window), timeout=60000)
    settle(qtbot)
    assert [kind for kind, *_ in asker.asked if kind == "error"] == []


FRESH_PROGRAM = """
import json, os, sys, tempfile, time
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui import warmup
from gui.context import AppContext
from gui.mainwindow import MainWindow
ctx = AppContext(f"sqlite:///{Path(os.environ['KJJB_DATA_DIR']) / 'x.sqlite3'}")
ctx.warm_up()
window = MainWindow(ctx)
window.show()
started = time.monotonic()
while not warmup.finished(window) and time.monotonic() - started < 120:
    app.processEvents()
    time.sleep(0.002)
print(json.dumps({
    "finished": warmup.finished(window),
    "log": [[name, count] for name, count, _ in window.warm_log],
    "missing": [m for m in warmup.page_modules(window) if m not in sys.modules],
    "regions_read": "core.regions" in sys.modules and sys.modules["core.regions"].regions.cache_info().currsize,
}))
ctx.close()
"""


def test_in_a_fresh_program_the_warm_up_imports_every_page_a_few_modules_per_tick():
    """The bound without timing: no tick imports more than 8 modules (a standard-library module, whose source is not
    read, comes with what it imports: xml.etree.ElementTree brings 6 in about 3 ms), and in the end every page's
    module is imported."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROGRAM], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["finished"] and found["missing"] == []
    assert found["regions_read"] == 1  # 目标监测's first showing no longer reads the regions' YAML
    imported = dict(found["log"])
    assert len(imported) > 100 and "gui.pages.batches" in imported and "openpyxl" not in imported
    assert max(imported.values()) <= 8, sorted(imported.items(), key=lambda item: -item[1])[:5]
