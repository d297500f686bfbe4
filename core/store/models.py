"""The database schema at the newest revision (SQLAlchemy 2 declarative models).

Migrations in ``core/store/migrations/versions`` build the same schema step by
step; ``tests/store/test_migrations.py`` checks that the two agree.

History rows (recognitions, tech-SME registrations) carry ``batch_id`` when
the approval of that batch recorded them, and NULL when they were imported or
typed in as history. ``companies.history_version`` goes up whenever anything
the engine reads about a company changes (profile, history, ledger); a
calculation remembers the version it read, and approval refuses results that
were computed from an older version.

No ``from __future__ import annotations`` here: SQLAlchemy reads each ``Mapped[...]`` annotation, and as a string it
must evaluate it first (200 of them, a sixth of mapping the models in every command that opens the store). The one
class named before it is defined is quoted.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.store.types import Money
from core.vocabulary import APPROVED, BATCH_STATUS_LABELS, DRAFT, PAID  # noqa: F401 (imported from here too)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(40), index=True)
    county: Mapped[str] = mapped_column(String(60), default="")
    size: Mapped[str] = mapped_column(String(20), default="medium")
    industry: Mapped[str] = mapped_column(String(100), default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="")
    bank_account: Mapped[str] = mapped_column(String(60), default="")
    contact: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Normalised name + USCC for substring search (revision 0002).
    search_key: Mapped[str] = mapped_column(String(260), default="", server_default="")
    history_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index(None, "county"),)


class RecognitionRow(Base):
    """A certificate or approval the company holds (Recognition in core.model)."""

    __tablename__ = "recognitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(20), default="")  # "" = no level
    date: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(100), default="")
    issued_in: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(200), default="")  # the platform's or carrier's name
    stage: Mapped[str] = mapped_column(String(20), default="approved")  # approved | cultivation | renewed
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    # Items recognised on one day (varieties of one 国审 notice) differ by their number; see history.same_recognition.
    __table_args__ = (
        UniqueConstraint("company_id", "kind", "level", "date", "stage", "number"),
        Index(None, "kind", "date"),  # revision 0002: qualification search
    )


class TechSmeRow(Base):
    """科技型中小企业入库: one registration per company and year."""

    __tablename__ = "tech_sme_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100), default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("company_id", "year"), Index(None, "year"))


class RdRow(Base):
    """研发费用 of one fiscal year, with 加计扣除 and revenue."""

    __tablename__ = "rd_years"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    expense: Mapped[Decimal] = mapped_column(Money)
    super_deduction: Mapped[bool] = mapped_column(Boolean, default=False)
    deducted: Mapped[Decimal | None] = mapped_column(Money)
    revenue: Mapped[Decimal | None] = mapped_column(Money)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("company_id", "year"),)


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    award_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    source_name: Mapped[str] = mapped_column(String(260), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    calculated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    overrides_version: Mapped[int | None] = mapped_column(Integer)  # read by the last calculation
    preparer: Mapped[str] = mapped_column(String(60), default="")
    reviewer: Mapped[str] = mapped_column(String(60), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Revision 0004: the user who imported it (or created the adjustment); "" before users existed.
    created_by: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # An adjustment batch corrects an approved one: its lines are differences the ledger nets against it.
    adjusts_batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    adjust_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    members: Mapped[list["BatchCompany"]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="BatchCompany.seq"
    )

    # Batch numbers appear on exported sheets and letters: never reuse one of a deleted draft.
    __table_args__ = {"sqlite_autoincrement": True}


class BatchCompany(Base):
    """A company taking part in a batch, and its result from the last calculation."""

    __tablename__ = "batch_companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    seq: Mapped[int] = mapped_column(Integer)
    calculated: Mapped[bool] = mapped_column(Boolean, default=False)
    history_version: Mapped[int | None] = mapped_column(Integer)  # the company's version the result was computed from
    total: Mapped[Decimal | None] = mapped_column(Money)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    excluded: Mapped[list] = mapped_column(JSON, default=list)
    # Revision 0004: the company as approved (what letters and disbursement sheets of an approved batch show).
    uscc: Mapped[str | None] = mapped_column(String(18))
    company_name: Mapped[str | None] = mapped_column(String(200))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    bank_account: Mapped[str | None] = mapped_column(String(60))

    batch: Mapped[Batch] = relationship(back_populates="members")

    __table_args__ = (UniqueConstraint("batch_id", "company_id"), Index(None, "company_id"))


class ClaimRow(Base):
    """One claim of a batch: its type and typed fields as JSON (money and dates as strings)."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    seq: Mapped[int] = mapped_column(Integer)
    claim_key: Mapped[str] = mapped_column(String(100))  # Claim.id, unique per company in the batch
    type: Mapped[str] = mapped_column(String(60))
    date: Mapped[dt.date | None] = mapped_column(Date)
    fields: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("batch_id", "company_id", "claim_key"), Index(None, "company_id"))


