"""Award letters: the 文号 given to each company of a batch, and a log of every letter issued.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_letter_numbers_batch_id_batches")),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_letter_numbers_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_numbers")),
        sa.UniqueConstraint("batch_id", "company_id", name=op.f("uq_letter_numbers_batch_id_company_id")),
        sa.UniqueConstraint("year", "serial", name=op.f("uq_letter_numbers_year_serial")),
    )
    op.create_table(
        "letter_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("who", sa.String(length=60), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_letter_issues_batch_id_batches")),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_letter_issues_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_issues")),
    )
    op.create_index(
        op.f("ix_letter_issues_batch_id_company_id"), "letter_issues", ["batch_id", "company_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_letter_issues_batch_id_company_id"), table_name="letter_issues")
    op.drop_table("letter_issues")
    op.drop_table("letter_numbers")
