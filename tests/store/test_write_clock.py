"""Every write stamps its rows by the store's clock (Store.clock), with the time of the audit entry that records it.

test_approval_clock.py holds approval, payment and correction to this; here are the other writes: import,
calculation, the company pages, overrides and their revocation, 文号 and letter issues, users and logins, and the
免申即享 lists. The clock is moved to fixed times far from the wall clock (with microseconds, which the store drops),
so a stamp taken from the wall clock, or from a second reading of the clock, cannot pass.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from listhelp import TECH_SME_DATE, TECH_SME_LIST, add_sample_companies
from sqlalchemy import select
from storehelp import RdYear, Recognition, batch_data, hte, profile, uscc

from core.lists import service
from core.policy.policyset import Override
from core.store.errors import LoginFailed
from core.store.models import (
    Batch,
    Company,
    ImportLog,
    LedgerRow,
    LetterIssueRow,
    LetterNumberRow,
    OfficialList,
    OverrideRow,
    RdRow,
    RecognitionRow,
    TechSmeRow,
    User,
)

IMPORTED = dt.datetime(2031, 2, 3, 4, 5, 6, 789012)
REIMPORTED = dt.datetime(2031, 3, 4, 5, 6, 7, 1)
CALCULATED = dt.datetime(2031, 4, 5, 6, 7, 8, 900000)
EDITED = dt.datetime(2032, 7, 8, 9, 10, 11, 120000)
APPROVED = dt.datetime(2033, 5, 6, 7, 8, 9, 654321)
NUMBERED = dt.datetime(2033, 6, 7, 8, 9, 10, 11)
ISSUED = dt.datetime(2033, 6, 8, 9, 10, 11, 12)


def _at(store, moment: dt.datetime) -> dt.datetime:
    """Move the store's clock to ``moment``; the stamp a write makes then (the store keeps whole seconds)."""
    store.clock = lambda: moment
    return moment.replace(microsecond=0)


def _entry_time(store, target: str, action: str) -> dt.datetime:
    """The time of the newest audit entry ``action`` on ``target``."""
    (entry,) = store.audit.entries(target=target, action=action, newest_first=True, limit=1)
    return dt.datetime.fromisoformat(entry.at)


def _column(store, column, *where) -> set:
    with store.reading() as s:
        return set(s.scalars(select(column).where(*where)))


def test_an_import_stamps_everything_it_writes_with_the_time_of_its_entry(store):
    u1, u2 = uscc(1), uscc(2)
    data = batch_data(
        "2031年第一批",
        2031,
        [profile(1), profile(2)],
        [(u1, hte("2030-03-01"))],
        recognitions=[(u1, Recognition("high_tech", "national", dt.date(2027, 11, 20), "GR202715000001"))],
        tech_sme=[(u2, 2030)],
        rd=[(u2, RdYear(2030, Decimal("1000000")))],
    )
    at = _at(store, IMPORTED)
    batch_id, _ = store.apply_import(data)
    assert _entry_time(store, f"batch:{batch_id}", "batch.import") == at
    assert _column(store, Batch.created_at, Batch.id == batch_id) == {at}
    assert _column(store, ImportLog.imported_at, ImportLog.batch_id == batch_id) == {at}
    assert _column(store, Company.created_at) == {at}
    assert _column(store, Company.updated_at) == {at}
    assert _column(store, RecognitionRow.created_at) == {at}
    assert _column(store, TechSmeRow.created_at) == {at}
    assert _column(store, RdRow.updated_at) == {at}

    # a second workbook fills in company 1's contact and changes company 2's R&D figures: those rows only
    again = batch_data(
        "2031年第二批",
        2031,
        [profile(1, contact="王会计"), profile(2)],
        rd=[(u2, RdYear(2030, Decimal("1200000")))],
    )
    later = _at(store, REIMPORTED)
    second, _ = store.apply_import(again)
    assert _entry_time(store, f"batch:{second}", "batch.import") == later
    cid1 = store.company_id(u1)
    assert _entry_time(store, f"company:{cid1}", "company.update") == later
    assert _column(store, Company.updated_at, Company.uscc == u1) == {later}
    assert _column(store, Company.updated_at, Company.uscc == u2) == {at}
    assert _column(store, Company.created_at) == {at}
    assert _column(store, RdRow.updated_at) == {later}
    assert _column(store, Batch.created_at, Batch.id == second) == {later}
    assert store.audit.verify().ok


