"""Deleting a company (issue 15): only one no batch refers to, with its history, logged; a trial import's companies."""

import datetime as dt

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.model import RdYear, Recognition
from core.store import InvalidData


def test_a_company_without_batches_is_deleted_with_its_history_and_logged(store):
    cid = store.add_company(profile(1))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2024, 1, 1), "GR2024"))
    store.set_rd_year(cid, RdYear(2025, __import__("decimal").Decimal("1000000"), True))
    assert store.company_references(cid) == []
    assert store.delete_company(cid) == "呼伦贝尔测试1号科技有限公司"
    assert store.company_id(uscc(1)) is None
    [entry] = [e for e in store.audit_entries(action="company") if e.action == "company.delete"]
    assert entry.target == f"company:{cid}" and entry.old["uscc"] == uscc(1) and entry.old["history_rows"] == 2
    assert store.verify_audit().ok


def test_a_company_a_batch_refers_to_stays(store, policies):
    b, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    cid = store.company_id(uscc(1))
    assert store.company_references(cid)[0] == f"批次（批次{b}）"
    with pytest.raises(InvalidData, match="不能删除"):
        store.delete_company(cid)
    assert store.company_id(uscc(1)) == cid


def test_the_companies_only_a_draft_brought_in(store, policies):
    first, _ = store.apply_import(
        batch_data(
            "第一批", 2026, [profile(1), profile(2)], [(uscc(1), hte("2026-03-01")), (uscc(2), hte("2026-03-01"))]
        )
    )
    second, _ = store.apply_import(
        batch_data(
            "第二批", 2026, [profile(2), profile(3)], [(uscc(2), hte("2026-04-01")), (uscc(3), hte("2026-04-01"))]
        )
    )
    ids = {n: store.company_id(uscc(n)) for n in (1, 2, 3)}
    assert store.companies_only_in_import(second) == [ids[3]]  # 2 was created by the first batch's import
    assert store.companies_only_in_import(first) == [ids[1]]  # 2 is in the second batch too
    store.delete_draft(second)
    assert store.delete_company(ids[3]) and store.company_id(uscc(3)) is None
    assert store.verify_audit().ok


def test_a_duplicate_is_merged_into_the_real_company(store, policies):
    from decimal import Decimal

    real = store.add_company(profile(1))
    dup = store.add_company(profile(2, name="呼伦贝尔测试1号科技有限公司（重复录入）"))
    store.add_tech_sme(real, 2024)
    store.add_tech_sme(dup, 2024)  # the same registration twice: the real company's stays
    store.add_tech_sme(dup, 2025)
    store.set_rd_year(dup, RdYear(2025, Decimal("800000"), True))
    summary = store.merge_company(dup, real)
    assert summary == {
        "merged_from": f"呼伦贝尔测试1号科技有限公司（重复录入）（{uscc(2)}）",
        "moved_rows": 2,
        "dropped_rows": 1,
    }
    assert store.company_id(uscc(2)) is None
    detail = store.company_detail(real)
    assert sorted(t.year for t in detail.tech_sme) == [2024, 2025] and [r.rd.year for r in detail.rd] == [2025]
    assert store.verify_audit().ok
    with pytest.raises(InvalidData, match="合并到它自己"):
        store.merge_company(real, real)


def test_a_company_a_batch_refers_to_is_not_merged_away(store, policies):
    store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    other = store.add_company(profile(2))
    with pytest.raises(InvalidData, match="可反过来把其他企业合并到它"):
        store.merge_company(store.company_id(uscc(1)), other)
    assert store.merge_company(other, store.company_id(uscc(1)))["moved_rows"] == 0
