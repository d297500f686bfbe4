"""The self-check of an installed program (``kjjb --selftest``): the parts that need no Qt.

Each step is a function of the :class:`SelfTest` that returns one line for the
clerk (or raises); the steps run in order and the first failure stops the
run, since later steps use what earlier ones made. gui/selftest.py adds the
steps that need Qt (letters as PDF, the main window) and runs them all.
Everything is written to a temporary folder; the user's own data folder is
never touched.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from collections.abc import Callable

from core.money import ZERO


class SelfTestError(Exception):
    """A check found the program broken; the message says what, in Chinese."""


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    seconds: float
    trace: str = ""

    def line(self) -> str:
        return f"[{'通过' if self.ok else '失败'}] {self.name}：{self.detail}（{self.seconds:.2f}秒）"


@dataclass
class SelfTest:
    folder: Path  # where the check writes (a temporary folder)
    write: Callable[[str], object] = print  # one line at a time
    outcomes: list[Outcome] = field(default_factory=list)
    policies: Any = None  # core.policy.policyset.PolicySet, loaded by the first check
    store: Any = None  # core.store.Store, opened by a later check (imported lazily: start-up time)
    batch_id: int | None = None

    def run(self, steps) -> bool:
        """Run ``steps`` ((name, fn(selftest) -> detail), ...) until one fails; True when all pass."""
        for name, fn in steps:
            started = time.perf_counter()
            try:
                detail = fn(self)
            except Exception as exc:  # every failure is reported, never a bare traceback
                ours = type(exc).__module__.startswith("core.")  # the program's own errors speak Chinese
                message = str(exc) if ours and str(exc) else f"{type(exc).__name__}：{exc}"
                outcome = Outcome(name, False, message, time.perf_counter() - started, traceback.format_exc())
            else:
                outcome = Outcome(name, True, detail, time.perf_counter() - started)
            self.outcomes.append(outcome)
            self.write(outcome.line())
            if not outcome.ok:
                return False
        return True

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    @property
    def db_url(self) -> str:
        return f"sqlite:///{(self.folder / 'selftest.sqlite3').as_posix()}"


def check_policies(t: SelfTest) -> str:
    from core.engine import load_policies

    t.policies = load_policies()
    return f"{len(t.policies.documents)}个政策文件，{len(t.policies.rules)}条规则"


def check_rule_cases(t: SelfTest) -> str:
    from core.rulecases import run_rule_cases

    report = run_rule_cases(t.policies)
    if report.failures:
        raise SelfTestError(f"{len(report.failures)}项规则案例不通过，第一项：{report.failures[0]}")
    if report.uncovered:
        raise SelfTestError(f"{len(report.uncovered)}条规则没有案例：{'、'.join(report.uncovered)}")
    if not report.passed:
        raise SelfTestError("没有找到规则案例（resources/policies/cases）")
    return f"{report.passed}项全部通过"


def check_upgrade(t: SelfTest) -> str:
    """An old database is backed up and upgraded when opened (with every shipped migration)."""
    from core.store import migrate, open_store
    from core.store.db import make_engine

    revisions = [r.revision for r in migrate.script_directory().walk_revisions()]
    oldest, head = revisions[-1], revisions[0]
    url = f"sqlite:///{(t.folder / 'old.sqlite3').as_posix()}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, oldest)
    finally:
        engine.dispose()
    store = open_store(url)
    try:
        if store.schema.revision() != head or store.last_upgrade is None:
            raise SelfTestError(f"结构版本{oldest}的数据库打开后未升级到{head}")
        backup = store.last_upgrade[2]
        if backup is None or not Path(backup).is_file():
            raise SelfTestError("数据库升级前没有备份")
    finally:
        store.close()
    return f"结构版本{oldest}的数据库已备份并升级到{head}（共{len(revisions)}个迁移脚本）"


def check_store(t: SelfTest) -> str:
    from core.store import migrate, open_store

    t.store = open_store(t.db_url)
    head = migrate.head_revision()
    if t.store.revision() != head:
        raise SelfTestError(f"新建数据库的结构版本为{t.store.revision()}，应为{head}")
    return f"新建SQLite数据库，结构版本{head}"


def check_demo(t: SelfTest) -> str:
    from core.demo import SAMPLE_WORKBOOK, load_demo_data

    t.batch_id = load_demo_data(t.store, t.policies)
    batch = t.store.batch(t.batch_id)
    lines = t.store.lines(t.batch_id)
    companies = {line.uscc for line in lines}
    total = sum((line.amount for line in lines), ZERO)
    if not lines or total <= ZERO or not all(isinstance(line.amount, Decimal) for line in lines):
        raise SelfTestError(f"样例批次计算后没有奖补明细（{SAMPLE_WORKBOOK.name}）")
    provisional = sum(1 for line in lines if line.provisional)
    return (
        f"{SAMPLE_WORKBOOK.name}导入为批次{batch.id}，{len(companies)}家企业获得{len(lines)}条奖补明细，"
        f"合计{total:,.2f}元（{provisional}条依据征求意见稿测算）"
    )


def check_approve(t: SelfTest) -> str:
    t.store.approve(t.batch_id, preparer="自检经办人", reviewer="自检审核人", allow_provisional=True)
    batch = t.store.batch(t.batch_id)
    if batch.status != "approved":
        raise SelfTestError(f"批次审批后状态为{batch.status}")
    return f"批次{batch.id}已审批（允许审批测算金额）"


def check_results_workbook(t: SelfTest) -> str:
    from openpyxl import load_workbook

    from core.excel.results_workbook import write_results_workbook

    batch, target = t.store.batch(t.batch_id), t.folder / "自检_测算结果.xlsx"
    with t.store.batches.paper_results(t.batch_id, "导出测算结果") as (lines, warnings):  # as the export reads
        path = write_results_workbook(batch, lines, target, warnings=warnings)
    wb = load_workbook(path, read_only=True)
    try:
        sheets = wb.sheetnames
    finally:
        wb.close()
    return f"{Path(path).name}（{len(sheets)}个工作表：{'、'.join(sheets)}，{Path(path).stat().st_size // 1024} KB）"


CORE_STEPS = (
    ("政策文件", check_policies),
    ("规则案例", check_rule_cases),
    ("数据库升级", check_upgrade),
    ("数据库", check_store),
    ("样例批次导入与计算", check_demo),
    ("审批", check_approve),
    ("测算结果工作簿", check_results_workbook),
)
