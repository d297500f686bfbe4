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

Beside the digest, a seal keeps a *fingerprint*: 16 bits of CRC-32 per
column, in the order of ``Spec.columns`` (revision 0006). It is not evidence
(the digest is, and only the digest is covered by the entry's hash); it lets a
refusal name the columns that were changed. A column added to a table's
seal later must therefore go at the end of its ``Spec.columns``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, cache
from typing import Any, NamedTuple

from sqlalchemy import JSON, String, Text, and_, bindparam, cast, func, select
from sqlalchemy.orm import Session

from core.store.chunks import chunks
from core.store.models import AuditSealRow, Base


@dataclass(frozen=True)
class Spec:
    label: str  # what a clerk calls a row of the table
    columns: tuple[str, ...]  # what the digest covers
    excluded: tuple[str, ...] = ()  # columns that change without an audited change (counters)
    key: str = "id"


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROTECTED: dict[str, Spec] = {
    "companies": Spec(
        "单位",
        _cols(
            "id uscc name city county size industry bank_name bank_account contact phone "
            "search_key created_at updated_at"
        ),
        ("history_version",),
    ),
    "recognitions": Spec(
        "认定记录", _cols("id company_id kind level date number issued_in name stage batch_id created_at")
    ),
    "tech_sme_registrations": Spec("入库记录", _cols("id company_id year number batch_id created_at")),
    "rd_years": Spec("研发费用记录", _cols("id company_id year expense super_deduction deducted revenue updated_at")),
    "batches": Spec(
        "批次",
        _cols(
            "id name award_year status source_name created_at calculated_at "
            "overrides_version preparer reviewer approved_at paid_at created_by adjusts_batch_id "
            "adjust_reason"
        ),
    ),
    "batch_companies": Spec(
        "批次单位",
        _cols(
            "id batch_id company_id seq calculated history_version total errors "
            "warnings excluded uscc company_name bank_name bank_account"
        ),
    ),
    "claims": Spec("申报事项", _cols("id batch_id company_id seq claim_key type date fields")),
    "award_lines": Spec(
        "奖补明细",
        _cols(
            "id batch_id company_id line_no claim_key subject rule_id document_id "
            "document_title doc_number clause summary sentence amount provisional person "
            "event_date trace schedule"
        ),
    ),
    "ledger": Spec(
        "台账记录", _cols("id company_id batch_id line_id rule_id year amount subject person note recorded_at")
    ),
    "overrides": Spec(
        "参数调整记录",
        _cols("id target path value_type value valid_from valid_to who created_at reason revoked_at revoked_by"),
    ),
    "settings": Spec("设置", _cols("key value"), key="key"),
    "import_log": Spec("导入记录", _cols("id sha256 batch_id source_name imported_at summary")),
    "letter_numbers": Spec("兑现通知书编号", _cols("id batch_id company_id year serial assigned_at")),
    # The login counters are a display cache: how long a wrong password waits is counted from the audit log's
    # own chained entries (user.login_failed, user.login), which nobody can reset without breaking the chain.
    "users": Spec(
        "用户",
        _cols("id name roles password_hash active created_at created_by"),
        ("failed_logins", "last_failed_at", "last_login_at"),
    ),
    "letter_issues": Spec("通知书出具记录", _cols("id batch_id company_id kind who issued_at")),
    # Revision 0007: official lists (core.lists) and each row's match, claim and the company's answer (意愿确认).
    "official_lists": Spec(
        "名单", _cols("id kind title source_name sha256 list_date platform_kind level mapping imported_at imported_by")
    ),
    "list_entries": Spec(
        "名单条目",
        _cols(
            "id list_id row_no company_name uscc number date region platform_name "
            "platform_kind level company_id match score batch_id claim_key consent "
            "consent_on consent_by consent_note"
        ),
    ),
}
# Tables outside the seals: the audit tables themselves and Alembic's.
UNSEALED = frozenset({"audit_log", "audit_seals", "audit_head", "alembic_version"})
# Tables sealed from a later revision on: upgrading to it seals the rows they already hold (Store.upgrade).
SEALED_SINCE = {"letter_issues": "0006", "official_lists": "0007", "list_entries": "0007"}

# What a clerk calls a column, for a message naming what was changed behind the program's back.
COLUMN_LABELS = {
    "id": "编号",
    "uscc": "统一社会信用代码",
    "name": "名称",
    "city": "盟市",
    "county": "旗县区",
    "size": "企业规模",
    "industry": "行业",
    "bank_name": "开户行",
    "bank_account": "银行账号",
    "contact": "联系人",
    "phone": "电话",
    "search_key": "检索词",
    "created_at": "创建时间",
    "updated_at": "修改时间",
    "company_id": "单位编号",
    "kind": "类别",
    "level": "级别",
    "date": "日期",
    "number": "编号（证书号）",
    "issued_in": "发证地",
    "stage": "阶段",
    "batch_id": "批次编号",
    "year": "年度",
    "expense": "研发费用",
    "super_deduction": "加计扣除",
    "deducted": "加计扣除额",
    "revenue": "营业收入",
    "award_year": "兑现年度",
    "status": "状态",
    "source_name": "导入文件",
    "calculated_at": "计算时间",
    "overrides_version": "参数调整版本",
    "preparer": "经办人",
    "reviewer": "审核人",
    "approved_at": "审批时间",
    "paid_at": "拨付时间",
    "created_by": "导入人",
    "adjusts_batch_id": "更正的批次",
    "adjust_reason": "更正理由",
    "seq": "序号",
    "calculated": "已计算",
    "history_version": "资料版本",
    "total": "合计金额",
    "errors": "错误",
    "warnings": "提示",
    "excluded": "未享受的奖补",
    "company_name": "单位名称",
    "claim_key": "事项编号",
    "type": "事项类型",
    "fields": "申报内容",
    "line_no": "明细序号",
    "subject": "事项",
    "rule_id": "规则编号",
    "document_id": "政策文件编号",
    "document_title": "政策文件",
    "doc_number": "文号",
    "clause": "条款",
    "summary": "条款摘要",
    "sentence": "条款原文",
    "amount": "金额",
    "provisional": "测算",
    "person": "人员",
    "event_date": "事项日期",
    "trace": "计算过程",
    "schedule": "分年拨付",
    "line_id": "明细编号",
    "note": "备注",
    "recorded_at": "记入时间",
    "target": "规则",
    "path": "参数",
    "value_type": "取值类型",
    "value": "取值",
    "valid_from": "起始日期",
    "valid_to": "截止日期",
    "who": "操作人",
    "reason": "理由",
    "revoked_at": "撤销时间",
    "revoked_by": "撤销人",
    "key": "设置项",
    "sha256": "文件校验值",
    "imported_at": "导入时间",
    "serial": "序号（文号）",
    "assigned_at": "编号时间",
    "roles": "角色",
    "password_hash": "密码",
    "active": "启用",
    "issued_at": "出具时间",
    "title": "名单名称",
    "list_date": "名单日期",
    "platform_kind": "平台类别",
    "mapping": "表头对应",
    "imported_by": "导入人",
    "list_id": "名单编号",
    "row_no": "名单行号",
    "region": "所在地区",
    "platform_name": "平台名称",
    "match": "匹配方式",
    "score": "相似度",
    "consent": "意愿确认",
    "consent_on": "确认日期",
    "consent_by": "确认记录人",
    "consent_note": "确认备注",
}


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


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def canonical_json(data) -> str:
    return _CANONICAL.encode(data)


class _Layout:
    """How a table's sealed columns are written: each value's JSON once, for the digest and the fingerprint."""

    def __init__(self, columns: tuple[str, ...]):
        self.columns = columns
        self.order = sorted(range(len(columns)), key=lambda i: columns[i])  # the digest's JSON has sorted keys
        self.keys = [canonical_json(c) + ":" for c in columns]
        self.pack = struct.Struct(f">{len(columns)}H").pack
        # Rows read in digest order (row_states): the columns sorted, each key's JSON, and where each column
        # stands in ``columns`` (the fingerprint's order).
        self.sorted_columns = tuple(columns[i] for i in self.order)
        self.sorted_keys = [self.keys[i] for i in self.order]
        self.spec_order = sorted(range(len(columns)), key=lambda j: self.order[j])
        self.sorted_index = {c: j for j, c in enumerate(self.sorted_columns)}
        # The digest's JSON with a %s for each column's JSON, in sorted order: one formatting per row
        self.body = "{" + ",".join(k.replace("%", "%%") + "%s" for k in self.sorted_keys) + "}"


_LAYOUTS = {name: _Layout(spec.columns) for name, spec in PROTECTED.items()}


_STRING = json.encoder.encode_basestring  # what the canonical encoder writes for a str (ensure_ascii=False)


class Encoded(str):
    """A column value given as its canonical JSON already (``json_part``): ``row_seal`` takes it as it is."""

    __slots__ = ()


@lru_cache(maxsize=4096)
def json_part(text: str | None) -> Encoded:
    """The canonical JSON of the value a JSON column holds as ``text`` (SQL NULL reads back as None).

    Cached by the text: a batch's traces repeat (4,593 distinct among 20,000 lines of 10,000 companies), so most
    are neither decoded nor encoded again.
    """
    return Encoded(_value_json(None if text is None else json.loads(text)))


def as_stored(text: str | None) -> Encoded | None:
    """A JSON column's stored text taken as its canonical JSON when it may be (no ``", "`` or ``": "``, which the
    store's ``dumps`` writes in any list of two items or object); else None: decode it (``json_part``).

    What the store writes canonically (``canonical_json``: a company's calculated result) is then hashed as read,
    neither decoded nor encoded again. A text that only looks canonical gives another digest than its seal; the
    caller then reads it through ``json_part`` before calling it changed, so nothing is refused for its spacing.
    """
    if text is None or ", " in text or ": " in text:
        return None
    return Encoded(text)


def _value_json(value) -> str:
    """One column value as the canonical encoder writes it, without building an encoder for a plain scalar."""
    encode = _ENCODERS.get(type(value))  # the common exact types; subclasses take the general way below
    if encode is not None:
        return encode(value)
    if isinstance(value, str):
        return _STRING(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, (Decimal, dt.datetime, dt.date)):
        return _STRING(plain(value))
    return _CANONICAL.encode(value)


# Each exact type's canonical JSON, most by a C function: a row's values are encoded with one lookup each.
_ENCODERS: dict[type, Any] = {
    str: _STRING,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): {None: "null"}.__getitem__,
    Encoded: str.__str__,
    Decimal: lambda v: _STRING(str(v)),
    dt.date: lambda v: _STRING(v.isoformat()),
    dt.datetime: lambda v: _STRING(v.isoformat()),
}


