"""Killed processes and two instances on one SQLite file (scripts/reliability.py runs these many more times).

Each scenario asserts inside: after a SIGKILL the database passes
PRAGMA integrity_check and holds exactly the old state or the new one; a
killed export leaves no workbook under its final name unless it is complete;
two instances importing or approving at once lose nothing and pay nothing twice.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts import reliability  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL scenarios are POSIX only")


def test_killed_import_leaves_old_or_new_state():
    r = reliability.scenario_kill_import(4, companies=800, seed=11)
    assert r["old"] + r["new"] == 4


def test_killed_calculation_leaves_no_partial_lines():
    r = reliability.scenario_kill_calc(4, companies=800, seed=12)
    assert r["old"] + r["new"] == 4


def test_killed_export_leaves_no_half_written_workbook():
    r = reliability.scenario_kill_export(3, companies=500, seed=13)
    assert r["old"] + r["new"] == 3


def test_two_instances_import_at_once():
    r = reliability.scenario_two_instances(2)
    assert r["both landed"] + r["one refused clearly"] == 2


def test_two_instances_approve_the_same_batch_once():
    r = reliability.scenario_double_approve(2, companies=100)
    assert r["approved once, second refused clearly"] == 2
