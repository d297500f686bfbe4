"""The typed Trace: what the store keeps (award_lines.trace) reads back exactly, old traces included."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.engine.trace import Input, ParamUse, ReadingUse, Trace
from core.excel.results_workbook import trace_columns

DATA = Path(__file__).resolve().parent / "data"


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _engine_traces(before) -> list[dict]:
    """Every trace in tests/data/engine_before.json: award lines and exclusions of the sample workbook."""
    out = []
    for company in before["sample"]:
        out += [line["trace"] for line in company["lines"]]
        out += [e["trace"] for e in company["excluded"] if e.get("trace")]
    return out


@pytest.fixture(scope="module")
def stored():
    return _engine_traces(json.loads((DATA / "engine_before.json").read_text(encoding="utf-8")))


def test_every_trace_the_engine_stored_reads_back_to_the_byte(stored):
    assert len(stored) == 75  # 54 lines, 21 exclusions
    for d in stored:
        trace = Trace.from_json(d)
        assert _dump(trace.to_json()) == _dump(d)
        assert Trace.from_json(trace.to_json()) == trace


def test_a_trace_made_by_the_engine_survives_the_store(policies):
    from core.engine import Context, evaluate_company
    from core.model import Claim, Company, CompanyCase, History

    day = dt.date(2026, 3, 18)
    claim = Claim(
        "tech_contract",
        "c1",
        {"number": "HT-1", "date": day, "amount": Decimal("12000000"), "regional_post_subsidy": True},
        day,
    )
    case = CompanyCase(Company("91150702MA0000000X", "甲", "hulunbuir"), History(), (claim,))
    (line,) = evaluate_company(case, Context(policies, 2026)).lines
    again = Trace.from_json(json.loads(_dump(line.trace.to_json())))
    assert again == line.trace
    # the typed parts: a yuan cap, the rate as a rate, its dates
    rate = next(p for p in again.params if p.path == "rate")
    assert (rate.value, rate.unit, rate.display, rate.start) == (Decimal("0.05"), "rate", "5%", dt.date(2026, 1, 1))
    assert again.inputs[0] == Input("技术交易额（元）", "12,000,000.00元")


def test_traces_stored_before_issue_12_still_load():
    """Written by the engine of a153437~1: caps were 'cap.item', '单项上限'; a reading's value is a JSON bool."""
    old = json.loads((DATA / "traces_before_issue12.json").read_text(encoding="utf-8"))
    for d in old:
        assert _dump(Trace.from_json(d).to_json()) == _dump(d)
    contract = Trace.from_json(old[0])
    cap = next(p for p in contract.params if p.path == "cap.item")
    assert (cap.label, cap.value, cap.unit, cap.display) == ("单项上限", Decimal("500000"), "yuan", "500,000.00元")
    assert contract.steps[0].startswith("单项上限500,000.00元")
    hte = Trace.from_json(old[1])
    assert hte.readings[0][:2] == ("first_counts_out_of_region", True)
    assert trace_columns(hte)["notes"].endswith(hte.readings[0].note)


def test_a_trace_with_keys_left_out_loads_with_them_empty():
    """The first release's migration test stores {'formula': ...} alone; letters' samples store nothing."""
    assert Trace.from_json({"formula": "定额 500,000.00元"}) == Trace(formula="定额 500,000.00元")
    assert Trace.from_json({}) == Trace() == Trace.from_json(None)
    bare = ParamUse.from_json({"label": "比例", "display": "5%", "cite": "按5%"})
    assert (bare.value, bare.start, bare.display, bare.unit) == (None, None, "5%", "rate")
    assert trace_columns(Trace(params=[bare]))["params"] == "比例：5%（依据“按5%”）"


def test_a_stored_display_is_kept_even_where_todays_formatting_would_differ():
    """What a clerk saw in an old trace is what it shows: the stored text, not a new rendering of the value."""
    p = ParamUse.from_json(
        {
            "path": "amount",
            "label": "金额",
            "value": "500000",
            "display": "50万元",
            "cite": "给予50万元",
            "valid_from": "2021-08-14",
            "read_at": "2022-03-01",
            "source": "policy",
        }
    )
    assert p.display == "50万元" and p.to_json()["display"] == "50万元"
    fresh = ParamUse(
        "amount", "金额", Decimal("500000"), "yuan", "给予50万元", dt.date(2021, 8, 14), dt.date(2022, 3, 1), "policy"
    )
    assert fresh.display == "500,000.00元" and ReadingUse("x", 3, "n") == ("x", 3, "n")


def test_screens_and_workbooks_show_every_stored_trace_as_before():
    """The trace HTML and the results workbook's five trace columns of the sample's 75 traces (lines, then
    exclusions), the five traces stored before issue 12 and a bare one, hashed: the digest is what the code
    before the typed Trace (reading the stored dicts) gave for the same traces."""
    import hashlib

    from gui.tracehtml import trace_html

    sample = json.loads((DATA / "engine_before.json").read_text(encoding="utf-8"))["sample"]
    stored = [line["trace"] for c in sample for line in c["lines"]]
    stored += [e["trace"] for c in sample for e in c["excluded"] if e.get("trace")]
    old = json.loads((DATA / "traces_before_issue12.json").read_text(encoding="utf-8"))
    bare = {"formula": "定额 500,000.00元", "inputs": [], "params": [], "readings": [], "steps": [], "notes": []}
    rule = {"document": "《文件》", "clause": "（一）", "sentence": "原文"}
    h = hashlib.sha256()
    for d in stored + old + [bare]:
        trace = Trace.from_json(d)
        h.update(trace_html(rule, None, trace).encode())
        h.update(json.dumps(trace_columns(trace), ensure_ascii=False).encode())
    assert h.hexdigest() == "ed221b18a5f4c78c6c378edd6c5cd34319dd5e06e72aa69fcb78640c1556a071"
