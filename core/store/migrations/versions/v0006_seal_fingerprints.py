"""Seal fingerprints: each row seal also keeps 16 bits per sealed column, so a refusal can name what changed.

The column is diagnostic only (the digest stays the evidence); seals written
before this revision have none. The seals' (table, row) index gains ``seq``:
every write now looks up the last seal of each row it writes. ``letter_issues`` becomes a sealed table: the
first open after the upgrade seals the rows it already holds (Store.upgrade).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both back ends: rebuilding audit_seals (batch mode) would drop its append-only triggers.
    op.add_column("audit_seals", sa.Column("fingerprint", sa.String(length=200), nullable=True))
    # Every write now looks up the last seal of each row it writes: (table, row, seq) finds it in one index lookup.
    op.drop_index(op.f("ix_audit_seals_table_name_row_key"), table_name="audit_seals")
    op.create_index(
        op.f("ix_audit_seals_table_name_row_key_seq"), "audit_seals", ["table_name", "row_key", "seq"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_seals_table_name_row_key_seq"), table_name="audit_seals")
    op.create_index(op.f("ix_audit_seals_table_name_row_key"), "audit_seals", ["table_name", "row_key"], unique=False)
    op.execute("ALTER TABLE audit_seals DROP COLUMN fingerprint")
