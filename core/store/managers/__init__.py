"""The store's managers, one per concern (Anki's ``col.decks``): ``store.batches``, ``store.companies`` …

Each holds the store it belongs to and opens its own transactions through it; a change is a method marked
``@change(action)`` (base.py), which takes the write transaction, checks the action's role and stamps the actor.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Later:
    """A module a manager needs for some of its methods only, imported when first used:
    ``approval = Later("core.store.approval")``, then ``approval.approve(...)`` as with the module itself.
    Listing batches or exporting one then loads no approval, import or override code (start-up time)."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<{self._name}, imported when first used>"
