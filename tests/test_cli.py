"""The headless interface: rules --json, evaluate CASE.json, check, and the worked examples of the docs."""
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8")


def test_rules_json_lists_every_rule_with_its_citation(policies):
    r = run("rules", "--json")
    assert r.returncode == 0, r.stderr
    rules = json.loads(r.stdout)
    assert len(rules) == len(policies.rules)
    for rule in rules:
        assert {"id", "document", "doc_number", "clause", "kind", "summary"} <= set(rule)
        assert rule["document"] and rule["clause"] and rule["summary"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["nmg35-04-hte-first"]["doc_number"] == "内政办发〔2021〕35号"
    assert by_id["hlb-01-hte-first"]["doc_number"] is None


def test_evaluate_prints_lines_with_trace(tmp_path):
    case = {"award_year": 2026, "companies": [{
        "uscc": "91110000600037341L", "name": "甲公司", "city": "hulunbuir",
        "claims": [{"type": "tech_contract", "number": "HT-1", "date": "2026-05-01", "amount": "3,000,000",
                    "regional_post_subsidy": "是"}]}]}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    r = run("evaluate", str(path))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # 呼伦贝尔（十二）: 3,000,000 × 5% = 150,000, under the 500,000 per-contract cap
    [line] = out["lines"]
    assert line["rule_id"] == "hlb-12-tech-contract" and line["clause"] == "（十二）"
    assert line["amount"] == "150000.00" and out["total"] == "150000.00"
    assert "5%" in line["trace"]["formula"]
    assert {p["path"] for p in line["trace"]["params"]} >= {"rate", "cap.subject", "cap.company_year"}


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "不是有效的JSON"),
    ('{"award_year": 2026}', "缺少字段“companies”"),
    ('{"award_year": 2026, "companies": [{"uscc": "91110000600037341A", "name": "x", "city": "hulunbuir"}]}',
     "companies[0].uscc"),
    ('{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "beijing"}]}',
     "companies[0].city"),
    ('{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
     '"claims": [{"type": "tech_contract", "number": "1", "date": "2026-13-01", "amount": "1", '
     '"regional_post_subsidy": true}]}]}', "companies[0].claims[0].date"),
    ('{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
     '"claims": [{"type": "tech_contract", "number": "1", "date": "2026-03-01", "amount": "12万x", '
     '"regional_post_subsidy": true}]}]}', "companies[0].claims[0].amount"),
    ('{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
     '"claims": [{"type": "teleport"}]}]}', "未知事项类型"),
    ('{"award_year": 2026, "companies": [], "calculators": [{"calculator": "nope"}]}', "未知测算工具"),
    ('{"award_year": 2026, "companies": [], "calculators": [{"calculator": "nmg20-04-tech-transfer-tax", '
     '"inputs": {}}]}', "缺少输入"),
    ('[1, 2]', "应为对象"),
])
def test_malformed_case_exits_2_with_a_clear_message(tmp_path, content, fragment):
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    r = run("evaluate", str(path))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert fragment in r.stderr


def test_missing_case_file_exits_2():
    r = run("evaluate", "/nonexistent/case.json")
    assert r.returncode == 2 and "找不到" in r.stderr


def test_check_passes_on_shipped_policies():
    r = run("check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0项不通过" in r.stdout


def _doc_examples():
    text = (ROOT / "docs" / "evaluate-format.md").read_text(encoding="utf-8")
    return re.findall(r"```json\n(\{\"award_year\".*?)\n```\n<!-- total: (\d+) -->", text, re.S)


@pytest.mark.parametrize("case, total", _doc_examples())
def test_evaluate_format_examples_give_their_stated_totals(tmp_path, case, total):
    path = tmp_path / "case.json"
    path.write_text(case, encoding="utf-8")
    r = run("evaluate", str(path))
    assert r.returncode == 0, r.stderr
    assert Decimal(json.loads(r.stdout)["total"]) == Decimal(total)


def test_docs_have_an_example_per_fact_type():
    assert len(_doc_examples()) >= 10
