"""A whole case through the engine and the calculators, as one JSON-able result."""

from __future__ import annotations

from core.calculators import CalculatorInputError, run_calculator
from core.casefile import Case, CaseError
from core.engine import Context, evaluate
from core.money import ZERO
from core.policy.policyset import PolicySet


def run_case(case: Case, policies: PolicySet):
    """(company results, calculator results) for a parsed case."""
    ctx = Context(policies, case.award_year, case.as_of, case.include_drafts)
    results = list(evaluate(case.companies, ctx))
    calcs = []
    for req in case.calculators:
        calc = policies.calculators.get(req.calculator)
        if calc is None:
            raise CaseError(
                f"calculators[{req.id}].calculator",
                f"未知测算工具“{req.calculator}”（可用：{'、'.join(policies.calculators)}）",
            )
        try:
            calcs.append((req.id, run_calculator(calc, req.inputs)))
        except CalculatorInputError as exc:
            raise CaseError(f"calculators[{req.id}].inputs", str(exc)) from None
    return results, calcs


def evaluate_case(case: Case, policies: PolicySet) -> dict:
    results, calcs = run_case(case, policies)
    lines = []
    for r in results:
        for line in r.lines:
            lines.append({"uscc": r.company.uscc, "company": r.company.name, **line.to_json()})
    total = sum((r.total for r in results), ZERO)
    return {
        "award_year": case.award_year,
        "as_of": (case.as_of or Context(policies, case.award_year).as_of).isoformat(),
        "total": str(total),
        "lines": lines,
        "companies": [r.to_json() for r in results],
        "calculators": [{"id": cid, **c.to_json()} for cid, c in calcs],
    }
