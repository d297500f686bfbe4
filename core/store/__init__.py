"""The company store: SQLAlchemy models, migrations, backups, batches and their award lines."""
from core.store.calc import CalcSummary
from core.store.companies import CompanyFilter, CompanyRow
from core.store.company_detail import CompanyDetail
from core.store.errors import (BatchLocked, Cancelled, DatabaseBroken, InvalidData, LoginFailed, NotFound, NotLoggedIn,
                               PayeeChanges, PermissionDenied, SchemaMismatch, Stale, StoreError, Tampered)
from core.store.overrides import OverrideRecord
from core.store.store import Store, open_store
from core.store.users import UserRecord

__all__ = ["open_store", "Store", "CalcSummary", "CompanyFilter", "CompanyRow", "CompanyDetail", "OverrideRecord",
           "StoreError", "NotFound", "InvalidData", "BatchLocked", "Stale", "SchemaMismatch", "Cancelled",
           "NotLoggedIn", "PermissionDenied", "LoginFailed", "UserRecord", "Tampered", "PayeeChanges", "DatabaseBroken"]
