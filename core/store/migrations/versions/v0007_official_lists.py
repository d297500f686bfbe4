"""Official lists (免申即享): the lists as imported, each row's match, the claim made of it and the company's answer.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_name", sa.String(length=260), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("platform_kind", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_lists")),
        sa.UniqueConstraint("sha256", name=op.f("uq_official_lists_sha256")),
    )
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("platform_name", sa.String(length=200), nullable=False),
        sa.Column("platform_kind", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("match", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("claim_key", sa.String(length=100), nullable=False),
        sa.Column("consent", sa.String(length=10), nullable=False),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("consent_by", sa.String(length=60), nullable=False),
        sa.Column("consent_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["official_lists.id"], name=op.f("fk_list_entries_list_id_official_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_list_entries_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entries")),
        sa.UniqueConstraint("list_id", "row_no", name=op.f("uq_list_entries_list_id_row_no")),
    )
    op.create_index(op.f("ix_list_entries_company_id"), "list_entries", ["company_id"], unique=False)
    op.create_index(op.f("ix_list_entries_batch_id"), "list_entries", ["batch_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_list_entries_batch_id"), table_name="list_entries")
    op.drop_index(op.f("ix_list_entries_company_id"), table_name="list_entries")
    op.drop_table("list_entries")
    op.drop_table("official_lists")
