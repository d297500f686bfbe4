"""The headless interface: rules --json, evaluate CASE.json, check, and the worked examples of the docs."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8"
    )


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
    case = {
        "award_year": 2026,
        "companies": [
            {
                "uscc": "91110000600037341L",
                "name": "甲公司",
                "city": "hulunbuir",
                "claims": [
                    {
                        "type": "tech_contract",
                        "number": "HT-1",
                        "date": "2026-05-01",
                        "amount": "3,000,000",
                        "regional_post_subsidy": "是",
                    }
                ],
            }
        ],
    }
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


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "不是有效的JSON"),
        ('{"award_year": 2026}', "缺少字段“companies”"),
        (
            '{"award_year": 2026, "companies": [{"uscc": "91110000600037341A", "name": "x", "city": "hulunbuir"}]}',
            "companies[0].uscc",
        ),
        (
            '{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "beijing"}]}',
            "companies[0].city",
        ),
        (
            '{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
            '"claims": [{"type": "tech_contract", "number": "1", "date": "2026-13-01", "amount": "1", '
            '"regional_post_subsidy": true}]}]}',
            "companies[0].claims[0].date",
        ),
        (
            '{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
            '"claims": [{"type": "tech_contract", "number": "1", "date": "2026-03-01", "amount": "12万x", '
            '"regional_post_subsidy": true}]}]}',
            "companies[0].claims[0].amount",
        ),
        (
            '{"award_year": 2026, "companies": [{"uscc": "91110000600037341L", "name": "x", "city": "hulunbuir", '
            '"claims": [{"type": "teleport"}]}]}',
            "未知事项类型",
        ),
        ('{"award_year": 2026, "companies": [], "calculators": [{"calculator": "nope"}]}', "未知测算工具"),
        (
            '{"award_year": 2026, "companies": [], "calculators": [{"calculator": "nmg20-04-tech-transfer-tax", '
            '"inputs": {}}]}',
            "缺少输入",
        ),
        ("[1, 2]", "应为对象"),
    ],
)
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


def test_commands_of_names_exactly_what_each_module_registers():
    """core.cli.COMMANDS_OF lets a command import only its own module; it must agree with the modules."""
    import argparse
    import importlib

    from core.cli import COMMAND_MODULES, COMMANDS_OF, OWN_COMMANDS, build_parser

    assert set(COMMANDS_OF) <= set(COMMAND_MODULES)
    for module, names in COMMANDS_OF.items():
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == names, module
    everything = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    listed = set(OWN_COMMANDS).union(*COMMANDS_OF.values())
    assert listed <= set(everything.choices)


@pytest.mark.parametrize(
    "argv, modules",
    [
        (["batches"], ("core.store.commands",)),
        (["--db", "sqlite:///x.sqlite3", "--user", "王敏", "export", "3", "-o", "x.xlsx"], ("core.excel.commands",)),
        (["--db=sqlite:///x.sqlite3", "audit", "verify"], ("core.audit.commands",)),
        (["rules", "--json"], ()),
        (["--version"], ()),
        (["--help"], None),
        (["no-such-command"], None),
        ([], None),
    ],
)
def test_a_command_loads_only_its_own_module(argv, modules):
    from core.cli import COMMAND_MODULES, command_modules

    assert command_modules(argv) == (COMMAND_MODULES if modules is None else modules)


def test_batches_does_not_import_the_other_commands_modules(tmp_path):
    code = (
        "import sys; from core.cli import main; main(['--db', sys.argv[1], 'batches']); "
        "print('loaded:', *(m for m in ('core.targetreport', 'core.audit.commands', 'core.excel.commands', "
        "'core.coverage', 'core.engine', 'yaml', 'openpyxl', 'core.store.verify', "
        "'core.store.company_detail') if m in sys.modules))"
    )  # the engine: core.store's lazy names; yaml, the audit verifier, company pages: the store's lazy parts
    r = subprocess.run(
        [sys.executable, "-c", code, f"sqlite:///{tmp_path / 'k.sqlite3'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "KJJB_DATA_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "loaded:", r.stdout


def test_help_lists_every_command_without_loading_sqlalchemy_or_the_store():
    """``main.py --help`` builds every command's parser: the command modules load the store (and SQLAlchemy,
    a fifth of a second) only when one of their commands runs."""
    code = (
        "import sys, contextlib, io; from core.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out: code = main(['--help'])\n"
        "print(code, 'batches' in out.getvalue(), 'publicity' in out.getvalue(), "
        "*(m for m in ('sqlalchemy', 'core.store.store', 'core.store.models', 'openpyxl') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "True", "True"], r.stdout


def test_a_headless_command_ends_without_a_last_collection_of_what_it_made():
    """main.py freezes the collector's objects once the command is done, so the interpreter's exit does not
    walk them all again; the command's output and exit code are unchanged."""
    code = (
        "import gc, sys; sys.argv = ['main.py', 'rules', '--json']; import main; code = main.main(); "
        "print(code, gc.get_freeze_count() > 10000, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "0 True"
    assert json.loads(r.stdout)[0]["id"]


def test_a_store_left_open_is_closed_at_exit_even_with_the_collector_frozen(tmp_path):
    """A command that returns without closing its store (main.py then freezes the collector, which would have
    closed it): the store's own finalizer closes it at exit, so the SQLite file alone holds the change."""
    db = tmp_path / "k.sqlite3"
    code = (
        "import gc, sys; from core.store import open_store\n"
        "store = open_store(sys.argv[1]); store.settings.set('bench.note', '留下')\n"
        "gc.freeze()"
    )
    env = {**os.environ, "KJJB_DATA_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", code, f"sqlite:///{db}"], cwd=ROOT, capture_output=True, env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.glob("k.sqlite3*")) == ["k.sqlite3"]  # no -wal or -shm left
    (tmp_path / "copy").mkdir()
    copy = tmp_path / "copy" / "k.sqlite3"
    copy.write_bytes(db.read_bytes())
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT value FROM settings WHERE key = 'bench.note'").fetchall() == [("留下",)]


def test_version_prints_the_program_and_its_version_and_loads_no_command():
    from core.version import APP_NAME, __version__

    code = "import sys; sys.argv = ['main.py', '--version']; import main; main.main(); print(*sorted(sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    first, modules = r.stdout.split("\n", 1)
    assert first == f"{APP_NAME} {__version__}" == "科技创新奖补计算器 0.1.0"
    assert not {"sqlalchemy", "core.store.commands", "core.excel.commands", "yaml"} & set(modules.split())


def test_a_headless_command_collects_garbage_rarely():
    """core.collector.bulk_work: main.py sets it for a headless command (3.8 of 11.2 CPU seconds of a
    10,000-company calc went to the collector with the default thresholds)."""
    from core.collector import BULK_THRESHOLDS

    code = (
        "import gc, sys; sys.argv = ['main.py', 'rules', '--json']; import main; main.main(); "
        "print(list(gc.get_threshold()), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stderr.strip().splitlines()[-1]) == list(BULK_THRESHOLDS)
