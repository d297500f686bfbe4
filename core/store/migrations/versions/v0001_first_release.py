"""First release: companies and their history, batches, claims, award lines, ledger,
overrides, settings and the import log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from core.store.types import Money

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("award_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source_name", sa.String(length=260), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("calculated_at", sa.DateTime(), nullable=True),
        sa.Column("overrides_version", sa.Integer(), nullable=True),
        sa.Column("preparer", sa.String(length=60), nullable=False),
        sa.Column("reviewer", sa.String(length=60), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column("county", sa.String(length=60), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=False),
        sa.Column("bank_name", sa.String(length=200), nullable=False),
        sa.Column("bank_account", sa.String(length=60), nullable=False),
        sa.Column("contact", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("history_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("uscc", name=op.f("uq_companies_uscc")),
    )
    op.create_index(op.f("ix_companies_city"), "companies", ["city"], unique=False)
    op.create_index(op.f("ix_companies_county"), "companies", ["county"], unique=False)
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("path", sa.String(length=120), nullable=False),
        sa.Column("value_type", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("who", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "award_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("claim_key", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=False),
        sa.Column("document_title", sa.String(length=300), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=True),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("person", sa.String(length=60), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_award_lines_batch_id_batches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_award_lines_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_lines")),
        sa.UniqueConstraint("batch_id", "line_no", name=op.f("uq_award_lines_batch_id_line_no")),
    )
    op.create_index(op.f("ix_award_lines_company_id"), "award_lines", ["company_id"], unique=False)
    op.create_table(
        "batch_companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("calculated", sa.Boolean(), nullable=False),
        sa.Column("history_version", sa.Integer(), nullable=True),
        sa.Column("total", Money(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_batch_companies_batch_id_batches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_batch_companies_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_companies")),
        sa.UniqueConstraint("batch_id", "company_id", name=op.f("uq_batch_companies_batch_id_company_id")),
    )
    op.create_index(op.f("ix_batch_companies_company_id"), "batch_companies", ["company_id"], unique=False)
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("claim_key", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_claims_batch_id_batches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_claims_company_id_companies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint(
            "batch_id", "company_id", "claim_key", name=op.f("uq_claims_batch_id_company_id_claim_key")
        ),
    )
    op.create_index(op.f("ix_claims_company_id"), "claims", ["company_id"], unique=False)
    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=260), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_import_log_batch_id_batches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
        sa.UniqueConstraint("sha256", name=op.f("uq_import_log_sha256")),
    )
    op.create_table(
        "rd_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("expense", Money(), nullable=False),
        sa.Column("super_deduction", sa.Boolean(), nullable=False),
        sa.Column("deducted", Money(), nullable=True),
        sa.Column("revenue", Money(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_rd_years_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rd_years")),
        sa.UniqueConstraint("company_id", "year", name=op.f("uq_rd_years_company_id_year")),
    )
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued_in", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_recognitions_batch_id_batches")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_recognitions_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
        sa.UniqueConstraint(
            "company_id",
            "kind",
            "level",
            "date",
            "stage",
            "number",
            name=op.f("uq_recognitions_company_id_kind_level_date_stage_number"),
        ),
    )
    op.create_table(
        "tech_sme_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_tech_sme_registrations_batch_id_batches")),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_tech_sme_registrations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tech_sme_registrations")),
        sa.UniqueConstraint("company_id", "year", name=op.f("uq_tech_sme_registrations_company_id_year")),
    )
    op.create_index(op.f("ix_tech_sme_registrations_year"), "tech_sme_registrations", ["year"], unique=False)
    op.create_table(
        "ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("person", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_ledger_batch_id_batches")),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_ledger_company_id_companies")),
        sa.ForeignKeyConstraint(["line_id"], ["award_lines.id"], name=op.f("fk_ledger_line_id_award_lines")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger")),
    )
    op.create_index(op.f("ix_ledger_batch_id"), "ledger", ["batch_id"], unique=False)
    op.create_index(op.f("ix_ledger_company_id_year"), "ledger", ["company_id", "year"], unique=False)


def downgrade() -> None:
    for table in (
        "ledger",
        "tech_sme_registrations",
        "recognitions",
        "rd_years",
        "import_log",
        "claims",
        "batch_companies",
        "award_lines",
        "settings",
        "overrides",
        "companies",
        "batches",
    ):
        op.drop_table(table)
