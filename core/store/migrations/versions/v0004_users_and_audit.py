"""Trust: users, the hash-chained audit log with its row seals, adjustment batches, approved company snapshots.

The audit tables are append-only: triggers make the database itself refuse
UPDATE and DELETE on them (a determined person can drop a trigger; the hash
chain then still shows the change).

Revision ID: 0004
Revises: 0003
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
APPEND_ONLY = ("audit_log", "audit_seals")
MESSAGE = "审计日志只能追加，不能修改或删除"
_AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("roles", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=19), nullable=False),
        sa.Column("who", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("seals", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_target"), "audit_log", ["target"], unique=False)
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"], unique=False)
    op.create_table(
        "audit_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["seq"], ["audit_log.seq"], name=op.f("fk_audit_seals_seq_audit_log")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seals")),
    )
    op.create_index(op.f("ix_audit_seals_seq"), "audit_seals", ["seq"], unique=False)
    op.create_index(op.f("ix_audit_seals_table_name_row_key"), "audit_seals", ["table_name", "row_key"], unique=False)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    head = sa.table(
        "audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash", sa.String)
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])

    with _keeping_batch_numbers(), op.batch_alter_table("batches", table_kwargs=_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("created_by", sa.String(length=60), nullable=False, server_default=""))
        batch.add_column(sa.Column("adjusts_batch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("adjust_reason", sa.Text(), nullable=False, server_default=""))
        batch.create_foreign_key(op.f("fk_batches_adjusts_batch_id_batches"), "batches", ["adjusts_batch_id"], ["id"])
    with op.batch_alter_table("batch_companies") as batch:
        batch.add_column(sa.Column("uscc", sa.String(length=18), nullable=True))
        batch.add_column(sa.Column("company_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("bank_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("bank_account", sa.String(length=60), nullable=True))
    _snapshot_approved_companies()
    _append_only_triggers()


@contextmanager
def _keeping_batch_numbers():
    """SQLite rebuilds ``batches`` to add a foreign key: keep AUTOINCREMENT's counter, so the number of a
    deleted draft is still never given again."""
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        yield
        return
    last = conn.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'batches'")).scalar()
    yield
    if last is not None:
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'batches'"))
        conn.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('batches', :seq)"), {"seq": last})


def _snapshot_approved_companies() -> None:
    """Batches approved before this revision keep the companies as they are now (the best record there is)."""
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE batch_companies SET "
            "uscc = (SELECT c.uscc FROM companies c WHERE c.id = batch_companies.company_id), "
            "company_name = (SELECT c.name FROM companies c WHERE c.id = batch_companies.company_id), "
            "bank_name = (SELECT c.bank_name FROM companies c WHERE c.id = batch_companies.company_id), "
            "bank_account = (SELECT c.bank_account FROM companies c WHERE c.id = batch_companies.company_id) "
            "WHERE batch_id IN (SELECT b.id FROM batches b WHERE b.status IN ('approved', 'paid'))"
        )
    )


def _append_only_triggers() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION kjjb_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION kjjb_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS kjjb_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    with op.batch_alter_table("batch_companies") as batch:
        batch.drop_column("bank_account")
        batch.drop_column("bank_name")
        batch.drop_column("company_name")
        batch.drop_column("uscc")
    with _keeping_batch_numbers(), op.batch_alter_table("batches", table_kwargs=_AUTOINCREMENT) as batch:
        batch.drop_constraint(op.f("fk_batches_adjusts_batch_id_batches"), type_="foreignkey")
        batch.drop_column("adjust_reason")
        batch.drop_column("adjusts_batch_id")
        batch.drop_column("created_by")
    op.drop_table("audit_head")
    op.drop_index(op.f("ix_audit_seals_table_name_row_key"), table_name="audit_seals")
    op.drop_index(op.f("ix_audit_seals_seq"), table_name="audit_seals")
    op.drop_table("audit_seals")
    op.drop_index(op.f("ix_audit_log_action"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_target"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("users")
