"""Bundle size and start-up time of the built program (dist/kjjb), and of the source for comparison.

    python bench/startup_bench.py [--runs 5] [--source] [--json]

Measures, on Qt's offscreen platform:
- size: bytes and files of dist/kjjb (symbolic links not counted twice);
- first window: from launching the program to the first turn of its event loop
  with the main window shown, for a clerk's usual start (data folder already
  set up); the first of these runs is "cold" when the page cache could be
  dropped (root on Linux), otherwise it is only the first after the build;
- first run: the same on a fresh data folder, and until the first-run dialog
  is answered and the demonstration batch is imported and calculated;
- self-check: wall time of ``kjjb --selftest`` (``kjjb-console`` on Windows).

Start-up is walked by gui/autopilot.py (KJJB_AUTOPILOT), which records when
the window is up and quits once start-up is done.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installer.bundle import bundle_size, console_program, exe_name  # noqa: E402

BUNDLE = ROOT / "dist" / "kjjb"
ANSWERS = {"issuer": "呼伦贝尔市科学技术局", "code": "呼科发", "clerk": "王敏"}


def drop_caches() -> bool:
    """Empty Linux's page cache so the next start reads the bundle from disk (needs root)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def env(tmp: Path, **extra) -> dict:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    out.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp), **extra)
    return out


def launch(cmd: list[str], tmp: Path, data: Path, first_run) -> dict:
    """Start the window program once; returns seconds to the window, to start-up done, to exit."""
    config, report = tmp / "autopilot.json", tmp / "report.json"
    report.unlink(missing_ok=True)
    config.write_text(json.dumps({"first_run": first_run, "report": str(report)}, ensure_ascii=False), encoding="utf-8")
    started = time.time()
    result = subprocess.run(
        cmd + ["--data-dir", str(data)],
        env=env(tmp, KJJB_AUTOPILOT=str(config)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        cwd=ROOT,
    )
    ended = time.time()
    if result.returncode or not report.exists():
        raise SystemExit(f"{' '.join(cmd)} 失败（{result.returncode}）：\n{result.stdout}{result.stderr}")
    r = json.loads(report.read_text(encoding="utf-8"))
    if r["problems"]:
        raise SystemExit(f"启动过程有问题：{r['problems']}")
    return {"window": r["window_shown_at"] - started, "ready": r["finished_at"] - started, "exit": ended - started}


BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1280, 760)
w.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""


def bare_window(tmp: Path) -> float:
    """Seconds for a bare PySide6 window to reach its first event-loop turn: the baseline of this run."""
    started = time.time()
    result = subprocess.run([sys.executable, "-c", BARE], env=env(tmp), capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise SystemExit(f"基准窗口启动失败：{result.stderr}")
    return float(result.stdout.split()[-1]) - started


def selftest(cmd: list[str], tmp: Path) -> float:
    started = time.time()
    result = subprocess.run(
        cmd + ["--selftest"],
        env=env(tmp),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
        cwd=ROOT,
    )
    if result.returncode:
        raise SystemExit(f"自检失败：\n{result.stdout}{result.stderr}")
    return time.time() - started


def measure(name: str, window_cmd: list[str], console_cmd: list[str], runs: int, cold: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kjjb-startbench-"))
    out = {"name": name}
    # A clerk's usual start: the data folder exists (first run answered, no demo).
    data = tmp / "data"
    launch(window_cmd, tmp, data, dict(ANSWERS, demo=False))
    out["cold"] = drop_caches() if cold else False
    starts = [launch(window_cmd, tmp, data, None) for _ in range(runs)]
    out["first_start"] = starts[0]
    out["window"] = [s["window"] for s in starts]
    # The very first run: fresh data folder, first-run dialog answered, demo batch loaded.
    out["first_run"] = launch(window_cmd, tmp, tmp / "fresh", dict(ANSWERS, demo=True))
    if cold:
        drop_caches()
    out["selftest"] = [selftest(console_cmd, tmp) for _ in range(max(1, runs // 2))]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="每项测量的次数")
    parser.add_argument("--source", action="store_true", help="同时测量从源码启动（python main.py）")
    parser.add_argument("--json", action="store_true", help="以JSON输出")
    args = parser.parse_args()
    results = {}
    targets = []
    if (BUNDLE / exe_name("kjjb")).exists():
        size, files = bundle_size(BUNDLE)
        results["bundle_size"] = {"bytes": size, "files": files}
        targets.append(("bundle", [str(BUNDLE / exe_name("kjjb"))], [str(BUNDLE / exe_name(console_program()))]))
    elif not args.source:
        raise SystemExit(f"没有 {BUNDLE}：先运行 python3 dev.py bundle（或加 --source 只测源码）")
    if args.source:
        targets.append(("source", [sys.executable, "main.py"], [sys.executable, "main.py"]))
    results["runs"] = [measure(name, w, c, args.runs, cold=(name == "bundle")) for name, w, c in targets]
    tmp = Path(tempfile.mkdtemp(prefix="kjjb-bare-"))
    results["bare_window"] = statistics.median(bare_window(tmp) for _ in range(args.runs))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    if "bundle_size" in results:
        s = results["bundle_size"]
        print(f"程序文件夹 {BUNDLE}：{s['bytes'] / 2**20:.1f} MiB，{s['files']}个文件")
    bare = results["bare_window"]
    print(f"[基准] 空白PySide6窗口：中位数 {bare:.2f}秒")
    for r in results["runs"]:
        w = r["window"]
        print(f"[{r['name']}] 到主窗口中位数为空白窗口的 {statistics.median(w) / bare:.1f} 倍")
        first = "冷启动（已清空页缓存）" if r["cold"] else "首次（页缓存未清空）"
        print(
            f"[{r['name']}] 到主窗口：{first} {r['first_start']['window']:.2f}秒；之后 中位数 {statistics.median(w[1:] or w):.2f}秒"
            f"（最快 {min(w):.2f}，{len(w)}次）；到退出 {r['first_start']['exit']:.2f}秒"
        )
        fr = r["first_run"]
        print(
            f"[{r['name']}] 首次运行：到主窗口 {fr['window']:.2f}秒，回答首次设置并载入演示数据后 {fr['ready']:.2f}秒"
        )
        print(f"[{r['name']}] 自检 --selftest：{statistics.median(r['selftest']):.2f}秒（{len(r['selftest'])}次）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
