"""Two clerks at once lose no update (issue 13 item 7): against the real PostgreSQL server and the SQLite file.

Each test runs clerks on threads, each with a Store of its own (its own
connections, as two programs on two PCs), started together by a barrier and
repeated, and then checks that every change is there and that the audit log
tells each one with the value it really replaced (old -> new unbroken).
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select
from storehelp import batch_data, hte, profile, uscc

from core.policy.policyset import Override
from core.store import Stale, open_store
from core.store.models import Company, LedgerRow

D = Decimal
ROUNDS = 8


def together(*work):
    """Run each function on its own thread, started at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(work))
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@pytest.fixture
def clerks(db_url):
    stores = [open_store(db_url) for _ in range(2)]
    yield stores
    for s in stores:
        s.close()


def unbroken(entries, field, first):
    """The values a field took, checking each change replaced the value the one before it left."""
    changes = [(e.old[field], e.new[field]) for e in entries if e.new and field in e.new]
    values = [first]
    for old, new in changes:
        assert old == values[-1], f"{field}: a change replaced {old!r}, but {values[-1]!r} was there"
        values.append(new)
    return values


def history_version(store, company_id):
    with store.reading() as s:
        return s.scalar(select(Company.history_version).where(Company.id == company_id))


def test_two_clerks_editing_one_company_lose_no_update(clerks):
    a, b = clerks
    cid = a.add_company(profile(1))
    before = history_version(a, cid)
    for n in range(ROUNDS):
        together(
            lambda: a.update_company(cid, bank_account=f"6222000000{n:02d}0001", phone=f"0470-100{n:02d}"),
            lambda: b.update_company(cid, bank_account=f"6222000000{n:02d}0002", contact=f"联系人{n}"),
        )
    entries = a.audit_entries(target=f"company:{cid}", action="company.update")
    assert len(entries) == 2 * ROUNDS
    accounts = unbroken(entries, "bank_account", "0601000000000001")
    assert len(accounts) == 2 * ROUNDS + 1
    (row,) = a.company_rows([cid])
    assert (row.bank_account, row.phone, row.contact) == (
        accounts[-1],
        f"0470-100{ROUNDS - 1:02d}",
        f"联系人{ROUNDS - 1}",
    )
    assert history_version(a, cid) == before + 2 * ROUNDS
    assert a.verify_audit().ok


def test_two_clerks_importing_into_the_same_companies_lose_no_update(clerks):
    a, b = clerks
    a.apply_import(batch_data("已有单位", 2026, [profile(n) for n in range(1, 11)]))
    for n in range(ROUNDS):
        new = [profile(100 * (n + 1) + k) for k in range(3)]  # new to both workbooks: created once
        first = batch_data(f"甲{n}", 2026, [profile(k, phone=f"甲{n}-{k}") for k in range(1, 11)] + new)
        second = batch_data(f"乙{n}", 2026, [profile(k, phone=f"乙{n}-{k}") for k in range(1, 11)] + new)
        results = []
        together(lambda: results.append(a.apply_import(first)), lambda: results.append(b.apply_import(second)))
        assert sorted(created for _, created in results) == [True, True]
    assert len(a.search_companies()) == 10 + 3 * ROUNDS
    assert len(a.batches()) == 1 + 2 * ROUNDS
    for k in range(1, 11):
        cid = a.company_id(uscc(k))
        entries = a.audit_entries(target=f"company:{cid}", action="company.update")
        phones = unbroken(entries, "phone", "")
        assert len(phones) == 2 * ROUNDS + 1 and a.company_rows([cid])[0].phone == phones[-1]
    assert a.verify_audit().ok


def test_a_calculation_and_an_edit_at_once_never_pay_an_old_account(clerks, policies):
    a, b = clerks
    batch, _ = a.apply_import(
        batch_data(
            "第一批",
            2026,
            [profile(n) for n in range(1, 6)],
            [(uscc(n), hte("2026-03-01", f"h{n}")) for n in range(1, 6)],
        )
    )
    a.calculate(batch, policies)
    cid = a.company_id(uscc(3))
    stale = []

    def calculate():
        try:
            a.calculate(batch, policies)
        except Stale:  # the edit landed while it calculated: nothing written
            stale.append(1)

    for n in range(ROUNDS):
        together(calculate, lambda: b.update_company(cid, bank_account=f"62220000{n:02d}000003"))
    try:
        a.approve(batch, "张三", "李四", allow_provisional=True)
    except Stale:  # the last edit came after the last calculation: approval sees it
        a.calculate(batch, policies)
        a.approve(batch, "张三", "李四", allow_provisional=True)
    paid = {line.uscc: line.bank_account for line in a.lines(batch)}
    assert paid[uscc(3)] == a.company_rows([cid])[0].bank_account == f"62220000{ROUNDS - 1:02d}000003"
    assert a.verify_audit().ok


