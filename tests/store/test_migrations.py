"""Schema revisions: the migrated schema equals the models, and upgrading keeps the data."""

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from storehelp import uscc

from core.engine.trace import Trace
from core.store import CompanyFilter, SchemaMismatch, Store, StoreError, open_store
from core.store import migrate
from core.store.backup import backup_revision, list_backups
from core.store.db import make_engine
from core.store.models import Base
from core.store.types import Money

NOW = dt.datetime(2026, 3, 1, 9, 30)


def test_revisions_are_a_single_line_ending_in_head():
    revisions = [r.revision for r in migrate.script_directory().walk_revisions()]
    assert revisions == ["0007", "0006", "0005", "0004", "0003", "0002", "0001"]
    assert migrate.head_revision() == "0007"
    # the quick reading used to open a database agrees with Alembic's
    assert migrate.revisions() == {r.revision: r.down_revision for r in migrate.script_directory().walk_revisions()}
    assert migrate.head_revision() == migrate.script_directory().get_current_head()
    assert not migrate.is_known("0008") and migrate.is_known("0001")


def test_migrated_schema_equals_the_models(db_url):
    store = open_store(db_url)
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert store.revision() == "0007"
    store.close()


def _tables_at_0001():
    t = sa.table
    c = sa.column
    return {
        "companies": t(
            "companies",
            c("id"),
            c("uscc"),
            c("name"),
            c("city"),
            c("county"),
            c("size"),
            c("industry"),
            c("bank_name"),
            c("bank_account"),
            c("contact"),
            c("phone"),
            c("history_version"),
            c("created_at", sa.DateTime),
            c("updated_at", sa.DateTime),
        ),
        "batches": t(
            "batches",
            c("id"),
            c("name"),
            c("award_year"),
            c("status"),
            c("source_name"),
            c("created_at", sa.DateTime),
            c("calculated_at", sa.DateTime),
            c("overrides_version"),
            c("preparer"),
            c("reviewer"),
            c("approved_at", sa.DateTime),
        ),
        "batch_companies": t(
            "batch_companies",
            c("batch_id"),
            c("company_id"),
            c("seq"),
            c("calculated"),
            c("history_version"),
            c("total", Money()),
            c("errors", sa.JSON),
            c("warnings", sa.JSON),
            c("excluded", sa.JSON),
        ),
        "claims": t(
            "claims",
            c("batch_id"),
            c("company_id"),
            c("seq"),
            c("claim_key"),
            c("type"),
            c("date", sa.Date),
            c("fields", sa.JSON),
        ),
        "award_lines": t(
            "award_lines",
            c("id"),
            c("batch_id"),
            c("company_id"),
            c("line_no"),
            c("claim_key"),
            c("subject"),
            c("rule_id"),
            c("document_id"),
            c("document_title"),
            c("doc_number"),
            c("clause"),
            c("summary"),
            c("sentence"),
            c("amount", Money()),
            c("provisional"),
            c("person"),
            c("event_date", sa.Date),
            c("trace", sa.JSON),
            c("schedule", sa.JSON),
        ),
        "ledger": t(
            "ledger",
            c("company_id"),
            c("batch_id"),
            c("line_id"),
            c("rule_id"),
            c("year"),
            c("amount", Money()),
            c("subject"),
            c("person"),
            c("note"),
            c("recorded_at", sa.DateTime),
        ),
        "recognitions": t(
            "recognitions",
            c("company_id"),
            c("kind"),
            c("level"),
            c("date", sa.Date),
            c("number"),
            c("issued_in"),
            c("name"),
            c("stage"),
            c("batch_id"),
            c("created_at", sa.DateTime),
        ),
        "rd_years": t(
            "rd_years",
            c("company_id"),
            c("year"),
            c("expense", Money()),
            c("super_deduction"),
            c("deducted", Money()),
            c("revenue", Money()),
            c("updated_at", sa.DateTime),
        ),
    }


