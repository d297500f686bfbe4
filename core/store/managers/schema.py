"""``store.schema``: the database's schema revision, creating and upgrading it, and starting its audit log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from core.store import migrate
from core.store.errors import DatabaseUnavailable, SchemaMismatch
from core.store.managers.base import Manager


class Schema(Manager):
    def revision(self) -> str | None:
        self.store.check_file()
        with self.store.database_errors():
            return migrate.revision_state(self.store.engine)[0]

    def check(self, *, auto_upgrade: bool = True) -> None:
        """Create the schema in an empty database; upgrade an older SQLite one (after a backup).

        A server database at an older revision is left alone with a message:
        several clerks may be using it, so its administrator upgrades it
        (``main.py db upgrade``) after backing it up.
        """
        self.store.check_file()
        if migrate.ready(self.store.engine):
            return
        current = self._usable_revision()
        head = migrate.head_revision()
        if current not in (None, head) and not (auto_upgrade and self.store.is_sqlite):
            raise SchemaMismatch(
                f"数据库结构版本为{current}，本程序需要{head}；请先备份服务器数据库，"
                f"再运行 python main.py db upgrade 升级"
            )
        self.upgrade()
        self._start_audit_log()

    def upgrade(self, backup_first: bool = True) -> str | None:
        """Bring the schema to the newest revision (creating it in an empty database).

        A SQLite file that holds data is backed up first; returns the backup's path.
        """
        store = self.store
        current = self._usable_revision()
        if current == migrate.head_revision():
            return None
        saved: Path | None = (
            store.backups.create("migrate") if current is not None and store.is_sqlite and backup_first else None
        )
        with store.database_errors():
            if current is not None or not migrate.create_at_head(store.engine):
                migrate.upgrade(store.engine)
        if current is not None:
            store.last_upgrade = (current, migrate.head_revision(), saved)
        self._start_audit_log()
        self._seal_new_tables(current)
        return str(saved) if saved else None

    def _start_audit_log(self) -> None:
        """A new or just-upgraded database: its log begins with an entry sealing every protected row as it is."""
        from core.store import audit_log  # (the log and the models it maps are not loaded to open a ready database)

        if self._read(audit_log.head)[0] != 0:
            return
        with self.store.writing(audit_log.SYSTEM) as s:
            audit_log.start_log(s, self.store.stamp())

    def _seal_new_tables(self, before: str | None) -> None:
        """Tables protected since a revision after ``before``, when the log had begun before the upgrade
        (revision 0004 on): one entry seals the rows they already hold. A log begun by this upgrade sealed them."""
        if before is None or before < "0004":
            return
        from core.store import audit_log, seals

        tables = [name for name, since in seals.SEALED_SINCE.items() if before < since]
        if tables:
            with self.store.writing(audit_log.SYSTEM) as s:
                audit_log.seal_tables(s, tables, self.store.stamp())

    def _usable_revision(self) -> str | None:
        """The schema revision, after refusing a damaged file, a database of another program or of a newer
        version."""
        store = self.store
        store.check_file()
        try:
            with store.database_errors():
                current, foreign = migrate.revision_state(store.engine)
        except OperationalError as exc:
            raise DatabaseUnavailable(f"无法访问数据库{store.display_url}：{str(exc.orig or exc).strip()}") from None
        if foreign:
            raise SchemaMismatch(f"数据库{store.display_url}中已有其他程序的数据表，不是本程序的数据库")
        migrate.check_revision(current)
        return current
