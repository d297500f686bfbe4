"""Ledger subjects in the form that pays each award once (core.subjects).

Until now a subject held the claim's date ("tech_contract:HT-1:2026-04-01:"),
so a contract's supplement, a project's second instalment or a platform's
re-recognition never met what the ledger had paid. Each ledger row written by
an approval is rewritten from the claim it paid for (ledger -> award line ->
claim); a line paid from history (multi-year installments) is rewritten from
the recognition it names. Rows typed in by hand keep their text unless it is
an old engine key that can be read.

When the audit log has begun, one audit entry records every change (old and
new subject per row) and seals the rewritten rows, so ``verify`` still finds
every ledger row as the program wrote it.

Revision ID: 0005
Revises: 0004
"""

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

from core.auditlog.chain import GENESIS, seal
from core.subjects import claim_subject, normalize, recognition_subject
from core.store.seals import canonical_json, list_digest, plain
from core.store.types import Money

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CHUNK = 1000
WHO = "系统"
# The ledger's sealed columns as of this revision (core.store.seals.PROTECTED["ledger"]).
_LEDGER_SEALED = (
    "id",
    "company_id",
    "batch_id",
    "line_id",
    "rule_id",
    "year",
    "amount",
    "subject",
    "person",
    "note",
    "recorded_at",
)

