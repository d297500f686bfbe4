"""The short way through pass 2 (core.engine.tally._lone) gives exactly what the general way gives.

Most keys hold one rule's claims of this batch with nothing earlier, no ledger and no multi-year window: for
those the engine skips comparing, deducting and joining platforms. Here every company is evaluated twice, once
as the engine does and once with every key sent the general way (_tally, then _verdict), and the results --
award lines with their traces, exclusions, warnings -- must be the same to the byte.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

import core.engine.tally as tally
from core.engine import Context, evaluate_company

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _general(key, keys, case, ctx, warnings, excluded):
    return tally._verdict(tally._tally(key, keys, case, ctx, warnings), ctx.vocabulary, excluded)


def _both(cases, policies, year, monkeypatch) -> tuple[list, list, int]:
    """Each case's result the engine's way and the general way, and how many keys took the short way."""
    taken = []
    lone = tally._lone

    def counted(*args):
        taken.append(args[0])
        return lone(*args)

    monkeypatch.setattr(tally, "_lone", counted)
    short = [json.dumps(evaluate_company(c, Context(policies, year)).to_json(), ensure_ascii=False) for c in cases]
    monkeypatch.setattr(tally, "_lone", _general)
    general = [json.dumps(evaluate_company(c, Context(policies, year)).to_json(), ensure_ascii=False) for c in cases]
    return short, general, len(taken)


@pytest.mark.parametrize("earlier", [False, True], ids=["first-year", "earlier-batch"])
def test_sample_mix_short_way_equals_general_way(policies, monkeypatch, earlier):
    # with an earlier batch every key of a claim approved before goes the general way; the others, of families
    # the ledger holds nothing for, still go the short way
    from engine_cases import scaled_cases

    cases = scaled_cases(60, policies, earlier=earlier)
    short, general, taken = _both(cases, policies, 2026, monkeypatch)
    assert taken > (10 if earlier else 60)
    assert short == general


@pytest.mark.parametrize("earlier", [False, True], ids=["first-year", "earlier-contracts"])
def test_synthetic_mix_short_way_equals_general_way(policies, monkeypatch, earlier):
    from engine_bench import YEAR, make_companies

    short, general, taken = _both(make_companies(200, earlier=earlier), policies, YEAR, monkeypatch)
    assert taken > 200
    assert short == general


@pytest.mark.parametrize("seed", range(4))
def test_generated_companies_short_way_equals_general_way(policies, monkeypatch, seed):
    # tests/test_laws.py's companies: every paying rule, claims of one subject stated twice or split, sibling rules
    # (first/repeat, region/city) on one claim, caps and floors, the history each requirement reads
    from test_laws import YEAR, build

    rng = random.Random(seed)
    cases = [build(rng) for _ in range(150)]
    short, general, taken = _both(cases, policies, YEAR, monkeypatch)
    assert taken > 50
    assert short == general


def test_one_subject_claimed_twice_where_one_claim_pays_nothing(policies, monkeypatch):
    # Baotou (十) bt-10-zone-ranking: "年度位次较上一年度每提升5位，给予500万元资金支持", one subject a year.
    # 12 places up: 12 ÷ 5 = 2 steps, 2 × 5,000,000 = 10,000,000; 3 places up in the same year is below one
    # step and is excluded beside it; the same claim stated twice is counted once.
    import datetime as dt

    from core.model import Claim, Company, CompanyCase, History

    def ranking(cid, places, month):
        day = dt.date(2026, month, 1)
        return Claim("zone_ranking", cid, {"date": day, "places_up": places}, day)

    company = Company("91150200MA0000000X", "包头某园区", "baotou")
    cases = [
        CompanyCase(company, History(), (ranking("c1", 12, 6), ranking("c2", 3, 9))),
        CompanyCase(company, History(), (ranking("c1", 12, 6), ranking("c2", 12, 6))),
        CompanyCase(company, History(), (ranking("c1", 3, 6),)),
    ]
    short, general, taken = _both(cases, policies, 2026, monkeypatch)
    assert taken >= 3
    assert short == general
    paid, twice, below = (_of_rule(json.loads(s), "bt-10-zone-ranking") for s in short)
    assert [(l["amount"], l["claim_id"]) for l in paid["lines"]] == [("10000000.00", "c1")]
    assert [(e["claim_id"], e["reason"]) for e in paid["excluded"]] == [("c2", "计算基数3不足一档（每档5）")]
    assert [l["amount"] for l in twice["lines"]] == ["10000000.00"]
    assert [(e["claim_id"], e["reason"]) for e in twice["excluded"]] == [
        ("c2", "与本批次事项c1为同一事项的同一申报，不重复计算")
    ]
    assert below["lines"] == [] and [e["reason"] for e in below["excluded"]] == ["计算基数3不足一档（每档5）"]


def _of_rule(result: dict, rule_id: str) -> dict:
    """The lines and exclusions of one rule (the region's 科技兴蒙 rule pays the same rise as well)."""
    return {k: [x for x in result[k] if x["rule_id"] == rule_id] for k in ("lines", "excluded")}
