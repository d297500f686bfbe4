"""Every change's Changes names at least what it wrote: each @change action is run and the rows it actually changed
(the protected tables read before and after) are compared with ``store.last_changes``.

A screen refreshes from Changes alone (issue 16): a change that under-reports leaves a screen showing rows that are
gone (the company merged away) or stale.
"""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from storehelp import RdYear, Recognition, batch_data, hte, profile, uscc

from core.engine import load_policies
from core.policy.policyset import Override
from core.store import open_store
from core.store.changes import Changes
from core.store.seals import PROTECTED

PW = {"管理员": "Admin-2026", "张三": "Zhang-2026", "李四": "Li-2026x"}

# protected table -> (the Changes field a change of its rows belongs to, the column naming the thing changed)
OWNER = {
    "companies": ("companies", "id"),
    "recognitions": ("companies", "company_id"),
    "tech_sme_registrations": ("companies", "company_id"),
    "rd_years": ("companies", "company_id"),
    "ledger": ("companies", "company_id"),
    "batches": ("batches", "id"),
    "batch_companies": ("batches", "batch_id"),
    "claims": ("batches", "batch_id"),
    "award_lines": ("batches", "batch_id"),
    "import_log": ("batches", "batch_id"),
    "letter_numbers": ("letters", "batch_id"),
    "letter_issues": ("letters", "batch_id"),
    "overrides": ("overrides", "id"),
    "settings": ("settings", "key"),
    "users": ("users", "name"),
}
# users' login counters are a display cache (core.store.seals), changed by a login, not by a change
IGNORED_COLUMNS = {"users": set(PROTECTED["users"].excluded)}


def test_owner_covers_every_protected_table_a_screen_shows():
    lists = {"official_lists", "list_entries"}  # the lists screen reloads its own rows after each list action
    assert set(PROTECTED) - lists == set(OWNER)


def _snapshot(store) -> dict[str, dict]:
    out = {}
    with store.engine.connect() as conn:
        for table in OWNER:
            rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()
            key = PROTECTED[table].key
            ignored = IGNORED_COLUMNS.get(table, set())
            out[table] = {r[key]: {c: v for c, v in r.items() if c not in ignored} for r in rows}
    return out


def _touched(before: dict, after: dict) -> Changes:
    """The Changes that the difference between two snapshots calls for (rows added, removed or changed)."""
    found: dict[str, set] = {}
    for table, (field, column) in OWNER.items():
        old, new = before[table], after[table]
        for key in set(old) | set(new):
            if old.get(key) != new.get(key):
                row = new.get(key) or old[key]
                if row[column] is not None:
                    found.setdefault(field, set()).add(row[column])
    return Changes(**{f: frozenset(v) for f, v in found.items()})


def _under_reported(touched: Changes, reported: Changes) -> dict:
    return {
        f: set(getattr(touched, f)) - set(getattr(reported, f))
        for f in ("batches", "companies", "users", "settings", "overrides", "letters")
        if set(getattr(touched, f)) - set(getattr(reported, f))
    }


class Watch:
    """Runs a change as one of the users and checks its Changes against the rows it wrote."""

    def __init__(self, stores):
        self.stores = stores
        self.seen: dict[str, Changes] = {}

    def __call__(self, who: str, what: str, fn, *args, **kwargs):
        store = self.stores[who]
        before = _snapshot(store)
        result = fn(*args, **kwargs)
        touched = _touched(before, _snapshot(store))
        assert touched, f"{what} wrote nothing the test can see"
        missing = _under_reported(touched, store.last_changes)
        assert not missing, f"{what}: Changes {store.last_changes} leave out {missing}"
        assert store.last_changes.audit
        self.seen[what] = store.last_changes
        return result


@pytest.fixture(scope="module")
def all_policies():
    return load_policies()


@pytest.fixture
def people(db_url):
    store = open_store(db_url)
    store.users.create_first_admin("管理员", PW["管理员"])
    store.users.add("张三", PW["张三"], ["preparer"])
    store.users.add("李四", PW["李四"], ["reviewer"])
    store.close()
    stores = {}
    for name in PW:
        stores[name] = open_store(db_url)
        stores[name].users.login(name, PW[name])
    yield stores
    for s in stores.values():
        s.close()