def _values_json(values) -> list[str]:
    """Each value's canonical JSON (``_value_json`` of each, with the lookup inlined)."""
    get = _ENCODERS.get
    return [get(type(v), _value_json)(v) for v in values]


def row_seal(table_name: str, row) -> tuple[str, str]:
    """(digest, fingerprint) of a row (a mapping of column values) of a protected table.

    The digest is sha256 of the canonical JSON of the sealed columns (sorted keys, no whitespace); the
    fingerprint is 4 hex digits per column (CRC-32 of its JSON, low 16 bits), in ``Spec.columns`` order.
    """
    layout = _LAYOUTS[table_name]
    parts = _values_json([row[c] for c in layout.sorted_columns])
    return _parts_digest(layout, parts), _sorted_fingerprint(layout, parts)


def packed_row_seal(table_name: str, row) -> bytes:
    """``pack_seal(*row_seal(table_name, row))`` without the hex text in between (a row written in bulk)."""
    layout = _LAYOUTS[table_name]
    parts = _values_json(map(row.__getitem__, layout.sorted_columns))
    crcs = [zlib.crc32(parts[j].encode("utf-8")) & 0xFFFF for j in layout.spec_order]
    return hashlib.sha256((layout.body % tuple(parts)).encode("utf-8")).digest() + layout.pack(*crcs)


