"""A batch driven from the command line, the way the installer checks run it on an installed program.

template, import of the sample workbook, calc, approve, and the three exports
(测算结果, 资金拨付明细表, 公示名单); then what the files hold and what the
store says, so that an installed program's batch can be compared with the same
batch worked out by the source tree (``reference``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "申报样例.xlsx"
EXPORTS = {"export": "测算结果.xlsx", "disbursement": "资金拨付明细表.xlsx", "publicity": "公示名单.xlsx"}
TEMPLATE = "申报模板.xlsx"
SAMPLE_NAME = "申报样例（企业填报）.xlsx"


class BatchFailed(Exception):
    pass


def _expect(condition, message: str) -> None:
    if not condition:
        raise BatchFailed(message)


def sheets_of(path: Path) -> dict[str, int]:
    """Sheet name -> rows of a workbook."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: ws.max_row for ws in wb.worksheets}
    finally:
        wb.close()


def drive(kjjb: Callable[..., str], path_arg: Callable[[str], str], local: Path) -> dict:
    """Run the batch with ``kjjb(*args) -> stdout`` (raising on a non-zero exit); ``path_arg(name)`` is how
    the program names a file of the work folder, ``local`` the same folder here. Returns what it found."""
    local.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SAMPLE, local / SAMPLE_NAME)
    out = kjjb("template", "-o", path_arg(TEMPLATE))
    _expect("已生成申报模板" in out, out)
    out = kjjb("import", path_arg(SAMPLE_NAME))
    batch = out.strip().splitlines()[0].strip() if out.strip() else ""
    _expect(batch.isdigit() and "已导入新批次" in out, out)
    out = kjjb("calc", batch)
    _expect("计算完成" in out, out)
    out = kjjb("approve", batch, "--preparer", "张三", "--reviewer", "李四", "--allow-provisional")
    _expect("已审批" in out, out)
    for command, name in EXPORTS.items():
        extra = [] if command == "export" else ["--include-provisional"]
        out = kjjb(command, batch, "-o", path_arg(name), *extra)
        _expect(name in out, out)
    batches = [
        {k: b[k] for k in ("status", "companies", "lines", "total")} for b in json.loads(kjjb("batches", "--json"))
    ]
    sheets = {name: sheets_of(local / name) for name in [TEMPLATE, *EXPORTS.values()]}
    for name in EXPORTS.values():
        _expect(sheets[name] and all(rows > 1 for rows in sheets[name].values()), f"{name} 是空的：{sheets[name]}")
    return {"batch": batch, "batches": batches, "sheets": sheets}


def reference(folder: Path) -> dict:
    """The same batch worked out by the source tree here (a fresh data folder)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KJJB_", "QT_"))}
    env["KJJB_DATA_DIR"] = str(folder / "data")

    def kjjb(*args) -> str:
        return subprocess.run(
            [sys.executable, "main.py", *map(str, args)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            encoding="utf-8",
        ).stdout

    return drive(kjjb, lambda name: str(folder / name), folder)


def compare(got: dict, want: dict, where: str) -> str:
    """One line saying the batch matched, or BatchFailed naming what differed."""
    _expect(got["batches"] == want["batches"], f"{where}的批次 {got['batches']} 与源码的 {want['batches']} 不同")
    _expect(got["sheets"] == want["sheets"], f"{where}导出的工作表 {got['sheets']} 与源码的 {want['sheets']} 不同")
    b = got["batches"][0]
    return (
        f"批次{got['batch']}：{b['companies']}家企业，{b['lines']}条明细，合计{b['total']}元，已审批；"
        f"模板和三个导出工作簿（{'、'.join(EXPORTS.values())}）与源码的结果相同"
    )
