"""Reading rows of a set of companies by one statement (core.store.idlists): the same rows as IN lists give."""

from sqlalchemy import select
from storehelp import batch_data, hte, profile, uscc

from core.store.chunks import CHUNK
from core.store.idlists import among, id_sets
from core.store.models import Company


def _companies(store, n: int) -> list[int]:
    store.apply_import(
        batch_data("第一批", 2026, [profile(i) for i in range(1, n + 1)], [(uscc(1), hte("2026-03-01"))])
    )
    with store.reading() as s:
        return list(s.scalars(select(Company.id).order_by(Company.id)))


def test_among_reads_exactly_the_ids_given(store):
    ids = _companies(store, 4)
    wanted = [ids[3], ids[0], max(ids) + 100]  # in any order, one that does not exist
    with store.reading() as s:
        pieces = list(id_sets(s, wanted))
        found = [cid for piece in pieces for cid in s.scalars(select(Company.id).where(among(s, Company.id, piece)))]
        assert sorted(found) == sorted([ids[3], ids[0]])
        assert list(id_sets(s, [])) == []


def test_id_sets_is_one_piece_on_sqlite_and_in_lists_elsewhere(store):
    ids = list(range(1, 2 * CHUNK + 2))
    with store.reading() as s:
        pieces = list(id_sets(s, iter(ids)))
        sqlite = s.get_bind().dialect.name == "sqlite"
    assert [len(p) for p in pieces] == ([len(ids)] if sqlite else [CHUNK, CHUNK, 1])
    assert [i for p in pieces for i in p] == ids
