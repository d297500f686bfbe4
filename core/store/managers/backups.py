"""``store.backups``: copies of the SQLite file, and restoring one (administrators only, once users exist)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from core.store import audit, backup, migrate
from core.store.errors import NotLoggedIn, StoreError
from core.store.managers.base import Manager


class Backups(Manager):
    def __call__(self) -> list[backup.BackupInfo]:
        """``store.backups()``: the backups of this database (the form callers used before the managers)."""
        return self.all()

    def all(self) -> list[backup.BackupInfo]:
        self.sqlite_file()
        return backup.list_backups()

    def create(self, reason: str = "manual") -> Path:
        return backup.create_backup(self.sqlite_file(), reason)

    def sqlite_file(self) -> Path:
        """The database file; a server database or one in memory is refused (they are backed up otherwise)."""
        if not self.store.is_sqlite:
            raise StoreError(backup.PG_MESSAGE)
        path = self.store.path
        if path is None:
            raise StoreError("内存数据库不能备份")
        return path

    def restore(self, name: str, credentials: tuple[str, str] | None = None) -> Path:
        """Replace the database with a backup; the current state is kept first (returned).

        Who may: the logged-in administrator of the current database. When nobody is logged in to it (its file
        is damaged, or its users cannot log in), an administrator of the backup being restored, by
        ``credentials`` = (name, password) checked against the backup's own users; a backup without users
        needs nobody, unless it would replace a sound database that has users. The current state is kept as a
        safety backup, or, when its file is damaged, the file itself is moved aside into the backups folder.
        The restored database's log records the restore, by whom.
        """
        store = self.store
        path = self.sqlite_file()
        source = backup.find_backup(name)
        migrate.check_revision(backup.backup_revision(source))
        broken = backup.damage_of(path)
        staged = None
        try:
            if store.user is not None and broken is None:
                with store.writing() as s:
                    who = store.actor(s, "restore")
            else:
                staged, who = self._authorised_copy(source, path, credentials)
                if not who and broken is None and self._current_has_users():
                    raise NotLoggedIn("从备份恢复须由当前数据库的管理员登录（该备份中没有用户，不能凭备份授权）")
            store.engine.dispose()
            if broken is None:
                safety = backup.create_backup(path, "restore")
                backup.copy_into(staged or source, path)
            else:
                assert staged is not None  # a damaged file is replaced only by an authorised copy
                safety = backup.set_aside(path)
                os.replace(staged, path)
                staged = None
        finally:
            if staged is not None:
                staged.unlink(missing_ok=True)
        store.schema.check()
        with store.writing(who) as s:
            audit.log(
                s,
                "backup.restore",
                "database",
                None,
                {"file": source.name, "safety_copy": safety.name, "damaged": broken or None},
            )
        return safety

    def _authorised_copy(self, source: Path, beside: Path, credentials: tuple[str, str] | None) -> tuple[Path, str]:
        """A working copy of the backup, brought to this program's revision, and who may restore it: an
        administrator of the backup's own users (a copy is logged in to, so the backup file stays as it was;
        ``""`` when the backup has no users)."""
        staged = backup.stage(source, beside)
        copy = type(self.store)(f"sqlite:///{staged.as_posix()}", self.store.vocabulary)
        copy.clock, copy.sleep = self.store.clock, self.store.sleep
        try:
            copy.schema.upgrade(backup_first=False)
            who = ""
            if copy.users.exist():
                if credentials is None or not credentials[0]:
                    raise NotLoggedIn(
                        "从备份恢复须由管理员登录：当前数据库无法登录时，请以备份中的管理员用户名和密码授权"
                        "（命令行：--user 用户名，密码取自环境变量KJJB_PASSWORD或提示输入）"
                    )
                copy.users.login(*credentials)
                who = copy.require("restore")
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
            revision = self.store.schema.revision()
            return revision is not None and revision >= "0004" and self.store.users.exist()
        except (StoreError, DBAPIError):
            return True
