"""What a change to the store touched, so that a screen refreshes only what it shows (Anki's OpChanges).

Every write transaction leaves one ``Changes`` in ``store.last_changes``, read from the audit entries it wrote
(their targets say what they are about) and from what the change itself added (``Tx.changed``). The methods'
return values stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar

T = TypeVar("T")


def _ids(values: Iterable[T]) -> frozenset[T]:
    return frozenset(values)


@dataclass(frozen=True)
class Changes:
    batches: frozenset[int] = field(default_factory=frozenset)
    companies: frozenset[int] = field(default_factory=frozenset)  # a profile or history (incl. the ledger)
    users: frozenset[str] = field(default_factory=frozenset)
    settings: frozenset[str] = field(default_factory=frozenset)
    overrides: frozenset[int] = field(default_factory=frozenset)  # policy parameter overrides (so: the policies)
    letters: frozenset[int] = field(default_factory=frozenset)  # batches whose letter numbers or issues changed
    audit: bool = False  # the audit log gained entries
    database: bool = False  # the whole database was replaced (a restore, an upgrade): refresh everything

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)})

    @property
    def policies(self) -> bool:
        """Whether what the engine computes with changed (an override)."""
        return bool(self.overrides) or self.database


NOTHING = Changes()

_KINDS = {"batch": "batches", "company": "companies", "user": "users", "setting": "settings", "override": "overrides"}
_INT_KINDS = {"batches", "companies", "overrides", "letters"}


def from_entries(entries: Sequence[tuple[str, str, object, object]], extra: dict[str, set] | None = None) -> Changes:
    """The Changes of audit entries ``(action, target, old, new)`` plus ``extra`` {field: values}."""
    found: dict[str, set] = {
        name: set() for name in ("batches", "companies", "users", "settings", "overrides", "letters")
    }
    flags = {"audit": bool(entries), "database": False}
    for action, target, _old, _new in entries:
        kind, _, key = target.partition(":")
        if action.startswith("letters."):
            found["letters"].add(int(key))
        elif kind in _KINDS:
            name = _KINDS[kind]
            found[name].add(int(key) if name in _INT_KINDS else key)
        elif kind == "database":
            flags["database"] = True
    for name, values in (extra or {}).items():
        if name in flags:
            flags[name] = flags[name] or bool(values)
        else:
            found[name].update(values)
    return Changes(
        batches=_ids(found["batches"]),
        companies=_ids(found["companies"]),
        users=_ids(found["users"]),
        settings=_ids(found["settings"]),
        overrides=_ids(found["overrides"]),
        letters=_ids(found["letters"]),
        audit=flags["audit"],
        database=flags["database"],
    )
