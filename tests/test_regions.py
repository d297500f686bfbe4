"""The controlled list of 盟市 and 旗县区 (resources/regions.yaml, GB/T 2260, 内蒙古 150000)."""

import pytest

from core.regions import normalize, regions

# GB/T 2260 counts per 盟市 (103 旗县区 in all) and a code checked by hand in each.
COUNTS = {
    "呼和浩特市": 9,
    "包头市": 9,
    "乌海市": 3,
    "赤峰市": 12,
    "通辽市": 8,
    "鄂尔多斯市": 9,
    "呼伦贝尔市": 14,
    "巴彦淖尔市": 7,
    "乌兰察布市": 11,
    "兴安盟": 6,
    "锡林郭勒盟": 12,
    "阿拉善盟": 3,
}
CODES = {
    "莫力达瓦达斡尔族自治旗": "150722",
    "达尔罕茂明安联合旗": "150223",
    "康巴什区": "150603",
    "扎赉诺尔区": "150703",
    "喀喇沁旗": "150428",
    "霍林郭勒市": "150581",
    "阿尔山市": "152202",
    "多伦县": "152531",
    "额济纳旗": "152923",
    "丰镇市": "150981",
    "杭锦后旗": "150826",
    "乌达区": "150304",
    "赛罕区": "150105",
}


def test_twelve_cities_and_103_counties_with_well_formed_codes():
    r = regions()
    assert r.code == "150000" and len(r.cities) == 12
    assert {c.name: sum(1 for k in c.counties if not k.zone) for c in r.cities} == COUNTS
    assert sum(COUNTS.values()) == 103
    codes = [k.code for c in r.cities for k in c.counties if not k.zone]
    assert len(set(codes)) == 103
    for c in r.cities:
        assert c.code[:2] == "15" and c.code.endswith("00")
        for k in c.counties:
            if not k.zone:
                assert k.code[:4] == c.code[:4] and len(k.code) == 6, (c.name, k.name, k.code)
        assert [k.code for k in c.counties if not k.zone] == sorted(k.code for k in c.counties if not k.zone)
    found = {k.name: k.code for c in r.cities for k in c.counties}
    assert {name: found[name] for name in CODES} == CODES


def test_city_keys_are_the_vocabularys(vocab):
    assert {c.key: c.name for c in regions().cities} == dict(vocab.enums["cities"])


def test_every_alias_names_a_county_of_its_city():
    for c in regions().cities:
        for alias, name in c.aliases.items():
            assert name in c.county_names(), (c.name, alias, name)
            assert alias not in c.county_names()


@pytest.mark.parametrize(
    "city, written, standard",
    [
        ("hulunbuir", "莫旗", "莫力达瓦达斡尔族自治旗"),
        ("呼伦贝尔市", " 鄂温克旗 ", "鄂温克族自治旗"),
        ("tongliao", "扎旗", "扎鲁特旗"),
        ("hinggan", "扎旗", "扎赉特旗"),  # the same short form, another city, another banner
        ("baotou", "达茂旗", "达尔罕茂明安联合旗"),
        ("baotou", "包头稀土高新技术产业开发区", "稀土高新区"),
        ("hulunbuir", "海拉尔区", "海拉尔区"),
    ],
)
def test_old_spellings_map_to_the_standard_name(city, written, standard):
    assert regions().resolve(city, written) == standard


def test_unknown_counties_are_refused_with_the_choices():
    r = regions()
    problem = r.problem("hulunbuir", "莫力达瓦旗县")
    assert problem.startswith("“莫力达瓦旗县”不是呼伦贝尔市的旗县区（可填：海拉尔区、扎赉诺尔区、阿荣旗")
    assert r.problem("hulunbuir", "昆都仑区").endswith("；“昆都仑区”属于包头市，请核对盟市")
    assert r.problem("hulunbuir", "") is None and r.problem("hulunbuir", "莫旗") is None


def test_codes_of_counties_and_zones():
    r = regions()
    assert r.code_of("hulunbuir", "莫旗") == "150722"
    assert r.code_of("baotou", "稀土高新区") == "150200"  # a zone has no code of its own: its city's
    assert r.code_of("hulunbuir", "") == "150700"
    assert normalize("ＡＢ　区") == "AB区"