_ledger = sa.table(
    "ledger",
    sa.column("id", sa.Integer),
    sa.column("company_id", sa.Integer),
    sa.column("batch_id", sa.Integer),
    sa.column("line_id", sa.Integer),
    sa.column("rule_id", sa.String),
    sa.column("year", sa.Integer),
    sa.column("amount", Money()),
    sa.column("subject", sa.Text),
    sa.column("person", sa.String),
    sa.column("note", sa.Text),
    sa.column("recorded_at", sa.DateTime),
)
_lines = sa.table(
    "award_lines",
    sa.column("id", sa.Integer),
    sa.column("batch_id", sa.Integer),
    sa.column("company_id", sa.Integer),
    sa.column("claim_key", sa.String),
)
_claims = sa.table(
    "claims",
    sa.column("batch_id", sa.Integer),
    sa.column("company_id", sa.Integer),
    sa.column("claim_key", sa.String),
    sa.column("type", sa.String),
    sa.column("date", sa.Date),
    sa.column("fields", sa.JSON),
)
_batches = sa.table("batches", sa.column("id", sa.Integer), sa.column("adjusts_batch_id", sa.Integer))
_recognitions = sa.table(
    "recognitions",
    sa.column("company_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("level", sa.String),
    sa.column("date", sa.Date),
    sa.column("number", sa.String),
    sa.column("name", sa.String),
)
_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash", sa.String))
_log = sa.table(
    "audit_log",
    sa.column("seq", sa.Integer),
    sa.column("at", sa.String),
    sa.column("who", sa.String),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("old", sa.JSON),
    sa.column("new", sa.JSON),
    sa.column("seals", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
_seals = sa.table(
    "audit_seals",
    sa.column("seq", sa.Integer),
    sa.column("table_name", sa.String),
    sa.column("row_key", sa.String),
    sa.column("digest", sa.String),
)


def _recognition_from_old(old: str, company_id: int, recognitions: dict) -> str | None:
    """``recognition:kind:level:date:stage[:number]`` (the old key) as the new one, the name read from history."""
    parts = old.split(":", 5)
    if len(parts) < 5 or parts[0] != "recognition":
        return None
    _, kind, level, day, _stage = parts[:5]
    number = parts[5] if len(parts) == 6 else ""
    found = [
        r
        for r in recognitions.get(company_id, ())
        if r.kind == kind
        and (r.level or "") == level
        and r.date.isoformat() == day
        and (not number or normalize(r.number) == normalize(number))
    ]
    name = found[0].name if len(found) == 1 else ""
    return recognition_subject(kind, level or None, name, number or (found[0].number if len(found) == 1 else ""))


def _legacy(old: str, company_id: int, recognitions: dict) -> str | None:
    """An old engine key read without its claim, or None when it is not one (text typed by a clerk)."""
    if old.startswith("recognition:"):
        return _recognition_from_old(old, company_id, recognitions)
    if old.startswith("entered:") and old.count(":") >= 2:
        return "entered:" + normalize(old.split(":", 2)[2])
    return None


def new_subjects(conn) -> dict[int, tuple[str, str]]:
    """{ledger id: (old subject, new subject)} for every row whose subject changes."""
    adjusts = dict(conn.execute(sa.select(_batches.c.id, _batches.c.adjusts_batch_id)).all())
    claims = {}
    for b, c, key, ctype, day, fields in conn.execute(
        sa.select(
            _claims.c.batch_id,
            _claims.c.company_id,
            _claims.c.claim_key,
            _claims.c.type,
            _claims.c.date,
            _claims.c.fields,
        )
    ):
        claims[(b, c, key)] = (ctype, fields or {}, day)
    lines = {r.id: r for r in conn.execute(sa.select(_lines))}
    recognitions: dict = {}
    for r in conn.execute(sa.select(_recognitions)):
        recognitions.setdefault(r.company_id, []).append(r)
    out = {}
    for row in conn.execute(sa.select(_ledger.c.id, _ledger.c.company_id, _ledger.c.line_id, _ledger.c.subject)):
        new = None
        line = lines.get(row.line_id) if row.line_id is not None else None
        if line is not None:
            for batch in (line.batch_id, adjusts.get(line.batch_id)):
                found = claims.get((batch, line.company_id, line.claim_key))
                if found is not None:
                    ctype, fields, day = found
                    new = claim_subject(ctype, fields, day)
                    break
        if new is None:
            new = _legacy(row.subject or "", row.company_id, recognitions)
        if new is not None and new != row.subject:
            out[row.id] = (row.subject, new)
    return out


def _digest(row) -> str:
    body = {c: plain(row[c]) for c in _LEDGER_SEALED}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _audit(conn, changed: dict) -> None:
    """One audit entry for the rewrite, sealing the rewritten rows (only when the log has begun)."""
    head = conn.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).one_or_none()
    if head is None or head.seq == 0:
        return  # the log starts after the upgrade and seals every row as it is then
    ids = sorted(changed)
    seals = []
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        for row in conn.execute(sa.select(_ledger).where(_ledger.c.id.in_(part))).mappings():
            seals.append(("ledger", str(row["id"]), _digest(row)))
    seq, prev = head.seq + 1, head.hash or GENESIS
    at = dt.datetime.now().replace(microsecond=0).isoformat()
    old = {"subjects": {str(i): changed[i][0] for i in ids}}
    new = {"subjects": {str(i): changed[i][1] for i in ids}, "revision": revision}
    digest = list_digest(seals)
    e = seal(seq, at, WHO, "ledger.subjects", "ledger", old, new, prev, digest)
    conn.execute(
        _log.insert().values(
            seq=seq,
            at=at,
            who=WHO,
            action="ledger.subjects",
            target="ledger",
            old=old,
            new=new,
            seals=digest,
            prev_hash=prev,
            hash=e.hash,
        )
    )
    rows = [{"seq": seq, "table_name": t, "row_key": k, "digest": d} for t, k, d in sorted(seals)]
    for start in range(0, len(rows), _CHUNK):
        conn.execute(_seals.insert(), rows[start : start + _CHUNK])
    conn.execute(_head.update().where(_head.c.id == 1).values(seq=seq, hash=e.hash))


def upgrade() -> None:
    conn = op.get_bind()
    changed = new_subjects(conn)
    if not changed:
        return
    update = sa.update(_ledger).where(_ledger.c.id == sa.bindparam("lid")).values(subject=sa.bindparam("new"))
    items = sorted(changed.items())
    for start in range(0, len(items), _CHUNK):
        conn.execute(update, [{"lid": i, "new": new} for i, (_, new) in items[start : start + _CHUNK]])
    _audit(conn, changed)


def downgrade() -> None:
    """Subjects stay in the new form: the audit entry of the upgrade keeps every old one."""
