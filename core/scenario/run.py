"""Running a scenario file against the store: the one path the command and the screen share."""
from __future__ import annotations

from core.scenario.compare import Comparison, compare, release
from core.scenario.population import batch_population, store_population
from core.scenario.spec import ScenarioFile


def baseline_policies(store, policies):
    """The policies as the store calculates batches: stored overrides applied; and whether drafts count."""
    from core.store.managers.batches import INCLUDE_DRAFTS_KEY

    return store.policies_with_overrides(policies), store.setting(INCLUDE_DRAFTS_KEY, "1") == "1"


def run_scenario(store, policies, spec: ScenarioFile, *, batch: int | None = None, year: int | None = None,
                 city: str | None = None, county: str | None = None, report=None, cancelled=None) -> Comparison:
    """Compare ``spec`` over a batch, or over the store's companies (of ``city``/``county``) for ``year``."""
    if (batch is None) == (year is None):
        raise ValueError("请指定批次或测算年度（二者选一）")
    if report:
        report(0, 0, "正在读取企业资料")
    if batch is not None:
        population = batch_population(store, batch, cancelled)
    else:
        assert year is not None  # one of the two, checked above
        population = store_population(store, year, city, county, cancelled)
    base, include_drafts = baseline_policies(store, policies)
    try:
        return compare(base, spec, population, include_drafts=include_drafts, report=report, cancelled=cancelled)
    finally:
        release(population.cases)
