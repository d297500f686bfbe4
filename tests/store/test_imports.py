"""apply_import: all or nothing, merging profiles and history, idempotent for the same file."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from storehelp import RdYear, Recognition, batch_data, contract, hte, profile, uscc

from core.store import InvalidData, imports
from core.store.errors import PayeeChanges
from core.store.backup import list_backups
from core.store.models import Base


def dump(store) -> dict:
    """Every row of every table, to compare a database before and after."""
    out = {}
    with store.reading() as s:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def _first_import():
    return batch_data(
        "2026年第一批",
        2026,
        [profile(1), profile(2, size="small_micro")],
        claims=[(uscc(1), hte("2026-03-01")), (uscc(2), contract("HT-1", "2026-04-01", "3000000.50"))],
        recognitions=[(uscc(1), Recognition("key_lab", "regional", dt.date(2021, 6, 1), "ZDSYS-1"))],
        tech_sme=[(uscc(2), 2024), (uscc(2), 2025)],
        rd=[(uscc(2), RdYear(2025, Decimal("1234567.89"), True, Decimal("1000000"), None))],
    )


def test_import_writes_profiles_history_and_a_draft_batch(store):
    batch_id, created = store.apply_import(_first_import())
    assert created
    b = store.batch(batch_id)
    assert (b.name, b.award_year, b.status, b.source_name) == ("2026年第一批", 2026, "draft", "2026年第一批.xlsx")
    assert store.import_summary(batch_id) == {
        "companies_new": 2,
        "recognitions_added": 1,
        "tech_sme_added": 2,
        "rd_added": 1,
        "members": 2,
        "claims": 2,
    }
    h = store.history(store.company_id(uscc(2)))
    assert h.tech_sme_years == {2024, 2025}
    assert h.rd[2025] == RdYear(2025, Decimal("1234567.89"), True, Decimal("1000000.00"), None)
    assert store.history(store.company_id(uscc(1))).recognitions == (
        Recognition("key_lab", "regional", dt.date(2021, 6, 1), "ZDSYS-1", ""),
    )
    results = store.company_results(batch_id)
    assert [(r.uscc, r.calculated, r.total) for r in results] == [(uscc(1), False, None), (uscc(2), False, None)]


def test_claims_keep_exact_decimals_and_dates(store, policies):
    batch_id, _ = store.apply_import(_first_import())
    with store.reading() as s:
        from core.store.history import load_batch_cases
        from core.store.reads import get_batch

        cases = load_batch_cases(s, get_batch(s, batch_id), store.vocabulary)
    contract_claim = cases[1].case.claims[0]
    assert contract_claim.get("amount") == Decimal("3000000.50")
    assert isinstance(contract_claim.get("amount"), Decimal)
    assert contract_claim.date == dt.date(2026, 4, 1)
    assert contract_claim.subject == "contract:ht-1"
    store.calculate(batch_id, policies)
    # 3,000,000.50 x 5% = 150,000.025 -> 150,000.03 (rounded to fen, half up)
    assert [l.amount for l in store.lines(batch_id) if l.rule_id == "hlb-12-tech-contract"] == [Decimal("150000.03")]


def test_reimporting_the_same_file_changes_nothing(store):
    data = _first_import()
    assert store.imported_batch(data.sha256) is None
    batch_id, created = store.apply_import(data)
    assert store.imported_batch(data.sha256) == batch_id
    before = dump(store)
    assert store.apply_import(data) == (batch_id, False)
    assert store.apply_import(_first_import()) == (batch_id, False)
    assert dump(store) == before


def test_another_file_merges_without_duplicates_and_never_blanks(store):
    store.apply_import(_first_import())
    second = batch_data(
        "2026年第二批",
        2026,
        [profile(1, name="呼伦贝尔测试1号科技股份有限公司", bank_name="", bank_account="", phone="0470-8888888")],
        claims=[(uscc(1), contract("HT-9", "2026-06-01", "100000"))],
        recognitions=[
            (uscc(1), Recognition("key_lab", "regional", dt.date(2021, 6, 1), "")),  # same, number blank
            (uscc(1), Recognition("high_tech", "national", dt.date(2023, 11, 1), "GR2023")),
        ],
        tech_sme=[(uscc(2), 2025)],
        rd=[(uscc(2), RdYear(2025, Decimal("1234567.89"), True, None, Decimal("9000000")))],
    )
    # a new name is a new payee: shown, and imported only once confirmed (issue 13 item 3)
    with pytest.raises(PayeeChanges) as refused:
        store.apply_import(second)
    cid = store.company_id(uscc(1))
    assert [str(c) for c in refused.value.changes] == [
        f"单位“呼伦贝尔测试1号科技有限公司”（{uscc(1)}）单位名称：呼伦贝尔测试1号科技有限公司 → 呼伦贝尔测试1号科技股份有限公司"
    ]
    assert store.payee_changes(second) == refused.value.changes
    assert store.imported_batch(second.sha256) is None
    batch_id, created = store.apply_import(second, accept_payee_changes=True)
    assert created
    assert store.import_summary(batch_id) == {
        "companies_updated": 1,
        "recognitions_added": 1,
        "rd_updated": 1,
        "members": 1,
        "claims": 1,
    }
    # every value the import changed is in the log, old -> new, under the company it belongs to
    (profile_entry,) = store.audit_entries(target=f"company:{cid}", action="company.update")
    assert (profile_entry.old, profile_entry.new) == (
        {"name": "呼伦贝尔测试1号科技有限公司", "phone": ""},
        {"name": "呼伦贝尔测试1号科技股份有限公司", "phone": "0470-8888888", "imported_in": batch_id},
    )
    (rd_entry,) = store.audit_entries(action="rd.set")
    assert rd_entry.target == f"company:{store.company_id(uscc(2))}"
    assert (rd_entry.old["revenue"], rd_entry.new["revenue"], rd_entry.new["imported_in"]) == (
        None,
        "9000000",
        batch_id,
    )
    (entry,) = store.audit_entries(target=f"batch:{batch_id}")
    assert (entry.new["companies_created"], entry.new["history_added"]) == ([], [cid])
    (row,) = store.company_rows([store.company_id(uscc(1))])
    assert (row.name, row.phone) == ("呼伦贝尔测试1号科技股份有限公司", "0470-8888888")
    assert (row.bank_name, row.bank_account) == ("中国工商银行呼伦贝尔分行", "0601000000000001")  # blank cells kept
    h1 = store.history(store.company_id(uscc(1)))
    assert [(r.kind, r.number) for r in h1.recognitions] == [("key_lab", "ZDSYS-1"), ("high_tech", "GR2023")]
    h2 = store.history(store.company_id(uscc(2)))
    assert h2.tech_sme_years == {2024, 2025}
    assert h2.rd[2025] == RdYear(2025, Decimal("1234567.89"), True, Decimal("1000000.00"), Decimal("9000000.00"))


def test_invalid_data_is_refused_with_every_problem_and_nothing_written(store):
    store.apply_import(_first_import())
    before = dump(store)
    bad = batch_data(
        "坏批次",
        2026,
        [profile(3), profile(3, city="nowhere")],
        claims=[(uscc(4), contract("HT-1", "2026-04-01", "100.001"))],
        rd=[(uscc(3), RdYear(2025, Decimal("-1")))],
    )
    bad.companies.append(replace(profile(5), uscc="91150700000000000X"))
    with pytest.raises(InvalidData) as info:
        store.apply_import(bad)
    message = str(info.value)
    assert message.startswith("导入数据有误，未写入任何内容：")
    assert f"单位{uscc(3)}在单位信息中出现2次" in message
    assert "盟市“nowhere”不在可选范围内" in message
    assert f"申报事项中的单位{uscc(4)}既不在单位信息中，也不在数据库中" in message
    assert "技术交易额（元）最多保留两位小数（到分）：100.001" in message
    assert "2025年度研发费用不能为负数：-1" in message
    assert "单位91150700000000000X（呼伦贝尔测试5号科技有限公司）：统一社会信用代码校验位错误" in message
    assert dump(store) == before


def test_a_failure_half_way_leaves_the_database_as_it_was(store, monkeypatch):
    store.apply_import(_first_import())
    before = dump(store)
    calls = []

    def failing_encode(claim):
        calls.append(claim.id)
        if len(calls) == 2:  # companies, history and the batch are already flushed by now
            raise RuntimeError("disk unplugged")
        return real_encode(claim)

    real_encode = imports.encode_fields
    monkeypatch.setattr(imports, "encode_fields", failing_encode)
    data = batch_data(
        "第二批",
        2026,
        [profile(7), profile(1, name="改名")],
        claims=[(uscc(7), hte("2026-03-01")), (uscc(1), contract("HT-7", "2026-04-01", "100"))],
        tech_sme=[(uscc(7), 2025)],
    )
    with pytest.raises(RuntimeError, match="disk unplugged"):
        store.apply_import(data, accept_payee_changes=True)
    assert calls == ["c-hte", "HT-7"]
    assert dump(store) == before


def test_sqlite_import_is_preceded_by_a_backup(store):
    store.apply_import(_first_import())
    if not store.is_sqlite:
        return
    assert [b.reason for b in list_backups()] == ["import"]
    store.apply_import(_first_import())  # same file: nothing to do, no backup
    assert len(list_backups()) == 1


def test_deleting_a_draft_allows_importing_its_file_again(store):
    data = _first_import()
    batch_id, _ = store.apply_import(data)
    store.delete_draft(batch_id)
    assert store.batches() == []
    new_id, created = store.apply_import(data)
    assert created and new_id != batch_id


def test_an_empty_workbook_is_refused(store):
    with pytest.raises(InvalidData, match="没有任何单位或申报事项"):
        store.apply_import(batch_data("空批次", 2026, []))
    assert store.batches() == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2))
def test_money_is_stored_exactly_never_through_a_float(store, amount):
    """Up to the column's 16 digits before the point, on SQLite (text) and PostgreSQL (NUMERIC)."""
    cid = store.company_id(uscc(99)) or store.add_company(profile(99))
    store.set_rd_year(cid, RdYear(2025, amount, True, amount))
    rd = store.history(cid).rd[2025]
    assert (rd.expense, rd.deducted) == (amount, amount)
    assert str(rd.expense) == str(amount.quantize(Decimal("0.01")))


