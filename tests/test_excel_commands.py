"""The headless commands over a stand-in store with the agreed API (open_store, apply_import, ...)."""

import contextlib
import dataclasses
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.excel.reader import read_workbook
from core.paths import RESOURCES
from excel_support import batch_record, engine_lines, simple_line

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"


class FakeStore:
    def __init__(self, url=None):
        self.url = url
        self.imports = []
        self.known = {"91150702MA0N8XKQ26"}
        self.records = {7: batch_record()}
        self.batches = types.SimpleNamespace(paper_lines=self.paper_lines, paper_results=self.paper_results)
        self.batch_warnings = {7: [("丙", "91150702MA0N8XKQ26", "已拨付的款项可能多付，请核实")]}
        self.batch_lines = {7: [simple_line(1, "100000.00"), simple_line(2, "2500.50", company="乙")]}
        self.settings = {}

    def setting(self, key, default=None):
        return self.settings.get(key, default)

    def set_setting(self, key, value):
        self.settings[key] = value

    def known_uscc(self, uscc):
        return uscc in self.known

    def apply_import(self, data, accept_payee_changes=False):
        self.imports.append(data)
        return 12, True

    def paid_before(self, data, policies):
        self.checked = (data, policies)
        return []

    def payee_changes(self, data):
        return []

    summary = {"companies_new": 0, "members": 1}  # a known company: its earlier awards are looked up

    def import_summary(self, batch_id):
        return self.summary

    def batch(self, batch_id):
        if batch_id not in self.records:
            raise KeyError(batch_id)
        return self.records[batch_id]

    def lines(self, batch_id, check=""):
        return self.batch_lines[batch_id]

    @contextlib.contextmanager
    def paper_lines(self, batch_id, check):
        """The lines as the paper read hands them over: one by one, in print order."""
        yield iter(self.batch_lines[batch_id])

    @contextlib.contextmanager
    def paper_results(self, batch_id, check):
        """The lines, then the members' warnings, as the results workbook's paper read hands them over."""
        yield iter(self.batch_lines[batch_id]), iter(self.batch_warnings.get(batch_id, []))


@pytest.fixture
def store(monkeypatch):
    fake = FakeStore()
    # no official lists in this store: nothing is withheld from the disbursement sheet (免申即享, core.lists)
    monkeypatch.setattr("core.lists.answers.withheld", lambda store, batch_id: frozenset())
    module = types.ModuleType("core.store")
    module.open_store = lambda url=None: setattr(fake, "url", url) or fake
    monkeypatch.setitem(sys.modules, "core.store", module)
    return fake


def test_template_command(tmp_path, capsys):
    out = tmp_path / "申报模板.xlsx"
    assert main(["template", "-o", str(out), "--year", "2026"]) == 0
    assert "已生成申报模板" in capsys.readouterr().out
    assert load_workbook(out)["批次信息"]["B2"].value == 2026


