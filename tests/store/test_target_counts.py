"""core.targets: valid HTE on 31 December (certificate less than 3 years old) and tech SMEs registered that year."""

import datetime as dt
from decimal import Decimal

from storehelp import Recognition, profile

from core.targets import count, series, years_for


def test_counts_by_place_and_year(store, policies):
    a = store.add_company(profile(1, city="tongliao"))
    b = store.add_company(profile(2, city="tongliao"))
    c = store.add_company(profile(3, city="baotou"))
    store.add_recognition(a, Recognition("high_tech", "national", dt.date(2022, 12, 31)))
    store.add_recognition(b, Recognition("high_tech", "national", dt.date(2023, 1, 1)))
    store.add_recognition(c, Recognition("high_tech", "national", dt.date(2024, 6, 1)))
    store.add_tech_sme(a, 2024)
    store.add_tech_sme(c, 2024)
    assert [count(store, "hte_count", "tongliao", y) for y in (2021, 2022, 2023, 2024, 2025, 2026)] == [
        0,
        1,
        2,
        2,
        1,
        0,
    ]
    assert count(store, "hte_count", "region", 2024) == 3
    assert count(store, "tech_sme_count", "tongliao", 2024) == 1
    assert count(store, "tech_sme_count", "region", 2024) == 2
    assert count(store, "tech_sme_count", "region", 2025) == 0


def test_series_carries_targets_and_baselines():
    from core.engine import load_policies

    class Empty:
        def search_companies(self, f):
            return []

    ps = load_policies()
    s = series(Empty(), ps, "hte_count", "tongliao", years_for(ps, "hte_count", "tongliao", dt.date(2026, 1, 1)))
    by_year = {r.year: r for r in s.rows}
    assert min(by_year) == 2020 and max(by_year) == 2026
    assert by_year[2024].target == Decimal("80") and by_year[2020].baseline == Decimal("37")
    assert by_year[2024].reached == 0 and by_year[2021].reached is None
    assert s.sources and "通创办发" in s.sources[0][0]
