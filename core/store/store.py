"""The store: one object over one database that the GUI, the CLI, Excel and letters share.

    store = open_store()                      # the SQLite file in the data folder
    batch_id, created = store.batches.apply_import(data)
    store.batches.calculate(batch_id, load_policies())
    store.batches.approve(batch_id, preparer="张三", reviewer="李四")
    store.batches.lines(batch_id)
    store.last_changes                        # what the last change touched (core.store.changes)

``Store`` is a thin facade: it holds the engine, the logged-in user and one manager per concern
(``store.batches``, ``store.companies``, ``store.users``, ``store.settings``, ``store.letters``, ``store.audit``,
``store.backups``, ``store.schema``: core.store.managers), and opens the transactions they run in. The names
callers used before the managers (``store.approve(...)``) still work: ``Store.LEGACY_NAMES`` lists them.

Every method runs in its own transaction: it either completes or leaves the
database as it was. Errors meant for the clerk are StoreError (Chinese).

Who is acting: ``store.login(name, password)`` sets ``store.user``; once the
database has users, every change needs a logged-in user with the role its action needs
(core.identity.permissions) and is recorded under their name. Every change is written
to the hash-chained audit log in its own transaction (core.store.audit), and
``verify_audit()`` checks the chain and every protected row (core.store.verify).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.exc import DBAPIError

from core.identity import acting as identity
from core.identity.permissions import permission
from core.store.changes import NOTHING, Changes, from_entries
from core.store.db import WRITE, damage, display_url, file_problem, is_sqlite, make_engine, resolve_url, sqlite_path
from core.store.errors import DatabaseBroken, StoreError, Tampered
from core.store.managers.base import EXTRA_CHANGES

if TYPE_CHECKING:  # each manager's module is loaded on its first use (below)
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    from core.store.managers.auditlog import AuditLog
    from core.store.managers.backups import Backups
    from core.store.managers.batches import Batches
    from core.store.managers.companies import Companies
    from core.store.managers.letters import Letters
    from core.store.managers.schema import Schema
    from core.store.managers.settings import Settings
    from core.store.managers.users import Users
    from core.store.users import UserRecord
    from core.vocabulary import Vocabulary

UNVERIFIED = "unverified"  # Session.info: a change made before any user exists (warned about once committed)
NO_USERS_WARNING = "警告：数据库尚未设置任何用户，本次修改未经身份验证；请用 python main.py user add 创建管理员"


class Store:
    def __init__(self, url: str, vocabulary: Vocabulary | None = None):
        self.url = url
        self.engine = make_engine(url)
        # A store nobody closed is closed when it goes, or at the latest at exit, whatever the collector does
        # (a headless command freezes it before exiting, main.py): its SQLite file is checkpointed either way.
        weakref.finalize(self, self.engine.dispose)
        self._writer = self.engine.execution_options(**{WRITE: True})
        # Reads see one snapshot on both back ends (SQLite's BEGIN gives that already).
        self._reader = (
            self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="REPEATABLE READ")
        )
        if vocabulary is not None:
            self.vocabulary = vocabulary
        # (from revision, to revision, backup file) once this object upgraded an existing database
        self.last_upgrade: tuple[str, str, Path | None] | None = None
        self.user: UserRecord | None = None  # who is logged in (None: nobody, or the database has no users yet)
        self.clock = dt.datetime.now  # when things happen (tests move it)
        self.sleep = time.sleep  # how a wrong password is slowed down (tests record it instead)
        self.on_unverified = None  # called with NO_USERS_WARNING at a change made before any user exists
        self.last_changes: Changes = NOTHING  # what the last committed write transaction touched
        self._warned = False

    # ------------------------------------------------------------ made on first use
    # A command loads only what it uses: listing batches needs neither the audit log's verification nor the
    # company pages' code, nor the vocabulary file (start-up time of each headless command).
    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        from core.vocabulary import load_vocabulary

        return load_vocabulary()

    @functools.cached_property
    def batches(self) -> Batches:
        from core.store.managers.batches import Batches

        return Batches(self)

    @functools.cached_property
    def companies(self) -> Companies:
        from core.store.managers.companies import Companies

        return Companies(self)

    @functools.cached_property
    def users(self) -> Users:
        from core.store.managers.users import Users

        return Users(self)

    @functools.cached_property
    def settings(self) -> Settings:
        from core.store.managers.settings import Settings

        return Settings(self)

    @functools.cached_property
    def letters(self) -> Letters:
        from core.store.managers.letters import Letters

        return Letters(self)

    @functools.cached_property
    def audit(self) -> AuditLog:
        from core.store.managers.auditlog import AuditLog

        return AuditLog(self)

    @functools.cached_property
    def backups(self) -> Backups:
        from core.store.managers.backups import Backups

        return Backups(self)

    @functools.cached_property
    def schema(self) -> Schema:
        from core.store.managers.schema import Schema

        return Schema(self)

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
        from sqlalchemy.orm import Session  # loaded by the first read that needs it, not by ``main.py batches``

        who = self.user.name if self.user else ""
        try:
            with self.database_errors(), Session(self._reader, expire_on_commit=False) as s, s.begin():
                yield s
        except Tampered as exc:  # a row read to authorise something (the acting user) was changed directly
            self._record_tamper(exc, who)
            raise

    @contextmanager
    def connected(self) -> Iterator[Connection]:
        """A connection on one consistent snapshot, for reads with SQLAlchemy Core alone: no ORM session, so neither
        the ORM nor the mapped models are loaded (core.store.batchlist: what ``main.py batches`` reads)."""
        with self.database_errors(), self._reader.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def writing(self, who: str | None = None):
        """A session in one write transaction: committed if the block ends normally, else rolled back.

        What it changes is appended to the audit log in the same transaction, under ``who`` (default: the
        logged-in user). Changing protected rows without an audit entry is refused, and so is writing a row that
        does not match its seal (Tampered: the refusal is recorded in the log by a transaction of its own).
        Once committed, ``last_changes`` says what it touched.
        """
        from core.store import audit

        if who is None:
            who = self.user.name if self.user else ""
        trail = audit.Trail(who, self.stamp())
        try:
            with (
                self.database_errors(),
                audit.AuditedSession(self._writer, expire_on_commit=False, info={audit.TRAIL: trail}) as s,
                s.begin(),
            ):
                yield s
                audit.finish(s, trail)
        except Tampered as exc:
            self._record_tamper(exc, who)
            raise
        self.last_changes = from_entries(trail.entries, s.info.get(EXTRA_CHANGES))
        if s.info.get(UNVERIFIED) and trail.entries:
            self._warn_unverified()

    def _record_tamper(self, exc: Tampered, who: str) -> None:
        """Chain the refusal into the log; the alarm reaches the clerk even if the database takes no write."""
        from core.store import audit

        if exc.recorded_seq is not None:
            return
        try:
            with self.database_errors(), audit.AuditedSession(self._writer) as s, s.begin():
                exc.recorded_seq = audit.record_tamper(s, exc, who, self.stamp())
        except (DBAPIError, StoreError):
            pass

    @contextmanager
    def database_errors(self):
        """A damaged SQLite file, met at any read or write, is one clear message (DatabaseBroken), not SQL."""
        try:
            yield
        except DBAPIError as exc:
            why = damage(exc)
            if why is None:
                raise
            raise self._broken(why) from None

    def _broken(self, why: str) -> DatabaseBroken:
        from core.store.backup import broken_database

        path = self.path
        if path is None:
            return DatabaseBroken(f"无法读取数据库{self.display_url}：{why}")
        return broken_database(path, why)

    def check_file(self) -> None:
        """Refuse a SQLite file that is empty or not a database before anything connects to it."""
        if self.is_sqlite and (why := file_problem(self.path)) is not None:
            raise self._broken(why)

    def actor(self, s: Session, action: str) -> str:
        """Who is doing ``action`` in session ``s`` (``""`` before any user exists), after checking the role the
        permission table gives it; refused otherwise (NotLoggedIn, PermissionDenied)."""
        from core.store import audit, users

        p = permission(action)
        t = s.info.get(audit.TRAIL)
        if t is not None and not t.doing:
            t.doing = p.label
        return users.check_actor(s, self.user, p.role, p.label, lambda: s.info.__setitem__(UNVERIFIED, True))

    def require(self, action: str) -> str:
        """Refuse unless the logged-in user may do ``action`` (anyone, before users exist); returns their name."""
        with self.reading() as s:
            return self.actor(s, action)

    def _warn_unverified(self) -> None:
        if self.on_unverified is not None and not self._warned:
            self._warned = True
            self.on_unverified(NO_USERS_WARNING)

    def stamp(self) -> str:
        return self.clock().replace(microsecond=0).isoformat()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ the old names
    # Callers written before the managers call ``store.approve(...)``; each old name is one line here.
    LEGACY_NAMES: ClassVar[dict[str, str]] = {
        # schema and backups
        "revision": "schema.revision",
        "check_schema": "schema.check",
        "upgrade": "schema.upgrade",
        "backup": "backups.create",
        "restore": "backups.restore",
        # batches
        "apply_import": "batches.apply_import",
        "payee_changes": "batches.payee_changes",
        "imported_batch": "batches.imported_batch",
        "paid_before": "batches.paid_before",
        "import_summary": "batches.import_summary",
        "calculate": "batches.calculate",
        "approve": "batches.approve",
        "mark_paid": "batches.mark_paid",
        "delete_draft": "batches.delete_draft",
        "create_adjustment": "batches.create_adjustment",
        "batch": "batches.get",
        "batch_totals": "batches.totals",
        "lines": "batches.lines",
        "company_results": "batches.company_results",
        # award letters
        "letter_numbers": "letters.numbers",
        "record_letter_issue": "letters.record_issue",
        "letter_issues": "letters.issues",
        # companies
        "search_companies": "companies.search",
        "company_rows": "companies.rows",
        "counties": "companies.counties",
        "company_id": "companies.id_of",
        "existing_usccs": "companies.existing_usccs",
        "known_uscc": "companies.known_uscc",
        "company_detail": "companies.detail",
        "history": "companies.history",
        "add_company": "companies.add",
        "update_company": "companies.update",
        "add_recognition": "companies.add_recognition",
        "update_recognition": "companies.update_recognition",
        "delete_recognition": "companies.delete_recognition",
        "add_tech_sme": "companies.add_tech_sme",
        "delete_tech_sme": "companies.delete_tech_sme",
        "set_rd_year": "companies.set_rd_year",
        "delete_rd_year": "companies.delete_rd_year",
        "add_ledger_entry": "companies.add_ledger_entry",
        "delete_ledger_entry": "companies.delete_ledger_entry",
        "delete_company": "companies.delete",
        "merge_company": "companies.merge",
        "company_references": "companies.references",
        "companies_only_in_import": "companies.only_in_import",
        # overrides and settings
        "overrides": "settings.overrides",
        "override": "settings.override",
        "add_override": "settings.add_override",
        "revoke_override": "settings.revoke_override",
        "replace_override": "settings.replace_override",
        "policies_with_overrides": "settings.policies_with_overrides",
        "setting": "settings.get",
        "set_setting": "settings.set",
        "lock_minutes": "settings.lock_minutes",
        # users
        "has_users": "users.exist",
        "create_first_admin": "users.create_first_admin",
        "add_user": "users.add",
        "set_password": "users.set_password",
        "set_roles": "users.set_roles",
        "set_user_active": "users.set_active",
        "login_wait": "users.login_wait",
        "login": "users.login",
        "unlock": "users.unlock",
        "logout": "users.logout",
        # the audit log
        "audit_entries": "audit.entries",
        "record_export": "audit.record_export",
        "audit_head": "audit.head",
        "verify_audit": "audit.verify",
    }


def _delegate(old: str, target: str):
    manager, method = target.split(".")

    def call(self, *args, **kwargs):
        return getattr(getattr(self, manager), method)(*args, **kwargs)

    call.__name__ = call.__qualname__ = old
    call.__doc__ = f"``store.{target}(...)`` (the name before the managers)."
    return call


for _old, _target in Store.LEGACY_NAMES.items():
    setattr(Store, _old, _delegate(_old, _target))


def open_store(url: str | None = None, *, check: bool = True, vocabulary: Vocabulary | None = None) -> Store:
    """The store at ``url`` (else the saved setting, else the SQLite file in the data folder).

    With ``check`` the schema is created or (SQLite) upgraded as needed; see Store.check_schema.
    Inside a headless command, the command's ``--user`` is logged in (core.identity.acting).
    """
    store = Store(resolve_url(url), vocabulary)
    try:
        if check:
            store.schema.check()
        identity.attach(store)  # a headless command's --user (nothing otherwise)
    except BaseException:
        store.close()
        raise
    return store