def test_a_calculation_is_stamped_with_the_time_of_its_entry(store, policies):
    batch_id, _ = store.apply_import(batch_data("第一批", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    at = _at(store, CALCULATED)
    store.calculate(batch_id, policies)
    assert _column(store, Batch.calculated_at, Batch.id == batch_id) == {at}
    assert _entry_time(store, f"batch:{batch_id}", "batch.calculate") == at


def test_the_company_pages_stamp_each_change_with_the_time_of_its_entry(store):
    created = _at(store, IMPORTED)
    cid = store.add_company(profile(7))
    target = f"company:{cid}"
    assert _entry_time(store, target, "company.create") == created
    assert _column(store, Company.created_at, Company.id == cid) == {created}
    assert _column(store, Company.updated_at, Company.id == cid) == {created}

    edited = _at(store, EDITED)
    store.update_company(cid, contact="李会计", phone="0470-8888888")
    assert _entry_time(store, target, "company.update") == edited
    assert _column(store, Company.updated_at, Company.id == cid) == {edited}
    assert _column(store, Company.created_at, Company.id == cid) == {created}

    rec = _at(store, dt.datetime(2032, 8, 1, 8, 0, 0, 1))
    store.add_recognition(cid, Recognition("high_tech", "national", dt.date(2028, 11, 20), "GR202815000007"))
    assert _entry_time(store, target, "recognition.add") == rec
    assert _column(store, RecognitionRow.created_at, RecognitionRow.company_id == cid) == {rec}

    sme = _at(store, dt.datetime(2032, 8, 2, 8, 0, 0, 2))
    store.add_tech_sme(cid, 2029, "2029150700000007")
    assert _entry_time(store, target, "tech_sme.add") == sme
    assert _column(store, TechSmeRow.created_at, TechSmeRow.company_id == cid) == {sme}

    rd = _at(store, dt.datetime(2032, 8, 3, 8, 0, 0, 3))
    store.set_rd_year(cid, RdYear(2029, Decimal("800000")))
    assert _entry_time(store, target, "rd.set") == rd
    assert _column(store, RdRow.updated_at, RdRow.company_id == cid) == {rd}
    rd_again = _at(store, dt.datetime(2032, 8, 4, 8, 0, 0, 4))
    store.set_rd_year(cid, RdYear(2029, Decimal("900000")))
    assert _entry_time(store, target, "rd.set") == rd_again
    assert _column(store, RdRow.updated_at, RdRow.company_id == cid) == {rd_again}

    paid = _at(store, dt.datetime(2032, 8, 5, 8, 0, 0, 5))
    store.add_ledger_entry(cid, "hlb-01-high-tech-first", 2029, Decimal("500000.00"), note="呼科发〔2029〕12号")
    assert _entry_time(store, target, "ledger.add") == paid
    assert _column(store, LedgerRow.recorded_at, LedgerRow.company_id == cid) == {paid}
    assert store.audit.verify().ok


def test_an_override_and_its_revocation_are_stamped_with_the_times_of_their_entries(store, policies):
    added = _at(store, EDITED)
    when = dt.datetime(2020, 1, 1)  # what the caller says is replaced by the time of storing
    o = Override(
        "hlb-12-tech-contract", "rate", Decimal("0.06"), dt.date(2032, 1, 1), None, "王管理员", when, "会议纪要"
    )
    oid = store.add_override(o, policies)
    assert _entry_time(store, f"override:{oid}", "override.add") == added
    assert _column(store, OverrideRow.created_at, OverrideRow.id == oid) == {added}

    revoked = _at(store, dt.datetime(2032, 9, 10, 11, 12, 13, 140000))
    store.revoke_override(oid, "赵科长")
    assert _entry_time(store, f"override:{oid}", "override.revoke") == revoked
    assert _column(store, OverrideRow.revoked_at, OverrideRow.id == oid) == {revoked}
    assert _column(store, OverrideRow.created_at, OverrideRow.id == oid) == {added}


def test_letter_numbers_and_issues_are_stamped_with_the_times_of_their_entries(store, published_policies):
    b, _ = store.apply_import(batch_data("第一批", 2033, [profile(1)], [(uscc(1), hte("2033-03-01"))]))
    store.calculate(b, published_policies)
    _at(store, APPROVED)
    store.approve(b, "张三", "李四", allow_provisional=True)

    numbered = _at(store, NUMBERED)
    assert store.letter_numbers(b) == {uscc(1): (2033, 1)}  # the year the batch was approved
    assert _entry_time(store, f"batch:{b}", "letters.number") == numbered
    assert _column(store, LetterNumberRow.assigned_at, LetterNumberRow.batch_id == b) == {numbered}

    issued = _at(store, ISSUED)
    store.record_letter_issue(b, uscc(1), "pdf", "张三")
    assert _entry_time(store, f"batch:{b}", "letters.issue") == issued
    assert _column(store, LetterIssueRow.issued_at, LetterIssueRow.batch_id == b) == {issued}


def test_users_and_logins_are_stamped_with_the_times_of_their_entries(store):
    store.sleep = lambda seconds: None
    first = _at(store, EDITED)
    store.create_first_admin("管理员", "Admin-2031")
    assert _entry_time(store, "user:管理员", "user.create") == first
    added = _at(store, dt.datetime(2032, 7, 9, 1, 2, 3, 450000))
    store.add_user("张三", "Zhang-2031", ["preparer"])
    assert _entry_time(store, "user:张三", "user.create") == added
    assert _column(store, User.created_at, User.name == "管理员") == {first}
    assert _column(store, User.created_at, User.name == "张三") == {added}

    failed = _at(store, dt.datetime(2032, 7, 10, 8, 30, 0, 999999))
    with pytest.raises(LoginFailed):
        store.login("张三", "wrong-password")
    assert _entry_time(store, "user:张三", "user.login_failed") == failed
    assert _column(store, User.last_failed_at, User.name == "张三") == {failed}

    logged_in = _at(store, dt.datetime(2032, 7, 10, 9, 0, 0, 500000))
    store.login("张三", "Zhang-2031")
    assert _entry_time(store, "user:张三", "user.login") == logged_in  # written as it ends a run of failures
    assert _column(store, User.last_login_at, User.name == "张三") == {logged_in}


def test_a_list_and_the_batch_made_from_it_are_stamped_with_the_times_of_their_entries(store):
    add_sample_companies(store)
    p = service.prepare(store, TECH_SME_LIST, "tech_sme", list_date=TECH_SME_DATE)
    imported = _at(store, IMPORTED)
    list_id, created = service.import_list(store, p)
    assert created
    assert _entry_time(store, f"list:{list_id}", "list.import") == imported
    assert _column(store, OfficialList.imported_at, OfficialList.id == list_id) == {imported}

    made = _at(store, EDITED)
    batch_id, added, _ = service.make_claims(store, list_id)  # no award year given: the year of the clock
    assert added > 0
    assert store.batch(batch_id).award_year == EDITED.year
    assert _entry_time(store, f"batch:{batch_id}", "batch.import") == made
    assert _entry_time(store, f"batch:{batch_id}", "list.claims") == made
    assert _column(store, Batch.created_at, Batch.id == batch_id) == {made}

    # an answer recorded without its day was given the day it is recorded, by the clock
    answered = _at(store, dt.datetime(2032, 7, 20, 23, 59, 59, 999999))
    company_id = next(e.company_id for e in service.entries(store, list_id) if e.batch_id == batch_id)
    service.set_consent(store, batch_id, company_id, service.CONFIRMED)
    assert _entry_time(store, f"batch:{batch_id}", "list.consent") == answered
    days = {e.consent_on for e in service.entries(store, list_id) if e.company_id == company_id and e.batch_id}
    assert days == {answered.date()}