def test_import_prints_the_batch_id(store, capsys):
    assert main(["--db", "sqlite:///x.db", "import", str(SAMPLE), "--name", "测试批次"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "12" and "已导入新批次12“测试批次”：30家企业" in out[1]
    assert store.url == "sqlite:///x.db"
    (data,) = store.imports
    assert data.award_year == 2026 and len(data.companies) == 30
    assert store.checked[0] is data  # the batch has a known company: what was paid before is looked up


def test_an_import_that_created_every_company_does_not_look_for_earlier_awards(store, capsys):
    store.summary = {"companies_new": 30, "members": 30}
    assert main(["import", str(SAMPLE)]) == 0
    assert not hasattr(store, "checked")


def test_import_with_problems_writes_the_error_workbook_and_exits_2(store, tmp_path, capsys):
    from excel_support import put, save, template

    wb = template(2026)
    put(wb["企业信息"], {"统一社会信用代码": "91150702MA0N8XKQ2X", "企业名称": "甲", "所属盟市": "呼伦贝尔市"})
    path = save(wb, tmp_path / "有错.xlsx")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "有1处问题，没有导入任何数据" in err and "校验位错误" in err and "第2行A列" in err
    assert (tmp_path / "有错_错误清单.xlsx").exists()
    assert store.imports == []


def test_import_of_a_hostile_file_exits_2(store, tmp_path, capsys):
    path = tmp_path / "旧.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert main(["import", str(path)]) == 2
    assert "旧版Excel 97-2003格式" in capsys.readouterr().err
    assert store.imports == []


def test_import_limit_is_a_store_setting_the_import_reads(store, tmp_path, capsys):
    """import.max_rows: shown, set within its range, and obeyed by the next import, which is refused
    in seconds with the list alone (no marked copy of a workbook refused for its size)."""
    assert main(["import-limit"]) == 0
    assert "20,000行（默认）" in capsys.readouterr().out
    assert main(["import-limit", "999"]) == 2
    assert "1,000至200,000之间" in capsys.readouterr().err
    assert main(["import-limit", "1000"]) == 0
    assert store.settings == {"import.max_rows": "1000"}
    assert main(["import-limit"]) == 0 and "1,000行" in capsys.readouterr().out

    from excel_support import save, template, uscc

    wb = template(2026)
    for i in range(1, 1200):
        wb["企业信息"].append([uscc(i), f"企业{i}", "通辽市"])
    path = save(wb, tmp_path / "大.xlsx")
    started = time.perf_counter()
    assert main(["import", str(path)]) == 2
    assert time.perf_counter() - started < 10
    assert "有超过1000行数据" in capsys.readouterr().err
    listing = load_workbook(tmp_path / "大_错误清单.xlsx")
    assert listing.sheetnames == ["错误清单"] and store.imports == []


def test_a_workbook_too_big_to_copy_gets_the_list_alone(monkeypatch, tmp_path):
    """Beyond the default row limit (a bureau may raise the import's), the 错误清单 is not a marked copy."""
    from core.excel import errorbook, package
    from core.excel.problems import Problem

    monkeypatch.setattr(errorbook, "inspect_package", lambda p: package.inspect_package(p, package.Limits(rows=20)))
    problems = [Problem("企业信息", 2, "A", "统一社会信用代码", "x", "校验位错误")]
    out = errorbook.write_error_workbook(problems, tmp_path / "清单.xlsx", source=SAMPLE)
    assert load_workbook(out).sheetnames == ["错误清单"]
    monkeypatch.undo()
    out = errorbook.write_error_workbook(problems, tmp_path / "标记.xlsx", source=SAMPLE)
    assert "企业信息" in load_workbook(out).sheetnames


def test_import_asks_the_store_about_companies_not_on_the_sheet(store, tmp_path):
    from excel_support import put, save, template

    wb = template(2026)
    put(wb["申报-科技型中小企业入库"], {"统一社会信用代码": "91150702MA0N8XKQ26", "入库年度": 2026})
    assert main(["import", str(save(wb, tmp_path / "老企业.xlsx"))]) == 0
    assert store.imports[0].claims[0][0] == "91150702MA0N8XKQ26"


def test_export_disbursement_and_publicity(store, tmp_path, capsys):
    assert main(["export", "7", "-o", str(tmp_path / "结果.xlsx")]) == 0
    assert (
        main(
            [
                "disbursement",
                "7",
                "-o",
                str(tmp_path / "拨付.xlsx"),
                "--budget-subject",
                "2060499 其他技术研究与开发支出",
            ]
        )
        == 0
    )
    assert main(["publicity", "7", "-o", str(tmp_path / "公示.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "已导出批次7" in out and "资金拨付明细表" in out and "公示名单" in out
    ws = load_workbook(tmp_path / "拨付.xlsx").active
    assert ws["J3"].value == "预算科目" and ws["J4"].value == "2060499 其他技术研究与开发支出"
    # the export reads the members' warnings too: a company with a warning and no line is on the 企业提示 sheet
    rows = list(load_workbook(tmp_path / "结果.xlsx")["企业提示"].iter_rows(min_row=4, values_only=True))
    assert rows == [(1, "丙", "91150702MA0N8XKQ26", "已拨付的款项可能多付，请核实")]


def test_unknown_batch_and_provisional_lines(store, tmp_path, capsys, policies):
    assert main(["export", "99", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "找不到批次99" in capsys.readouterr().err
    store.batch_lines[7] = engine_lines(read_workbook(SAMPLE), policies)
    assert main(["disbursement", "7", "-o", str(tmp_path / "拨付.xlsx")]) == 2
    assert "--include-provisional" in capsys.readouterr().err
    assert not (tmp_path / "拨付.xlsx").exists()
    assert main(["disbursement", "7", "-o", str(tmp_path / "拨付.xlsx"), "--include-provisional"]) == 0


def test_commands_say_so_when_the_store_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "core.store", None)  # import raises ModuleNotFoundError
    assert main(["export", "7", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "数据库模块" in capsys.readouterr().err


def test_main_py_runs_the_template_command(tmp_path):
    out = tmp_path / "模板.xlsx"
    result = subprocess.run(
        [sys.executable, "main.py", "template", "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_lines_of_the_fake_store_are_plain_records():
    line = FakeStore().lines(7)[0]
    assert dataclasses.is_dataclass(line) and line.basis == "《测试政策文件》（测政发〔2026〕1号）（一）"