def test_amounts_beyond_the_column_are_refused(store):
    cid = store.add_company(profile(98))
    with pytest.raises(InvalidData, match="2025年度研发费用过大：10000000000000000"):
        store.set_rd_year(cid, RdYear(2025, Decimal("1e16").quantize(Decimal(1))))


def test_recognitions_of_one_day_differ_by_their_number(store):
    """Two 国审 varieties of one notice are two recognitions; a record without a number adds none."""
    day = dt.date(2025, 9, 1)
    first = batch_data(
        "品种一",
        2026,
        [profile(1)],
        recognitions=[
            (uscc(1), Recognition("new_crop_variety", "national", day, "国审稻20250001")),
            (uscc(1), Recognition("new_crop_variety", "national", day, "国审稻20250002")),
        ],
    )
    store.apply_import(first)
    again = batch_data(
        "品种二",
        2026,
        [profile(1)],
        recognitions=[
            (uscc(1), Recognition("new_crop_variety", "national", day, "")),
            (uscc(1), Recognition("new_crop_variety", "national", day, "国审稻20250002")),
        ],
    )
    batch_id, _ = store.apply_import(again)
    assert "recognitions_added" not in store.import_summary(batch_id)
    assert [r.number for r in store.history(store.company_id(uscc(1))).recognitions] == [
        "国审稻20250001",
        "国审稻20250002",
    ]


