"""Store tests run twice: on a SQLite file and on PostgreSQL (a fresh schema per test).

PostgreSQL comes from KJJB_TEST_PG_URL (see .ci/run). Without it the
PostgreSQL half is skipped, unless KJJB_REQUIRE_PG=1 (CI), where a missing or
unreachable server fails the tests instead.
"""

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.engine import load_policies
from core.paths import POLICIES
from core.store import open_store

PG_URL = os.environ.get("KJJB_TEST_PG_URL")
REQUIRE_PG = os.environ.get("KJJB_REQUIRE_PG") == "1"


HLB = "hlb-2025-draft"


@pytest.fixture(scope="session")
def hlb_dir(tmp_path_factory):
    """A policy folder holding only the Hulunbuir draft (and its text)."""
    folder = tmp_path_factory.mktemp("policies-hlb")
    shutil.copy(POLICIES / f"{HLB}.yaml", folder)
    (folder / "texts").mkdir()
    shutil.copy(POLICIES / "texts" / f"{HLB}.txt", folder / "texts")
    return folder


@pytest.fixture(scope="session")
def policies(hlb_dir):
    """Store tests compute with the Hulunbuir draft alone, so every expected amount is the one worked out
    by hand from its clauses, whatever other documents the program gains."""
    return load_policies(hlb_dir)


@pytest.fixture(scope="session")
def published_policies(tmp_path_factory, hlb_dir):
    """The Hulunbuir draft as if published (status in_force): its lines are not provisional, so its companies get
    award letters and 文号 (a company whose every award rests on a draft gets neither, core.letters.numbering)."""
    folder = tmp_path_factory.mktemp("policies-hlb-published")
    text = (hlb_dir / f"{HLB}.yaml").read_text(encoding="utf-8")
    assert text.count("  status: draft\n") == 1
    (folder / f"{HLB}.yaml").write_text(text.replace("  status: draft\n", "  status: in_force\n"), encoding="utf-8")
    shutil.copytree(hlb_dir / "texts", folder / "texts")
    return load_policies(folder)


@pytest.fixture(scope="session")
def pg_admin():
    """An engine on the test server, or a skip (a failure when KJJB_REQUIRE_PG=1)."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("KJJB_REQUIRE_PG=1 but KJJB_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need KJJB_TEST_PG_URL")
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable")
    yield engine
    engine.dispose()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Each test gets its own data folder (database file, backups, connection setting)."""
    path = tmp_path / "data"
    monkeypatch.setenv("KJJB_DATA_DIR", str(path))
    return path


@pytest.fixture
def pg_url(pg_admin):
    """A URL on the test server whose search_path is a fresh, empty schema (dropped afterwards)."""
    schema = f"kjjb_test_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, data_dir):
    if request.param == "sqlite":
        return f"sqlite:///{(data_dir / 'kjjb.sqlite3').as_posix()}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()
