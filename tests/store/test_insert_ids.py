"""core.store.audit.insert_many gives each row the id the database stored it under, in the order given.

On SQLite the ids are worked out before one executemany (SQLite cannot return a many-row INSERT's ids in
order); this holds that to what the database really stored, also after rows already there.
"""

from sqlalchemy import select
from storehelp import profile

from core.store.audit import insert_many, log, stamp
from core.store.companies import new_company_values
from core.store.models import Company


def _add(store, first: int, count: int) -> list[int]:
    with store.writing() as s:
        profiles = [profile(n) for n in range(first, first + count)]
        ids = insert_many(s, Company, [new_company_values(p, at=stamp(s)) for p in profiles])
        log(s, "company.create", f"company:{ids[0]}", None, {"ids": ids})
        stored = dict(s.execute(select(Company.uscc, Company.id)).all())
    assert ids == [stored[p.uscc] for p in profiles]
    return ids


def test_bulk_inserted_rows_get_the_ids_they_are_stored_under(store):
    first = _add(store, 1, 3)
    assert first == sorted(first) and len(set(first)) == 3
    second = _add(store, 10, 2500)  # more than one statement's worth of rows
    assert min(second) > max(first)
