"""Hostile files are refused quickly, in little memory, with a Chinese message; the error workbook."""

import json
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.excel.errorbook import error_workbook_path, write_error_workbook
from core.excel.layout import COMPANIES_SHEET, ERRORS_SHEET
from core.excel.problems import WorkbookError, WorkbookRefused
from core.excel.reader import read_workbook
from core.excel.template import write_template
from hostile_files import FORGED, HEAVY, HOSTILE

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 5.0
PEAK_MB = 150  # above the ~30 MB the interpreter and openpyxl take before reading


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    return d, write_template(d / "模板.xlsx", award_year=2026)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_with_a_clear_message(workdir, name):
    d, template = workdir
    maker, words = HOSTILE[name]
    path = maker(d, template)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(WorkbookRefused) as err:
            read_workbook(path)
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    message = str(err.value)
    assert words in message, message
    assert err.value.problems[0].sheet in ("", COMPANIES_SHEET) and err.value.problems[0].row is None
    assert elapsed < SECONDS, f"{name} took {elapsed:.1f} s"
    assert peak < PEAK_MB * 1024 * 1024, f"{name} allocated {peak / 1e6:.0f} MB"
    assert all(
        ord(ch) < 0x80 or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "“”…→"
        for ch in err.value.reason
    ), "the message is for a clerk: Chinese and plain characters only"


