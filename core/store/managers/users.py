"""``store.users``: the program's users, logging in and out, passwords and roles."""

from __future__ import annotations

from collections.abc import Iterable

from core.identity.names import person_name
from core.identity.passwords import verify_password
from core.identity.roles import ADMIN
from core.store import audit, users
from core.store.errors import InvalidData, LoginFailed
from core.store.managers.base import Manager, Tx, change
from core.store.models import User
from core.store.users import UserRecord

# What an unknown name's password is checked against, so the answer takes as long as for a real user (the same
# scrypt parameters as core.identity.passwords; a constant, so the first unknown name costs no extra hash).
DUMMY_HASH = (
    "scrypt$16384$8$1$158d5d9d7cd69870a486cb304c90a36c$8ebd59dae357d9822e6329b1f1f9e52ea32458a9a61f85105912bdc7750d8e2b"
)


class Users(Manager):
    def __call__(self) -> list[UserRecord]:
        """``store.users()``: every user (the form callers used before the managers)."""
        return self.all()

    def all(self) -> list[UserRecord]:
        return self._read(users.list_users)

    def exist(self) -> bool:
        return self._read(users.has_users)

    # ------------------------------------------------------------ accounts
    def create_first_admin(self, name: str, password: str) -> UserRecord:
        """The first-run administrator (only while the database has no users); they are logged in."""
        with self.store.writing(who=person_name(name)) as s:
            if users.has_users(s):
                raise InvalidData("数据库已有用户，请由管理员登录后添加用户")
            user = users.add_user(s, name, password, [ADMIN], by="")
        self.store.user = user
        return user

    def add(self, name: str, password: str, roles: Iterable[str]) -> UserRecord:
        """A new user (administrators only). Before any user exists, the first must be an administrator."""
        with self.store.writing() as s:
            if not users.has_users(s):
                s.info[audit.TRAIL].who = person_name(name)
                return users.add_user(s, name, password, roles, by="")
            return users.add_user(s, name, password, roles, by=self.store.actor(s, "add_user"))

    @change("set_password")
    def set_password(self, tx: Tx, name: str, password: str, old_password: str | None = None) -> None:
        """A new password: users change their own with the old one; an administrator resets anyone else's."""
        target = users.get(tx.s, name)
        if target.name == tx.actor:
            if old_password is None or not verify_password(old_password, target.password_hash):
                raise LoginFailed("原密码不正确")
        else:
            self.store.actor(tx.s, "reset_password")
        users.set_password(tx.s, target.name, password)

    @change("set_roles")
    def set_roles(self, tx: Tx, name: str, roles: Iterable[str]) -> None:
        users.set_roles(tx.s, name, roles)

    @change("set_user_active")
    def set_active(self, tx: Tx, name: str, active: bool) -> None:
        users.set_active(tx.s, name, active, tx.actor)

    # ------------------------------------------------------------ logging in
    def login_wait(self, name: str) -> float:
        """Seconds before an attempt to log in as ``name`` would be answered (after wrong passwords).

        The same for a name that does not exist: the count comes from the audit log, by name.
        """
        failures, last = self._read(users.recent_failures, name)
        return users.wait_seconds(failures, last, self.store.clock())

    def login(self, name: str, password: str) -> UserRecord:
        """Log in: ``store.user`` becomes this user. Wrong passwords are answered ever more slowly.

        Raises LoginFailed with the same message, after the same wait and the same work (a password hash is
        checked either way), whether the name exists or not. A user whose row was changed in the database
        file (a role, a password hash) is refused with a tamper alarm.
        """
        store = self.store
        name = person_name(name)
        failures, last = self._read(users.recent_failures, name)
        wait = users.wait_seconds(failures, last, store.clock())
        if wait > 0:
            store.sleep(wait)
        with store.reading() as s:
            row = users.find(s, name)
            # the same queries for a name that does not exist (no row has id 0): the timing tells nothing
            audit.verify_rows(s, User, [row.id if row is not None else 0], "登录")
            stored = row.password_hash if row is not None else DUMMY_HASH
            found = users.record(row) if row is not None else None
        ok = verify_password(password or "", stored) and found is not None
        if not ok:
            with store.writing(who="") as s:
                failures = users.record_failure(s, name, audit.stamp(s))
            raise LoginFailed("用户名或密码错误" + (f"（已连续{failures}次）" if failures > 1 else ""))
        assert found is not None
        if not found.active:
            raise LoginFailed(f"用户“{found.name}”已停用，请联系管理员")
        with store.writing(found.name) as s:
            users.record_login(s, found.name, audit.stamp(s), failures)
        store.user = found
        return found

    def unlock(self, password: str) -> UserRecord:
        """The lock screen: the same user's password again."""
        if self.store.user is None:
            raise LoginFailed("没有已登录的用户")
        return self.login(self.store.user.name, password)

    def logout(self) -> None:
        self.store.user = None
