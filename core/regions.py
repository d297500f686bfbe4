"""The region's 盟市 and 旗县区 as a controlled list (resources/regions.yaml, GB/T 2260 codes).

Forms offer the list, filters read it, imports map old spellings to it (莫旗 →
莫力达瓦达斡尔族自治旗) and refuse what is not on it, so one banner is never
spelled three ways. A county is looked up within its city: the same short
form names different banners in two cities.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml

from core.paths import RESOURCES

REGIONS_FILE = RESOURCES / "regions.yaml"


@dataclass(frozen=True)
class County:
    code: str  # GB/T 2260; "" for a functional zone (开发区) without one
    name: str
    full: str = ""  # a zone's full name

    @property
    def zone(self) -> bool:
        return not self.code


@dataclass(frozen=True)
class City:
    key: str  # as in vocabulary.yaml enums.cities
    code: str
    name: str
    counties: tuple[County, ...]
    aliases: dict

    def county_names(self) -> list[str]:
        return [c.name for c in self.counties]


@dataclass(frozen=True)
class Regions:
    code: str
    name: str
    cities: tuple[City, ...]

    def city(self, key_or_name: str) -> City | None:
        return next((c for c in self.cities if key_or_name in (c.key, c.name, c.code)), None)

    def resolve(self, city: str, text: str) -> str | None:
        """The standard name of the 旗县区 written ``text`` in ``city`` (key or name), or None if not on the list.

        Blanks and full-width forms do not count; an alias of the city gives its standard name.
        """
        c = self.city(city)
        if c is None:
            return None
        written = normalize(text)
        for county in c.counties:
            if written in (county.name, county.full):
                return county.name
        return c.aliases.get(written)

    def problem(self, city: str, text: str) -> str | None:
        """Why ``text`` is not a 旗县区 of ``city`` (None when it is, or when left blank)."""
        if not normalize(text):
            return None
        c = self.city(city)
        if c is None:
            return f"盟市“{city}”不在{self.name}的盟市中"
        if self.resolve(city, text) is not None:
            return None
        elsewhere = [o.name for o in self.cities if o is not c and self.resolve(o.key, text) is not None]
        hint = f"；“{normalize(text)}”属于{'、'.join(elsewhere)}，请核对盟市" if elsewhere else ""
        return f"“{normalize(text)}”不是{c.name}的旗县区（可填：{'、'.join(c.county_names())}）{hint}"

    def code_of(self, city: str, county: str) -> str:
        """The GB/T 2260 code of a 旗县区 (its city's, for a zone or a blank county); "" when unknown."""
        c = self.city(city)
        if c is None:
            return ""
        name = self.resolve(city, county) if county else None
        found = next((k for k in c.counties if k.name == name), None)
        return found.code if found is not None and found.code else c.code


def normalize(text: str | None) -> str:
    """Full-width letters and blanks folded, blanks removed (as clerks type them)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _load(path) -> Regions:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cities = []
    for c in data["cities"]:
        counties = [County(str(k["code"]), k["name"]) for k in c["counties"]]
        counties += [County("", z["name"], z.get("full", "")) for z in c.get("zones", ())]
        cities.append(City(c["key"], str(c["code"]), c["name"], tuple(counties), dict(c.get("aliases") or {})))
    return Regions(str(data["region"]["code"]), data["region"]["name"], tuple(cities))


@lru_cache(maxsize=1)
def regions() -> Regions:
    """The shipped list (read once)."""
    return _load(REGIONS_FILE)
