"""evaluate(company, history, claims, year, policies) -> award lines with traces.

One company at a time, in four passes:

1. every claim against every rule that can pay a company in its city: the
   rule's conditions, its history requirements and whether the recognition
   is new (``newly``), reading the history as approval will leave it, i.e.
   with this batch's own recognitions and registrations added
   (core.engine.matching);
2. per key (core.engine.tally, with core.engine.counting): the claims of one subject (or company,
   or year, as the rule's ``once`` says) added up with the claims of earlier
   approved batches, less what was already awarded; of a 'highest' stacking
   group only the largest rule pays;
3. an 'exclusive' group that fires twice on one claim is an error;
4. caps that span subjects (per unit per year, per person), counting awards
   approved in earlier batches, allocated in a fixed order of claims so the
   result does not depend on the order they were given in (3 and 4:
   core.engine.passes).

Context (core.engine.context) is imported from here by many callers.
"""

from __future__ import annotations

from core.engine.context import Context
from core.engine.counting import App
from core.engine.matching import _history_installment_claims, _qualify, _rules_for, _sorted_claims, _with_own_claims
from core.engine.overpaid import overpaid_as_new
from core.engine.passes import _exclusive, _period_caps
from core.engine.result import CompanyResult, Exclusion
from core.engine.tally import _earlier_apps, _Keys, _settle
from core.model import CompanyCase

__all__ = ["Context", "evaluate", "evaluate_company"]


def evaluate_company(case: CompanyCase, ctx: Context) -> CompanyResult:
    idx = ctx.policies.index_for(case.company.city)
    excluded: list[Exclusion] = []
    errors: list[str] = []
    warnings: list[str] = []
    claims = _sorted_claims(case.claims)
    view = _with_own_claims(case, claims)
    claims += _history_installment_claims(case, ctx)
    keys = _Keys(ctx)
    add = keys.add
    year = ctx.award_year
    firsts: dict = {}
    of_type: dict = {}
    for claim in claims:
        of_type[claim.type] = of_type.get(claim.type, 0) + 1
    for claim in claims:
        rules = _rules_for(claim, view, ctx, idx, errors)
        if rules is None:
            continue
        # a claim stated twice has one identity; one alone of its type cannot have been
        same = firsts.setdefault(claim.identity, claim) if of_type[claim.type] > 1 else claim
        produced = False
        for rule in rules:
            out = _qualify(rule, claim, view, ctx, warnings, year)
            if out is None:
                continue
            produced = True
            if same is not claim:
                excluded.append(
                    Exclusion(rule, claim.id, claim.subject, f"与本批次事项{same.id}为同一事项的同一申报，不重复计算")
                )
            elif type(out) is App:
                add(out)
            else:
                excluded.append(out)
        if not produced:
            label = ctx.vocabulary.claim_types[claim.type].label
            warnings.append(
                f"事项{claim.id}（{label}）没有适用于{ctx.vocabulary.label('cities', case.company.city)}单位的条款"
            )
    # Earlier batches' claims are read against the history on file, not this batch's own claims: a claim refused
    # then for want of evidence that this batch brings was paid nothing and must not be deducted as paid.
    _earlier_apps(keys, case, ctx, idx, warnings)
    settled = _settle(keys, view, ctx, warnings)
    exclusive = _exclusive(settled.kept, ctx)
    capped = _period_caps(exclusive.kept, view, ctx)
    lines = capped.kept
    excluded += settled.excluded + exclusive.excluded + capped.excluded
    errors += exclusive.errors
    warnings += overpaid_as_new(case, view, ctx)
    if any(l.provisional for l in lines):
        warnings.append("含依据征求意见稿测算的金额，文件正式印发前不得拨付")
    return CompanyResult(case.company, ctx.award_year, lines, excluded, errors, warnings)


def evaluate(cases, ctx: Context):
    """Evaluate many companies; yields CompanyResult in input order."""
    for case in cases:
        yield evaluate_company(case, ctx)