def _fill_0001(conn):
    t = _tables_at_0001()
    company = dict(
        county="海拉尔区",
        size="medium",
        industry="",
        bank_name="工行",
        bank_account="0601",
        contact="",
        phone="",
        history_version=3,
        created_at=NOW,
        updated_at=NOW,
    )
    conn.execute(
        t["companies"].insert(),
        [
            dict(id=1, uscc=uscc(1), name="ＡＢＣ呼伦贝尔科技有限公司", city="hulunbuir", **company),
            dict(id=2, uscc=uscc(2), name="满洲里口岸物流有限公司", city="hulunbuir", **company),
        ],
    )
    conn.execute(
        t["batches"].insert(),
        [
            dict(
                id=1,
                name="2026年第一批",
                award_year=2026,
                status="approved",
                source_name="a.xlsx",
                created_at=NOW,
                calculated_at=NOW,
                overrides_version=0,
                preparer="张三",
                reviewer="李四",
                approved_at=NOW,
            )
        ],
    )
    conn.execute(
        t["batch_companies"].insert(),
        [
            dict(
                batch_id=1,
                company_id=1,
                seq=1,
                calculated=True,
                history_version=2,
                total=Decimal("500000.00"),
                errors=[],
                warnings=["含测算金额"],
                excluded=[],
            )
        ],
    )
    conn.execute(
        t["claims"].insert(),
        [
            dict(
                batch_id=1,
                company_id=1,
                seq=1,
                claim_key="c1",
                type="recognition",
                date=dt.date(2026, 3, 1),
                fields={"kind": "high_tech", "level": "national", "date": "2026-03-01"},
            )
        ],
    )
    conn.execute(
        t["award_lines"].insert(),
        [
            dict(
                id=1,
                batch_id=1,
                company_id=1,
                line_no=1,
                claim_key="c1",
                subject="recognition:high_tech:national:2026-03-01:approved",
                rule_id="hlb-01-hte-first",
                document_id="hlb-2025-draft",
                document_title="关于进一步提升科技创新能力的政策措施（征求意见稿）",
                doc_number=None,
                clause="（一）",
                summary="首次获批国家高新技术企业",
                sentence="对首次获批的国家高新技术企业给予50万元经费支持。",
                amount=Decimal("500000.00"),
                provisional=True,
                person="",
                event_date=dt.date(2026, 3, 1),
                trace={"formula": "定额 500,000.00元"},
                schedule=None,
            )
        ],
    )
    conn.execute(
        t["ledger"].insert(),
        [
            dict(
                company_id=1,
                batch_id=1,
                line_id=1,
                rule_id="hlb-01-hte-first",
                year=2026,
                amount=Decimal("500000.00"),
                subject="recognition:high_tech:national:2026-03-01:approved",
                person="",
                note="",
                recorded_at=NOW,
            )
        ],
    )
    conn.execute(
        t["recognitions"].insert(),
        [
            dict(
                company_id=1,
                kind="high_tech",
                level="national",
                date=dt.date(2026, 3, 1),
                number="GR1",
                issued_in="",
                name="",
                stage="approved",
                batch_id=1,
                created_at=NOW,
            )
        ],
    )
    conn.execute(
        t["rd_years"].insert(),
        [
            dict(
                company_id=2,
                year=2025,
                expense=Decimal("1234567.89"),
                super_deduction=True,
                deducted=None,
                revenue=Decimal("0.01"),
                updated_at=NOW,
            )
        ],
    )