def test_two_reviewers_approving_two_drafts_pay_a_once_only_award_once(db_url, policies):
    """HTE first recognition is paid once: two drafts claim it; approved at the same moment, one must fail."""
    setup = open_store(db_url)
    drafts = []
    for n in range(1, 4):
        pair = []
        for name in ("甲", "乙"):
            b, _ = setup.apply_import(batch_data(f"{name}{n}", 2026, [profile(n)], [(uscc(n), hte("2026-03-01"))]))
            setup.calculate(b, policies)
            pair.append(b)
        drafts.append(pair)
    setup.close()
    reviewers = [open_store(db_url) for _ in range(2)]
    for pair in drafts:
        outcome = []

        def approve(store, batch):
            try:
                store.approve(batch, "张三", "李四", allow_provisional=True)
                outcome.append("approved")
            except Stale:
                outcome.append("stale")

        together(*(lambda s=s, b=b: approve(s, b) for s, b in zip(reviewers, pair)))
        assert sorted(outcome) == ["approved", "stale"]
    with reviewers[0].reading() as s:
        amounts = s.execute(select(LedgerRow.company_id, LedgerRow.amount)).all()
    assert sorted(amounts) == [(reviewers[0].company_id(uscc(n)), D("500000.00")) for n in range(1, 4)]
    assert reviewers[0].verify_audit().ok
    for s in reviewers:
        s.close()


def test_two_administrators_changing_overrides_at_once_make_two_versions(clerks, policies):
    a, b = clerks
    rule = Override(
        "hlb-12-tech-contract", "rate", D("0.06"), dt.date(2026, 1, 1), None, "王", dt.datetime(2026, 1, 1), "会议纪要"
    )
    for _ in range(ROUNDS):
        together(lambda: a.add_override(rule, policies), lambda: b.add_override(rule, policies))
    # a batch calculated between the two changes must not pass approval as calculated after both
    assert a.setting("overrides.version") == str(2 * ROUNDS)
    assert len(a.overrides()) == 2 * ROUNDS
    assert a.verify_audit().ok


def test_two_clerks_numbering_letters_at_once_get_distinct_gapless_numbers(db_url, published_policies):
    setup = open_store(db_url)
    batches = []
    for name, first in (("甲", 1), ("乙", 20)):
        b, _ = setup.apply_import(
            batch_data(
                name,
                2026,
                [profile(n) for n in range(first, first + 5)],
                [(uscc(n), hte("2026-03-01")) for n in range(first, first + 5)],
            )
        )
        setup.calculate(b, published_policies)
        setup.approve(b, "张三", "李四", allow_provisional=True)
        batches.append(b)
    setup.close()
    stores = [open_store(db_url) for _ in range(2)]
    numbers = {}
    together(*(lambda s=s, b=b: numbers.update({b: s.letter_numbers(b)}) for s, b in zip(stores, batches)))
    serials = sorted(n.serial for got in numbers.values() for n in got.values())
    assert serials == list(range(1, 11))
    assert stores[0].verify_audit().ok
    for s in stores:
        s.close()


def test_wrong_passwords_from_two_places_at_once_are_all_counted(db_url):
    setup = open_store(db_url)
    setup.create_first_admin("管理员", "Admin-2026")
    setup.close()
    stores = [open_store(db_url) for _ in range(2)]
    for s in stores:
        s.sleep = lambda seconds: None

    def guess(store):
        for _ in range(4):
            try:
                store.login("管理员", "wrong-password")
            except Exception:  # LoginFailed, counted below
                pass

    together(*(lambda s=s: guess(s) for s in stores))
    assert len(stores[0].audit_entries(action="user.login_failed")) == 8
    with stores[0].reading() as s:
        from core.store.users import recent_failures

        assert recent_failures(s, "管理员")[0] == 8
    for s in stores:
        s.close()
