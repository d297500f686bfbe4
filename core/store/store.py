"""The store: one object over one database that the GUI, the CLI, Excel and letters share.

    store = open_store()                      # the SQLite file in the data folder
    batch_id, created = store.apply_import(data)
    store.calculate(batch_id, load_policies())
    store.approve(batch_id, preparer="张三", reviewer="李四")
    store.lines(batch_id)

Every method runs in its own transaction: it either completes or leaves the
database as it was. Errors meant for the clerk are StoreError (Chinese).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.engine import Context
from core.model import RdYear, Recognition
from core.policy.policyset import Override, PolicySet
from core.records import BatchRecord, CompanyProfile, CompanyResultRecord, ImportData, LineRecord
from core.store import approval, backup, companies, imports, letternumbers, migrate, overrides, reads
from core.store.calc import CalcSummary, evaluate_all, write_results
from core.store.db import WRITE, display_url, is_sqlite, make_engine, resolve_url, sqlite_path
from core.store.errors import DatabaseUnavailable, SchemaMismatch, Stale, StoreError
from core.store.history import load_batch_cases, load_histories
from core.vocabulary import Vocabulary, load_vocabulary

INCLUDE_DRAFTS_KEY = "calc.include_drafts"


class Store:
    def __init__(self, url: str, vocabulary: Vocabulary | None = None):
        self.url = url
        self.engine = make_engine(url)
        self._writer = self.engine.execution_options(**{WRITE: True})
        # Reads see one snapshot on both back ends (SQLite's BEGIN gives that already).
        self._reader = (self.engine if self.is_sqlite
                        else self.engine.execution_options(isolation_level="REPEATABLE READ"))
        self.vocabulary = vocabulary or load_vocabulary()

    # ------------------------------------------------------------ plumbing
    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def path(self) -> Path | None:
        """The SQLite database file (None for a server database)."""
        return sqlite_path(self.url)

    @contextmanager
    def reading(self):
        """A session on one consistent snapshot (for reads only)."""
        with Session(self._reader, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def writing(self):
        """A session in one write transaction: committed if the block ends normally, else rolled back."""
        with Session(self._writer, expire_on_commit=False) as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ schema
    def revision(self) -> str | None:
        return migrate.revision_state(self.engine)[0]

    def check_schema(self, *, auto_upgrade: bool = True) -> None:
        """Create the schema in an empty database; upgrade an older SQLite one (after a backup).

        A server database at an older revision is left alone with a message:
        several clerks may be using it, so its administrator upgrades it
        (``main.py db upgrade``) after backing it up.
        """
        current = self._usable_revision()
        head = migrate.head_revision()
        if current not in (None, head) and not (auto_upgrade and self.is_sqlite):
            raise SchemaMismatch(f"数据库结构版本为{current}，本程序需要{head}；请先备份服务器数据库，"
                                 f"再运行 python main.py db upgrade 升级")
        self.upgrade()

    def upgrade(self) -> str | None:
        """Bring the schema to the newest revision (creating it in an empty database).

        A SQLite file that holds data is backed up first; returns the backup's path.
        """
        current = self._usable_revision()
        if current == migrate.head_revision():
            return None
        saved = self.backup("migrate") if current is not None and self.is_sqlite else None
        migrate.upgrade(self.engine)
        return str(saved) if saved else None

    def _usable_revision(self) -> str | None:
        """The schema revision, after refusing a database of another program or of a newer version."""
        try:
            current, foreign = migrate.revision_state(self.engine)
        except OperationalError as exc:
            raise DatabaseUnavailable(f"无法访问数据库{self.display_url}：{str(exc.orig or exc).strip()}") from None
        if foreign:
            raise SchemaMismatch(f"数据库{self.display_url}中已有其他程序的数据表，不是本程序的数据库")
        migrate.check_revision(current)
        return current

    # ------------------------------------------------------------ backups
    def backup(self, reason: str = "manual") -> Path:
        path = self._sqlite_file()
        return backup.create_backup(path, reason)

    def backups(self) -> list[backup.BackupInfo]:
        self._sqlite_file()
        return backup.list_backups()

    def restore(self, name: str) -> Path:
        """Replace the database with a backup; a safety copy of the current state is made first (returned)."""
        path = self._sqlite_file()
        source = backup.find_backup(name)
        revision = backup.backup_revision(source)
        migrate.check_revision(revision)
        safety = backup.create_backup(path, "restore")
        self.engine.dispose()
        backup.copy_into(source, path)
        self.check_schema()
        return safety

    def _sqlite_file(self) -> Path:
        if not self.is_sqlite:
            raise StoreError(backup.PG_MESSAGE)
        path = self.path
        if path is None:
            raise StoreError("内存数据库不能备份")
        return path

    # ------------------------------------------------------------ imports
    def apply_import(self, data: ImportData) -> tuple[int, bool]:
        """Write a parsed workbook as a new draft batch: ``(batch id, True)``.

        The same file again (same sha256) changes nothing and returns
        ``(existing batch id, False)``. A SQLite database is backed up first.
        """
        with self.reading() as s:
            existing = imports.find_import(s, data.sha256)
        if existing is not None:
            return existing, False
        if self.is_sqlite and self.path is not None and self.path.exists():
            self.backup("import")
        for attempt in (1, 2):
            try:
                with self.writing() as s:
                    return imports.apply_import(s, data, self.vocabulary), True
            except IntegrityError:
                # On a server, another clerk may have imported the same file, or created one of its new
                # companies, at the same moment: the same file is then a re-import, a company is merged.
                with self.reading() as s:
                    existing = imports.find_import(s, data.sha256)
                if existing is not None:
                    return existing, False
                if attempt == 2:
                    raise

    def imported_batch(self, sha256: str) -> int | None:
        """The batch a workbook with this sha256 was imported as, or None (a screen says so before importing)."""
        with self.reading() as s:
            return imports.find_import(s, sha256)

    def import_summary(self, batch_id: int) -> dict:
        """What the import of the batch's workbook added and changed (counts by kind)."""
        with self.reading() as s:
            return imports.summary(s, batch_id)

    # ------------------------------------------------------------ batches
    def calculate(self, batch_id: int, policies: PolicySet, progress=None, cancel=None) -> CalcSummary:
        """Evaluate every company of a draft batch and replace its lines at once.

        ``progress(done, total)`` is called as companies are done and
        ``cancel()`` is asked before each; on cancel, Cancelled is raised and
        nothing is written. Stored overrides are applied to ``policies``.
        """
        with self.reading() as s:
            batch = reads.get_batch(s, batch_id)
            approval.require_draft(batch, "重新计算")
            loaded = load_batch_cases(s, batch, self.vocabulary)
            records = overrides.list_overrides(s)
            version = overrides.overrides_version(s)
            include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
            award_year = batch.award_year
        ctx = Context(overrides.with_overrides(policies, records), award_year, include_drafts=include_drafts)
        results = evaluate_all(loaded, ctx, progress, cancel)
        with self.writing() as s:
            batch = approval.locked_batch(s, batch_id)
            approval.require_draft(batch, "重新计算")
            if overrides.overrides_version(s) != version:
                raise Stale("计算期间参数调整有变化，计算结果未保存，请重新计算")
            return write_results(s, batch, loaded, results, version)

    def approve(self, batch_id: int, preparer: str, reviewer: str, allow_provisional: bool = False) -> None:
        with self.writing() as s:
            approval.approve(s, batch_id, preparer, reviewer, overrides.overrides_version(s), self.vocabulary,
                             allow_provisional)

    def mark_paid(self, batch_id: int) -> None:
        with self.writing() as s:
            approval.mark_paid(s, batch_id)

    def delete_draft(self, batch_id: int) -> None:
        with self.writing() as s:
            approval.delete_draft(s, batch_id)

    def batches(self) -> list[BatchRecord]:
        with self.reading() as s:
            return reads.batches(s)

    def batch(self, batch_id: int) -> BatchRecord:
        with self.reading() as s:
            return reads.batch_record(reads.get_batch(s, batch_id))

    def batch_totals(self):
        with self.reading() as s:
            return reads.batch_totals(s)

    def lines(self, batch_id: int) -> list[LineRecord]:
        with self.reading() as s:
            return reads.lines(s, batch_id)

    def company_results(self, batch_id: int) -> list[CompanyResultRecord]:
        with self.reading() as s:
            return reads.company_results(s, batch_id)

    # ------------------------------------------------------------ award letters (core.letters.numbering.LetterRegistry)
    def letter_numbers(self, batch_id: int) -> dict:
        """{uscc: (year, serial)} of the batch's letters; companies without one get the next serials of the year."""
        for attempt in (1, 2, 3):
            try:
                with self.writing() as s:
                    return letternumbers.letter_numbers(s, batch_id)
            except IntegrityError:  # another clerk took the same serial at the same moment: count again
                if attempt == 3:
                    raise

    def record_letter_issue(self, batch_id: int, uscc: str, kind: str, who: str) -> None:
        with self.writing() as s:
            letternumbers.record_letter_issue(s, batch_id, uscc, kind, who)

    def letter_issues(self, batch_id: int) -> list[tuple]:
        with self.reading() as s:
            return letternumbers.letter_issues(s, batch_id)

    # ------------------------------------------------------------ companies
    def search_companies(self, f: companies.CompanyFilter | None = None) -> list[int]:
        with self.reading() as s:
            return companies.search(s, f or companies.CompanyFilter())

    def company_rows(self, ids) -> list[companies.CompanyRow]:
        with self.reading() as s:
            return companies.rows(s, ids)

    def counties(self, city: str | None = None) -> list[str]:
        with self.reading() as s:
            return companies.counties(s, city)

    def company_id(self, uscc: str) -> int | None:
        with self.reading() as s:
            return companies.company_id_for(s, uscc)

    def existing_usccs(self, usccs) -> set[str]:
        """The codes among ``usccs`` that already have a company (an import screen counts new and known ones)."""
        with self.reading() as s:
            return companies.existing_usccs(s, usccs)

    def known_uscc(self, uscc: str) -> bool:
        """Whether the store has a company with this USCC (the workbook reader asks)."""
        return self.company_id(uscc) is not None

    def company_detail(self, company_id: int) -> companies.CompanyDetail:
        with self.reading() as s:
            return companies.detail(s, company_id, self.vocabulary)

    def history(self, company_id: int, batch_id: int | None = None):
        """The History the engine would read for the company (in ``batch_id``, or now)."""
        with self.reading() as s:
            return load_histories(s, [company_id], batch_id, self.vocabulary)[company_id]

    def add_company(self, profile: CompanyProfile) -> int:
        with self.writing() as s:
            return companies.add_company(s, profile, self.vocabulary)

    def update_company(self, company_id: int, **changes) -> None:
        with self.writing() as s:
            companies.update_company(s, company_id, changes, self.vocabulary)

    def add_recognition(self, company_id: int, rec: Recognition) -> int:
        with self.writing() as s:
            return companies.add_recognition(s, company_id, rec, self.vocabulary)

    def update_recognition(self, row_id: int, rec: Recognition) -> None:
        with self.writing() as s:
            companies.update_recognition(s, row_id, rec, self.vocabulary)

    def delete_recognition(self, row_id: int) -> None:
        with self.writing() as s:
            companies.delete_recognition(s, row_id)

    def add_tech_sme(self, company_id: int, year: int, number: str = "") -> int:
        with self.writing() as s:
            return companies.add_tech_sme(s, company_id, year, number)

    def delete_tech_sme(self, row_id: int) -> None:
        with self.writing() as s:
            companies.delete_tech_sme(s, row_id)

    def set_rd_year(self, company_id: int, rd: RdYear) -> int:
        with self.writing() as s:
            return companies.set_rd_year(s, company_id, rd)

    def delete_rd_year(self, row_id: int) -> None:
        with self.writing() as s:
            companies.delete_rd_year(s, row_id)

    def add_ledger_entry(self, company_id: int, rule_id: str, year: int, amount, subject: str = "",
                         person: str = "", note: str = "") -> int:
        with self.writing() as s:
            return companies.add_ledger_entry(s, company_id, rule_id, year, amount, subject, person, note)

    def delete_ledger_entry(self, row_id: int) -> None:
        with self.writing() as s:
            companies.delete_ledger_entry(s, row_id)

    # ------------------------------------------------------------ overrides and settings
    def overrides(self, include_revoked: bool = False) -> list[overrides.OverrideRecord]:
        with self.reading() as s:
            return overrides.list_overrides(s, include_revoked)

    def override(self, override_id: int) -> overrides.OverrideRecord:
        with self.reading() as s:
            return overrides.get_override(s, override_id)

    def add_override(self, o: Override, policies: PolicySet | None = None) -> int:
        """Store an override; with ``policies``, first check that it names a real rule and parameter."""
        with self.writing() as s:
            return overrides.add_override(s, o, policies)

    def revoke_override(self, override_id: int, who: str) -> None:
        with self.writing() as s:
            overrides.revoke_override(s, override_id, who)

    def replace_override(self, override_id: int, new: Override, who: str, policies: PolicySet | None = None) -> int:
        """Change an override: the old one is revoked and the new one stored, together."""
        with self.writing() as s:
            overrides.revoke_override(s, override_id, who)
            return overrides.add_override(s, new, policies)

    def policies_with_overrides(self, policies: PolicySet) -> PolicySet:
        with self.reading() as s:
            return overrides.with_overrides(policies, overrides.list_overrides(s))

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as s:
            return overrides.get_setting(s, key, default)

    def set_setting(self, key: str, value: str) -> None:
        with self.writing() as s:
            overrides.set_setting(s, key, value)

    def settings(self) -> dict[str, str]:
        with self.reading() as s:
            return overrides.all_settings(s)


def open_store(url: str | None = None, *, check: bool = True, vocabulary: Vocabulary | None = None) -> Store:
    """The store at ``url`` (else the saved setting, else the SQLite file in the data folder).

    With ``check`` the schema is created or (SQLite) upgraded as needed; see Store.check_schema.
    """
    store = Store(resolve_url(url), vocabulary)
    if check:
        try:
            store.check_schema()
        except BaseException:
            store.close()
            raise
    return store
