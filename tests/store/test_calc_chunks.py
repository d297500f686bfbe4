"""Calculating a batch a chunk of companies at a time (core.store.calc_run): the same lines, one write."""

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from storehelp import batch_data, contract, hte, profile, uscc

from core.store import Cancelled, Stale, calc_run
from core.store.calc import Outcome

D = Decimal


def _batch(store):
    """Five companies 首次高企 (呼伦贝尔 （一）: 500,000 each) and one with two 技术合同 of 2,000,000 and
    1,000,000 (（十二）: 5% of the contract amount, 100,000 and 50,000): 2,650,000 in all."""
    claims = [(uscc(n), hte("2026-03-01")) for n in range(1, 6)]
    claims += [
        (uscc(6), contract("HT-1", "2026-04-01", "2000000")),
        (uscc(6), contract("HT-2", "2026-05-01", "1000000")),
    ]
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(n) for n in range(1, 7)], claims))
    return b


def _results(store, b):
    return store.lines(b), store.company_results(b)


def test_chunks_of_two_companies_give_the_lines_of_one_evaluation(store, policies, monkeypatch):
    b = _batch(store)
    whole = store.calculate(b, policies)
    expected = _results(store, b)
    assert (whole.companies, whole.lines, whole.total) == (6, 7, D("2650000.00"))
    monkeypatch.setattr(calc_run, "CHUNK_COMPANIES", 2)  # three chunks,
    monkeypatch.setattr(calc_run, "SPOOL_FILE_FROM", 0)  # spooled to a file
    spools, spool = [], calc_run.Spool
    monkeypatch.setattr(calc_run, "Spool", lambda in_memory: spools.append(in_memory) or spool(in_memory))
    seen = []
    chunked = store.calculate(b, policies, progress=lambda done, total: seen.append(done))
    assert chunked == whole and spools == [False]
    assert _results(store, b) == expected
    assert [line.line_no for line in expected[0]] == list(range(1, 8))
    assert [(line.company_name[-8:], line.amount) for line in expected[0][-2:]] == [
        ("6号科技有限公司", D("100000.00")),
        ("6号科技有限公司", D("50000.00")),
    ]
    assert seen == [0, 1, 2, 3, 4, 5, 6]
    assert store.verify_audit().ok


def test_a_cancel_in_a_later_chunk_writes_nothing(store, policies, monkeypatch):
    b = _batch(store)
    store.calculate(b, policies)
    before = _results(store, b)
    monkeypatch.setattr(calc_run, "CHUNK_COMPANIES", 2)
    monkeypatch.setattr(calc_run, "SPOOL_FILE_FROM", 0)
    seen = []
    with pytest.raises(Cancelled):
        store.calculate(b, policies, progress=lambda done, total: seen.append(done), cancel=lambda: len(seen) > 4)
    assert seen[-1] == 4  # the first two chunks were evaluated and spooled, and dropped with the spool
    assert _results(store, b) == before


def test_a_claim_added_while_calculating_is_not_overwritten(store, policies, monkeypatch):
    """A chunk read later would see a claim added meanwhile and an earlier one would not: nothing is saved."""
    if not store.is_sqlite or store.path is None:
        pytest.skip("the claim is added behind the store's back, through the SQLite file")
    b = _batch(store)
    monkeypatch.setattr(calc_run, "CHUNK_COMPANIES", 2)

    def add_claim(done, total):
        if done == 3:
            with sqlite3.connect(store.path) as con:  # as another clerk's list import would add it
                con.execute(
                    "INSERT INTO claims (batch_id, company_id, seq, claim_key, type, date, fields) "
                    "SELECT batch_id, company_id, seq + 100, 'c-extra', type, date, fields FROM claims "
                    "WHERE batch_id = ? ORDER BY id LIMIT 1",
                    (b,),
                )

    with pytest.raises(Stale, match="计算期间本批次的单位或申报事项有变化"):
        store.calculate(b, policies, progress=add_claim)
    assert store.lines(b) == []


def test_the_spool_gives_its_chunks_back_from_the_file_each_time_it_is_read():
    spool = calc_run.Spool(in_memory=False)
    first = [
        Outcome(
            1,
            3,
            D("500000.00"),
            "[]",
            '["警告"]',
            "[]",
            [{"amount": D("500000.00"), "event_date": dt.date(2026, 3, 1), "trace": '{"steps":["首次"]}'}],
        )
    ]
    second = [Outcome(2, 1, D("0"), '["错误"]', "[]", '[{"rule_id":"r"}]', [])]
    spool.add(first)
    spool.add(second)
    assert list(spool) == [first, second] == list(spool)
    assert spool.versions == {1: 3, 2: 1}
    spool.close()


def test_lines_inserted_many_to_a_statement_get_their_own_ids(store, policies):
    """The lines go in many to a statement (audit.insert_many, core.store.tuplewrites): each id read back is the
    row of that number, so every line is sealed as it is (verify finds nothing). Amounts by hand as in
    test_chunks_of_two_companies_give_the_lines_of_one_evaluation."""
    from sqlalchemy import select

    from core.store.models import AwardLineRow

    b = _batch(store)
    store.calculate(b, policies)
    with store.reading() as s:
        stored = {
            no: (id_, amount)
            for id_, no, amount in s.execute(
                select(AwardLineRow.id, AwardLineRow.line_no, AwardLineRow.amount).where(AwardLineRow.batch_id == b)
            )
        }
    assert [a for _, (_, a) in sorted(stored.items())] == [D("500000.00")] * 5 + [D("100000.00"), D("50000.00")]
    assert store.verify_audit().ok


def test_an_outcome_holds_the_json_stored_and_sealed(store, policies):
    """The JSON of a company's result and of its lines is encoded once, as the company is evaluated (calc.outcome),
    as the canonical JSON the store keeps: what the columns hold is that text, and every row matches its seal."""
    from sqlalchemy import Text, cast, select

    from core.store.models import AwardLineRow, BatchCompany
    from core.store.seals import canonical_json

    b = _batch(store)
    store.calculate(b, policies)
    with store.reading() as s:
        traces = s.execute(
            select(AwardLineRow.trace, cast(AwardLineRow.trace, Text).label("text")).order_by(AwardLineRow.line_no)
        )
        assert all(text == canonical_json(trace) for trace, text in traces)
        results = s.execute(
            select(BatchCompany.errors, BatchCompany.excluded, cast(BatchCompany.excluded, Text).label("text"))
        )
        for errors, excluded, text in results:
            assert errors == [] and text == canonical_json(excluded)
    assert store.verify_audit().ok
