"""Row seals: a digest of each protected data row as the program last wrote it.

Every audited change records, in its audit entry, the digest of each
protected row it created, changed or deleted (``audit_seals``; a deleted row
is sealed as None). The entry's hash covers the list, so replaying the chain
gives what every protected row must look like now; ``core.store.verify``
recomputes the digests and names any row that differs, is missing, or was
never written by the program.

The digest covers an explicit list of columns per table, so a later revision
adding a column does not change the digests of existing rows (it must decide
whether to seal the new column; tests/store/test_audit.py checks every
column is listed here or excluded on purpose).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.history import chunks
from core.store.models import Base


@dataclass(frozen=True)
class Spec:
    label: str  # what a clerk calls a row of the table
    columns: tuple[str, ...]  # what the digest covers
    excluded: tuple[str, ...] = ()  # columns that change without an audited change (counters)
    key: str = "id"


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROTECTED: dict[str, Spec] = {
    "companies": Spec("单位", _cols("id uscc name city county size industry bank_name bank_account contact phone "
                                   "search_key created_at updated_at"), ("history_version",)),
    "recognitions": Spec("认定记录", _cols("id company_id kind level date number issued_in name stage batch_id "
                                       "created_at")),
    "tech_sme_registrations": Spec("入库记录", _cols("id company_id year number batch_id created_at")),
    "rd_years": Spec("研发费用记录", _cols("id company_id year expense super_deduction deducted revenue updated_at")),
    "batches": Spec("批次", _cols("id name award_year status source_name created_at calculated_at "
                                "overrides_version preparer reviewer approved_at paid_at created_by adjusts_batch_id "
                                "adjust_reason")),
    "batch_companies": Spec("批次单位", _cols("id batch_id company_id seq calculated history_version total errors "
                                          "warnings excluded uscc company_name bank_name bank_account")),
    "claims": Spec("申报事项", _cols("id batch_id company_id seq claim_key type date fields")),
    "award_lines": Spec("奖补明细", _cols("id batch_id company_id line_no claim_key subject rule_id document_id "
                                      "document_title doc_number clause summary sentence amount provisional person "
                                      "event_date trace schedule")),
    "ledger": Spec("台账记录", _cols("id company_id batch_id line_id rule_id year amount subject person note "
                                 "recorded_at")),
    "overrides": Spec("参数调整记录", _cols("id target path value_type value valid_from valid_to who created_at reason "
                                      "revoked_at revoked_by")),
    "settings": Spec("设置", _cols("key value"), key="key"),
    "import_log": Spec("导入记录", _cols("id sha256 batch_id source_name imported_at summary")),
    "letter_numbers": Spec("兑现通知书编号", _cols("id batch_id company_id year serial assigned_at")),
    "users": Spec("用户", _cols("id name roles password_hash active created_at created_by"),
                  ("failed_logins", "last_failed_at", "last_login_at")),
}
# Tables outside the seals: logs of their own (letter_issues), the audit tables and Alembic's.
UNSEALED = frozenset({"letter_issues", "audit_log", "audit_seals", "audit_head", "alembic_version"})


def table(name: str):
    return Base.metadata.tables[name]


def plain(value):
    """A column value as JSON-native data, the same on SQLite and PostgreSQL.

    JSON columns come back from the database as JSON-native data already; anything else inside them would be
    written by ``_json_default`` the way the store writes it (core.store.types).
    """
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _json_default(obj):
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, (dt.datetime, dt.date)):
        return obj.isoformat()
    raise TypeError(f"{type(obj).__name__} in a sealed row")


def canonical_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def row_digest(table_name: str, row) -> str:
    """The digest of a row (a mapping of column values) of a protected table."""
    spec = PROTECTED[table_name]
    body = {c: plain(row[c]) for c in spec.columns}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def row_key(table_name: str, row) -> str:
    return str(row[PROTECTED[table_name].key])


def list_digest(seals) -> str:
    """The digest of an entry's seals: ``[(table, key, digest or None), ...]`` in sorted order."""
    return hashlib.sha256(canonical_json([list(s) for s in sorted(seals, key=_order)]).encode("utf-8")).hexdigest()


def _order(seal):
    return seal[0], seal[1]


def _key_values(table_name: str, keys):
    spec = PROTECTED[table_name]
    return sorted(keys) if spec.key == "key" else sorted(int(k) for k in keys)


def current_digests(s: Session, table_name: str, keys) -> dict[str, str | None]:
    """{key: digest of the row now, or None when it does not exist} for these keys."""
    t = table(table_name)
    key_col = t.c[PROTECTED[table_name].key]
    out = {str(k): None for k in keys}
    for part in chunks(_key_values(table_name, keys)):
        for row in s.execute(select(t).where(key_col.in_(part))).mappings():
            out[row_key(table_name, row)] = row_digest(table_name, row)
    return out


def all_rows(s: Session, table_name: str, batch: int = 2000):
    """Every row of a protected table (as mappings), in key order, read in pieces."""
    t = table(table_name)
    key_col = t.c[PROTECTED[table_name].key]
    result = s.execute(select(t).order_by(key_col).execution_options(yield_per=batch))
    for row in result.mappings():
        yield row


def describe(table_name: str, key: str, row=None) -> str:
    """A row as a clerk can find it: what it is and the values that identify it."""
    spec = PROTECTED[table_name]
    if row is None:
        return f"{spec.label}（编号{key}）"
    r = row
    text = {
        "companies": lambda: f"单位“{r['name']}”（{r['uscc']}，编号{key}）",
        "recognitions": lambda: f"认定记录{key}（单位编号{r['company_id']}，{r['kind']}，{r['date']}）",
        "tech_sme_registrations": lambda: f"入库记录{key}（单位编号{r['company_id']}，{r['year']}年度）",
        "rd_years": lambda: f"研发费用记录{key}（单位编号{r['company_id']}，{r['year']}年度，{r['expense']}元）",
        "batches": lambda: f"批次{key}“{r['name']}”",
        "batch_companies": lambda: f"批次{r['batch_id']}的单位记录{key}（单位编号{r['company_id']}）",
        "claims": lambda: f"批次{r['batch_id']}的申报事项“{r['claim_key']}”（单位编号{r['company_id']}）",
        "award_lines": lambda: (f"批次{r['batch_id']}第{r['line_no']}条奖补明细（编号{key}，单位编号{r['company_id']}，"
                                f"规则{r['rule_id']}，金额{r['amount']}元）"),
        "ledger": lambda: (f"台账记录{key}（单位编号{r['company_id']}，规则{r['rule_id']}，{r['year']}年度，"
                           f"金额{r['amount']}元" + (f"，批次{r['batch_id']}" if r['batch_id'] else "") + "）"),
        "overrides": lambda: f"参数调整记录{key}（{r['target']} {r['path']}）",
        "settings": lambda: f"设置“{key}”",
        "import_log": lambda: f"导入记录{key}（批次{r['batch_id']}）",
        "letter_numbers": lambda: f"兑现通知书编号记录{key}（批次{r['batch_id']}，〔{r['year']}〕{r['serial']}号）",
        "users": lambda: f"用户“{r['name']}”",
    }[table_name]
    return text()
