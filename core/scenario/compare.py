"""A scenario run beside the policy as it stands: totals and every breakdown a budget question asks for.

The baseline is the policies as a batch would be calculated today (stored
overrides applied, drafts included or not as the store's setting says); each
scenario is that with its changes (core.scenario.apply). Every population is
evaluated by the engine once per column, and only the lines of the
scenario's base documents are counted: other documents are in the
evaluation (their caps and stacking still apply) but not in the comparison.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from core.engine import Context
from core.engine.result import CompanyResult
from core.model import Company as EngineCompany
from core.money import ZERO
from core.policy.policyset import PolicySet
from core.progress import Cancelled
from core.scenario.apply import apply_scenario, check_base, describe_changes
from core.scenario.population import Population
from core.scenario.spec import ScenarioFile
from core.store.calc import evaluate_all
from core.vocabulary import Vocabulary

LARGEST = 20  # companies listed as the largest changes

BREAKDOWNS = (
    ("clause", "按文件条款"),
    ("city", "按盟市"),
    ("county", "按旗县区"),
    ("size", "按企业规模"),
    ("industry", "按行业"),
)


@dataclass
class Row:
    label: str
    amounts: list  # Decimal per column (baseline first)
    companies: list = field(default_factory=list)  # companies paid per column

    def diffs(self) -> list:
        return [a - self.amounts[0] for a in self.amounts[1:]]


@dataclass
class CompanyChange:
    uscc: str
    name: str
    city: str
    county: str
    size: str
    industry: str
    amounts: list  # per column

    def diffs(self) -> list:
        return [a - self.amounts[0] for a in self.amounts[1:]]


@dataclass
class Comparison:
    title: str
    population: str
    award_year: int
    base: list  # citations of the documents compared
    columns: list  # baseline name, then each scenario's
    totals: list  # Decimal per column
    companies_paid: list  # per column
    breakdowns: dict  # key -> (title, [Row])
    changes: list  # CompanyChange of every company whose total differs in some scenario, largest first
    change_rows: list  # describe_changes rows of every scenario
    gainers: list  # per scenario: (count, amount)
    losers: list  # per scenario: (count, amount)
    errors: list  # (company name, message) of companies the engine could not evaluate
    companies: int = 0
    provisional: bool = False  # some counted line rests on a draft
    engine_seconds: float = 0.0
    total_seconds: float = 0.0
    notes: list = field(default_factory=list)

    def largest(self, n: int = LARGEST) -> list:
        return self.changes[:n]

    def to_json(self) -> dict:
        def rows(rs: list[Row]) -> list[dict]:
            return [
                {
                    "label": r.label,
                    "amounts": [str(a) for a in r.amounts],
                    "differences": [str(d) for d in r.diffs()],
                    "companies": r.companies,
                }
                for r in rs
            ]

        return {
            "title": self.title,
            "population": self.population,
            "award_year": self.award_year,
            "base": self.base,
            "columns": self.columns,
            "companies": self.companies,
            "totals": [str(t) for t in self.totals],
            "differences": [str(t - self.totals[0]) for t in self.totals[1:]],
            "companies_paid": self.companies_paid,
            "breakdowns": {key: {"title": title, "rows": rows(rs)} for key, (title, rs) in self.breakdowns.items()},
            "gainers": [{"companies": n, "amount": str(a)} for n, a in self.gainers],
            "losers": [{"companies": n, "amount": str(a)} for n, a in self.losers],
            "largest_changes": [
                {
                    "uscc": c.uscc,
                    "name": c.name,
                    "city": c.city,
                    "county": c.county,
                    "amounts": [str(a) for a in c.amounts],
                    "differences": [str(d) for d in c.diffs()],
                }
                for c in self.largest()
            ],
            "changes": self.change_rows,
            "errors": [{"company": n, "message": m} for n, m in self.errors],
            "provisional": self.provisional,
            "notes": self.notes,
        }


def compare(
    policies: PolicySet,
    spec: ScenarioFile,
    population: Population,
    *,
    include_drafts: bool = True,
    report: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Comparison:
    """Evaluate ``population`` under ``policies`` and under each scenario of ``spec``; Decimal yuan throughout.

    ``report(done, total, text)`` and ``cancelled()`` as core.progress describes; Cancelled is raised.
    """
    started = time.perf_counter()
    check_base(policies, spec)
    columns = [(spec.baseline_name, policies)]
    columns += [(s.name, apply_scenario(policies, spec, s)) for s in spec.scenarios]
    base = set(spec.base)
    vocab = policies.vocabulary
    n = len(population.cases)
    results = []
    engine = 0.0
    for i, (name, ps) in enumerate(columns):
        ctx = Context(ps, population.award_year, include_drafts=include_drafts)

        def progress(done: int, total: int, i: int = i, name: str = name) -> None:
            if report:
                report(i * n + done, len(columns) * n, f"正在测算“{name}”：{done}/{total}家")

        t0 = time.perf_counter()
        results.append(evaluate_all(population.cases, ctx, progress, cancelled))
        engine += time.perf_counter() - t0
    if cancelled and cancelled():
        raise Cancelled()
    out = _tabulate(spec, population, columns, results, base, vocab, cancelled)
    release(*results)
    out.change_rows = [row for s in spec.scenarios for row in describe_changes(policies, s)]
    out.engine_seconds = engine
    out.total_seconds = time.perf_counter() - started
    return out


def release(*lists: list) -> None:
    """Empty big lists one item at a time.

    Freed at once, a run's results (every company's lines and traces, per column) are one long cascade of
    deallocations that holds the interpreter; item by item, another thread (the window) gets it in between.
    """
    for items in lists:
        while items:
            items.pop()


def _company_keys(company: EngineCompany, vocab: Vocabulary) -> dict:
    return {
        "city": vocab.label("cities", company.city) if company.city else "未填写",
        "county": (
            f"{vocab.label('cities', company.city)} {company.county}"
            if company.county
            else f"{vocab.label('cities', company.city)}（未填旗县区）"
        ),
        "size": vocab.label("sizes", company.size) if company.size else "未填写",
        "industry": company.industry or "未填写",
    }


def _tabulate(
    spec: ScenarioFile,
    population: Population,
    columns: list[tuple[str, PolicySet]],
    results: list[list[CompanyResult]],
    base: set[str],
    vocab: Vocabulary,
    cancelled: Callable[[], bool] | None = None,
) -> Comparison:
    k = len(columns)
    tables: dict[str, dict] = {key: {} for key, _ in BREAKDOWNS}
    order: dict[str, tuple] = {}
    totals = [ZERO] * k
    paid = [0] * k
    changes = []
    errors = []
    provisional = False
    key_cache: dict[tuple, dict] = {}
    clause_labels: dict[str, str] = {}
    for c, item in enumerate(population.cases):
        if cancelled is not None and c % 200 == 0 and cancelled():  # also lets the window have the interpreter
            raise Cancelled()
        company = item.case.company
        place = (company.city, company.county, company.size, company.industry)
        keys = key_cache.get(place)
        if keys is None:
            keys = key_cache[place] = _company_keys(company, vocab)
        amounts = []
        for col in range(k):
            result = results[col][c]
            if col == 0 and result.errors:
                errors.append((company.name, "；".join(result.errors)))
            total = ZERO
            for line in result.lines:
                rule = line.rule
                if rule.document.id not in base:
                    continue
                total += line.amount
                provisional = provisional or line.provisional
                label = clause_labels.get(rule.id)
                if label is None:
                    label = clause_labels[rule.id] = f"{rule.document.citation}{rule.clause}"
                    order.setdefault(label, (list(spec.base).index(rule.document.id), rule.order))
                _add(tables["clause"], label, col, k, line.amount, company.uscc)
            amounts.append(total)
            totals[col] += total
            if total:
                paid[col] += 1
                for key in ("city", "county", "size", "industry"):
                    _add(tables[key], keys[key], col, k, total, company.uscc)
        if any(a != amounts[0] for a in amounts[1:]):
            changes.append(
                CompanyChange(
                    company.uscc, company.name, keys["city"], company.county, keys["size"], keys["industry"], amounts
                )
            )
    changes.sort(key=lambda ch: (-max(abs(d) for d in ch.diffs()), ch.uscc))
    breakdowns = {}
    for key, title in BREAKDOWNS:
        rows = [Row(label, v["amounts"], [len(s) for s in v["who"]]) for label, v in tables[key].items()]
        if key == "clause":
            rows.sort(key=lambda r: order[r.label])
        else:
            rows.sort(key=lambda r: (-r.amounts[0], r.label))
        breakdowns[key] = (title, rows)
    gainers, losers = [], []
    for s in range(1, k):
        up = [ch.amounts[s] - ch.amounts[0] for ch in changes if ch.amounts[s] > ch.amounts[0]]
        down = [ch.amounts[s] - ch.amounts[0] for ch in changes if ch.amounts[s] < ch.amounts[0]]
        gainers.append((len(up), sum(up, ZERO)))
        losers.append((len(down), sum(down, ZERO)))
    notes = [
        (
            "金额为按库内资料和政策文件测算的应兑现金额（元），不是已拨付数；"
            "只统计方案所复制文件的条款，其他文件照常参与计算（上限、就高等）但不列入。"
        )
    ]
    if provisional:
        notes.append("含依据征求意见稿测算的金额，文件正式印发前仅供参考。")
    return Comparison(
        title=spec.title,
        population=population.label,
        award_year=population.award_year,
        base=[_citation(spec, d, columns[0][1]) for d in spec.base],
        columns=[name for name, _ in columns],
        totals=totals,
        companies_paid=paid,
        breakdowns=breakdowns,
        changes=changes,
        change_rows=[],
        gainers=gainers,
        losers=losers,
        errors=errors,
        companies=len(population.cases),
        provisional=provisional,
        notes=notes,
    )


def _citation(spec: ScenarioFile, doc_id: str, policies: PolicySet) -> str:
    return policies.documents[doc_id].citation


def _add(table: dict, label: str, col: int, k: int, amount: Decimal, uscc: str) -> None:
    slot = table.get(label)
    if slot is None:
        slot = table[label] = {"amounts": [ZERO] * k, "who": [set() for _ in range(k)]}
    slot["amounts"][col] += amount
    if amount:
        slot["who"][col].add(uscc)
