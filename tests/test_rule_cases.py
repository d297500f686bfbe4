"""Every hand-worked rule case kept beside the policy files (resources/policies/cases)."""

import pytest

from core.paths import POLICIES
from core.rulecases import check_case, load_rule_cases, run_rule_cases

CASES = load_rule_cases(POLICIES / "cases")


@pytest.mark.parametrize("rc", CASES, ids=[f"{c.path.rsplit('/', 1)[-1]}:{c.line}" for c in CASES])
def test_rule_case(rc, policies):
    problems = check_case(rc, policies)
    assert not problems, f"{rc.name}\n  " + "\n  ".join(problems)


def test_every_paying_rule_and_calculator_has_a_hand_worked_case(policies):
    report = run_rule_cases(policies)
    assert report.uncovered == []