def test_upgrade_from_the_first_release_keeps_the_data(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        _fill_0001(conn)
    engine.dispose()

    if db_url.startswith("sqlite"):
        store = open_store(db_url)  # a clerk's SQLite file is upgraded on opening, after a backup
        (saved,) = list_backups()
        assert saved.reason == "migrate" and backup_revision(saved.path) == "0001"
    else:
        with pytest.raises(SchemaMismatch, match="再运行 python main.py db upgrade 升级"):
            open_store(db_url)
        store = Store(db_url)
        assert store.upgrade() is None  # no backup of a server database
    assert store.revision() == "0007"

    # the new column was filled in for existing companies: a half-width query finds the full-width name
    assert store.search_companies(CompanyFilter(text="abc呼伦贝尔")) == [1]
    assert store.search_companies(CompanyFilter(text=uscc(2)[-6:].lower())) == [2]
    (line,) = store.lines(1)
    assert (line.company_name, line.amount, line.provisional, line.trace) == (
        "ＡＢＣ呼伦贝尔科技有限公司",
        Decimal("500000.00"),
        True,
        Trace(formula="定额 500,000.00元"),
    )
    (result,) = store.company_results(1)
    assert (result.total, result.warnings) == (Decimal("500000.00"), ("含测算金额",))
    h1, h2 = store.history(1), store.history(2)
    assert [(e.rule_id, e.amount) for e in h1.ledger] == [("hlb-01-hte-first", Decimal("500000.00"))]
    # 0005: the ledger's subject is rewritten from the claim it paid for (no date: a re-recognition meets it)
    assert [e.subject for e in h1.ledger] == ["recognition:high_tech:national:"]
    assert h1.claims[0][1].fields["date"] == dt.date(2026, 3, 1)
    assert h2.rd[2025].expense == Decimal("1234567.89") and h2.rd[2025].revenue == Decimal("0.01")
    batch = store.batch(1)
    assert (batch.status, batch.preparer, batch.reviewer) == ("approved", "张三", "李四")
    store.close()


def test_a_database_from_a_newer_program_is_refused(db_url):
    store = open_store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    store.close()
    with pytest.raises(SchemaMismatch, match="数据库由较新版本的程序创建（结构版本0099）"):
        open_store(db_url)


def test_a_database_of_another_program_is_refused(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE payroll (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(SchemaMismatch, match="已有其他程序的数据表"):
        open_store(db_url)


def test_downgrade_to_the_first_release_and_back(db_url):
    store = open_store(db_url)
    migrate.downgrade(store.engine, "0001")
    assert store.revision() == "0001"
    assert "search_key" not in {c["name"] for c in sa.inspect(store.engine).get_columns("companies")}
    migrate.upgrade(store.engine)
    assert store.revision() == "0007"
    store.close()


def test_upgrade_rewrites_ledger_subjects_from_their_claims_and_seals_the_change(db_url, policies):
    """0005 on a database whose audit log has begun: subjects in the new form, one audited entry, verify clean,
    and the rewritten ledger makes a supplementary agreement meet the contract paid before."""
    from sqlalchemy import select, update

    from core.store.audit import log, touch
    from core.store.models import LedgerRow
    from storehelp import batch_data, contract, hte, profile

    store = open_store(db_url)
    u = uscc(7)
    b, _ = store.apply_import(
        batch_data(
            "2026年第一批", 2026, [profile(7)], [(u, hte("2026-03-01")), (u, contract("HT-1", "2026-04-01", "6000000"))]
        )
    )
    store.calculate(b, policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    cid = store.company_id(u)
    store.add_ledger_entry(
        cid, "hlb-12-tech-contract", 2025, Decimal("1000"), subject="旧台账手工录入", note="呼科发〔2025〕1号拨付"
    )
    # the database as the previous program left it: subjects in the old form, written (and sealed) by it
    old = {
        "hlb-01-hte-first": "recognition:high_tech:national:2026-03-01:approved:GR2026",
        "hlb-12-tech-contract": "tech_contract:HT-1:2026-04-01:",
    }
    with store.writing("旧版本") as s:
        rows = s.execute(select(LedgerRow.id, LedgerRow.rule_id).where(LedgerRow.batch_id == b)).all()
        touch(s, LedgerRow, [i for i, _ in rows])
        for i, rule_id in rows:
            s.execute(update(LedgerRow).where(LedgerRow.id == i).values(subject=old[rule_id]))
        log(s, "test.legacy_subjects", "ledger")
    assert store.verify_audit().ok
    migrate.downgrade(store.engine, "0004")  # the schema that program had (the old subjects are kept)

    migrate.upgrade(store.engine)
    assert store.revision() == "0007"
    ledger = {(e.rule_id, e.year): e.subject for e in store.history(cid).ledger}
    assert ledger == {
        ("hlb-01-hte-first", 2026): "recognition:high_tech:national:no=gr2026",
        ("hlb-12-tech-contract", 2026): "contract:ht-1",
        ("hlb-12-tech-contract", 2025): "旧台账手工录入",
    }  # typed in by a clerk: kept
    report = store.verify_audit()
    assert report.ok, [str(p) for p in report.problems]
    (entry,) = [e for e in store.audit_entries() if e.action == "ledger.subjects"]
    assert entry.sealed_rows == 2 and set(entry.old["subjects"].values()) == set(old.values())

    # 2027: a supplementary agreement of HT-1 for 6,000,000 meets the contract paid in 2026:
    # (6,000,000 + 6,000,000) × 5% = 600,000 > 500,000 单个技术合同最高 → 500,000 − 300,000 paid = 200,000
    b2, _ = store.apply_import(
        batch_data("2027年第一批", 2027, [profile(7)], [(u, contract("HT-1", "2027-02-01", "6000000"))])
    )
    store.calculate(b2, policies)
    assert [(l.rule_id, l.amount) for l in store.lines(b2)] == [("hlb-12-tech-contract", Decimal("200000.00"))]
    store.close()


def test_an_up_to_date_database_is_recognised_in_one_query_and_nothing_else_is(db_url):
    """migrate.ready: the short way through Schema.check. Only the newest revision with its audit log begun is
    ready; an empty database, an older one, two revision rows or a log not yet begun take the full check."""
    engine = make_engine(db_url)
    assert not migrate.ready(engine)  # empty: no alembic_version
    migrate.upgrade(engine)
    assert not migrate.ready(engine)  # at head, but the audit log has not begun
    engine.dispose()

    store = open_store(db_url)  # begins the log
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert migrate.ready(store.engine)
    assert [s for s in statements if "alembic_version" in s or "audit_head" in s] == [
        "SELECT version_num, (SELECT seq FROM audit_head WHERE id = 1) FROM alembic_version"
    ]
    store.close()
    store = open_store(db_url)  # the short way does not skip what the long one refuses: two revision rows
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
    assert not migrate.ready(store.engine)
    with pytest.raises(StoreError, match="数据库结构版本记录有2条"):
        store.schema.check()
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alembic_version WHERE version_num = '0001'"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))
    assert not migrate.ready(store.engine)  # an older revision
    store.close()


def _sqlite_contents(path) -> tuple[list, dict]:
    """A SQLite file's schema as SQLite stored it (type, name, table, statement text) and every table's rows."""
    with sqlite3.connect(path) as conn:
        schema = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)
        rows = {
            name: conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for kind, name, *_ in schema
            if kind == "table"
        }
    return schema, rows


def test_a_new_sqlite_file_is_made_at_the_head_with_the_very_schema_migrating_leaves(tmp_path):
    """Schema.upgrade makes an empty SQLite file at the head in one step (core.store.sqlite_head) instead of
    running every revision: the statement texts SQLite keeps, the indexes, triggers and rows are the same."""
    migrated, made = tmp_path / "migrated.sqlite3", tmp_path / "made.sqlite3"
    engine = make_engine(f"sqlite:///{migrated.as_posix()}")
    migrate.upgrade(engine)
    engine.dispose()
    store = open_store(f"sqlite:///{made.as_posix()}", check=False)
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    store.schema.upgrade()
    assert not any(s.startswith("ALTER") or "_alembic_tmp_" in s for s in statements)  # no revision was run
    assert store.revision() == migrate.head_revision()
    store.close()
    # the log begun on the new file is taken out to compare: the migrated one has none
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT seq FROM audit_head").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    schema_migrated, rows_migrated = _sqlite_contents(migrated)
    schema_made, rows_made = _sqlite_contents(made)
    assert schema_made == schema_migrated
    tables = {name for kind, name, *_ in schema_made if kind == "table"}
    assert tables == set(Base.metadata.tables) | {"alembic_version", "sqlite_sequence"}
    assert sum(kind == "trigger" for kind, *_ in schema_made) == 4  # audit_log and audit_seals append-only
    audit = {"audit_log", "audit_seals", "audit_head"}
    assert {k: v for k, v in rows_made.items() if k not in audit} == {
        k: v for k, v in rows_migrated.items() if k not in audit
    }
    assert rows_migrated["alembic_version"] == [(migrate.head_revision(),)]


def test_the_stored_sqlite_head_is_what_migrating_an_empty_file_leaves(tmp_path):
    """core/store/sqlite_head.py is generated; after adding a revision write it again with
    ``python -m core.store.migrate`` (until then a new file is migrated revision by revision)."""
    from core.store import sqlite_head

    engine = make_engine(f"sqlite:///{(tmp_path / 'head.sqlite3').as_posix()}")
    migrate.upgrade(engine)
    assert sqlite_head.REVISION == migrate.head_revision(), "run: python -m core.store.migrate"
    assert migrate.sqlite_head_statements(engine) == sqlite_head.STATEMENTS, "run: python -m core.store.migrate"
    engine.dispose()


def test_a_server_database_is_migrated_revision_by_revision(db_url):
    """Only SQLite takes the one-step way; on PostgreSQL create_at_head does nothing and the revisions run."""
    engine = make_engine(db_url)
    made = migrate.create_at_head(engine)
    assert made == db_url.startswith("sqlite")
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == (migrate.head_revision() if made else None)
    assert not migrate.create_at_head(engine)  # not empty (made by another instance of the program): no change
    engine.dispose()
    store = open_store(db_url)
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert store.revision() == migrate.head_revision()
    store.close()
