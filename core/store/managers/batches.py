"""``store.batches``: import a workbook as a batch, calculate, approve, pay, adjust, and read batches back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.records import BatchRecord, CompanyResultRecord, ImportData, LineRecord, PaidBefore
from core.store import batchlist
from core.store.errors import Stale
from core.store.managers import Later
from core.store.managers.base import Cancel, Manager, Progress, Tx, change

if TYPE_CHECKING:  # the engine is loaded by the calls that evaluate, not by every command that opens the store
    from core.policy.policyset import PolicySet
    from core.store import adjustments, approval, calc_cases, imports, overrides, reads
    from core.store import calc_run
    from core.store.calc import CalcSummary
else:  # what only importing, calculating, approving or adjusting needs (listing batches needs none of it, nor the
    # ORM's reads and the models they map: core.store.batchlist)
    adjustments, approval, calc_cases, imports, overrides, reads = (
        Later(f"core.store.{name}")
        for name in ("adjustments", "approval", "calc_cases", "imports", "overrides", "reads")
    )

INCLUDE_DRAFTS_KEY = "calc.include_drafts"


class Batches(Manager):
    def __call__(self) -> list[BatchRecord]:
        """``store.batches()``: every batch (the form callers used before the managers)."""
        return self.all()

    # ------------------------------------------------------------ reads
    def all(self) -> list[BatchRecord]:
        return self._read_core(batchlist.batches)

    def get(self, batch_id: int) -> BatchRecord:
        return self._read(lambda s: reads.batch_record(reads.get_batch(s, batch_id)))

    def totals(self, only: int | None = None) -> dict[int, tuple[int, int, Decimal]]:
        """{batch id: (companies, lines, total)} of every batch, or ``only`` that one."""
        return self._read_core(batchlist.batch_totals, only)

    def lines(self, batch_id: int, check: str = "") -> list[LineRecord]:
        """The batch's lines. ``check``: what the clerk puts them on paper for (导出测算结果 ...): every row they show
        is checked against its seal first, and a tampered one refuses (Tampered, recorded in the audit log)."""
        from core.store import linereads  # decodes traces: loads the engine's Trace

        return self._read(linereads.lines, batch_id, check)

    @contextmanager
    def paper_lines(self, batch_id: int, check: str) -> Iterator[Iterator[LineRecord]]:
        """``with store.batches.paper_lines(batch_id, check) as lines:`` the batch's lines in print order, each
        chunk checked against its seals before it is handed over (a tampered row refuses: Tampered, recorded in
        the audit log), so an export writes them as they come and never holds them all
        (core.store.linereads.paper_lines). Consume them inside the block."""
        from core.store import linereads

        with self.store.reading() as s:
            yield linereads.paper_lines(s, batch_id, check)

    @contextmanager
    def paper_results(self, batch_id: int, check: str) -> Iterator[tuple[Iterator[LineRecord], Iterator]]:
        """``with store.batches.paper_results(batch_id, check) as (lines, warnings):`` what the results workbook
        prints, read on one snapshot: the lines as :meth:`paper_lines` hands them over, then the members' warnings
        (core.records.CompanyWarning, each chunk checked against its seals: core.store.linereads.paper_warnings).
        Consume the lines first, then the warnings, inside the block."""
        from core.store import linereads

        with self.store.reading() as s:
            yield linereads.paper_lines(s, batch_id, check), linereads.paper_warnings(s, batch_id, check)

    def company_results(self, batch_id: int) -> list[CompanyResultRecord]:
        return self._read(reads.company_results, batch_id)

    # ------------------------------------------------------------ imports
    def apply_import(self, data: ImportData, accept_payee_changes: bool = False) -> tuple[int, bool]:
        """Write a parsed workbook as a new draft batch: ``(batch id, True)``.

        The same file again (same sha256) changes nothing and returns
        ``(existing batch id, False)``. A SQLite database is backed up first.
        A workbook that changes a known company's name, bank or account is refused (PayeeChanges, listing
        them: ``payee_changes(data)``) unless the clerk confirmed them: ``accept_payee_changes=True``.
        """
        store = self.store
        existing = self.imported_batch(data.sha256)
        if existing is not None:
            return existing, False
        with store.reading() as s:
            store.actor(s, "import")  # refuse before making a backup
            if not accept_payee_changes and (found := imports.payee_changes(s, data)):
                imports.refuse_payee_changes(found)
        if store.is_sqlite and store.path is not None and store.path.exists():
            store.backups.create("import")
        for attempt in (1, 2):
            try:
                return self._write_import(data, accept_payee_changes), True
            except IntegrityError:
                # On a server, another clerk may have imported the same file, or created one of its new
                # companies, at the same moment: the same file is then a re-import, a company is merged.
                existing = self.imported_batch(data.sha256)
                if existing is not None:
                    return existing, False
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @change("import")
    def _write_import(self, tx: Tx, data: ImportData, accept_payee_changes: bool) -> int:
        batch_id = imports.apply_import(tx.s, data, self.store.vocabulary, tx.actor, accept_payee_changes)
        tx.changed(companies=_members(tx, batch_id))  # created, or merged with the workbook's profile and history
        return batch_id

    def payee_changes(self, data: ImportData) -> list[imports.PayeeChange]:
        """The known companies whose name, bank or account importing ``data`` would change (the import screen
        lists them for the clerk to confirm)."""
        return self._read(imports.payee_changes, data)

    def imported_batch(self, sha256: str) -> int | None:
        """The batch a workbook with this sha256 was imported as, or None (a screen says so before importing)."""
        return self._read(imports.find_import, sha256)

    def paid_before(self, data: ImportData, policies: PolicySet, cancel: Cancel | None = None) -> list[PaidBefore]:
        """The workbook's claims whose subject was awarded before, as the engine finds them (core.store.preview).

        Read as a calculation of the workbook would read it: stored overrides applied to ``policies``,
        drafts included as the setting says. ``cancel()`` is asked per row read and per company.
        """
        from core.store import preview  # loads the engine

        with self.store.reading() as s:
            cases = preview.cases_to_check(s, data, self.store.vocabulary, cancel)
            records = overrides.list_overrides(s)
            include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
        if not cases:
            return []
        from core.engine import Context

        ctx = Context(overrides.with_overrides(policies, records), data.award_year, include_drafts=include_drafts)
        return preview.paid_before(cases, ctx, cancel)

    def import_summary(self, batch_id: int) -> dict:
        """What the import of the batch's workbook added and changed (counts by kind)."""
        return self._read(imports.summary, batch_id)

    # ------------------------------------------------------------ the lifecycle
    def calculate(
        self, batch_id: int, policies: PolicySet, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> CalcSummary:
        """Evaluate every company of a draft batch and replace its lines at once.

        ``progress(done, total)`` is called as companies are done and
        ``cancel()`` is asked before each (and before each row read); on cancel, Cancelled is raised and
        nothing is written. Stored overrides are applied to ``policies``. The companies are read and
        evaluated a chunk at a time (core.store.calc_run) and written in one transaction.
        """
        with self.store.reading() as s:
            self.store.actor(s, "calculate")
            batch = reads.get_batch(s, batch_id)
            approval.require_draft(batch, "重新计算")
            plan = calc_cases.plan(s, batch_id)
            records = overrides.list_overrides(s)
            version = overrides.overrides_version(s)
            include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
            award_year = batch.award_year
        from core.engine import Context
        from core.store import calc_run

        ctx = Context(overrides.with_overrides(policies, records), award_year, include_drafts=include_drafts)
        with calc_run.evaluated(self.store, plan, ctx, progress, cancel) as spool:
            return self._write_results(plan, spool, version)

    @change("calculate")
    def _write_results(self, tx: Tx, plan: calc_cases.Plan, spool: calc_run.Spool, version: int) -> CalcSummary:
        from core.store.calc import write_outcomes

        batch = approval.locked_batch(tx.s, plan.batch_id)
        approval.require_draft(batch, "重新计算")
        if overrides.overrides_version(tx.s) != version:
            raise Stale("计算期间参数调整有变化，计算结果未保存，请重新计算")
        calc_cases.check_plan(tx.s, plan)
        return write_outcomes(tx.s, batch, spool, spool.versions, version, tx.actor)

    @change("approve")
    def approve(
        self,
        tx: Tx,
        batch_id: int,
        preparer: str | None = None,
        reviewer: str | None = None,
        allow_provisional: bool = False,
    ) -> None:
        """Approve a calculated draft: its lines go into the ledger and nothing of it changes afterwards.

        Once users exist, the reviewer is the logged-in user (``reviewer``, if given, must be that user) and
        the preparer is who imported and calculated the batch; the two must be different people. Before
        users exist, both names are given and must differ.
        """
        approval.approve(
            tx.s,
            batch_id,
            preparer,
            reviewer,
            overrides.overrides_version(tx.s),
            self.store.vocabulary,
            allow_provisional,
            tx.actor,
        )
        tx.changed(companies=_members(tx, batch_id))  # their award history gained the batch's lines

    @change("mark_paid")
    def mark_paid(self, tx: Tx, batch_id: int) -> None:
        approval.mark_paid(tx.s, batch_id)

    @change("delete_draft")
    def delete_draft(self, tx: Tx, batch_id: int) -> None:
        approval.delete_draft(tx.s, batch_id)

    @change("create_adjustment")
    def create_adjustment(
        self, tx: Tx, batch_id: int, who: str | None, reason: str, company_ids: Iterable[int] | None = None
    ) -> int:
        """A draft adjustment batch correcting an approved one (optionally only some companies); returns its id.

        ``who`` is the preparer making it: once users exist it must be the logged-in user (or None). Its lines,
        once calculated, are the differences from what the original paid (core.store.adjustments).
        """
        return adjustments.create_adjustment(tx.s, batch_id, reason, tx.as_actor(who, "经办人"), company_ids)


def _members(tx: Tx, batch_id: int) -> list[int]:
    from core.store.models import BatchCompany

    return list(tx.s.scalars(select(BatchCompany.company_id).where(BatchCompany.batch_id == batch_id)))