def _parts_digest(layout: _Layout, parts: list[str]) -> str:
    """The digest of a row from each sealed column's JSON, in ``layout.sorted_columns`` order."""
    return hashlib.sha256((layout.body % tuple(parts)).encode("utf-8")).hexdigest()


def _sorted_fingerprint(layout: _Layout, parts: list[str]) -> str:
    return layout.pack(*[zlib.crc32(parts[j].encode("utf-8")) & 0xFFFF for j in layout.spec_order]).hex()


def reseal(state: RowState, changes: dict) -> tuple[str, str]:
    """(digest, fingerprint) of a row read by ``row_states(..., parts=True)`` with some columns set to new values
    (as they read back): the unchanged columns' JSON is not written again."""
    layout = _LAYOUTS[state.table]
    if state.parts is None:
        raise ValueError("reseal needs a state read with parts=True")
    parts = list(state.parts)
    for column, value in changes.items():
        parts[layout.sorted_index[column]] = _value_json(value)
    return _parts_digest(layout, parts), _sorted_fingerprint(layout, parts)


def sorted_columns(table_name: str) -> tuple[str, ...]:
    """A protected table's sealed columns in the order ``sorted_digest`` takes their values (by name)."""
    return _LAYOUTS[table_name].sorted_columns


def sorted_digest(table_name: str, values) -> str:
    """The digest of a row whose sealed values are given in ``sorted_columns`` order (a JSON column's value as
    ``json_part`` of its text): a reader that selected those columns checks each row it shows once."""
    return _parts_digest(_LAYOUTS[table_name], _values_json(values))


