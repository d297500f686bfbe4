"""Company search: a normalised name + USCC column for substring search, and an index
for the 'holds a valid certificate' filter.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from core.store.searchkey import search_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_CHUNK = 1000


def upgrade() -> None:
    op.add_column("companies", sa.Column("search_key", sa.String(length=260), nullable=False, server_default=""))
    companies = sa.table(
        "companies",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("uscc", sa.String),
        sa.column("search_key", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(companies.c.id, companies.c.name, companies.c.uscc)).all()
    update = sa.update(companies).where(companies.c.id == sa.bindparam("cid")).values(search_key=sa.bindparam("key"))
    for start in range(0, len(rows), _CHUNK):
        conn.execute(update, [{"cid": r.id, "key": search_key(r.name, r.uscc)} for r in rows[start : start + _CHUNK]])
    op.create_index(op.f("ix_recognitions_kind_date"), "recognitions", ["kind", "date"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recognitions_kind_date"), table_name="recognitions")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("search_key")
