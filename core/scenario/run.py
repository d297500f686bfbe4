"""Running a scenario file against the store: the one path the command and the screen share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.policy.policyset import PolicySet
from core.scenario.compare import Comparison, compare, release
from core.scenario.population import batch_population, store_population
from core.scenario.spec import ScenarioFile

if TYPE_CHECKING:
    from core.store.store import Store


def baseline_policies(store: Store, policies: PolicySet) -> tuple[PolicySet, bool]:
    """The policies as the store calculates batches: stored overrides applied; and whether drafts count."""
    from core.store.managers.batches import INCLUDE_DRAFTS_KEY

    return store.settings.policies_with_overrides(policies), store.settings.get(INCLUDE_DRAFTS_KEY, "1") == "1"


def run_scenario(
    store: Store,
    policies: PolicySet,
    spec: ScenarioFile,
    *,
    batch: int | None = None,
    year: int | None = None,
    city: str | None = None,
    county: str | None = None,
    report: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Comparison:
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