def test_every_change_reports_what_it_wrote(people, published_policies):
    zhang, li, admin = people["张三"], people["李四"], people["管理员"]
    watch = Watch(people)
    batch_id, _ = watch(
        "张三",
        "import",
        zhang.batches.apply_import,
        batch_data("第1批", 2026, [profile(1), profile(2)], [(uscc(1), hte("2026-03-01"))]),
    )
    watch("张三", "calculate", zhang.batches.calculate, batch_id, published_policies)
    watch("李四", "approve", li.batches.approve, batch_id, allow_provisional=True)
    watch("李四", "number_letters", li.letters.numbers, batch_id)
    watch("李四", "issue_letter", li.letters.record_issue, batch_id, uscc(1), "pdf", "李四")
    watch("李四", "mark_paid", li.batches.mark_paid, batch_id)
    adjustment = watch("张三", "create_adjustment", zhang.batches.create_adjustment, batch_id, None, "账号有误")
    watch("张三", "delete_draft", zhang.batches.delete_draft, adjustment)

    c = zhang.companies
    kept = watch("张三", "add_company", c.add, profile(3))
    watch("张三", "update_company", c.update, kept, phone="0470-1234567")
    rec = watch(
        "张三",
        "add_recognition",
        c.add_recognition,
        kept,
        Recognition("high_tech", "national", dt.date(2025, 11, 1), "GR2025"),
    )
    watch(
        "张三",
        "update_recognition",
        c.update_recognition,
        rec,
        Recognition("high_tech", "national", dt.date(2025, 11, 2), "GR2025"),
    )
    watch("张三", "delete_recognition", c.delete_recognition, rec)
    sme = watch("张三", "add_tech_sme", c.add_tech_sme, kept, 2025, "2025150700001")
    watch("张三", "delete_tech_sme", c.delete_tech_sme, sme)
    rd = watch("张三", "set_rd_year", c.set_rd_year, kept, RdYear(2025, Decimal("1200000.00")))
    watch("张三", "delete_rd_year", c.delete_rd_year, rd)
    paid = watch(
        "张三",
        "add_ledger_entry",
        c.add_ledger_entry,
        kept,
        "hlb-12-tech-contract",
        2024,
        Decimal("50000.00"),
        note="2024年拨付文件",
    )
    watch("张三", "delete_ledger_entry", c.delete_ledger_entry, paid)

    duplicate = watch("张三", "add_company (duplicate)", c.add, profile(4))
    c.add_tech_sme(duplicate, 2024, "2024150700009")
    merged = watch("张三", "merge_company", c.merge, duplicate, kept)
    assert merged["moved_rows"] == 1
    assert watch.seen["merge_company"].companies == {duplicate, kept}  # the one merged away too
    watch("张三", "delete_company", c.delete, kept)

    watch("管理员", "set_setting", admin.settings.set, "calc.include_drafts", "0")
    override = Override(
        "hlb-12-tech-contract", "rate", Decimal("0.06"), dt.date(2026, 1, 1), None, "", dt.datetime(2026, 1, 1), "测试"
    )
    oid = watch("管理员", "add_override", admin.settings.add_override, override, published_policies)
    newer = watch(
        "管理员",
        "replace_override",
        admin.settings.replace_override,
        oid,
        Override(
            "hlb-12-tech-contract",
            "rate",
            Decimal("0.07"),
            dt.date(2026, 1, 1),
            None,
            "",
            dt.datetime(2026, 1, 2),
            "测试",
        ),
        None,
        published_policies,
    )
    assert watch.seen["replace_override"].overrides == {oid, newer}
    watch("管理员", "revoke_override", admin.settings.revoke_override, newer)
    watch("管理员", "set_roles", admin.users.set_roles, "张三", ["preparer", "reviewer"])
    watch("管理员", "set_active", admin.users.set_active, "张三", False)
    watch("管理员", "reset_password", admin.users.set_password, "李四", "Li-2027xy")


def test_every_list_action_reports_what_it_wrote(people, all_policies):
    """The 免申即享 actions (core.lists) are change operations too: a company created from a row, the claims made,
    an answer that takes a company out of a draft."""
    from listhelp import BEIJIANG, LVYUAN, TECH_SME_DATE, TECH_SME_LIST, add_sample_companies

    from core.lists import service

    zhang = people["张三"]
    watch = Watch(people)
    ids = add_sample_companies(zhang)
    p = service.prepare(zhang, TECH_SME_LIST, "tech_sme", list_date=TECH_SME_DATE)
    list_id, _ = watch("张三", "import_list", service.import_list, zhang, p)  # the column mapping is remembered
    new = next(e for e in service.entries(zhang, list_id) if e.company_id is None)
    watch("张三", "create_company_from_list", service.create_company, zhang, new.id)
    batch_id, added, _ = watch("张三", "make_list_claims", service.make_claims, zhang, list_id, award_year=2026)
    assert added == 7
    zhang.batches.calculate(batch_id, all_policies)
    service.set_consent(zhang, batch_id, ids[BEIJIANG], service.CONFIRMED)  # only the list row changes
    assert zhang.last_changes.batches == {batch_id}  # the batch page shows the answers
    watch("张三", "record_consent (declined)", service.set_consent, zhang, batch_id, ids[LVYUAN], service.DECLINED)
    assert watch.seen["record_consent (declined)"].batches == {batch_id}


def test_under_reported_names_what_is_missing():
    touched = Changes(companies=frozenset({3, 4}), batches=frozenset({1}))
    assert _under_reported(touched, Changes(companies=frozenset({3}), batches=frozenset({1, 2}))) == {"companies": {4}}
    assert _under_reported(touched, touched) == {}
