"""The import wizard's 检查 and 导入 of a big workbook, in a worker process (gui/workerprocess.py).

检查 reads and checks the workbook, looks up which companies are known, whether
the file was imported before, which claims were paid before and whose payee it
changes; the window gets a :class:`Checked` (what the confirm page shows). On
the worker the parsed workbook (ImportData) is written to a private temporary
folder, and 导入 starts a second worker that reads it back and imports it: what
is imported is what was checked, and the window never holds (nor frees, nor
collects) the workbook's hundreds of thousands of objects.

A workbook smaller than PROCESS_FROM_BYTES (about 2,000 companies in the
template) is checked and imported on the thread, as before: starting a process
costs about a second, more than such a workbook takes.

取消 of 导入 stops the worker at its next database statement: the import's one
transaction is rolled back, nothing is written. Had it committed just before,
the import stands and the caller is told so (:func:`apply`).

This module imports no Qt: the worker process imports it.
"""

from __future__ import annotations

import atexit
import hashlib
import pickle
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.progress import Cancelled
from core.store.changes import NOTHING, Changes
from gui import workerprocess

PROCESS_FROM_BYTES = 250_000  # workbook file size; the template with 2,000 companies is about 280 KB
KEPT_NAME = "checked.pickle"
_kept: set[Path] = set()  # the folders of this window's checked workbooks, removed at the latest when it quits


@dataclass
class Checked:
    """A workbook that passed the check: what the confirm and done pages show, and where the workbook is.

    ``data`` is the ImportData when it was checked on the thread; ``kept`` the file the worker wrote it to.
    """

    source_name: str
    sha256: str
    batch_name: str
    award_year: int
    companies: int
    recognitions: int
    tech_sme: int
    rd: int
    claims: int
    claim_types: Counter  # claim type -> claims
    notes: list  # ImportNote: one subject on several rows
    note_names: dict  # uscc -> company name, of the companies the notes name
    previous: int | None  # the batch this file was imported as before
    known: int  # companies already on file
    payee_changes: list
    paid_before: list
    data: object = None
    kept: Path | None = field(default=None)
    kept_sha256: str = ""  # of the kept file as the checking worker wrote it: checked before it is read back

    def discard(self) -> None:
        """Remove the worker's copy of the workbook (the wizard closed, or imported it)."""
        if self.kept is not None:
            _remove(self.kept.parent)
            self.kept = None
        self.data = None


def check(store, path: Path, year, name, policies, report, cancelled) -> Checked:
    """Read and check the workbook at ``path`` (in a worker process when it is big); nothing is written."""
    args = {"path": Path(path), "year": year, "name": name, "policies": policies, "keep": None}
    ctx = workerprocess.worker_context() if Path(path).stat().st_size >= PROCESS_FROM_BYTES else None
    if ctx is None or not workerprocess.usable(store):
        return _check(store, args, report, cancelled)
    folder = Path(tempfile.mkdtemp(prefix="kjjb-import-"))
    _kept.add(folder)
    args["keep"] = folder / KEPT_NAME
    try:
        return workerprocess.run(
            ctx,
            store,
            _check,
            args,
            report,
            cancelled,
            name="kjjb-check",
            what="检查进程",
            unchanged="没有导入任何数据",
        )
    except BaseException:
        _remove(folder)
        raise


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    _kept.discard(folder)


@atexit.register
def _remove_all() -> None:
    for folder in list(_kept):
        _remove(folder)


def _check(store, args, report, cancelled) -> Checked:
    """The check, on the thread or as the worker's job."""
    from core.excel.package import import_limits
    from core.excel.reader import read_workbook

    data = read_workbook(
        args["path"],
        args["year"],
        args["name"],
        known_uscc=store.known_uscc,
        vocabulary=store.vocabulary,
        limits=import_limits(store.setting),
        progress=report,
        cancel=cancelled,
    )
    known = len(store.existing_usccs(c.uscc for c in data.companies))
    previous = store.imported_batch(data.sha256)
    found = []
    if previous is None:
        report(0, 0, "正在核对台账：申报事项此前是否已兑现…")
        found = store.paid_before(data, args["policies"], cancelled)
    named = {n.uscc for n in data.notes}
    checked = Checked(
        source_name=data.source_name,
        sha256=data.sha256,
        batch_name=data.batch_name,
        award_year=data.award_year,
        companies=len(data.companies),
        recognitions=len(data.recognitions),
        tech_sme=len(data.tech_sme),
        rd=len(data.rd),
        claims=len(data.claims),
        claim_types=Counter(c.type for _, c in data.claims),
        notes=list(data.notes),
        note_names={p.uscc: p.name for p in data.companies if p.uscc in named},
        previous=previous,
        known=known,
        payee_changes=store.payee_changes(data),
        paid_before=found,
    )
    if args["keep"] is None:
        checked.data = data
    else:
        if cancelled():
            raise Cancelled()
        kept = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        with open(args["keep"], "wb") as f:
            f.write(kept)
        checked.kept, checked.kept_sha256 = args["keep"], hashlib.sha256(kept).hexdigest()
    return checked


def apply(store, checked: Checked, accept_payee_changes: bool, report, cancelled) -> tuple[tuple[int, bool], Changes]:
    """Import a checked workbook: ``((batch id, created), what it changed)``, where it was checked.

    When 取消 came too late (the import had committed), the import stands: its result is returned.
    """
    args = {"kept": checked.kept, "kept_sha256": checked.kept_sha256, "accept": accept_payee_changes}
    ctx = workerprocess.worker_context() if checked.kept is not None else None
    if ctx is None:
        if checked.data is None:
            raise RuntimeError("检查结果已失效，请重新检查工作簿")
        before = store.last_changes
        result = store.apply_import(checked.data, accept_payee_changes=accept_payee_changes)
        return result, (NOTHING if store.last_changes is before else store.last_changes)
    try:
        return workerprocess.run(
            ctx,
            store,
            _apply,
            args,
            report,
            cancelled,
            name="kjjb-import",
            what="导入进程",
            unchanged="没有导入任何数据",
        )
    except Cancelled:
        batch_id = store.imported_batch(checked.sha256)
        if batch_id is None:
            raise
        return (batch_id, True), Changes(batches=frozenset({batch_id}), audit=True)


class KeptFileChanged(ValueError):
    """The checked copy no longer is what the check wrote: it is not read (unpickling runs what a file says)."""

    def __str__(self) -> str:
        return "检查后保存的临时文件已被改动或损坏，未导入任何数据；请重新检查工作簿"


def _read_kept(path: Path, sha256: str) -> bytes:
    """The kept file's bytes, when they are exactly what the checking worker wrote (its digest came back through
    the window, not through the file)."""
    kept = Path(path).read_bytes()
    if not sha256 or hashlib.sha256(kept).hexdigest() != sha256:
        raise KeptFileChanged()
    return kept


def _apply(store, args, report, cancelled):
    """The worker's job: read back the checked workbook and import it, stopping at 取消 before it commits."""
    from sqlalchemy import event

    report(0, 0, "正在写入数据库（导入前自动备份数据库）…")
    data = pickle.loads(_read_kept(args["kept"], args["kept_sha256"]))

    def stop_here(*_):
        if cancelled():
            raise Cancelled()

    if cancelled():
        raise Cancelled()
    event.listen(store.engine, "before_cursor_execute", stop_here)
    try:
        before = store.last_changes
        result = store.apply_import(data, accept_payee_changes=args["accept"])
    finally:
        event.remove(store.engine, "before_cursor_execute", stop_here)
    return result, (NOTHING if store.last_changes is before else store.last_changes)
