"""Cold start: from starting the process to the first painted window, against a bare PySide6 window.

Each run is a fresh interpreter (subprocess). The parent notes the time just
before starting it; the child reports (time.time()) when its main window gets
its first paint event, and for the program also when the first screen is
filled (database open, policies read, companies listed). Runs alternate
between the bare window and the program, and the medians are compared in
the same run, so the machine's speed cancels out of the ratio.

    python bench/gui_startup_bench.py [RUNS]        # default 7 runs of each; offscreen unless DISPLAY is set

The program starts on an empty database in a temporary data folder (the
first screen is 企业档案), or with ``--sample`` on one holding the sample batch.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import sys, time
mode = sys.argv[1]
sys.path.insert(0, sys.argv[2])

def install(app, on_paint):
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QMainWindow

    class FirstPaint(QObject):
        done = False
        def eventFilter(self, obj, event):
            if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                self.done = True
                print("shown", time.time(), flush=True)
                on_paint(obj)
            return False
    f = FirstPaint(app)
    app.installEventFilter(f)
    app._first_paint = f

if mode == "bare":
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv[:1])
    install(app, lambda w: app.quit())
    w = QMainWindow()
    w.setWindowTitle("bare")
    w.resize(1280, 760)
    w.show()
    app.exec()
else:
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])

    def painted(window):
        from PySide6.QtCore import QTimer

        def poll():
            from gui.operations import Operation
            page = window.stack.currentWidget()
            if window.ctx.ready and not Operation.running and type(page).__name__ != "QLabel":
                print("ready", time.time(), flush=True)
                app.quit()
            else:
                QTimer.singleShot(5, poll)
        QTimer.singleShot(0, poll)
    install(app, painted)
    sys.argv = ["main.py"]
    import main
    main.main()
'''


def run_child(mode: str, data: Path) -> dict:
    env = dict(os.environ, KJJB_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(ROOT)], env=env, capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    times = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("shown", "ready"):
            times[key] = float(value) - t0
    if "shown" not in times:
        raise SystemExit(f"{mode} did not show a window:\n{out.stdout}\n{out.stderr}")
    return times


def prepare(data: Path, sample: bool) -> None:
    """A data folder whose database exists (and holds the sample batch with --sample), as on a clerk's PC."""
    env = dict(os.environ, KJJB_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    if sample:
        subprocess.run([sys.executable, "main.py", "import", str(ROOT / "resources/samples/申报样例.xlsx")], env=env,
                       cwd=ROOT, check=True, capture_output=True)
    else:
        subprocess.run([sys.executable, "main.py", "batches"], env=env, cwd=ROOT, check=True, capture_output=True)


def main(runs: int, sample: bool) -> int:
    data = Path(tempfile.mkdtemp(prefix="kjjb-startup-"))
    try:
        prepare(data, sample)
        run_child("bare", data)  # warm the file cache once for both
        run_child("program", data)
        bare, shown, ready = [], [], []
        for _ in range(runs):
            bare.append(run_child("bare", data)["shown"])
            t = run_child("program", data)
            shown.append(t["shown"])
            ready.append(t.get("ready", float("nan")))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    med = statistics.median
    where = "DISPLAY " + os.environ["DISPLAY"] if os.environ.get("DISPLAY") else "offscreen"
    print(f"cold start, {runs} runs each ({where}; {'sample batch' if sample else 'empty database'}), median (min–max):")
    print(f"  bare PySide6 window shown        {med(bare):.3f} s ({min(bare):.3f}–{max(bare):.3f})")
    print(f"  program window shown             {med(shown):.3f} s ({min(shown):.3f}–{max(shown):.3f})"
          f"   ratio {med(shown) / med(bare):.2f}")
    print(f"  program first screen filled      {med(ready):.3f} s ({min(ready):.3f}–{max(ready):.3f})"
          f"   ratio {med(ready) / med(bare):.2f}")
    print(f"AIM (window under 1.0 s): {'OK' if med(shown) < 1.0 else 'OVER'}")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(int(args[0]) if args else 7, "--sample" in sys.argv))
