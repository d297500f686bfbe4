"""Building import data for store tests the way the workbook reader will."""

import hashlib

from core.casefile import parse_claim
from core.model import RdYear, Recognition
from core.records import CompanyProfile, ImportData
from core.uscc import check_character
from core.vocabulary import load_vocabulary


def uscc(n: int) -> str:
    first17 = "911507" + f"{n:011d}"
    return first17 + check_character(first17)


def profile(n: int, name: str | None = None, **kw) -> CompanyProfile:
    kw.setdefault("city", "hulunbuir")
    kw.setdefault("county", "海拉尔区")
    kw.setdefault("bank_name", "中国工商银行呼伦贝尔分行")
    kw.setdefault("bank_account", f"0601{n:012d}")
    return CompanyProfile(uscc(n), name or f"呼伦贝尔测试{n}号科技有限公司", **kw)


def claim(raw: dict, award_year: int, claim_id: str):
    """A Claim typed by the vocabulary, as the workbook reader and case files produce it."""
    return parse_claim(raw, load_vocabulary(), "test", award_year, claim_id)


def hte(date: str, n: str = "c-hte"):
    return {
        "type": "recognition",
        "kind": "high_tech",
        "level": "national",
        "date": date,
        "number": f"GR{date[:4]}",
        "id": n,
    }


def contract(number: str, date: str, amount: str):
    return {
        "type": "tech_contract",
        "number": number,
        "date": date,
        "amount": amount,
        "regional_post_subsidy": True,
        "id": number,
    }


def batch_data(
    name: str,
    award_year: int,
    companies: list,
    claims: list = (),
    recognitions: list = (),
    tech_sme: list = (),
    rd: list = (),
    source: str | None = None,
) -> ImportData:
    """ImportData whose sha256 is derived from its name (same name = same file)."""
    source = source or f"{name}.xlsx"
    return ImportData(
        source_name=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        award_year=award_year,
        batch_name=name,
        companies=list(companies),
        recognitions=list(recognitions),
        tech_sme=list(tech_sme),
        rd=list(rd),
        claims=[(u, claim(raw, award_year, raw.get("id", f"c{i}"))) for i, (u, raw) in enumerate(claims, 1)],
    )


def lines_by_rule(lines, rule_id):
    return [l.amount for l in lines if l.rule_id == rule_id]


__all__ = ["uscc", "profile", "claim", "hte", "contract", "batch_data", "lines_by_rule", "RdYear", "Recognition"]