class AwardLineRow(Base):
    """An award line as computed, with a snapshot of its rule, document and clause."""

    __tablename__ = "award_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    claim_key: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(Text)
    rule_id: Mapped[str] = mapped_column(String(80))
    document_id: Mapped[str] = mapped_column(String(80))
    document_title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    clause: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    person: Mapped[str] = mapped_column(String(60), default="")
    event_date: Mapped[dt.date] = mapped_column(Date)
    trace: Mapped[dict] = mapped_column(JSON)
    schedule: Mapped[list | None] = mapped_column(JSON)  # [{"year": 2026, "amount": "500000.00"}, ...]

    __table_args__ = (UniqueConstraint("batch_id", "line_no"), Index(None, "company_id"))


class LedgerRow(Base):
    """An approved award: what later 'first time', 'once' and yearly caps count.

    ``batch_id``/``line_id`` are NULL for awards paid before the program was
    used, typed in from the old paper records.
    """

    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("award_lines.id"))
    rule_id: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    subject: Mapped[str] = mapped_column(Text, default="")
    person: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index(None, "company_id", "year"), Index(None, "batch_id"))


class OverrideRow(Base):
    """An administrator's parameter change; revoked rows stay as the audit trail."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(120))
    value_type: Mapped[str] = mapped_column(String(10))  # decimal | int | bool | text
    value: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    who: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str] = mapped_column(String(60), default="")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ImportLog(Base):
    """Each imported workbook by content hash: importing the same file again changes nothing."""

    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    source_name: Mapped[str] = mapped_column(String(260))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    summary: Mapped[dict] = mapped_column(JSON)


class LetterNumberRow(Base):
    """文号 of a company's award letter in a batch: 〔year〕serial号, given once and never reused (revision 0003)."""

    __tablename__ = "letter_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("batch_id", "company_id"), UniqueConstraint("year", "serial"))


class LetterIssueRow(Base):
    """Each time a letter was previewed, printed or written to PDF, by whom (revision 0003)."""

    __tablename__ = "letter_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kind: Mapped[str] = mapped_column(String(10))  # preview | print | pdf
    who: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index(None, "batch_id", "company_id"),)


class User(Base):
    """A person who uses the program, with roles (core.identity.roles) and a scrypt password hash (revision 0004).

    Users are never deleted or renamed (the audit log names them); a user who
    leaves is deactivated. The failure counters are not part of the user's
    seal: they change on every wrong password without an audited change.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    roles: Mapped[str] = mapped_column(String(60))  # "preparer,reviewer"
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(60), default="")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditRow(Base):
    """One entry of the append-only, hash-chained audit log (core.auditlog.chain; revision 0004).

    ``at`` is kept as the ISO text the hash covers. ``seals`` is the digest of
    this entry's rows in ``audit_seals``.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(19))
    who: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
    seals: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index(None, "target"), Index(None, "action"))


class AuditSealRow(Base):
    """The digest of one protected data row as an audited change left it; NULL = the change deleted it."""

    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(ForeignKey("audit_log.seq"))
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str | None] = mapped_column(String(64))
    # Revision 0005: 4 hex digits per sealed column (core.store.seals), to name the columns changed; not evidence.
    fingerprint: Mapped[str | None] = mapped_column(String(200))

    # (table, row, seq): a row's last seal in one index lookup, which every write checks (revision 0005).
    __table_args__ = (Index(None, "seq"), Index(None, "table_name", "row_key", "seq"))


class AuditHead(Base):
    """The last entry of the audit log (one row, id 1): locked while appending, compared when verifying."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class OfficialList(Base):
    """An official list as published (高企认定名单, 科技型中小企业入库名单, 平台认定名单), imported (revision 0007).

    ``kind`` is a core.lists.kinds key; ``platform_kind`` and ``level`` are what the whole list is about when its
    rows do not say (a 重点实验室 list), ``mapping`` the header each field was read from.
    """

    __tablename__ = "official_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(260), default="")
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    list_date: Mapped[dt.date | None] = mapped_column(Date)
    platform_kind: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(60), default="")


class ListEntry(Base):
    """One row of an official list: what it says, the company it was matched to, the claim made of it, and the
    company's answer (意愿确认) once the claim is in a batch (revision 0007).

    ``match``: "" not matched, ``uscc`` / ``name`` matched automatically, ``confirmed`` by the clerk (``score`` is
    the proposal's, in percent), ``created`` the company was created from the row. ``batch_id``/``claim_key`` name
    the claim; ``consent`` is ``pending`` / ``confirmed`` / ``declined`` with the day and who recorded it.
    """

    __tablename__ = "list_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("official_lists.id", ondelete="CASCADE"))
    row_no: Mapped[int] = mapped_column(Integer)
    company_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), default="")
    number: Mapped[str] = mapped_column(String(100), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(100), default="")
    platform_name: Mapped[str] = mapped_column(String(200), default="")
    platform_kind: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    match: Mapped[str] = mapped_column(String(10), default="")
    score: Mapped[int | None] = mapped_column(Integer)
    # No foreign key: deleting a draft batch leaves the row as it was sealed; a batch that is gone holds no claim.
    batch_id: Mapped[int | None] = mapped_column(Integer)
    claim_key: Mapped[str] = mapped_column(String(100), default="")
    consent: Mapped[str] = mapped_column(String(10), default="")
    consent_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_by: Mapped[str] = mapped_column(String(60), default="")
    consent_note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("list_id", "row_no"), Index(None, "company_id"), Index(None, "batch_id"))
