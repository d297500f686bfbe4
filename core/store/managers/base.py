"""What every manager shares: the ``@change`` decorator (calibre's ``@write_api``) and the transaction it hands on.

    class Batches(Manager):
        @change("approve")
        def approve(self, tx, batch_id, ...):
            approval.approve(tx.s, batch_id, ..., tx.actor)

    store.batches.approve(batch_id)     # callers never pass tx

The decorator opens one write transaction (``Store.writing``: audited, committed or rolled back as a whole),
refuses a user without the action's role (core.identity.permissions), and gives the method a ``Tx`` holding the
session and the acting user's name. What the transaction touched is left in ``store.last_changes``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from core.identity.names import person_name
from core.identity.permissions import permission
from core.store.errors import InvalidData

if TYPE_CHECKING:  # a command that only reads (``main.py batches``) does not load the ORM
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

Progress = Callable[[int, int], None]  # progress(done, total)
Cancel = Callable[[], bool]  # cancel(): whether the clerk asked to stop
P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound="Manager")

EXTRA_CHANGES = "changes"  # Session.info: {Changes field: values} a change adds to what its audit entries say


@dataclass
class Tx:
    """One write transaction of one action: the session and who is acting (``""`` before users exist)."""

    s: Session
    actor: str
    action: str = ""
    store: Any = field(default=None, repr=False)

    def changed(self, **kinds: Iterable[object] | bool) -> None:
        """Note what this change touched beyond what its audit entries name (e.g. ``companies=ids``)."""
        extra = self.s.info.setdefault(EXTRA_CHANGES, {})
        for name, values in kinds.items():
            extra.setdefault(name, set()).update(values if not isinstance(values, bool) else [values])

    def as_actor(self, who: str | None, role_label: str) -> str:
        """The name to record: the logged-in user (a different ``who`` is refused), else ``who`` as typed (in its
        one spelling, core.identity.names)."""
        who = person_name(who)
        if self.actor:
            if who and who != self.actor:
                raise InvalidData(f"{role_label}应为当前登录用户“{self.actor}”，不能以“{who}”的名义操作")
            return self.actor
        return who


class Manager:
    def __init__(self, store: Any):
        self.store = store  # the core.store.store.Store facade (not imported: it imports the managers)

    def _read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """``fn(session, *args)`` on one consistent snapshot."""
        with self.store.reading() as s:
            return fn(s, *args, **kwargs)

    def _read_core(self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``fn(connection, *args)`` on one consistent snapshot, with SQLAlchemy Core alone (Store.connected)."""
        with self.store.connected() as conn:
            return fn(conn, *args, **kwargs)


def change(
    action: str, *, once_more_on_clash: bool = False
) -> Callable[[Callable[Concatenate[M, Tx, P], R]], Callable[Concatenate[M, P], R]]:
    """Mark a manager method as the store action ``action`` (a key of core.identity.permissions.PERMISSIONS).

    ``once_more_on_clash``: run the whole change again if it clashed with another clerk creating the same row at
    the same moment (IntegrityError): the second run finds the row and changes it under its lock.
    """
    permission(action)  # an undeclared action fails at import, not when a clerk first uses it

    def decorate(method: Callable[Concatenate[M, Tx, P], R]) -> Callable[Concatenate[M, P], R]:
        @functools.wraps(method)
        def run(self: M, *args: P.args, **kwargs: P.kwargs) -> R:
            def once() -> R:
                with self.store.writing() as s:
                    tx = Tx(s, self.store.actor(s, action), action, self.store)
                    return method(self, tx, *args, **kwargs)

            if not once_more_on_clash:
                return once()
            try:
                return once()
            except IntegrityError:
                return once()

        run.action = action  # type: ignore[attr-defined]
        return run

    return decorate
