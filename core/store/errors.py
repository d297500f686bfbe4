"""Errors the store raises; every message is written for a clerk (Chinese)."""

from __future__ import annotations

from core.progress import Cancelled  # noqa: F401 (the one Cancelled; imported from here too)


def name_list(names: list[str], limit: int = 10) -> str:
    """Names for a message: the first ``limit`` joined with 、, then how many in all."""
    return "、".join(names[:limit]) + (f"等{len(names)}家" if len(names) > limit else "")


class StoreError(Exception):
    """Something the store refuses or cannot do; ``str(exc)`` is the clerk's message.

    ``exit_code`` is what a headless command exits with: 2 for what the user asked or gave.
    """

    exit_code = 2


class NotFound(StoreError, LookupError):
    """A batch, company or record id that does not exist (a LookupError too, as callers may expect)."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened (server down, file locked or unreadable)."""

    exit_code = 1


class InvalidData(StoreError):
    """Data that does not pass validation (a USCC, a city, an amount ...)."""


class BatchLocked(StoreError):
    """A change to a batch that is no longer a draft, or an approval out of order."""


class Stale(StoreError):
    """What a calculation read has changed since; calculate again."""


class SchemaMismatch(StoreError):
    """The database's schema revision is not the one this program runs on."""


class NotLoggedIn(StoreError):
    """A change asked for without a logged-in user, once the database has users."""


class PermissionDenied(StoreError):
    """The logged-in user's roles do not allow the change."""


class LoginFailed(StoreError):
    """Wrong user name or password, or a deactivated user."""


class DatabaseBroken(DatabaseUnavailable):
    """The database file is damaged, empty or not a database: the program neither uses nor replaces it."""


class Tampered(StoreError):
    """A row about to be written no longer matches its seal: changed, inserted or deleted behind the program's
    back. Nothing was written; the refusal itself is recorded in the audit log (Store.writing).

    ``rows`` are the :class:`core.store.audit_tampered.TamperedRow` found; ``recorded_seq`` the audit entry recording it.
    """

    exit_code = 1

    def __init__(self, message: str, rows=(), doing: str = ""):
        super().__init__(message)
        self.rows = list(rows)
        self.doing = doing
        self.recorded_seq: int | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if self.recorded_seq is not None:
            text += f"（此次拒绝已记入第{self.recorded_seq}条审计记录）"
        return text


class PayeeChanges(InvalidData):
    """An import would change who is paid (a known company's name, bank or account) and that was not confirmed.

    ``changes`` are the :class:`core.store.imports.PayeeChange` found.
    """

    def __init__(self, message: str, changes=()):
        super().__init__(message)
        self.changes = list(changes)
