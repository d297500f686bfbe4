"""python main.py targets: goals, the store's counts and rates on a small store worked out by hand.

The store (companies 1-5; a certificate is valid for three years from its date, counted on 31 December):

    1 通辽市科尔沁区    高企 2020-11-01 (to 2023-10-31) and 2023-11-01 (to 2026-10-31); 入库 2023, 2024;
                        自治区级重点实验室 in cultivation 2024-05-01 (does not count)
    2 通辽市霍林郭勒市  高企 2022-12-31 (to 2025-12-30); 入库 2024; 国家级重点实验室 2026-01-10
    3 通辽市科尔沁区    高企 2023-01-01 (to 2025-12-31); 入库 2025
    4 包头市昆都仑区    高企 2024-06-01; 入库 2024; 自治区级重点实验室 2024-03-01
    5 通辽市科尔沁区    高企 2019-05-01 (to 2022-04-30)

通辽 valid high-tech enterprises on 31 December: 2020 {1,5}=2, 2022 {1,2}=2, 2023 {1,2,3}=3, 2024 {1,2,3}=3,
2025 {1,3}=2, 2026 none. 通辽 tech SMEs: 2020 0, 2022 0, 2023 {1}=1, 2024 {1,2}=2, 2025 {3}=1.
"""

import datetime as dt
import json

import pytest
from storehelp import Recognition, profile

from core.cli import main
from core.engine import load_policies
from core.store import open_store
from core.store.companies import CompanyFilter
from core.targets import NO_DATA, count, counts, series


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def hte(date: str) -> Recognition:
    return Recognition("high_tech", "national", dt.date.fromisoformat(date))


@pytest.fixture
def small_store(db_url):
    store = open_store(db_url)
    c = {
        n: store.add_company(profile(n, city=city, county=county))
        for n, city, county in (
            (1, "tongliao", "科尔沁区"),
            (2, "tongliao", "霍林郭勒市"),
            (3, "tongliao", "科尔沁区"),
            (4, "baotou", "昆都仑区"),
            (5, "tongliao", "科尔沁区"),
        )
    }
    for n, date in (
        (1, "2020-11-01"),
        (1, "2023-11-01"),
        (2, "2022-12-31"),
        (3, "2023-01-01"),
        (4, "2024-06-01"),
        (5, "2019-05-01"),
    ):
        store.add_recognition(c[n], hte(date))
    for n, year in ((1, 2023), (1, 2024), (2, 2024), (4, 2024), (3, 2025)):
        store.add_tech_sme(c[n], year)
    store.add_recognition(
        c[1], Recognition("key_lab", "regional", dt.date(2024, 5, 1), name="甲重点实验室", stage="cultivation")
    )
    store.add_recognition(c[2], Recognition("key_lab", "national", dt.date(2026, 1, 10), name="乙全国重点实验室"))
    store.add_recognition(c[4], Recognition("key_lab", "regional", dt.date(2024, 3, 1), name="丙重点实验室"))
    yield store, c
    store.close()


def targets_json(capsys, url, *args):
    code, out, err = run(capsys, "--db", url, "targets", "--json", *args)
    assert code == 0, err
    data = json.loads(out)
    return data, {t["id"]: t for t in data["targets"]}


def rows(target):
    return [(r["year"], r["goal"], r["baseline"], r["value"], r["rate"]) for r in target["rows"]]


def test_certificate_is_valid_three_years_from_its_date(small_store):
    store, c = small_store

    def holds(day: str) -> set:
        f = CompanyFilter(holds_valid="high_tech", valid_years=3, as_of=dt.date.fromisoformat(day))
        return set(store.search_companies(f))

    # 2023-11-01 is valid through 2026-10-31; company 3's 2023-01-01 through 2025-12-31.
    assert c[1] in holds("2026-10-31") and c[1] not in holds("2026-11-01")
    assert c[1] in holds("2023-11-01") and c[1] in holds("2023-10-31")  # the 2020 certificate covers the day before
    assert c[3] in holds("2025-12-31") and c[3] not in holds("2026-01-01") and c[3] not in holds("2022-12-31")


