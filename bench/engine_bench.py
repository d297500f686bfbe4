"""Engine throughput: company-evaluations per second for 10,000 companies with 3 years of history.

    python bench/engine_bench.py [--companies 10000] [--repeat 3]

Figures are reported against two baselines measured in the same run, on the
same machine and the same synthetic companies:

* ``scan``: the same engine with its rule index bypassed (every rule tried
  against every claim), which is what a general-purpose rules engine does;
* ``floor``: the bare Python cost of walking the same companies and claims and
  adding one Decimal per claim — no engine can be faster than this.

Target (issue 2): 20,000 company-evaluations per second on one core.

``--earlier`` gives every company an approved batch of the year before
(three contracts in ``History.claims``, their award lines in the ledger);
this year's contracts carry the same numbers, so each is counted with what
was approved for it before (issue 12).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.engine import Context, evaluate_company  # noqa: E402
from core.model import Claim, Company, CompanyCase, History, LedgerEntry, RdYear, Recognition  # noqa: E402
from core.policy.loader import load_policies  # noqa: E402
from core.uscc import check_character  # noqa: E402

YEAR = 2026
CITIES = ("hulunbuir", "baotou", "tongliao", "hohhot")


def make_companies(n: int, seed: int = 7, earlier: bool = False) -> list[CompanyCase]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        base = f"9115{i:08d}MA0"[:17]
        uscc = base + check_character(base)
        city = CITIES[i % len(CITIES)]
        recs = []
        if rnd.random() < 0.4:
            recs.append(Recognition("high_tech", "national", dt.date(2023, rnd.randint(1, 12), 1)))
        if rnd.random() < 0.1:
            recs.append(Recognition("key_lab", "regional", dt.date(2024, 5, 1)))
        rd = {y: RdYear(y, Decimal(rnd.randint(500_000, 50_000_000)), rnd.random() < 0.8,
                        None) for y in (2023, 2024, 2025)}
        sme = frozenset(y for y in (2023, 2024, 2025) if rnd.random() < 0.7)
        claims = [Claim("rd_post_subsidy", "c1", {"rd_year": 2025}, None),
                  Claim("tech_sme_registration", "c2", {"year": 2026}, None)]
        if rnd.random() < 0.3:
            claims.append(Claim("recognition", "c3", {"kind": "high_tech", "level": "national",
                                                      "date": dt.date(2026, 3, 1), "moved_in": "none",
                                                      "stage": "approved"}, dt.date(2026, 3, 1)))
        for k in range(rnd.randint(0, 3)):
            d = dt.date(2026, rnd.randint(1, 12), 1)
            claims.append(Claim("tech_contract", f"t{k}", {"number": f"HT{i}-{k}", "date": d,
                                                          "amount": Decimal(rnd.randint(100_000, 20_000_000)),
                                                          "regional_post_subsidy": True}, d))
        before, ledger = (), ()
        if earlier:
            before = tuple((YEAR - 1, Claim("tech_contract", f"p{k}", {
                "number": f"HT{i}-{k}", "date": dt.date(YEAR - 1, 6, 1), "amount": Decimal(rnd.randint(100_000, 9_000_000)),
                "regional_post_subsidy": True}, dt.date(YEAR - 1, 6, 1))) for k in range(3))
            ledger = tuple(LedgerEntry("hlb-12-tech-contract", YEAR - 1, (c.get("amount") * Decimal("0.05")).quantize(
                Decimal("0.01")), c.subject, "", 1) for _, c in before)
        out.append(CompanyCase(Company(uscc, f"单位{i}", city, size="small_micro" if i % 3 else "medium"),
                               History(tuple(recs), sme, rd, ledger, before), tuple(claims)))
    return out


def run_engine(cases, ctx) -> tuple[float, int]:
    t0 = time.perf_counter()
    lines = 0
    for case in cases:
        lines += len(evaluate_company(case, ctx).lines)
    return time.perf_counter() - t0, lines


def run_floor(cases) -> float:
    t0 = time.perf_counter()
    total = Decimal(0)
    for case in cases:
        for claim in case.claims:
            total += claim.fields.get("amount", Decimal(1))
    return time.perf_counter() - t0


class _ScanIndex(dict):
    """Every paying rule for every claim: the engine without its index."""

    def __init__(self, rules):
        super().__init__()
        self.rules = tuple(rules)

    def get(self, key, default=None):
        return self.rules


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--earlier", action="store_true", help="每家单位带上一年度已审批批次的申报和台账")
    args = ap.parse_args()
    policies = load_policies()
    cases = make_companies(args.companies, earlier=args.earlier)
    ctx = Context(policies, YEAR)
    n = len(cases)
    claims = sum(len(c.claims) for c in cases)
    print(f"{n} companies, {claims} claims, 3 years of R&D history each; {len(policies.rules)} rules")
    best = min(run_engine(cases, ctx)[0] for _ in range(args.repeat))
    _, lines = run_engine(cases, ctx)
    floor = min(run_floor(cases) for _ in range(args.repeat))
    for city in CITIES:  # scan baseline: replace the per-city index with "all rules"
        policies.index_for(city)
        policies._index[city] = _ScanIndex(r for r in policies.rules.values() if r.pays
                                           and r.document.applies_to_city(city))
    scan = min(run_engine(cases, ctx)[0] for _ in range(max(1, args.repeat - 1)))
    rate = n / best
    print(f"engine   {best:8.3f} s  {rate:10,.0f} company-evaluations/s  ({lines} award lines)")
    print(f"scan     {scan:8.3f} s  {n / scan:10,.0f} /s   engine is {scan / best:5.1f}x the scan baseline")
    print(f"floor    {floor:8.3f} s  {n / floor:10,.0f} /s   engine costs {best / floor:5.1f}x the bare loop")
    print(f"target 20,000/s: {'met' if rate >= 20_000 else 'NOT met'} ({rate / 20_000:.2f} of target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
