"""The company store: SQLAlchemy models, migrations, backups, batches and their award lines.

The names below are loaded on first use (PEP 562), so that ``import core.store.errors`` or a command that only
lists batches does not load the rule engine through :mod:`core.store.calc` (start-up time of each command).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.calc import CalcSummary
    from core.store.companies import CompanyFilter, CompanyRow
    from core.store.company_detail import CompanyDetail
    from core.store.errors import (
        BatchLocked,
        Cancelled,
        DatabaseBroken,
        InvalidData,
        LoginFailed,
        NotFound,
        NotLoggedIn,
        PayeeChanges,
        PermissionDenied,
        SchemaMismatch,
        Stale,
        StoreError,
        Tampered,
    )
    from core.store.overrides import OverrideRecord
    from core.store.store import Store, open_store
    from core.store.users import UserRecord

_HOME = {
    "CalcSummary": "calc",
    "CompanyDetail": "company_detail",
    "CompanyFilter": "companies",
    "CompanyRow": "companies",
    "OverrideRecord": "overrides",
    "Store": "store",
    "open_store": "store",
    "UserRecord": "users",
}
_HOME.update(
    dict.fromkeys(
        (
            "BatchLocked",
            "Cancelled",
            "DatabaseBroken",
            "InvalidData",
            "LoginFailed",
            "NotFound",
            "NotLoggedIn",
            "PayeeChanges",
            "PermissionDenied",
            "SchemaMismatch",
            "Stale",
            "StoreError",
            "Tampered",
        ),
        "errors",
    )
)

__all__ = [
    "open_store",
    "Store",
    "CalcSummary",
    "CompanyFilter",
    "CompanyRow",
    "CompanyDetail",
    "OverrideRecord",
    "StoreError",
    "NotFound",
    "InvalidData",
    "BatchLocked",
    "Stale",
    "SchemaMismatch",
    "Cancelled",
    "NotLoggedIn",
    "PermissionDenied",
    "LoginFailed",
    "UserRecord",
    "Tampered",
    "PayeeChanges",
    "DatabaseBroken",
]


def __getattr__(name: str):
    """A name of ``__all__`` from its module; anything else is a submodule (``from core.store import migrate``)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'core.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"core.store.{home}"), name)
    globals()[name] = value
    return value