def test_tongliao_series_counts_and_rates(capsys, small_store, db_url):
    _, by_id = targets_json(capsys, db_url)
    tl = by_id["tl-hte-count"]
    # 通创办发【2023】1号 三、（一）: 2023 63, 2024 80, 2025 100; 二、（一）: 2020年底37家, 2022年底53家.
    assert rows(tl) == [
        (2020, None, "37", 2, None),
        (2022, None, "53", 2, None),
        (2023, "63", None, 3, "0.0476"),
        (2024, "80", None, 3, "0.0375"),
        (2025, "100", None, 2, "0.0200"),
    ]
    assert tl["counted_in"] == "通辽市" and tl["scope_label"] == "通辽市" and tl["rate_note"] is None
    assert [r["as_of"] for r in tl["rows"]][-1] == "2025-12-31"
    # 三、（二）: 2023 80, 2024 130, 2025 200; 二、（二）: 2020 20家, 2022年58家.
    assert rows(by_id["tl-tech-sme-count"]) == [
        (2020, None, "20", 0, None),
        (2022, None, "58", 0, None),
        (2023, "80", None, 1, "0.0125"),
        (2024, "130", None, 2, "0.0154"),
        (2025, "200", None, 1, "0.0050"),
    ]


def test_region_targets_of_35_and_kjxm(capsys, small_store, db_url):
    _, by_id = targets_json(capsys, db_url)
    # 35号文 4.: 高新技术企业、科技型中小企业分别达到2000家、4000家 (2025): 通辽 {1,3} + 包头 {4}; 入库2025 {3}.
    assert rows(by_id["nmg35-04-hte-count-2025"]) == [(2025, "2000", None, 3, "0.0015")]
    assert rows(by_id["nmg35-04-tech-sme-count-2025"]) == [(2025, "4000", None, 1, "0.0003")]
    # 科技兴蒙（七）: 自治区级重点实验室165家: company 4 (company 1's is in cultivation); 国家级4家: 2026 is too late.
    assert rows(by_id["nmg20-07-regional-key-labs-2025"]) == [(2025, "165", None, 1, "0.0061")]
    assert rows(by_id["nmg20-07-platforms-2025"]) == [(2025, "4", None, 0, "0.0000")]


def test_targets_the_store_cannot_give_say_so(capsys, small_store, db_url):
    _, by_id = targets_json(capsys, db_url)
    # 35号文 一、and 1.: 年均增长20%; 3.: 企业承担自治区科技重大专项比例达到60%以上.
    for tid, goal in (
        ("nmg35-01-rd-total-growth", "0.2"),
        ("nmg35-01-gov-rd-growth", "0.2"),
        ("nmg35-03-enterprise-major-project-share", "0.6"),
    ):
        t = by_id[tid]
        assert t["no_data"] == NO_DATA[t["metric"]] and t["method"] is None
        assert rows(t) == [(2025, goal, None, None, None)]
    assert by_id["nmg35-01-gov-rd-2025"]["rows"][0]["goal"] == "5600000000"


def test_every_target_of_the_policy_files_is_counted_or_says_why_not():
    for t in load_policies().targets.values():
        assert counts(t.metric) or t.metric in NO_DATA, t.id


def test_city_filter_counts_that_city_and_gives_no_rate_for_region_targets(capsys, small_store, db_url):
    data, by_id = targets_json(capsys, db_url, "--city", "通辽市")
    assert data["filter"] == {"year": None, "city": "tongliao", "county": None, "label": "通辽市"}
    assert rows(by_id["tl-hte-count"])[-1] == (2025, "100", None, 2, "0.0200")
    hte35 = by_id["nmg35-04-hte-count-2025"]
    assert rows(hte35) == [(2025, "2000", None, 2, None)]
    assert hte35["counted_in"] == "通辽市" and hte35["rate_note"] == "这是全区的目标，这里只统计了通辽市的单位"
    _, by_id = targets_json(capsys, db_url, "--city", "baotou")
    assert "tl-hte-count" not in by_id
    assert rows(by_id["nmg35-04-hte-count-2025"]) == [(2025, "2000", None, 1, None)]
    assert rows(by_id["nmg20-07-regional-key-labs-2025"]) == [(2025, "165", None, 1, None)]


def test_county_filter_finds_its_city(capsys, small_store, db_url):
    data, by_id = targets_json(capsys, db_url, "--county", "科尔沁区")
    assert data["filter"]["city"] == "tongliao" and data["filter"]["label"] == "通辽市科尔沁区"
    tl = by_id["tl-hte-count"]
    # 科尔沁区: companies 1, 3, 5.
    assert rows(tl) == [
        (2020, None, "37", 2, None),
        (2022, None, "53", 1, None),
        (2023, "63", None, 2, None),
        (2024, "80", None, 2, None),
        (2025, "100", None, 2, None),
    ]
    assert tl["rate_note"] == "这是通辽市的目标，这里只统计了通辽市科尔沁区的单位"


