"""How long the first showing of each page blocks the window, with and without the warm-up (gui/warmup.py).

Each page is shown for the first time in a process of its own (a fresh
interpreter: nothing imported by an earlier page), on an empty database, with
the window at 1366x768:

- ``cold``: the page is shown as soon as the window is up, before the warm-up
  imported anything (what every first showing cost before the warm-up);
- ``warm``: the page is shown after the warm-up finished (a clerk's first
  click comes a second or two after the window appears).

For each it prints the time ``show_page`` took (wall and the GUI thread's own
CPU time) and the longest event-loop iteration in the 0.6 s after it (the
page's activation, its first painting). CPU time is what a quiet machine would
show; on a machine busier than its cores the wall figures include waiting for a
CPU. It also prints the warm-up's own longest step and the most modules one
step imported.

    QT_QPA_PLATFORM=offscreen python bench/gui_pages_bench.py [--repeat=3]

Aim (issue 14): every first showing under 50 ms; no warm-up step over 50 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

AIM_MS = 50


def one(key: str, warm: bool) -> dict:
    """Show page ``key`` for the first time in this process; its figures in milliseconds."""
    data = Path(tempfile.mkdtemp(prefix="kjjb-pages-"))
    os.environ["KJJB_DATA_DIR"] = str(data)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui import warmup
    from gui.context import AppContext
    from gui.mainwindow import MainWindow
    from gui.operations import Operation

    steps: list[tuple[float, float, str]] = []  # (wall, CPU, what) of each warm-up step
    plain = warmup.warm_steps

    def timed(*args, **kwargs):
        gen = plain(*args, **kwargs)
        while True:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                step = next(gen)
            except StopIteration:
                return
            steps.append((time.perf_counter() - wall, time.thread_time() - cpu, " ".join(step)))
            yield step

    warmup.warm_steps = timed
    ctx = AppContext(f"sqlite:///{data / 'pages.sqlite3'}")
    ctx.warm_up()
    ctx.settings.setValue("window/page", "companies" if key != "companies" else "audit")  # the start page
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()

    def run(seconds: float) -> tuple[float, float]:
        """Process events for ``seconds`` (and while work runs): the longest iteration, wall and CPU."""
        wall_max = cpu_max = 0.0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds or Operation.running:
            wall, cpu = time.perf_counter(), time.thread_time()
            app.processEvents()
            wall_max = max(wall_max, time.perf_counter() - wall)
            cpu_max = max(cpu_max, time.thread_time() - cpu)
            time.sleep(0.002)
        return wall_max, cpu_max

    if warm:
        while not warmup.finished(window):
            run(0.05)
        run(0.3)
    wall, cpu = time.perf_counter(), time.thread_time()
    window.show_page(key)
    show = (time.perf_counter() - wall, time.thread_time() - cpu)
    after = run(0.6)
    figures = {
        "show_wall": show[0],
        "show_cpu": show[1],
        "after_wall": after[0],
        "after_cpu": after[1],
        "step_wall": max((w for w, _, _ in steps), default=0.0),
        "step_cpu": max((c for _, c, _ in steps), default=0.0),
        "step_longest": max(steps, key=lambda s: s[1])[2] if steps else "",
        "step_modules": max((n for _, n, _ in window.__dict__.get("warm_log", [])), default=0),
    }
    window.close()
    ctx.close()
    return {k: v * 1000 if isinstance(v, float) else v for k, v in figures.items()}


def main(repeat: int) -> int:
    from gui.mainwindow import PAGES

    worst_first = 0.0
    steps = [0.0, 0.0, 0, ""]  # the warm-up's longest step (wall, CPU), most modules a step, the longest's name
    print(f"first showing of each page, best of {repeat} fresh processes (ms; CPU = the GUI thread's own time)")
    print(f"  {'page':<10} {'':<5} {'show wall':>9} {'CPU':>6} {'after wall':>10} {'CPU':>6}")
    for key, label, _ in PAGES:
        for warm in (False, True):
            runs = []
            for _ in range(repeat):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", key] + (["--warm"] if warm else []),
                    capture_output=True,
                    text=True,
                    encoding="utf-8",
                    cwd=ROOT,
                )
                if done.returncode:
                    raise SystemExit(f"{key} failed:\n{done.stderr}")
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            best = min(runs, key=lambda r: r["show_cpu"] + r["after_cpu"])
            print(
                f"  {label:<8} {'warm' if warm else 'cold':<5} {best['show_wall']:9.1f} {best['show_cpu']:6.1f} "
                f"{best['after_wall']:10.1f} {best['after_cpu']:6.1f}",
                flush=True,
            )
            if warm:
                worst_first = max(worst_first, best["show_cpu"], best["after_cpu"])
                for r in runs:
                    steps = [
                        max(steps[0], r["step_wall"]),
                        max(steps[1], r["step_cpu"]),
                        max(steps[2], r["step_modules"]),
                        r["step_longest"] if r["step_cpu"] > steps[1] else steps[3],
                    ]
    print(
        f"  warm-up: longest step {steps[0]:.1f} ms wall, {steps[1]:.1f} ms CPU ({steps[3]}); "
        f"at most {steps[2]} modules a step"
    )
    print(
        f"LONGEST FIRST SHOWING AFTER THE WARM-UP: {worst_first:.0f} ms CPU "
        f"({'OK' if worst_first <= AIM_MS else 'OVER'} the {AIM_MS} ms aim); longest warm-up step {steps[1]:.0f} ms CPU "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    if "--one" in sys.argv:
        key = sys.argv[sys.argv.index("--one") + 1]
        print(json.dumps(one(key, "--warm" in sys.argv)))
        sys.exit(0)
    repeat = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--repeat=")), 3)
    sys.exit(main(repeat))