def row_digest(table_name: str, row) -> str:
    """The digest of a row (a mapping of column values) of a protected table."""
    return row_seal(table_name, row)[0]


def changed_columns(table_name: str, fingerprint: str | None, sealed: str | None) -> list[str] | None:
    """The sealed columns whose fingerprints differ (None when the seal has none to compare: sealed before
    revision 0006). A column added to the seal after ``sealed`` was taken is not compared."""
    if not fingerprint or not sealed:
        return None
    columns = PROTECTED[table_name].columns
    return [c for i, c in enumerate(columns) if sealed[4 * i : 4 * i + 4] not in ("", fingerprint[4 * i : 4 * i + 4])]


def column_labels(columns) -> str:
    """``金额（amount）、银行账号（bank_account）``"""
    return "、".join(f"{COLUMN_LABELS.get(c, c)}（{c}）" for c in columns)


def row_key(table_name: str, row) -> str:
    return str(row[PROTECTED[table_name].key])


_LIST_PIECE = 5000  # seals encoded at a time by list_digest


def list_digest(seals) -> str:
    """The digest of an entry's seals: ``[(table, key, digest or None), ...]`` in sorted order.

    The canonical JSON of the whole list, hashed a piece at a time (a large approval seals hundreds of thousands
    of rows): ``[a,b,c]`` is ``[`` + the pieces' items joined by ``,`` + ``]``.
    """
    return ordered_digest(sorted(seals, key=_order))


def _order(seal):
    return seal[0], seal[1]


def ordered_digest(ordered) -> str:
    """``list_digest`` of seals given already in sorted order (an iterable, not held at once)."""
    h = hashlib.sha256(b"[")
    piece: list[list] = []
    first = True
    for item in ordered:
        piece.append(list(item))
        if len(piece) == _LIST_PIECE:
            h.update((b"" if first else b",") + canonical_json(piece)[1:-1].encode("utf-8"))
            piece, first = [], False
    if piece:
        h.update((b"" if first else b",") + canonical_json(piece)[1:-1].encode("utf-8"))
    h.update(b"]")
    return h.hexdigest()


