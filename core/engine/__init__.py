"""The evaluation engine: company history + batch claims -> award lines.

Every name here loads on first use: ``Context``, ``evaluate`` and ``evaluate_company`` (core.engine.evaluate), and
``ENGINE`` and ``load_policies`` (core.engine.registries, which bring the policy loader and YAML). So a reader of a
stored trace (``core.engine.trace``: the exports, the letters) does not load the engine.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.engine.evaluate import Context, evaluate, evaluate_company
    from core.engine.registries import ENGINE, load_policies

__all__ = ["Context", "ENGINE", "evaluate", "evaluate_company", "load_policies"]

_WHERE = {
    "Context": "core.engine.evaluate",
    "evaluate": "core.engine.evaluate",
    "evaluate_company": "core.engine.evaluate",
    "ENGINE": "core.engine.registries",
    "load_policies": "core.engine.registries",
}


def __getattr__(name: str):
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'core.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """Importing the submodule core.engine.evaluate binds its name in the package: the name stays the function."""

    def __setattr__(self, name: str, value) -> None:
        if name == "evaluate" and isinstance(value, types.ModuleType):
            value = value.evaluate
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
