"""Time and peak memory of refusing each hostile file (one fresh process per file).

    PYTHONPATH=. python scripts/measure_hostile.py

Prints a Markdown table: the file's size, the wall time of read_workbook, the
process's peak resident memory (VmHWM) after reading and, for reference,
after only importing the program's modules, and the first words of the refusal.
The hostile files (refused as files) come first, then the hidden and forged
workbooks (refused cell by cell).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile_files import FORGED, HOSTILE  # noqa: E402

from core.excel.template import write_template  # noqa: E402

CHILD = r"""
import json, resource, sys, time

def peak_kb():
    # VmHWM belongs to this process image; ru_maxrss on Linux keeps the parent's peak across fork+exec
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from core.excel.reader import read_workbook
from core.excel.problems import WorkbookError
base = peak_kb()
t = time.perf_counter()
try:
    read_workbook(sys.argv[1]); message = "（接受）"
except WorkbookError as exc:
    message = str(exc)
elapsed = time.perf_counter() - t
peak = peak_kb()
print(json.dumps({"seconds": elapsed, "peak_kb": peak, "base_kb": base, "message": message}, ensure_ascii=False))
"""


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        template = write_template(d / "模板.xlsx", award_year=2026)
        print("| 文件 | 大小 | 用时 | 峰值内存 | 导入后基线 | 拒绝原因 |")
        print("|---|---:|---:|---:|---:|---|")
        for name, (maker, _) in [*HOSTILE.items(), *FORGED.items()]:
            path = maker(d, template)
            m = measure(path)
            reason = m["message"].split("：", 1)[-1][:60].replace("|", "｜")
            print(
                f"| {name} | {path.stat().st_size / 1e6:.2f} MB | {m['seconds']:.2f} s | "
                f"{m['peak_kb'] / 1024:.0f} MB | {m['base_kb'] / 1024:.0f} MB | {reason} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
