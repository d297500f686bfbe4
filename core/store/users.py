"""Users: accounts with roles and scrypt password hashes, who is acting, and slowed-down wrong passwords.

Before the first user exists the program behaves as it always did (nobody
logs in; changes are recorded with an empty ``who``). Once a user exists,
every change needs a logged-in, active user holding the role the change
asks for; roles are read from the database at each change, so deactivating a
user or taking a role away takes effect at once for every open session.

Wrong passwords are counted per name from the audit log itself: the
``user.login_failed`` entries of the name since its last ``user.login`` (or
password change). So separate command runs count too, a name that does not
exist is counted and slowed down exactly like one that does (the answer and
the wait reveal nothing about which names exist), and nobody can reset a count
without breaking the hash chain. An attempt is answered only after
``core.identity.passwords.failure_delay(failures)`` seconds have passed since
the last failure. The ``failed_logins``/``last_failed_at``/``last_login_at``
columns are kept up to date for display only and are left out of the seal.

Names are compared in one spelling (core.identity.names.person_name): 张三 and
张三 followed by a zero-width space are the same user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.identity.names import name_problem, person_name
from core.identity.passwords import failure_delay, hash_password, password_problem
from core.identity.roles import ADMIN, ROLE_LABELS, format_roles, parse_roles, role_labels, role_problem
from core.store.audit import log, stamp, verify_rows
from core.store.errors import InvalidData, NotFound, NotLoggedIn, PermissionDenied
from core.store.models import AuditRow, User

NAME_MAX = 60
FAILURES_COUNTED = 100  # consecutive wrong passwords read back from the log (the wait stops growing at 6)
# What ends a run of wrong passwords for a name.
_RESETS = ("user.login", "user.password", "user.create")


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    roles: frozenset
    active: bool
    created_at: dt.datetime
    created_by: str = ""
    last_login_at: dt.datetime | None = None

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def label(self) -> str:
        """``张三（经办人、审核人）``"""
        return f"{self.name}（{role_labels(self.roles)}）"


def record(row: User) -> UserRecord:
    return UserRecord(
        row.id, row.name, parse_roles(row.roles), row.active, row.created_at, row.created_by, row.last_login_at
    )


def has_users(s: Session) -> bool:
    return bool(s.scalar(select(func.count()).select_from(User)))


def list_users(s: Session) -> list[UserRecord]:
    return [record(r) for r in s.scalars(select(User).order_by(User.name))]


def find(s: Session, name: str, lock: bool = False) -> User | None:
    q = select(User).where(User.name == person_name(name))
    return s.scalar(q.with_for_update() if lock else q)


def get(s: Session, name: str) -> User:
    """A user to change, locked until the change commits (two administrators take turns)."""
    row = find(s, name, lock=True)
    if row is None:
        raise NotFound(f"找不到用户“{name}”")
    return row


# ---------------------------------------------------------------- who is acting


def check_actor(s: Session, user: UserRecord | None, role: str | None, doing: str, warn=None) -> str:
    """The name of who is making a change (``""`` before any user exists), after checking they may."""
    if user is None:
        if has_users(s):
            raise NotLoggedIn(f"{doing}须先登录（命令行：--user 用户名，密码取自环境变量KJJB_PASSWORD或提示输入）")
        if warn is not None:
            warn()
        return ""
    row = find(s, user.name)
    if row is None or not row.active:
        raise NotLoggedIn(f"用户“{user.name}”已停用，请重新登录")
    verify_rows(s, User, [row.id], doing)  # roles given in the file, behind the administrator's back, count for nothing
    roles = parse_roles(row.roles)
    if role is not None and role not in roles:
        raise PermissionDenied(
            f"用户“{row.name}”的角色为{role_labels(roles)}，不能{doing}（需要{ROLE_LABELS[role]}角色）"
        )
    return row.name


# ---------------------------------------------------------------- accounts


def _check_new(s: Session, name: str, password: str, roles) -> tuple[str, str]:
    name = person_name(name)
    problems = []
    if not name:
        problems.append("请填写用户名")
    elif len(name) > NAME_MAX:
        problems.append(f"用户名最长{NAME_MAX}个字符")
    elif any(c in name for c in ":,\t\r\n"):
        problems.append("用户名不能含有冒号、逗号或换行")
    elif (p := name_problem(name)) is not None:
        problems.append(p)
    if (p := role_problem(roles)) is not None:
        problems.append(p)
    if (p := password_problem(password or "")) is not None:
        problems.append(p)
    if problems:
        raise InvalidData("；".join(problems))
    if find(s, name) is not None:
        raise InvalidData(f"用户名“{name}”已被使用")
    return name, format_roles(roles)


def add_user(s: Session, name: str, password: str, roles, by: str) -> UserRecord:
    first = not has_users(s)
    name, stored_roles = _check_new(s, name, password, roles)
    if first and ADMIN not in parse_roles(stored_roles):
        raise InvalidData("第一个用户须为管理员（由其再添加经办人、审核人）")
    row = User(
        name=name,
        roles=stored_roles,
        password_hash=hash_password(password),
        active=True,
        created_at=stamp(s),
        created_by=by,
        failed_logins=0,
    )
    s.add(row)
    s.flush()
    log(s, "user.create", f"user:{name}", None, {"name": name, "roles": stored_roles, "first": first})
    return record(row)


def set_password(s: Session, name: str, password: str) -> None:
    row = get(s, name)
    if (p := password_problem(password or "")) is not None:
        raise InvalidData(p)
    row.password_hash = hash_password(password)
    s.flush()
    s.execute(update(User).where(User.id == row.id).values(failed_logins=0, last_failed_at=None))
    log(s, "user.password", f"user:{row.name}", None, {"password": "（已更改）"})


def _admins_left(s: Session, without: User) -> int:
    others = s.scalars(select(User).where(User.active.is_(True), User.id != without.id))
    return sum(ADMIN in parse_roles(u.roles) for u in others)


def set_roles(s: Session, name: str, roles) -> None:
    row = get(s, name)
    if (p := role_problem(roles)) is not None:
        raise InvalidData(p)
    new = format_roles(roles)
    if ADMIN in parse_roles(row.roles) and ADMIN not in parse_roles(new) and row.active and not _admins_left(s, row):
        raise InvalidData(f"“{row.name}”是唯一的管理员，不能取消其管理员角色")
    if new == row.roles:
        return
    old, row.roles = row.roles, new
    s.flush()
    log(s, "user.roles", f"user:{row.name}", {"roles": old}, {"roles": new})


def set_active(s: Session, name: str, active: bool, by: str) -> None:
    row = get(s, name)
    if row.active == active:
        return
    if not active:
        if row.name == by:
            raise InvalidData("不能停用自己的账户")
        if ADMIN in parse_roles(row.roles) and not _admins_left(s, row):
            raise InvalidData(f"“{row.name}”是唯一的管理员，不能停用")
    row.active = active
    s.flush()
    log(s, "user.enable" if active else "user.disable", f"user:{row.name}", {"active": not active}, {"active": active})


# ---------------------------------------------------------------- passwords tried


def login_target(name: str) -> str:
    """The audit target of attempts to log in as ``name`` (whether or not such a user exists)."""
    return f"user:{person_name(name)[:NAME_MAX]}"


def recent_failures(s: Session, name: str) -> tuple[int, dt.datetime | None]:
    """(consecutive wrong passwords for this name, when the last one was), from the audit log."""
    rows = s.execute(
        select(AuditRow.action, AuditRow.at)
        .where(AuditRow.target == login_target(name), AuditRow.action.in_(("user.login_failed", *_RESETS)))
        .order_by(AuditRow.seq.desc())
        .limit(FAILURES_COUNTED)
    ).all()
    count, last = 0, None
    for action, at in rows:
        if action != "user.login_failed":
            break
        count += 1
        last = last or dt.datetime.fromisoformat(at)
    return count, last


def wait_seconds(failures: int, last: dt.datetime | None, at: dt.datetime) -> float:
    """Seconds still to wait, at ``at``, before an attempt after ``failures`` wrong passwords is answered."""
    if not failures or last is None:
        return 0.0
    return max(0.0, failure_delay(failures) - (at - last).total_seconds())


def record_failure(s: Session, name: str, at: dt.datetime) -> int:
    """Count a wrong password (an audit entry, the same for a name that does not exist); returns the name's
    consecutive failures, this one included."""
    failures = recent_failures(s, name)[0] + 1
    # the display copy of the count (the same statement for a name that does not exist: it changes no row)
    s.execute(update(User).where(User.name == person_name(name)).values(failed_logins=failures, last_failed_at=at))
    log(s, "user.login_failed", login_target(name), None, {"failures": failures})
    return failures


def record_login(s: Session, name: str, at: dt.datetime, failures: int) -> None:
    """A successful login: the display columns, and after wrong passwords an audit entry that ends their run."""
    s.execute(update(User).where(User.name == name).values(failed_logins=0, last_failed_at=None, last_login_at=at))
    if failures:
        log(s, "user.login", login_target(name), None, {"after_failures": failures})
