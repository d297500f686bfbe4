"""The store: one object over one database that the GUI, the CLI, Excel and letters share.

    store = open_store()                      # the SQLite file in the data folder
    batch_id, created = store.apply_import(data)
    store.calculate(batch_id, load_policies())
    store.approve(batch_id, preparer="张三", reviewer="李四")
    store.lines(batch_id)

Every method runs in its own transaction: it either completes or leaves the
database as it was. Errors meant for the clerk are StoreError (Chinese).

Who is acting: ``store.login(name, password)`` sets ``store.user``; once the
database has users, every change needs a logged-in user with the right role
(core.audit.roles) and is recorded under their name. Every change is written
to the hash-chained audit log in its own transaction (core.store.audit), and
``verify_audit()`` checks the chain and every protected row (core.store.verify).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.engine import Context
from core.model import RdYear, Recognition
from core.policy.policyset import Override, PolicySet
from core.records import BatchRecord, CompanyProfile, CompanyResultRecord, ImportData, LineRecord, PaidBefore
from core.audit import identity
from core.audit.names import person_name
from core.audit.passwords import verify_password
from core.audit.roles import ADMIN, PREPARER, REVIEWER
from core.store import (adjustments, approval, audit, backup, companies, imports, letternumbers, migrate, overrides,
                        preview, reads, seals, users, verify)
from core.store.calc import CalcSummary, evaluate_all, write_results
from core.store.db import WRITE, damage, display_url, file_problem, is_sqlite, make_engine, resolve_url, sqlite_path
from core.store.errors import (DatabaseBroken, DatabaseUnavailable, InvalidData, LoginFailed, NotLoggedIn,
                               SchemaMismatch, Stale, StoreError, Tampered)
from core.store.history import load_batch_cases, load_histories
from core.store.models import User
from core.store.users import UserRecord
from core.vocabulary import Vocabulary, load_vocabulary

INCLUDE_DRAFTS_KEY = "calc.include_drafts"
LOCK_MINUTES_KEY = "security.lock_minutes"  # the screen locks after this many idle minutes
DEFAULT_LOCK_MINUTES = 10
UNVERIFIED = "unverified"  # Session.info: a change made before any user exists (warned about once committed)
NO_USERS_WARNING = "警告：数据库尚未设置任何用户，本次修改未经身份验证；请用 python main.py user add 创建管理员"


class Store:
    def __init__(self, url: str, vocabulary: Vocabulary | None = None):
        self.url = url
        self.engine = make_engine(url)
        self._writer = self.engine.execution_options(**{WRITE: True})
        # Reads see one snapshot on both back ends (SQLite's BEGIN gives that already).
        self._reader = (self.engine if self.is_sqlite
                        else self.engine.execution_options(isolation_level="REPEATABLE READ"))
        self.vocabulary = vocabulary or load_vocabulary()
        # (from revision, to revision, backup file) once this object upgraded an existing database
        self.last_upgrade: tuple[str, str, Path | None] | None = None
        self.user: UserRecord | None = None  # who is logged in (None: nobody, or the database has no users yet)
        self.clock = dt.datetime.now  # when things happen (tests move it)
        self.sleep = time.sleep  # how a wrong password is slowed down (tests record it instead)
        self.on_unverified = None  # called with NO_USERS_WARNING at a change made before any user exists
        self._warned = False

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
        who = self.user.name if self.user else ""
        try:
            with self._database_errors(), Session(self._reader, expire_on_commit=False) as s, s.begin():
                yield s
        except Tampered as exc:  # a row read to authorise something (the acting user) was changed directly
            self._record_tamper(exc, who)
            raise

    @contextmanager
    def writing(self, who: str | None = None):
        """A session in one write transaction: committed if the block ends normally, else rolled back.

        What it changes is appended to the audit log in the same transaction, under ``who`` (default: the
        logged-in user). Changing protected rows without an audit entry is refused, and so is writing a row that
        does not match its seal (Tampered: the refusal is recorded in the log by a transaction of its own).
        """
        if who is None:
            who = self.user.name if self.user else ""
        trail = audit.Trail(who, self._stamp())
        try:
            with (self._database_errors(),
                  audit.AuditedSession(self._writer, expire_on_commit=False, info={audit.TRAIL: trail}) as s,
                  s.begin()):
                yield s
                audit.finish(s, trail)
        except Tampered as exc:
            self._record_tamper(exc, who)
            raise
        if s.info.get(UNVERIFIED) and trail.entries:
            self._warn_unverified()

    def _record_tamper(self, exc: Tampered, who: str) -> None:
        """Chain the refusal into the log; the alarm reaches the clerk even if the database takes no write."""
        if exc.recorded_seq is not None:
            return
        try:
            with self._database_errors(), audit.AuditedSession(self._writer) as s, s.begin():
                exc.recorded_seq = audit.record_tamper(s, exc, who, self._stamp())
        except (DBAPIError, StoreError):
            pass

    @contextmanager
    def _database_errors(self):
        """A damaged SQLite file, met at any read or write, is one clear message (DatabaseBroken), not SQL."""
        try:
            yield
        except DBAPIError as exc:
            why = damage(exc)
            if why is None:
                raise
            raise self._broken(why) from None

    def _broken(self, why: str) -> DatabaseBroken:
        path = self.path
        if path is None:
            return DatabaseBroken(f"无法读取数据库{self.display_url}：{why}")
        return backup.broken_database(path, why)

    def _check_file(self) -> None:
        """Refuse a SQLite file that is empty or not a database before anything connects to it."""
        if self.is_sqlite and (why := file_problem(self.path)) is not None:
            raise self._broken(why)

    @contextmanager
    def _changing(self, role: str | None, doing: str):
        """A write transaction for the logged-in user holding ``role`` (anyone before users exist)."""
        with self.writing() as s:
            self._actor(s, role, doing)
            yield s

    def require(self, role: str | None, doing: str) -> str:
        """Refuse unless the logged-in user holds ``role`` (anyone, before users exist); returns their name."""
        with self.reading() as s:
            return self._actor(s, role, doing)

    def _actor(self, s: Session, role: str | None, doing: str) -> str:
        t = s.info.get(audit.TRAIL)
        if t is not None and not t.doing:
            t.doing = doing
        return users.check_actor(s, self.user, role, doing, lambda: s.info.__setitem__(UNVERIFIED, True))

    def _warn_unverified(self) -> None:
        if self.on_unverified is not None and not self._warned:
            self._warned = True
            self.on_unverified(NO_USERS_WARNING)

    def _stamp(self) -> str:
        return self.clock().replace(microsecond=0).isoformat()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ schema
    def revision(self) -> str | None:
        self._check_file()
        with self._database_errors():
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
        self._start_audit_log()

    def _start_audit_log(self) -> None:
        """A new or just-upgraded database: its log begins with an entry sealing every protected row as it is."""
        with self.reading() as s:
            if audit.head(s)[0] != 0:
                return
        with self.writing(audit.SYSTEM) as s:
            audit.start_log(s, self._stamp())

    def upgrade(self, backup_first: bool = True) -> str | None:
        """Bring the schema to the newest revision (creating it in an empty database).

        A SQLite file that holds data is backed up first; returns the backup's path.
        """
        current = self._usable_revision()
        if current == migrate.head_revision():
            return None
        saved = self.backup("migrate") if current is not None and self.is_sqlite and backup_first else None
        with self._database_errors():
            migrate.upgrade(self.engine)
        if current is not None:
            self.last_upgrade = (current, migrate.head_revision(), saved)
        self._start_audit_log()
        self._seal_new_tables(current)
        return str(saved) if saved else None

    def _seal_new_tables(self, before: str | None) -> None:
        """Tables protected since a revision after ``before``, when the log had begun before the upgrade
        (revision 0004 on): one entry seals the rows they already hold. A log begun by this upgrade sealed them."""
        if before is None or before < "0004":
            return
        tables = [name for name, since in seals.SEALED_SINCE.items() if before < since]
        if tables:
            with self.writing(audit.SYSTEM) as s:
                audit.seal_tables(s, tables, self._stamp())

    def _usable_revision(self) -> str | None:
        """The schema revision, after refusing a damaged file, a database of another program or of a newer
        version."""
        self._check_file()
        try:
            with self._database_errors():
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

    def restore(self, name: str, credentials: tuple[str, str] | None = None) -> Path:
        """Replace the database with a backup; the current state is kept first (returned).

        Who may: the logged-in administrator of the current database. When nobody is logged in to it (its file
        is damaged, or its users cannot log in), an administrator of the backup being restored, by
        ``credentials`` = (name, password) checked against the backup's own users; a backup without users
        needs nobody, unless it would replace a sound database that has users. The current state is kept as a
        safety backup, or, when its file is damaged, the file itself is moved aside into the backups folder.
        The restored database's log records the restore, by whom.
        """
        path = self._sqlite_file()
        source = backup.find_backup(name)
        migrate.check_revision(backup.backup_revision(source))
        broken = backup.damage_of(path)
        staged = None
        try:
            if self.user is not None and broken is None:
                with self.writing() as s:
                    who = self._actor(s, ADMIN, "从备份恢复")
            else:
                staged, who = self._authorised_copy(source, path, credentials)
                if not who and broken is None and self._current_has_users():
                    raise NotLoggedIn("从备份恢复须由当前数据库的管理员登录（该备份中没有用户，不能凭备份授权）")
            self.engine.dispose()
            if broken is None:
                safety = backup.create_backup(path, "restore")
                backup.copy_into(staged or source, path)
            else:
                safety = backup.set_aside(path)
                os.replace(staged, path)
                staged = None
        finally:
            if staged is not None:
                staged.unlink(missing_ok=True)
        self.check_schema()
        with self.writing(who) as s:
            audit.log(s, "backup.restore", "database", None, {
                "file": source.name, "safety_copy": safety.name, "damaged": broken or None})
        return safety

    def _authorised_copy(self, source: Path, beside: Path, credentials) -> tuple[Path, str]:
        """A working copy of the backup, brought to this program's revision, and who may restore it: an
        administrator of the backup's own users (a copy is logged in to, so the backup file stays as it was;
        ``""`` when the backup has no users)."""
        staged = backup.stage(source, beside)
        copy = Store(f"sqlite:///{staged.as_posix()}", self.vocabulary)
        copy.clock, copy.sleep = self.clock, self.sleep
        try:
            copy.upgrade(backup_first=False)
            who = ""
            if copy.has_users():
                if credentials is None or not credentials[0]:
                    raise NotLoggedIn("从备份恢复须由管理员登录：当前数据库无法登录时，请以备份中的管理员用户名和密码授权"
                                      "（命令行：--user 用户名，密码取自环境变量KJJB_PASSWORD或提示输入）")
                copy.login(*credentials)
                who = copy.require(ADMIN, "从备份恢复")
        except BaseException:
            copy.close()
            staged.unlink(missing_ok=True)
            raise
        copy.close()
        backup.settle(staged)
        return staged, who

    def _current_has_users(self) -> bool:
        """Whether the current database has users (True when that cannot be told: it is protected then)."""
        try:
            return self.revision() is not None and self.revision() >= "0004" and self.has_users()
        except (StoreError, DBAPIError):
            return True

    def _sqlite_file(self) -> Path:
        if not self.is_sqlite:
            raise StoreError(backup.PG_MESSAGE)
        path = self.path
        if path is None:
            raise StoreError("内存数据库不能备份")
        return path

    # ------------------------------------------------------------ imports
    def apply_import(self, data: ImportData, accept_payee_changes: bool = False) -> tuple[int, bool]:
        """Write a parsed workbook as a new draft batch: ``(batch id, True)``.

        The same file again (same sha256) changes nothing and returns
        ``(existing batch id, False)``. A SQLite database is backed up first.
        A workbook that changes a known company's name, bank or account is refused (PayeeChanges, listing
        them: ``payee_changes(data)``) unless the clerk confirmed them: ``accept_payee_changes=True``.
        """
        with self.reading() as s:
            existing = imports.find_import(s, data.sha256)
        if existing is not None:
            return existing, False
        with self.reading() as s:
            self._actor(s, PREPARER, "导入申报")  # refuse before making a backup
            if not accept_payee_changes and (found := imports.payee_changes(s, data)):
                imports.refuse_payee_changes(found)
        if self.is_sqlite and self.path is not None and self.path.exists():
            self.backup("import")
        for attempt in (1, 2):
            try:
                with self.writing() as s:
                    actor = self._actor(s, PREPARER, "导入申报")
                    return imports.apply_import(s, data, self.vocabulary, actor, accept_payee_changes), True
            except IntegrityError:
                # On a server, another clerk may have imported the same file, or created one of its new
                # companies, at the same moment: the same file is then a re-import, a company is merged.
                with self.reading() as s:
                    existing = imports.find_import(s, data.sha256)
                if existing is not None:
                    return existing, False
                if attempt == 2:
                    raise

    def payee_changes(self, data: ImportData) -> list[imports.PayeeChange]:
        """The known companies whose name, bank or account importing ``data`` would change (the import screen
        lists them for the clerk to confirm)."""
        with self.reading() as s:
            return imports.payee_changes(s, data)

    def imported_batch(self, sha256: str) -> int | None:
        """The batch a workbook with this sha256 was imported as, or None (a screen says so before importing)."""
        with self.reading() as s:
            return imports.find_import(s, sha256)

    def paid_before(self, data: ImportData, policies: PolicySet, cancel=None) -> list[PaidBefore]:
        """The workbook's claims whose subject was awarded before, as the engine finds them (core.store.preview).

        Read as a calculation of the workbook would read it: stored overrides applied to ``policies``,
        drafts included as the setting says. ``cancel()`` is asked per row read and per company.
        """
        with self.reading() as s:
            cases = preview.cases_to_check(s, data, self.vocabulary, cancel)
            records = overrides.list_overrides(s)
            include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
        if not cases:
            return []
        ctx = Context(overrides.with_overrides(policies, records), data.award_year, include_drafts=include_drafts)
        return preview.paid_before(cases, ctx, cancel)

    def import_summary(self, batch_id: int) -> dict:
        """What the import of the batch's workbook added and changed (counts by kind)."""
        with self.reading() as s:
            return imports.summary(s, batch_id)

    # ------------------------------------------------------------ batches
    def calculate(self, batch_id: int, policies: PolicySet, progress=None, cancel=None) -> CalcSummary:
        """Evaluate every company of a draft batch and replace its lines at once.

        ``progress(done, total)`` is called as companies are done and
        ``cancel()`` is asked before each (and before each row read); on cancel, Cancelled is raised and
        nothing is written. Stored overrides are applied to ``policies``.
        """
        with self.reading() as s:
            self._actor(s, PREPARER, "计算批次")
            batch = reads.get_batch(s, batch_id)
            approval.require_draft(batch, "重新计算")
            loaded = load_batch_cases(s, batch, self.vocabulary, cancel)
            records = overrides.list_overrides(s)
            version = overrides.overrides_version(s)
            include_drafts = overrides.get_setting(s, INCLUDE_DRAFTS_KEY, "1") == "1"
            award_year = batch.award_year
        ctx = Context(overrides.with_overrides(policies, records), award_year, include_drafts=include_drafts)
        results = evaluate_all(loaded, ctx, progress, cancel)
        with self.writing() as s:
            actor = self._actor(s, PREPARER, "计算批次")
            batch = approval.locked_batch(s, batch_id)
            approval.require_draft(batch, "重新计算")
            if overrides.overrides_version(s) != version:
                raise Stale("计算期间参数调整有变化，计算结果未保存，请重新计算")
            return write_results(s, batch, loaded, results, version, actor)

    def approve(self, batch_id: int, preparer: str | None = None, reviewer: str | None = None,
                allow_provisional: bool = False) -> None:
        """Approve a calculated draft: its lines go into the ledger and nothing of it changes afterwards.

        Once users exist, the reviewer is the logged-in user (``reviewer``, if given, must be that user) and
        the preparer is who imported and calculated the batch; the two must be different people. Before
        users exist, both names are given and must differ.
        """
        with self.writing() as s:
            actor = self._actor(s, REVIEWER, "审批批次")
            approval.approve(s, batch_id, preparer, reviewer, overrides.overrides_version(s), self.vocabulary,
                             allow_provisional, actor)

    def mark_paid(self, batch_id: int) -> None:
        with self._changing(REVIEWER, "标记已拨付") as s:
            approval.mark_paid(s, batch_id)

    def delete_draft(self, batch_id: int) -> None:
        with self._changing(PREPARER, "删除草稿批次") as s:
            approval.delete_draft(s, batch_id)

    def create_adjustment(self, batch_id: int, who: str | None, reason: str, company_ids=None) -> int:
        """A draft adjustment batch correcting an approved one (optionally only some companies); returns its id.

        ``who`` is the preparer making it: once users exist it must be the logged-in user (or None). Its lines,
        once calculated, are the differences from what the original paid (core.store.adjustments).
        """
        with self.writing() as s:
            actor = self._actor(s, PREPARER, "创建调整批次")
            return adjustments.create_adjustment(s, batch_id, reason, self._as_actor(actor, who, "经办人"),
                                                 company_ids)

    def _as_actor(self, actor: str, who: str | None, role_label: str) -> str:
        """The name to record: the logged-in user (a different ``who`` is refused), else ``who`` as typed (in its
        one spelling, core.audit.names)."""
        who = person_name(who)
        if actor:
            if who and who != actor:
                raise InvalidData(f"{role_label}应为当前登录用户“{actor}”，不能以“{who}”的名义操作")
            return actor
        return who

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
                    self._actor(s, None, "编排兑现通知书文号")
                    return letternumbers.letter_numbers(s, batch_id)
            except IntegrityError:  # another clerk took the same serial at the same moment: count again
                if attempt == 3:
                    raise

    def record_letter_issue(self, batch_id: int, uscc: str, kind: str, who: str) -> None:
        """Log a letter previewed, printed or written to PDF; once users exist, by the logged-in user."""
        with self.writing() as s:
            actor = self._actor(s, None, "出具兑现通知书")
            letternumbers.record_letter_issue(s, batch_id, uscc, kind, actor or who)

    def record_export(self, what: str, target: str, detail: dict | None = None) -> None:
        """Log a file written for use outside the program (资金拨付明细表, 公示名单, a list): what, of what, where."""
        with self.writing() as s:
            self._actor(s, None, "导出文件")
            audit.log(s, "export.write", target, None, {"what": what, **(detail or {})})

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
        with self._changing(PREPARER, "新增单位") as s:
            return companies.add_company(s, profile, self.vocabulary)

    def update_company(self, company_id: int, **changes) -> None:
        with self._changing(PREPARER, "修改单位资料") as s:
            companies.update_company(s, company_id, changes, self.vocabulary)

    def delete_company(self, company_id: int) -> str:
        """Delete a company no batch, line, ledger row or letter refers to, with its history; returns its name."""
        from core.store import companydelete

        with self._changing(PREPARER, "删除单位") as s:
            return companydelete.delete_company(s, company_id)

    def merge_company(self, source_id: int, into_id: int) -> dict:
        """Merge a duplicate company no batch refers to into another (its history moves, it is deleted)."""
        from core.store import companydelete

        with self._changing(PREPARER, "合并单位") as s:
            return companydelete.merge_company(s, source_id, into_id)

    def company_references(self, company_id: int) -> list[str]:
        """What refers to a company (empty: it can be deleted), in the clerk's words."""
        from core.store import companydelete

        with self.reading() as s:
            return companydelete.references(s, company_id)

    def companies_only_in_import(self, batch_id: int) -> list[int]:
        """Companies a draft's import created that no other batch or ledger row refers to."""
        from core.store import companydelete

        with self.reading() as s:
            return companydelete.only_in_import(s, batch_id)

    def add_recognition(self, company_id: int, rec: Recognition) -> int:
        with self._changing(PREPARER, "录入认定记录") as s:
            return companies.add_recognition(s, company_id, rec, self.vocabulary)

    def update_recognition(self, row_id: int, rec: Recognition) -> None:
        with self._changing(PREPARER, "修改认定记录") as s:
            companies.update_recognition(s, row_id, rec, self.vocabulary)

    def delete_recognition(self, row_id: int) -> None:
        with self._changing(PREPARER, "删除认定记录") as s:
            companies.delete_recognition(s, row_id)

    def add_tech_sme(self, company_id: int, year: int, number: str = "") -> int:
        with self._changing(PREPARER, "录入入库记录") as s:
            return companies.add_tech_sme(s, company_id, year, number)

    def delete_tech_sme(self, row_id: int) -> None:
        with self._changing(PREPARER, "删除入库记录") as s:
            companies.delete_tech_sme(s, row_id)

    def set_rd_year(self, company_id: int, rd: RdYear) -> int:
        with self._changing(PREPARER, "录入研发费用") as s:
            return companies.set_rd_year(s, company_id, rd)

    def delete_rd_year(self, row_id: int) -> None:
        with self._changing(PREPARER, "删除研发费用") as s:
            companies.delete_rd_year(s, row_id)

    def add_ledger_entry(self, company_id: int, rule_id: str, year: int, amount, subject: str = "",
                         person: str = "", note: str = "") -> int:
        with self._changing(PREPARER, "录入历史台账") as s:
            return companies.add_ledger_entry(s, company_id, rule_id, year, amount, subject, person, note)

    def delete_ledger_entry(self, row_id: int) -> None:
        with self._changing(PREPARER, "删除历史台账") as s:
            companies.delete_ledger_entry(s, row_id)

    # ------------------------------------------------------------ overrides and settings
    def overrides(self, include_revoked: bool = False) -> list[overrides.OverrideRecord]:
        with self.reading() as s:
            return overrides.list_overrides(s, include_revoked)

    def override(self, override_id: int) -> overrides.OverrideRecord:
        with self.reading() as s:
            return overrides.get_override(s, override_id)

    def add_override(self, o: Override, policies: PolicySet | None = None) -> int:
        """Store an override; with ``policies``, first check that it names a real rule and parameter.

        Administrators only once users exist; ``o.who`` is then the logged-in administrator.
        """
        def add():
            with self.writing() as s:
                actor = self._actor(s, ADMIN, "调整政策参数")
                return overrides.add_override(s, dataclasses.replace(o, who=self._as_actor(actor, o.who, "调整人")),
                                              policies)

        return _once_more_on_clash(add)

    def revoke_override(self, override_id: int, who: str | None = None) -> None:
        with self.writing() as s:
            actor = self._actor(s, ADMIN, "撤销参数调整")
            overrides.revoke_override(s, override_id, self._as_actor(actor, who, "撤销人"))

    def replace_override(self, override_id: int, new: Override, who: str | None = None,
                         policies: PolicySet | None = None) -> int:
        """Change an override: the old one is revoked and the new one stored, together."""
        with self.writing() as s:
            actor = self._actor(s, ADMIN, "调整政策参数")
            overrides.revoke_override(s, override_id, self._as_actor(actor, who, "调整人"))
            new = dataclasses.replace(new, who=self._as_actor(actor, new.who, "调整人"))
            return overrides.add_override(s, new, policies)

    def policies_with_overrides(self, policies: PolicySet) -> PolicySet:
        with self.reading() as s:
            return overrides.with_overrides(policies, overrides.list_overrides(s))

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as s:
            return overrides.get_setting(s, key, default)

    def set_setting(self, key: str, value: str) -> None:
        """Change a setting (administrators only, once users exist)."""
        def change():
            with self._changing(ADMIN, "修改设置") as s:
                overrides.set_setting(s, key, value)

        _once_more_on_clash(change)

    def lock_minutes(self) -> int:
        """Idle minutes before the screen locks (setting ``security.lock_minutes``, default 10)."""
        try:
            value = int(self.setting(LOCK_MINUTES_KEY, str(DEFAULT_LOCK_MINUTES)))
        except ValueError:
            return DEFAULT_LOCK_MINUTES
        return value if value > 0 else DEFAULT_LOCK_MINUTES

    # ------------------------------------------------------------ users and logging in
    def has_users(self) -> bool:
        with self.reading() as s:
            return users.has_users(s)

    def users(self) -> list[UserRecord]:
        with self.reading() as s:
            return users.list_users(s)

    def create_first_admin(self, name: str, password: str) -> UserRecord:
        """The first-run administrator (only while the database has no users); they are logged in."""
        with self.writing(who=person_name(name)) as s:
            if users.has_users(s):
                raise InvalidData("数据库已有用户，请由管理员登录后添加用户")
            user = users.add_user(s, name, password, [ADMIN], by="")
        self.user = user
        return user

    def add_user(self, name: str, password: str, roles) -> UserRecord:
        """A new user (administrators only). Before any user exists, the first must be an administrator."""
        with self.writing() as s:
            if not users.has_users(s):
                s.info[audit.TRAIL].who = person_name(name)
                return users.add_user(s, name, password, roles, by="")
            actor = self._actor(s, ADMIN, "添加用户")
            return users.add_user(s, name, password, roles, by=actor)

    def set_password(self, name: str, password: str, old_password: str | None = None) -> None:
        """A new password: users change their own with the old one; an administrator resets anyone else's."""
        with self.writing() as s:
            actor = self._actor(s, None, "修改密码")
            target = users.get(s, name)
            if target.name == actor:
                if old_password is None or not verify_password(old_password, target.password_hash):
                    raise LoginFailed("原密码不正确")
            else:
                self._actor(s, ADMIN, "重设其他用户的密码")
            users.set_password(s, target.name, password)

    def set_roles(self, name: str, roles) -> None:
        with self._changing(ADMIN, "修改用户角色") as s:
            users.set_roles(s, name, roles)

    def set_user_active(self, name: str, active: bool) -> None:
        with self.writing() as s:
            actor = self._actor(s, ADMIN, "停用或启用用户")
            users.set_active(s, name, active, actor)

    def login_wait(self, name: str) -> float:
        """Seconds before an attempt to log in as ``name`` would be answered (after wrong passwords).

        The same for a name that does not exist: the count comes from the audit log, by name.
        """
        with self.reading() as s:
            failures, last = users.recent_failures(s, name)
        return users.wait_seconds(failures, last, self.clock())

    def login(self, name: str, password: str) -> UserRecord:
        """Log in: ``store.user`` becomes this user. Wrong passwords are answered ever more slowly.

        Raises LoginFailed with the same message, after the same wait and the same work (a password hash is
        checked either way), whether the name exists or not. A user whose row was changed in the database
        file (a role, a password hash) is refused with a tamper alarm.
        """
        name = person_name(name)
        with self.reading() as s:
            failures, last = users.recent_failures(s, name)
        wait = users.wait_seconds(failures, last, self.clock())
        if wait > 0:
            self.sleep(wait)
        with self.reading() as s:
            row = users.find(s, name)
            # the same queries for a name that does not exist (no row has id 0): the timing tells nothing
            audit.verify_rows(s, User, [row.id if row is not None else 0], "登录")
            stored = row.password_hash if row is not None else DUMMY_HASH
            found = users.record(row) if row is not None else None
        ok = verify_password(password or "", stored) and found is not None
        if not ok:
            with self.writing(who="") as s:
                failures = users.record_failure(s, name, self.clock())
            raise LoginFailed("用户名或密码错误" + (f"（已连续{failures}次）" if failures > 1 else ""))
        if not found.active:
            raise LoginFailed(f"用户“{found.name}”已停用，请联系管理员")
        with self.writing(found.name) as s:
            users.record_login(s, found.name, self.clock(), failures)
        self.user = found
        return found

    def unlock(self, password: str) -> UserRecord:
        """The lock screen: the same user's password again."""
        if self.user is None:
            raise LoginFailed("没有已登录的用户")
        return self.login(self.user.name, password)

    def logout(self) -> None:
        self.user = None

    # ------------------------------------------------------------ audit log
    def audit_entries(self, *, target: str | None = None, action: str | None = None, who: str | None = None,
                      limit: int | None = None, newest_first: bool = False) -> list[audit.AuditRecord]:
        with self.reading() as s:
            return audit.entries(s, target=target, action=action, who=who, limit=limit, newest_first=newest_first)

    def audit_head(self) -> tuple[int, str]:
        """(number, hash) of the last audit entry: write it down to catch a rewritten log later."""
        with self.reading() as s:
            return audit.head(s)

    def verify_audit(self, progress=None, expect: tuple[int, str] | None = None) -> verify.Report:
        """Check the hash chain and every protected row against what the audited changes left.

        ``expect``: (number, hash) of an entry written down earlier (``audit_head()``), which must still be there.
        """
        with self.reading() as s:
            return verify.verify(s, progress, expect)

    def settings(self) -> dict[str, str]:
        with self.reading() as s:
            return overrides.all_settings(s)


def _once_more_on_clash(change):
    """Run a change again if it clashed with another clerk creating the same row (a setting written for the first
    time by two programs at once): the second run finds the row and changes it under its lock."""
    try:
        return change()
    except IntegrityError:
        return change()


# What an unknown name's password is checked against, so the answer takes as long as for a real user (the same
# scrypt parameters as core.audit.passwords; a constant, so the first unknown name costs no extra hash).
DUMMY_HASH = ("scrypt$16384$8$1$158d5d9d7cd69870a486cb304c90a36c$"
              "8ebd59dae357d9822e6329b1f1f9e52ea32458a9a61f85105912bdc7750d8e2b")


def open_store(url: str | None = None, *, check: bool = True, vocabulary: Vocabulary | None = None) -> Store:
    """The store at ``url`` (else the saved setting, else the SQLite file in the data folder).

    With ``check`` the schema is created or (SQLite) upgraded as needed; see Store.check_schema.
    Inside a headless command, the command's ``--user`` is logged in (core.audit.identity).
    """
    store = Store(resolve_url(url), vocabulary)
    try:
        if check:
            store.check_schema()
        identity.attach(store)  # a headless command's --user (nothing otherwise)
    except BaseException:
        store.close()
        raise
    return store
