"""The engine's results, to the byte, as they were before its rework for speed and shape (issues 14, 16).

tests/data/engine_before.json was written by the engine of main at 523fc35,
before any of that work:

* ``sample``: every company of the sample workbook (申报样例.xlsx) as
  CompanyResult.to_json() gives it, i.e. the award lines with their traces as
  the store keeps them (award_lines.trace) and the exclusions with theirs;
* ``scaled``: a digest of each company's result for 300 copies of the sample's
  companies with an earlier approved batch (bench/engine_cases.py), and for 300
  of bench/engine_bench.py's synthetic companies with their earlier contracts.

A difference here is a change of what the engine pays or says. Write the file
again (``python tests/test_engine_golden.py``) only for a change of results
that is meant, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from core.engine import Context, evaluate  # noqa: E402

BEFORE = Path(__file__).resolve().parent / "data" / "engine_before.json"
SCALED = 300


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def _digest(result) -> str:
    return hashlib.sha256(_dump(result.to_json()).encode("utf-8")).hexdigest()


def sample_results(policies):
    from engine_cases import sample_cases, sample_data

    data = sample_data()
    return [r.to_json() for r in evaluate(sample_cases(data), Context(policies, data.award_year))]


def scaled_digests(policies) -> dict:
    from engine_bench import YEAR, make_companies
    from engine_cases import scaled_cases

    mix = scaled_cases(SCALED, policies, earlier=True)
    synthetic = make_companies(SCALED, earlier=True)
    return {
        "sample_mix": [_digest(r) for r in evaluate(mix, Context(policies, 2026))],
        "synthetic": [_digest(r) for r in evaluate(synthetic, Context(policies, YEAR))],
    }


@pytest.fixture(scope="module")
def before():
    return json.loads(BEFORE.read_text(encoding="utf-8"))


def test_sample_workbook_results_and_traces_are_byte_identical(policies, before):
    now = sample_results(policies)
    assert len(now) == len(before["sample"]) == 30
    for mine, theirs in zip(now, before["sample"]):
        assert _dump(mine) == _dump(theirs), mine["name"]


def test_scaled_mix_with_earlier_batches_gives_identical_results(policies, before):
    now = scaled_digests(policies)
    for mix, digests in before["scaled"].items():
        changed = [i for i, (a, b) in enumerate(zip(now[mix], digests)) if a != b]
        assert len(now[mix]) == len(digests) == SCALED
        assert changed == [], f"{mix}: companies {changed[:10]} differ"


def _capture() -> None:
    from core.engine import load_policies

    policies = load_policies()
    BEFORE.write_text(
        _dump({"sample": sample_results(policies), "scaled": scaled_digests(policies)}) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    _capture()