def test_a_number_given_later_fills_in_the_record(store):
    day = dt.date(2024, 6, 1)
    store.apply_import(
        batch_data("一", 2026, [profile(1)], recognitions=[(uscc(1), Recognition("key_lab", "regional", day, ""))])
    )
    batch_id, _ = store.apply_import(
        batch_data(
            "二",
            2026,
            [profile(1)],
            recognitions=[
                (uscc(1), Recognition("key_lab", "regional", day, "NMKJ-2024-07", name="稀土功能材料重点实验室"))
            ],
        )
    )
    assert store.import_summary(batch_id)["recognitions_updated"] == 1
    assert store.history(store.company_id(uscc(1))).recognitions == (
        Recognition("key_lab", "regional", day, "NMKJ-2024-07", "", "稀土功能材料重点实验室", "approved"),
    )


def test_approval_records_a_recognition_with_its_stage_and_name(store, policies):
    claim = {
        "type": "recognition",
        "kind": "key_lab",
        "level": "regional",
        "date": "2026-05-01",
        "stage": "cultivation",
        "name": "草原生态重点实验室",
        "number": "PY-1",
        "id": "c1",
    }
    batch_id, _ = store.apply_import(batch_data("一", 2026, [profile(1)], [(uscc(1), claim)]))
    store.calculate(batch_id, policies)
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    assert store.history(store.company_id(uscc(1))).recognitions == (
        Recognition("key_lab", "regional", dt.date(2026, 5, 1), "PY-1", "", "草原生态重点实验室", "cultivation"),
    )


def test_history_versions_after_an_import_as_when_the_import_bumped_them(store):
    """A company the import creates is written once (core.store.imports: bulk insert, sealed as written), with the
    version the merge of its history would have bumped it to: 2 with history records, 1 without. A known
    company whose history a later workbook adds to is bumped as before."""
    from core.store.models import Company

    first = batch_data(
        "版本一",
        2026,
        [profile(1), profile(2), profile(3)],
        claims=[(uscc(3), hte("2026-03-01"))],
        recognitions=[(uscc(1), Recognition("key_lab", "regional", dt.date(2021, 6, 1), "Z-1"))],
        rd=[(uscc(2), RdYear(2025, Decimal("1000.00"), False, None, None))],
    )
    store.apply_import(first)

    def versions():
        with store.reading() as s:
            return dict(s.execute(select(Company.uscc, Company.history_version)).all())

    assert versions() == {uscc(1): 2, uscc(2): 2, uscc(3): 1}
    store.apply_import(
        batch_data("版本二", 2026, [profile(3), profile(4)], tech_sme=[(uscc(3), 2025), (uscc(4), 2025)])
    )
    assert versions() == {uscc(1): 2, uscc(2): 2, uscc(3): 2, uscc(4): 2}
    report = store.audit.verify()  # every row written in bulk is sealed as it reads back
    assert report.ok, report
