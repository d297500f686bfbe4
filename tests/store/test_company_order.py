"""The company list sorted by a column in the store's query (the 企业档案 header click), not in Python over all rows."""

from storehelp import profile

from core.store import CompanyFilter
from core.vocabulary import load_vocabulary

CITIES = tuple(load_vocabulary().enums["cities"])  # hohhot, baotou, hulunbuir, … as the region lists them
SIZES = tuple(load_vocabulary().enums["sizes"])  # small_micro, medium, large


def _seed(store):
    # by name in code points: 包 U+5305 < 呼 U+547C < 满 U+6EE1
    rows = [
        (1, "呼伦贝尔ＡＢＣ科技有限公司", "hulunbuir", "海拉尔区", "small_micro"),
        (2, "满洲里50%口岸物流有限公司", "hulunbuir", "满洲里市", "medium"),
        (3, "包头稀土新材料股份有限公司", "baotou", "昆都仑区", "large"),
    ]
    return {
        n: store.add_company(profile(n, name, city=city, county=county, size=size))
        for n, name, city, county, size in rows
    }


def test_the_store_sorts_by_the_column_asked_then_by_name(store):
    ids = _seed(store)

    def order(**kw):
        return [next(n for n, i in ids.items() if i == found) for found in store.search_companies(CompanyFilter(**kw))]

    assert order() == [3, 1, 2]  # by name: 包 < 呼 < 满
    assert order(descending=True) == [2, 1, 3]
    # 盟市 in the region list's order (呼和浩特, 包头, 呼伦贝尔 …), not by code or label; ties by name
    assert order(order="city", order_keys=CITIES) == [3, 1, 2]
    assert order(order="city", order_keys=CITIES, descending=True) == [1, 2, 3]
    # 规模 from 小微 to 大型
    assert order(order="size", order_keys=SIZES) == [1, 2, 3]
    assert order(order="size", order_keys=SIZES, descending=True) == [3, 2, 1]
    # the USCC as written (uscc(n) grows with n)
    assert order(order="uscc", descending=True) == [3, 2, 1]
    # with a filter, and a column the store does not sort by falls back to the name
    assert order(city="hulunbuir", order="size", order_keys=SIZES, descending=True) == [2, 1]
    assert order(order="bank_account") == [3, 1, 2]