_CHILD = r"""
import json, sys, time
def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
from core.excel.reader import read_workbook
from core.excel.problems import WorkbookError
base = peak_kb()
t = time.perf_counter()
try:
    read_workbook(sys.argv[1])
    refused = False
except WorkbookError:
    refused = True
print(json.dumps({"seconds": time.perf_counter() - t, "peak_kb": peak_kb(), "base_kb": base, "refused": refused}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc (Linux)")
@pytest.mark.parametrize("name", HEAVY)
def test_heavy_hostile_files_in_a_fresh_process(workdir, name):
    """The whole process, not only Python allocations: time and peak resident memory (VmHWM)."""
    d, template = workdir
    path = HOSTILE[name][0](d, template)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    m = json.loads(out.stdout)
    assert m["refused"]
    assert m["seconds"] < SECONDS
    assert (m["peak_kb"] - m["base_kb"]) / 1024 < PEAK_MB, m


# ---------------------------------------------------------------- the error workbook


def _bad_workbook(tmp_path):
    from excel_support import put, save, template, uscc

    wb = template(2026)
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": uscc(1)[:17] + "0", "企业名称": "甲", "所属盟市": "火星"})
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": uscc(2), "企业名称": "乙", "所属盟市": "通辽市"})
    return save(wb, tmp_path / "有错.xlsx")


def test_error_workbook_marks_cells_and_lists_problems(tmp_path):
    source = _bad_workbook(tmp_path)
    with pytest.raises(WorkbookError) as err:
        read_workbook(source)
    problems = err.value.problems
    out = write_error_workbook(problems, error_workbook_path(source), source=source)
    assert out.name == "有错_错误清单.xlsx"
    wb = load_workbook(out)
    assert wb.sheetnames[0] == ERRORS_SHEET and COMPANIES_SHEET in wb.sheetnames
    listing = wb[ERRORS_SHEET]
    assert [c.value for c in listing[3]] == ["序号", "工作表", "单元格", "行", "列标题", "填写内容", "问题说明"]
    rows = [[c.value for c in r] for r in listing.iter_rows(min_row=4)]
    assert len(rows) == len(problems)
    assert {(r[1], r[2]) for r in rows} >= {(COMPANIES_SHEET, "A2"), (COMPANIES_SHEET, "C2")}
    assert listing["C4"].hyperlink.location == f"'{COMPANIES_SHEET}'!{problems[0].cell}"
    ws = wb[COMPANIES_SHEET]
    for cell in ("A2", "C2"):
        assert ws[cell].fill.fgColor.rgb.endswith("FFC7CE")
        assert ws[cell].comment is not None
    assert "校验位错误" in ws["A2"].comment.text
    assert ws["A3"].comment is None  # the good row is untouched
    assert ws.sheet_properties.tabColor.rgb.endswith("FF0000")


def test_error_workbook_for_a_refused_file_is_a_list_only(tmp_path):
    path = tmp_path / "假的.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(WorkbookRefused) as err:
        read_workbook(path)
    out = write_error_workbook(err.value.problems, tmp_path / "清单.xlsx", source=path)
    wb = load_workbook(out)
    assert wb.sheetnames == [ERRORS_SHEET]
    assert "PDF" in wb[ERRORS_SHEET]["G4"].value and wb[ERRORS_SHEET]["B4"].value == "（整个文件）"


def test_a_marked_copy_can_be_fixed_and_imported_again(tmp_path):
    source = _bad_workbook(tmp_path)
    with pytest.raises(WorkbookError) as err:
        read_workbook(source)
    out = write_error_workbook(err.value.problems, tmp_path / "改.xlsx", source=source)
    from excel_support import uscc

    wb = load_workbook(out)
    wb[COMPANIES_SHEET]["A2"] = uscc(1)
    wb[COMPANIES_SHEET]["C2"] = "呼伦贝尔市"
    wb.save(out)
    data = read_workbook(out)  # the 错误清单 sheet is ignored
    assert [c.name for c in data.companies] == ["甲", "乙"]


# ---------------------------------------------------------------- hidden and forged content (issue 13 item 4)


def test_the_workbook_the_forgeries_start_from_imports(workdir):
    from hostile_files import filled

    d, template = workdir
    path = d / "干净.xlsx"
    filled(template).save(path)
    data = read_workbook(path)
    assert [c.name for c in data.companies] == ["呼伦贝尔甲科技有限公司", "包头乙新材料有限公司"]
    assert [c.get("amount") for _, c in data.claims] == [Decimal("6000000.00")]


@pytest.mark.parametrize("name", list(FORGED))
def test_hidden_or_forged_content_is_refused_at_its_cell(workdir, name):
    d, template = workdir
    maker, expected = FORGED[name]
    with pytest.raises(WorkbookError) as err:
        read_workbook(maker(d, template))
    assert not isinstance(err.value, WorkbookRefused), "refused cell by cell, not as a broken file"
    problems = err.value.problems
    for sheet, row, column, words in expected:
        hits = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column) and words in p.reason]
        assert hits, f"expected {sheet} row {row} column {column} “{words}”, got:\n" + "\n".join(map(str, problems))


def test_a_hidden_row_is_named_in_the_message_and_its_amount_is_not_imported(workdir, tmp_path):
    """The issue's case: 9,000,000 on a hidden row. The headless import refuses and writes nothing."""
    from hostile_files import hidden_row

    d, template = workdir
    path = hidden_row(d, template)
    db = f"sqlite:///{(tmp_path / 'kjjb.sqlite3').as_posix()}"
    out = subprocess.run(
        [sys.executable, "main.py", "--db", db, "import", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "KJJB_DATA_DIR": str(tmp_path)},
    )
    assert out.returncode == 2, out.stderr
    line = next(l for l in out.stderr.splitlines() if "此行被隐藏" in l)
    assert line.strip().startswith("工作表“申报-技术合同（技术交易后补助）”第3行") and "9000000" in line
    from core.store import open_store

    assert open_store(db).batches() == []


def test_shown_values_make_invisible_characters_visible(workdir):
    from hostile_files import right_to_left_name

    d, template = workdir
    with pytest.raises(WorkbookError) as err:
        read_workbook(right_to_left_name(d, template))
    assert err.value.problems[0].value == "[U+202E]司公甲试测"


def test_text_is_normalized_and_zero_width_characters_removed(workdir):
    """NFKC folds full-width letters and digits; full-width brackets stay; zero-width characters go."""
    from hostile_files import filled

    d, template = workdir
    wb = filled(template)
    ws = wb["企业信息"]
    ws["B2"] = "呼伦贝尔\u200b甲科技有限公司（海拉尔分公司）"
    ws["H2"] = "０６０７　００２２　０１２０\ufeff１２３４　５６７"
    ws["I2"] = "王\u2060丽"
    ws["F2"] = "ＩＴ服务"
    path = d / "规范化.xlsx"
    wb.save(path)
    a = read_workbook(path).companies[0]
    assert (a.name, a.bank_account, a.contact, a.industry) == (
        "呼伦贝尔甲科技有限公司（海拉尔分公司）",
        "0607002201201234567",
        "王丽",
        "IT服务",
    )
