"""The evaluation engine: company history + batch claims -> award lines.

``ENGINE`` and ``load_policies`` (core.engine.registries) load on first use:
they bring the policy loader and YAML, which evaluating does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from core.engine.evaluate import Context, evaluate, evaluate_company

if TYPE_CHECKING:
    from core.engine.registries import ENGINE, load_policies

__all__ = ["Context", "ENGINE", "evaluate", "evaluate_company", "load_policies"]


def __getattr__(name: str):
    if name not in ("ENGINE", "load_policies"):
        raise AttributeError(f"module 'core.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module("core.engine.registries"), name)
    globals()[name] = value
    return value