def packed_digest(tables) -> str:
    """``ordered_digest`` of packed seals: ``(table, {key: pack_seal(...)}, keys in order)`` by table in order.

    Each item's canonical JSON is written directly (``["table","key","digest"]`` or ``[...,null]``), a piece at a
    time, rather than built as lists for the encoder: an approval of 10,000 companies seals 85,000 rows.
    """
    h = hashlib.sha256(b"[")
    first = True
    for table_name, packed, keys in tables:
        head = "[" + _STRING(table_name) + ","
        for piece in chunks(keys, _LIST_PIECE):
            items = [head + _STRING(k) + (',"' + p[:32].hex() + '"]' if (p := packed[k]) else ",null]") for k in piece]
            h.update(("" if first else ",").encode() + ",".join(items).encode("utf-8"))
            first = False
    h.update(b"]")
    return h.hexdigest()


def pack_seal(digest: str | None, fingerprint: str | None) -> bytes:
    """A seal kept compactly until it is written (an approval of 100,000 companies holds 850,000): the digest's 32
    bytes and the fingerprint's raw bytes; empty for a row that is gone."""
    if digest is None:
        return b""
    return bytes.fromhex(digest) + bytes.fromhex(fingerprint or "")


def unpack_seal(packed: bytes) -> tuple[str | None, str | None]:
    """(digest, fingerprint) of ``pack_seal``'s bytes."""
    if not packed:
        return None, None
    return packed[:32].hex(), packed[32:].hex() or None


def _key_values(table_name: str, keys):
    spec = PROTECTED[table_name]
    return sorted(set(keys)) if spec.key == "key" else sorted({int(k) for k in keys})


class RowState(NamedTuple):
    """A protected row as it is now, beside the last seal the audit log holds for it (a tuple: an approval builds
    one for each of tens of thousands of rows)."""

    table: str
    key: str
    row: object  # the row's sealed columns (a mapping); None when it does not exist or was not kept (row_states)
    digest: str | None  # of the row now
    fingerprint: str | None
    sealed_seq: int | None  # the entry that sealed it last; None: never sealed
    sealed_digest: str | None  # None with a sealed_seq: that entry deleted it
    sealed_fingerprint: str | None
    # Each sealed column's JSON in sorted column order, kept with the row (row_states(..., parts=True)): reseal
    parts: list[str] | None = None

    @property
    def matches(self) -> bool:
        """Whether the row is exactly as the program last left it (a row that does not exist matches no seal)."""
        return self.sealed_seq is not None and self.sealed_digest is not None and self.digest == self.sealed_digest


def _last_seals_query():
    seals, other = AuditSealRow.__table__, AuditSealRow.__table__.alias("other")
    latest = (
        select(func.max(other.c.seq))
        .where(other.c.table_name == seals.c.table_name, other.c.row_key == seals.c.row_key)
        .scalar_subquery()
    )
    return select(seals.c.row_key, seals.c.seq, seals.c.digest, seals.c.fingerprint).where(
        seals.c.table_name == bindparam("table_name"),
        seals.c.row_key.in_(bindparam("keys", expanding=True)),
        seals.c.seq == latest,
    )


# Built once: the keys are bound as one expanding list, not 500 bound values built for every statement.
_LAST_SEALS = _last_seals_query()


def last_seals(s: Session, table_name: str, keys) -> dict[str, tuple[int, str | None, str | None]]:
    """{key: (seq, digest, fingerprint)} of the last seal of each of these rows that has one (two lookups per key
    in the (table_name, row_key, seq) index)."""
    out = {}
    for part in chunks(sorted({str(k) for k in keys})):
        found = s.execute(_LAST_SEALS, {"table_name": table_name, "keys": part}).all()
        out.update({key: (seq, digest, fingerprint) for key, seq, digest, fingerprint in found})
    return out


