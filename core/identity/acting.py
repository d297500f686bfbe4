"""Who is acting in a headless command: ``--user NAME``, the password from KJJB_PASSWORD or a prompt.

``core.cli.main`` calls :func:`begin` with the parsed arguments; every store
a command opens (``core.store.open_store``) is then passed to :func:`attach`,
which logs the user in (and makes the store warn on stderr about changes made
before any user exists). Commands therefore need nothing of their own: the
store refuses a change without a logged-in user once users exist.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

PASSWORD_ENV = "KJJB_PASSWORD"  # the acting user's password
NEW_PASSWORD_ENV = "KJJB_NEW_PASSWORD"  # a password being set (user add, user passwd)


@dataclass
class _Request:
    name: str | None
    password: str | None = None


_request: _Request | None = None


class CredentialsError(Exception):
    """No password could be read; the message is for the user (Chinese)."""


def begin(args) -> None:
    """A command is starting with these arguments (``args.user`` may be None)."""
    global _request
    name = (getattr(args, "user", None) or "").strip() or None
    _request = _Request(name)


def end() -> None:
    global _request
    _request = None


def active() -> bool:
    return _request is not None


def acting_name() -> str | None:
    return _request.name if _request else None


def acting_password() -> str:
    """The acting user's password (read once per command)."""
    if _request is None or _request.name is None:
        raise CredentialsError("未指定用户（--user 用户名）")
    if _request.password is None:
        _request.password = read_password(PASSWORD_ENV, f"用户“{_request.name}”的密码：")
    return _request.password


def read_password(env: str, prompt: str, confirm: str | None = None) -> str:
    """From the environment variable, else asked on the terminal (twice with ``confirm``)."""
    value = os.environ.get(env)
    if value:
        return value
    try:
        value = _ask(prompt)
        if confirm is not None and _ask(confirm) != value:
            raise CredentialsError("两次输入的密码不一致")
    except (EOFError, OSError):
        raise CredentialsError(f"无法读取密码：请设置环境变量{env}，或在终端中运行以便输入") from None
    if not value:
        raise CredentialsError("密码不能为空")
    return value


def _ask(prompt: str) -> str:
    """A password typed on the terminal (not shown), or one line piped into the command."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt, stream=sys.stderr)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def attach(store) -> None:
    """Give a store opened by a command its acting user (does nothing outside a command)."""
    if _request is None:
        return
    store.on_unverified = _warn
    if _request.name is None or not _has_users(store):
        return
    from core.store.errors import StoreError

    try:
        password = acting_password()
    except CredentialsError as exc:
        raise StoreError(str(exc)) from None
    store.login(_request.name, password)


def _has_users(store) -> bool:
    """False also for a database from before users (revision < 0004), which has no users table."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return store.has_users()
    except SQLAlchemyError:
        return False
