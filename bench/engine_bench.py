"""Engine throughput: company-evaluations per second on one core (issue 14's target: 50,000).

    python bench/engine_bench.py [--companies 10000] [--repeat 5] [--mix sample|synthetic] [--earlier]
                                 [--profile N] [--counts N]

Mixes:

* ``sample`` (default): the sample workbook's 30 companies (申报样例.xlsx: 26
  recognitions of 17 kinds, R&D, tech-SME, contracts, services, purchases,
  sharing, prizes, entered amounts; three cities) copied up to N companies
  (bench/engine_cases.py);
* ``synthetic``: the mix of the first benchmark (issue 2): an R&D and a
  tech-SME claim each, high-tech recognitions, 0-3 contracts, random R&D.

``--earlier`` gives every company an approved batch of the year before: for
``sample`` the same claims a year earlier with what the engine awarded for
them in the ledger, for ``synthetic`` three contracts with the same numbers as
this year's. Each timed run evaluates fresh copies of the claims, as a
calculation does (claims memoize their subject and identity).

Times are CPU seconds of this process (time.process_time: a busy machine does not
count against it). Every figure is set against baselines measured in the same run, on the same
companies, so that the ratios hold on a busy machine:

* ``build``: constructing the very results the engine returned (award lines
  with their traces, exclusions, company results) from a copy kept aside --
  what an engine that knew the answers would still spend;
* ``scan``: the engine with its per-rule index bypassed (every rule tried
  against every claim), what a general-purpose rules engine does;
* ``floor``: walking the same companies and claims, adding one Decimal per claim.

The engine time is the best of ``--repeat`` runs; the median is printed too.
Every timed run keeps its results (as a calculation does before writing them)
with Python's cyclic garbage collector paused: the engine makes no reference
cycles (tests/test_engine_memory.py), and with the collector running its full
collections walk every object kept so far, so their cost depends on what else
the process holds. One more run with the collector running as by default is
printed beside, to show what it costs.

``--counts N`` runs once more with the engine's passes timed one by one,
wherever they are called (their own wrappers included; each pass's own time,
a pass called inside another on a line of its own), and prints the N rules most often tried, with
how often each qualified, was excluded or did not match, and how often each
named check (core.engine.predicates) ran and refused: where the time of a
flat profile goes, without cProfile's overhead on every call.

The script runs against older checkouts as well (copy it into one), so
before-and-after figures can be taken in one session.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import operator
import pstats
import random
import statistics
import sys
import time
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from core.engine import Context, evaluate_company  # noqa: E402
from core.model import Claim, Company, CompanyCase, History, LedgerEntry, RdYear, Recognition  # noqa: E402
from core.uscc import check_character  # noqa: E402

try:
    from core.engine import load_policies  # noqa: E402
except ImportError:  # a checkout before issue 16, where the loader imported the engine's registries itself
    from core.policy.loader import load_policies  # noqa: E402

YEAR = 2026
CITIES = ("hulunbuir", "baotou", "tongliao", "hohhot")
TARGET = 50_000


def make_companies(n: int, seed: int = 7, earlier: bool = False) -> list[CompanyCase]:
    """The synthetic mix (see the module's docstring)."""
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
        rd = {
            y: RdYear(y, Decimal(rnd.randint(500_000, 50_000_000)), rnd.random() < 0.8, None)
            for y in (2023, 2024, 2025)
        }
        sme = frozenset(y for y in (2023, 2024, 2025) if rnd.random() < 0.7)
        claims = [
            Claim("rd_post_subsidy", "c1", {"rd_year": 2025}, None),
            Claim("tech_sme_registration", "c2", {"year": 2026}, None),
        ]
        if rnd.random() < 0.3:
            claims.append(
                Claim(
                    "recognition",
                    "c3",
                    {
                        "kind": "high_tech",
                        "level": "national",
                        "date": dt.date(2026, 3, 1),
                        "moved_in": "none",
                        "stage": "approved",
                    },
                    dt.date(2026, 3, 1),
                )
            )
        for k in range(rnd.randint(0, 3)):
            d = dt.date(2026, rnd.randint(1, 12), 1)
            claims.append(
                Claim(
                    "tech_contract",
                    f"t{k}",
                    {
                        "number": f"HT{i}-{k}",
                        "date": d,
                        "amount": Decimal(rnd.randint(100_000, 20_000_000)),
                        "regional_post_subsidy": True,
                    },
                    d,
                )
            )
        before, ledger = (), ()
        if earlier:
            before = tuple(
                (
                    YEAR - 1,
                    Claim(
                        "tech_contract",
                        f"p{k}",
                        {
                            "number": f"HT{i}-{k}",
                            "date": dt.date(YEAR - 1, 6, 1),
                            "amount": Decimal(rnd.randint(100_000, 9_000_000)),
                            "regional_post_subsidy": True,
                        },
                        dt.date(YEAR - 1, 6, 1),
                    ),
                )
                for k in range(3)
            )
            ledger = tuple(
                LedgerEntry(
                    "hlb-12-tech-contract",
                    YEAR - 1,
                    (c.get("amount") * Decimal("0.05")).quantize(Decimal("0.01")),
                    c.subject,
                    "",
                    1,
                )
                for _, c in before
            )
        out.append(
            CompanyCase(
                Company(uscc, f"单位{i}", city, size="small_micro" if i % 3 else "medium"),
                History(tuple(recs), sme, rd, ledger, before),
                tuple(claims),
            )
        )
    return out


def _claim(c: Claim) -> Claim:
    return Claim(c.type, c.id, c.fields, c.date)


def fresh(cases: list[CompanyCase]) -> list[CompanyCase]:
    """The same companies with new claim objects, so no run reads what an earlier run memoized."""
    out = []
    for case in cases:
        h = case.history
        history = History(h.recognitions, h.tech_sme_years, h.rd, h.ledger, tuple((y, _claim(c)) for y, c in h.claims))
        out.append(CompanyCase(case.company, history, tuple(_claim(c) for c in case.claims)))
    return out


def paused(fn, *args, collector: bool = False):
    """``fn(*args)`` timed after a full collection, with the collector paused unless ``collector``."""
    gc.collect()
    if not collector:
        gc.disable()
    try:
        t0 = time.process_time()
        out = fn(*args)
        return time.process_time() - t0, out
    finally:
        gc.enable()


def run_engine(cases, ctx, collector: bool = False) -> tuple[float, list]:
    cases = fresh(cases)
    return paused(lambda: [evaluate_company(case, ctx) for case in cases], collector=collector)


def run_floor(cases) -> float:
    def walk():
        total = Decimal(0)
        for case in cases:
            for claim in case.claims:
                total += claim.fields.get("amount", Decimal(1))
        return total

    return paused(walk)[0]


class _Builder:
    """Builds a copy of engine results field by field, with new lists and objects inside every trace."""

    def __init__(self):
        self.getters: dict = {}

    def _getter(self, cls):
        g = self.getters.get(cls)
        if g is None:
            g = self.getters[cls] = operator.attrgetter(*(f.name for f in fields(cls) if f.init))
        return g

    def trace(self, t):
        if t is None:
            return None
        p = [type(x)(*self._getter(type(x))(x)) for x in t.params]
        return type(t)(list(t.inputs), p, list(t.readings), t.formula, list(t.steps), list(t.notes))

    def line(self, line):
        values = list(self._getter(type(line))(line))
        values[4] = self.trace(line.trace)  # rule, claim_id, subject, amount, trace, ...
        return type(line)(*values)

    def exclusion(self, e):
        values = list(self._getter(type(e))(e))
        values[5] = self.trace(e.trace)  # rule, claim_id, subject, reason, amount, trace, ...
        return type(e)(*values)

    def result(self, r):
        return type(r)(
            r.company,
            r.award_year,
            [self.line(x) for x in r.lines],
            [self.exclusion(x) for x in r.excluded],
            list(r.errors),
            list(r.warnings),
        )


def run_build(results) -> tuple[float, list]:
    b = _Builder()
    return paused(lambda: [b.result(r) for r in results])


class _ScanIndex(dict):
    """Every paying rule for every claim: the engine without its index."""

    def __init__(self, rules):
        super().__init__()
        self.rules = tuple(rules)

    def get(self, key, default=None):
        return self.rules


PASSES = (
    "_sorted_claims",
    "_with_own_claims",
    "_history_installment_claims",
    "_rules_for",
    "_qualify",
    "_earlier_apps",
    "_settle",
    "_exclusive",
    "_period_caps",
)


def _engine_modules() -> list:
    """The loaded modules of core.engine: each may hold its own reference to a pass it imported."""
    return [m for name, m in sorted(sys.modules.items()) if name.startswith("core.engine") and m is not None]


def counted_run(cases, ctx, top: int) -> None:
    """One run with each pass of core.engine timed and each rule and named check counted.

    A pass is timed wherever it is called: every module of core.engine that imported it gets the timed one
    (tally calls _qualify for earlier batches' claims through its own import). Each figure is the pass's own
    time, without the passes it calls, which are shown on lines of their own ("_qualify in _earlier_apps"),
    so the figures add up to the whole; what is left is evaluate_company's own code.
    """
    import importlib
    from collections import Counter

    evaluate = importlib.import_module("core.engine.evaluate")
    from core.engine import predicates

    spent: Counter = Counter()
    calls: Counter = Counter()
    tried: dict[str, Counter] = {}
    checks: dict[str, Counter] = {}
    originals = {name: getattr(evaluate, name) for name in PASSES if hasattr(evaluate, name)}
    saved_predicates = dict(predicates.PREDICATES)
    inside: list[str] = []  # the passes now running, innermost last
    below: list[int] = [0]  # per running pass: the time of the timed passes it called

    def timed(name, fn):
        def run(*args, **kwargs):
            where = f"{name} in {inside[-1]}" if inside else name
            inside.append(name)
            below.append(0)
            t = time.perf_counter_ns()
            try:
                out = fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter_ns() - t
                inside.pop()
                spent[where] += elapsed - below.pop()
                calls[where] += 1
                below[-1] += elapsed
            if name == "_qualify":
                what = "no match" if out is None else type(out).__name__
                tried.setdefault(args[0].id, Counter())[what] += 1
            return out

        return run

    def counted(name, fn):
        def check(ev, args):
            reason = fn(ev, args)
            checks.setdefault(name, Counter())["refused" if reason else "passed"] += 1
            return reason

        return check

    patched = []  # (module, name, original)
    for module in _engine_modules():
        for name, fn in originals.items():
            if getattr(module, name, None) is fn:
                patched.append((module, name, fn))
    wrappers = {name: timed(name, fn) for name, fn in originals.items()}
    for module, name, _ in patched:
        setattr(module, name, wrappers[name])
    for name, pred in saved_predicates.items():
        predicates.PREDICATES[name] = replace(pred, fn=counted(name, pred.fn))
    try:
        again = fresh(cases)
        gc.collect()
        gc.disable()
        t0 = time.perf_counter_ns()
        for case in again:
            evaluate_company(case, ctx)
        total = time.perf_counter_ns() - t0
    finally:
        gc.enable()
        for module, name, fn in patched:
            setattr(module, name, fn)
        predicates.PREDICATES.update(saved_predicates)
    n = len(cases)
    print(
        "passes, own microseconds per company (wall time, wrappers included; a pass called by another on its own line):"
    )
    for name in sorted(spent, key=lambda k: (PASSES.index(k.split()[0]), k)):
        print(f"  {name:<28} {spent[name] / n / 1000:7.1f}  {100 * spent[name] / total:5.1f}%  {calls[name]:9,} calls")
    rest = total - sum(spent.values())
    print(f"  {'evaluate_company itself':<28} {rest / n / 1000:7.1f}  {100 * rest / total:5.1f}%")
    print(f"  {'all of evaluate_company':<28} {total / n / 1000:7.1f}")
    print(f"rules most often tried ({len(tried)} of {len(ctx.policies.rules)} tried at all):")
    for rid, c in sorted(tried.items(), key=lambda x: -sum(x[1].values()))[:top]:
        print(f"  {rid:<36} {sum(c.values()):7,}  " + ", ".join(f"{k} {v:,}" for k, v in sorted(c.items())))
    print("named checks (core.engine.predicates):")
    for name, c in sorted(checks.items(), key=lambda x: -sum(x[1].values())):
        print(f"  {name:<36} {sum(c.values()):7,}  " + ", ".join(f"{k} {v:,}" for k, v in sorted(c.items())))


def _cases(mix: str, n: int, earlier: bool, policies) -> list[CompanyCase]:
    if mix == "synthetic":
        return make_companies(n, earlier=earlier)
    from engine_cases import scaled_cases

    return scaled_cases(n, policies, earlier=earlier)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--mix", choices=("sample", "synthetic"), default="sample")
    ap.add_argument("--earlier", action="store_true", help="每家单位带上一年度已审批批次的申报和台账")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="再用cProfile跑一遍，打印耗时最多的N个函数")
    ap.add_argument(
        "--counts",
        type=int,
        default=0,
        metavar="N",
        help="再跑一遍，打印各计算环节的耗时、最常尝试的N条规则和各项条件检查的次数",
    )
    args = ap.parse_args()
    policies = load_policies()
    cases = _cases(args.mix, args.companies, args.earlier, policies)
    ctx = Context(policies, YEAR)
    n = len(cases)
    claims = sum(len(c.claims) for c in cases)
    before = sum(len(c.history.claims) for c in cases)
    print(
        f"mix {args.mix}{' --earlier' if args.earlier else ''}: {n} companies, {claims} claims, "
        f"{before} claims of earlier batches; {len(policies.rules)} rules"
    )
    run_engine(cases[:200], ctx)  # warm up: the per-city index, parameter look-ups
    times = []
    results: list = []
    for _ in range(args.repeat):
        results = []  # the last run's results go before the next is timed
        t, results = run_engine(cases, ctx)
        times.append(t)
    best, median = min(times), statistics.median(times)
    build, copy = run_build(results)
    assert [r.to_json() for r in copy[:500]] == [r.to_json() for r in results[:500]], "build baseline differs"
    copy = None
    build = min([build] + [run_build(results)[0] for _ in range(args.repeat - 1)])
    lines = sum(len(r.lines) for r in results)
    excluded = sum(len(r.excluded) for r in results)
    results = []
    collected = min(run_engine(cases, ctx, collector=True)[0] for _ in range(2))
    bulk = None
    try:  # as a headless command and the calculation's worker process set the collector (issue 14)
        from core.collector import BULK_THRESHOLDS

        normal = gc.get_threshold()
        gc.set_threshold(*BULK_THRESHOLDS)
        try:
            bulk = min(run_engine(cases, ctx, collector=True)[0] for _ in range(2))
        finally:
            gc.set_threshold(*normal)
    except ImportError:
        pass
    floor = min(run_floor(cases) for _ in range(args.repeat))
    for city in CITIES:  # scan baseline: replace the per-city index with "all rules"
        policies.index_for(city)
        policies._index[city] = _ScanIndex(
            r for r in policies.rules.values() if r.pays and r.document.applies_to_city(city)
        )
    scan = min(run_engine(cases, ctx)[0] for _ in range(max(1, args.repeat - 2)))
    policies._index.clear()
    rate = n / best
    print(
        f"engine   {best:8.3f} s  {rate:10,.0f} company-evaluations/s  (median {n / median:,.0f}/s; "
        f"{lines} award lines, {excluded} exclusions)"
    )
    print(f"  with the collector running: {collected:.3f} s, {n / collected:,.0f}/s")
    if bulk is not None:
        print(f"  with the collector as headless commands set it (core.collector): {bulk:.3f} s, {n / bulk:,.0f}/s")
    print(f"build    {build:8.3f} s  {n / build:10,.0f} /s   engine costs {best / build:5.1f}x building its results")
    print(f"scan     {scan:8.3f} s  {n / scan:10,.0f} /s   engine is   {scan / best:5.1f}x the scan baseline")
    print(f"floor    {floor:8.3f} s  {n / floor:10,.0f} /s   engine costs {best / floor:5.1f}x the bare loop")
    print(f"target {TARGET:,}/s: {'met' if rate >= TARGET else 'NOT met'} ({rate / TARGET:.2f} of target)")
    if args.counts:
        counted_run(cases, ctx, args.counts)
    if args.profile:
        prof = cProfile.Profile()
        again = fresh(cases)
        prof.enable()
        for case in again:
            evaluate_company(case, ctx)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
