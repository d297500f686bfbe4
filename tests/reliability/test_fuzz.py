"""Fuzzing the two doors input comes through: CASE.json and batch workbooks.

Whatever arrives, no traceback reaches the user, every refusal names the
problem, and a refused import leaves the database exactly as it was.
"""

import datetime as dt
import io
import json
import random
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cli import main as cli_main
from core.excel.layout import workbook_layout
from core.excel.problems import WorkbookError
from core.excel.reader import read_workbook
from core.excel.template import build_template
from core.store import open_store
from core.store.errors import StoreError
from core.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

# ------------------------------------------------------------------ CASE.json

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-03-01",
            "2026年3月1日",
            "12万",
            "1,200.50",
            "national",
            "国家级",
            "hulunbuir",
            "high_tech",
            "91110000600037341L",
            "是",
            "",
        ]
    ),
)
claim_keys = sorted({k for t in VOCAB.claim_types.values() for k in t.fields} | {"type", "id", "bogus"})


def claim_dicts():
    return st.dictionaries(
        st.sampled_from(claim_keys), st.one_of(scalars, st.sampled_from(sorted(VOCAB.claim_types))), max_size=8
    )


def company_dicts():
    history = st.fixed_dictionaries(
        {},
        optional={
            "recognitions": st.lists(
                st.dictionaries(st.sampled_from(["kind", "level", "date", "number", "x"]), scalars), max_size=3
            ),
            "tech_sme_years": st.lists(scalars, max_size=3),
            "rd": st.lists(
                st.dictionaries(st.sampled_from(["year", "expense", "super_deduction", "deducted"]), scalars),
                max_size=3,
            ),
            "ledger": st.lists(
                st.dictionaries(st.sampled_from(["rule_id", "year", "amount", "subject"]), scalars), max_size=2
            ),
        },
    )
    return st.fixed_dictionaries(
        {
            "uscc": st.one_of(st.just("91110000600037341L"), scalars),
            "name": scalars,
            "city": st.one_of(st.sampled_from(["hulunbuir", "baotou", "tongliao"]), scalars),
        },
        optional={
            "claims": st.lists(claim_dicts(), max_size=4),
            "history": st.one_of(history, scalars),
            "size": scalars,
        },
    )


cases = st.fixed_dictionaries(
    {
        "award_year": st.one_of(st.just(2026), scalars),
        "companies": st.one_of(st.lists(company_dicts(), max_size=3), scalars),
    },
    optional={
        "as_of": scalars,
        "calculators": st.lists(
            st.dictionaries(
                st.sampled_from(["calculator", "inputs", "id"]),
                st.one_of(scalars, st.sampled_from(["nmg20-04-tech-transfer-tax", "nmg20-23-indirect-cost"])),
            ),
            max_size=2,
        ),
    },
)


def _run_evaluate(tmp_path, text: str):
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(["evaluate", str(path)])
    return code, out.getvalue(), err.getvalue()


@SETTINGS
@given(cases)
def test_evaluate_never_raises_and_every_refusal_says_where(tmp_path, case):
    text = json.dumps(case, ensure_ascii=False, default=str)
    code, out, err = _run_evaluate(tmp_path, text)
    assert code in (0, 2)
    if code == 2:
        assert err.startswith("错误：") and "：" in err[3:] and out == ""
    else:
        assert json.loads(out)["award_year"]


@SETTINGS
@given(st.text(max_size=200))
def test_evaluate_survives_arbitrary_text(tmp_path, text):
    code, out, err = _run_evaluate(tmp_path, text)
    assert code in (0, 2)


# ------------------------------------------------------------------ workbooks

LAYOUT = workbook_layout(VOCAB)
cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(
        [
            "=1+1",
            "=A1*2",
            "91110000600037341L",
            "91150702MAAKD60002",
            "国家级",
            "高新技术企业",
            "2026-03-01",
            "2026年3月1日",
            "12.5万",
            "是",
            "否",
            "呼伦贝尔市",
            "\u200b",
            "🙂" * 5,
            "x" * 5000,
        ]
    ),
)


@st.composite
def workbooks(draw):
    wb = build_template(VOCAB, award_year=2026, batch_name="模糊测试")
    for sheet in LAYOUT:
        if not draw(st.booleans()):
            continue
        ws = wb[sheet.name]
        ncols = len(sheet.columns)
        if draw(st.integers(0, 9)) == 0:  # shuffle the header row
            headers = [ws.cell(1, c).value for c in range(1, ncols + 1)]
            random.Random(draw(st.integers(0, 999))).shuffle(headers)
            for c, h in enumerate(headers, 1):
                ws.cell(1, c).value = h
        for r in range(2, 2 + draw(st.integers(0, 4))):
            if draw(st.integers(0, 5)) == 0:
                continue  # an empty row
            for c in range(1, ncols + 2):
                v = draw(cell_values)
                if v is not None:
                    ws.cell(r, c).value = v
    return wb


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzzdb") / "kjjb.sqlite3"
    url = f"sqlite:///{path.as_posix()}"
    open_store(url).close()
    return url, path


def _snapshot(path):
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        con.close()


@SETTINGS
@given(workbooks())
def test_workbook_import_never_raises_and_a_refusal_changes_nothing(tmp_path, store_url, wb):
    url, db = store_url
    path = tmp_path / "fuzz.xlsx"
    wb.save(path)
    store = open_store(url)
    try:
        before = _snapshot(db)
        try:
            data = read_workbook(path, known_uscc=store.known_uscc)
        except WorkbookError as exc:
            assert exc.problems and all(p.reason for p in exc.problems)
            assert _snapshot(db) == before
            return
        try:
            store.apply_import(data)
        except StoreError as exc:
            assert str(exc)
            assert _snapshot(db) == before
    finally:
        store.close()
    assert isinstance(data.award_year, int) and all(isinstance(r.expense, Decimal) for _, r in data.rd)