def stored(t, names) -> list:
    """The columns ``names`` of table ``t`` as stored: a JSON column as its text (its canonical JSON is
    ``json_part``'s, decoded only where needed)."""
    return [cast(t.c[n], Text).label(n) if isinstance(t.c[n].type, JSON) else t.c[n] for n in names]


def last_digest(table_name: str, key):
    """The digest of the last seal of the row whose key is the column ``key``, as a column of the select that
    reads the row (one look-up in the (table_name, row_key, seq) index; NULL when it has none or was sealed as
    deleted)."""
    seals = AuditSealRow.__table__.c
    return (
        select(seals.digest)
        .where(seals.table_name == table_name, seals.row_key == cast(key, String))
        .order_by(seals.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


@cache
def _sealed_columns_query(table_name: str, ranged: bool = False):
    """The sealed columns (in digest order, JSON columns as text) of the rows whose keys are bound as ``keys`` (or,
    ``ranged``, lie from ``lo`` to ``hi``), each with its last seal (seq, digest, fingerprint; NULLs when it has
    none): one statement, so one snapshot."""
    t = table(table_name)
    key = t.c[PROTECTED[table_name].key]
    key_text = key if isinstance(key.type, String) else cast(key, String)
    seals, other = AuditSealRow.__table__, AuditSealRow.__table__.alias("other")
    latest = (
        select(func.max(other.c.seq))
        .where(other.c.table_name == table_name, other.c.row_key == key_text)
        .scalar_subquery()
    )
    last = and_(seals.c.table_name == table_name, seals.c.row_key == key_text, seals.c.seq == latest)
    return (
        select(*stored(t, _LAYOUTS[table_name].sorted_columns), seals.c.seq, seals.c.digest, seals.c.fingerprint)
        .select_from(t.outerjoin(seals, last))
        .where(key.between(bindparam("lo"), bindparam("hi")) if ranged else key.in_(bindparam("keys", expanding=True)))
    )


def row_states(
    s: Session, table_name: str, keys, rows: bool = False, parts: bool = False, take: Sequence[str] = ()
) -> dict[str, RowState]:
    """{key: RowState} of the rows with these keys that exist, read with their last seals (``iter_states``)."""
    return {st.key: st for st in iter_states(s, table_name, keys, rows, parts, take)}


def iter_states(
    s: Session, table_name: str, keys, rows: bool = False, parts: bool = False, take: Sequence[str] = ()
) -> Iterator[RowState]:
    """The RowState of each row with these keys that exists, read with its last seal.

    Each row is read with its last seal by one statement (one snapshot: another clerk's change and its seal commit
    together); a caller that finds a mismatch on a server still reads again before calling it tampering
    (core.store.audit).

    Read a chunk at a time, only the sealed columns, each row's digest worked out once. A state keeps its row (a
    mapping of the sealed columns) only when it does not match its seal, or with ``rows``: thousands of rows
    checked are not held at once. With ``parts`` (or ``rows``) it keeps each column's JSON, for ``reseal``. A row
    that matches its seal has the seal's fingerprint (the same values); the fingerprint is worked out only for one
    that does not, or whose seal has none.

    With ``take`` (sealed columns), every state's row is instead the tuple of those columns' values as read (a JSON
    column's as its canonical JSON text), matching or not: a caller that uses a few columns of each row it checks
    (an approval's lines carry their traces) neither reads them again nor keeps whole rows.
    """
    spec = PROTECTED[table_name]
    layout = _LAYOUTS[table_name]
    t = table(table_name)
    columns = layout.sorted_columns
    at_key = columns.index(spec.key)
    keep_parts = parts or rows
    take_at = [columns.index(c) for c in take]
    # JSON columns are read as their text: its canonical JSON is json_part's (cached), decoded only for a row kept
    json_at = [j for j, c in enumerate(columns) if isinstance(t.c[c].type, JSON)]
    q = _sealed_columns_query(table_name)
    n = len(columns)
    by_range = _sealed_columns_query(table_name, ranged=True)
    for part in chunks(_key_values(table_name, keys)):
        if spec.key != "key" and part[-1] - part[0] == len(part) - 1:  # consecutive ids (rows written together)
            result = s.execute(by_range, {"lo": part[0], "hi": part[-1]})
        else:
            result = s.execute(q, {"keys": part})
        for found in result.all():
            texts = found[:n]
            key = str(texts[at_key])
            values, taken = _json_values(texts, json_at, as_is=True)
            encoded = _values_json(values)
            digest = _parts_digest(layout, encoded)
            seq, sealed_digest, sealed_fingerprint = found[n:]
            if taken and digest != sealed_digest:  # not canonical after all (or changed): as json_part reads it
                values, _ = _json_values(texts, json_at, as_is=False)
                encoded = _values_json(values)
                digest = _parts_digest(layout, encoded)
            matches = digest == sealed_digest
            fingerprint = sealed_fingerprint if matches and sealed_fingerprint else _sorted_fingerprint(layout, encoded)
            row: Any = None
            if take_at:
                row = tuple([values[j] for j in take_at])
            elif rows or not matches:
                row = dict(zip(columns, values))
                for j in json_at:
                    row[columns[j]] = None if texts[j] is None else json.loads(texts[j])
            yield RowState(
                table_name,
                key,
                row,
                digest,
                fingerprint,
                seq,
                sealed_digest,
                sealed_fingerprint,
                encoded if keep_parts else None,
            )


def _json_values(texts: Sequence[Any], json_at: list[int], as_is: bool) -> tuple[Sequence[Any], bool]:
    """A row's values with its JSON columns (at ``json_at``, read as text) as their canonical JSON, and whether any
    text was taken as it stands: with ``as_is`` where it may be (``as_stored``), else decoded (``json_part``)."""
    if not json_at:
        return texts, False
    values, taken = list(texts), False
    for j in json_at:
        stored_as_is = as_stored(texts[j]) if as_is else None
        taken = taken or stored_as_is is not None
        values[j] = stored_as_is if stored_as_is is not None else json_part(texts[j])
    return values, taken


def all_rows(s: Session, table_name: str, batch: int = 2000):
    """Every row of a protected table (as mappings), in key order, read in pieces."""
    t = table(table_name)
    key_col = t.c[PROTECTED[table_name].key]
    result = s.execute(select(t).order_by(key_col).execution_options(yield_per=batch))
    yield from result.mappings()


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
        "award_lines": lambda: (
            f"批次{r['batch_id']}第{r['line_no']}条奖补明细（编号{key}，单位编号{r['company_id']}，"
            f"规则{r['rule_id']}，金额{r['amount']}元）"
        ),
        "ledger": lambda: (
            f"台账记录{key}（单位编号{r['company_id']}，规则{r['rule_id']}，{r['year']}年度，"
            f"金额{r['amount']}元" + (f"，批次{r['batch_id']}" if r["batch_id"] else "") + "）"
        ),
        "overrides": lambda: f"参数调整记录{key}（{r['target']} {r['path']}）",
        "settings": lambda: f"设置“{key}”",
        "import_log": lambda: f"导入记录{key}（批次{r['batch_id']}）",
        "letter_numbers": lambda: f"兑现通知书编号记录{key}（批次{r['batch_id']}，〔{r['year']}〕{r['serial']}号）",
        "users": lambda: f"用户“{r['name']}”",
        "letter_issues": lambda: f"通知书出具记录{key}（批次{r['batch_id']}，单位编号{r['company_id']}，{r['who']}）",
        "official_lists": lambda: f"名单{key}“{r['title']}”",
        "list_entries": lambda: f"名单{r['list_id']}第{r['row_no']}行“{r['company_name']}”（编号{key}）",
    }[table_name]
    return text()