def test_one_year_takes_the_goal_in_force(capsys, small_store, db_url):
    _, by_id = targets_json(capsys, db_url, "--year", "2024")
    # 35号文 “力争到2025年……2000家” is the goal in 2024 too.
    assert [
        (r["year"], r["goal"], r["goal_year"], r["value"], r["rate"]) for r in by_id["nmg35-04-hte-count-2025"]["rows"]
    ] == [(2024, "2000", 2025, 4, "0.0020")]
    assert rows(by_id["tl-hte-count"]) == [(2024, "80", None, 3, "0.0375")]
    _, by_id = targets_json(capsys, db_url, "--year", "2026")
    # After the last goal year there is no goal; company 1's certificate ran out on 2026-10-31.
    assert rows(by_id["tl-hte-count"]) == [(2026, None, None, 0, None)]
    assert rows(by_id["nmg20-07-platforms-2025"]) == [(2026, None, None, 1, None)]


def test_screen_and_command_agree(capsys, small_store, db_url):
    store, _ = small_store
    _, by_id = targets_json(capsys, db_url)
    policies = load_policies()
    s = series(store, policies, "hte_count", "tongliao", [2020, 2022, 2023, 2024, 2025])
    assert [r.actual for r in s.rows] == [r["value"] for r in by_id["tl-hte-count"]["rows"]]
    assert count(store, "tech_sme_count", "tongliao", 2024, county="科尔沁区") == 1


def test_text_is_readable_chinese(capsys, small_store, db_url):
    code, out, _ = run(capsys, "--db", db_url, "targets", "--city", "tongliao")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "目标监测　统计范围：通辽市　年度：文件所列各年"
    at = lines.index("  三、（一） 通辽市有效期内高新技术企业数量")
    assert lines[at + 1 : at + 7] == [
        "    统计：持有有效期内高新技术企业证书的单位（证书日期起3年内有效，统计到当年12月31日），通辽市",
        "    2020年：文件所列基数37家，库内统计2家",
        "    2022年：文件所列基数53家，库内统计2家",
        "    2023年：目标63家，库内统计3家，完成率4.8%",
        "    2024年：目标80家，库内统计3家，完成率3.8%",
        "    2025年：目标100家，库内统计2家，完成率2.0%",
    ]
    at = lines.index("  1. 全社会研发经费投入中政府资金")
    assert lines[at + 1 : at + 3] == [
        "    目标：2025年56亿元",
        "    值：无数据（研发经费投入中的政府资金是统计和财政部门的数据，本程序不记录）",
    ]
    at = lines.index("  4. 全区高新技术企业数量")
    assert lines[at + 2 : at + 4] == [
        "    2025年：目标2000家，库内统计2家",
        "    完成率：不计算（这是全区的目标，这里只统计了通辽市的单位）",
    ]
    assert lines[-1].startswith("共") and "项无数据" in lines[-1]


@pytest.mark.parametrize(
    "args, message",
    [
        (("--city", "大连市"), "错误：未知盟市“大连市”（可用：呼和浩特市（hohhot）"),
        (
            ("--county", "铁西区"),
            "错误：数据库中没有旗县区为“铁西区”的企业（已记录的旗县区：昆都仑区、科尔沁区、霍林郭勒市）",
        ),
        (
            ("--city", "baotou", "--county", "科尔沁区"),
            "错误：包头市中没有旗县区为“科尔沁区”的企业（已记录的旗县区：昆都仑区）",
        ),
    ],
)
def test_bad_filters_are_one_chinese_line(capsys, small_store, db_url, args, message):
    code, out, err = run(capsys, "--db", db_url, "targets", *args)
    assert code == 2 and out == "" and err.startswith(message)


def test_bad_year_is_refused(capsys, small_store, db_url):
    code, _, err = run(capsys, "--db", db_url, "targets", "--year", "25")
    assert code == 2 and "年度应为四位数年份（如2025），实际为“25”" in err


def test_docs_describe_every_key(capsys, small_store, db_url):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text(encoding="utf-8")
    data, by_id = targets_json(capsys, db_url)
    keys = {f"filter.{k}" for k in data["filter"]} | set(data) - {"filter"}
    keys |= set(by_id["tl-hte-count"]) | set(by_id["tl-hte-count"]["rows"][0])
    assert all(f"| `{k}` |" in doc for k in keys), sorted(k for k in keys if f"| `{k}` |" not in doc)
