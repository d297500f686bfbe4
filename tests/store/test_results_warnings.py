"""The results workbook's 企业提示 sheet: every member's warning reaches the auditor's paper, checked first.

The overpaid case of test_overpaid_store (呼伦贝尔（三） hlb-03-platform “……分别给予100万元、50万元”): batch 2 claims
the lab recognized 2025-07-01, pays nothing, and warns that batch 1's 500,000 may have been overpaid. That company
has no award line, so before this sheet the workbook did not show it at all.
"""

import openpyxl
from storehelp import batch_data, profile, uscc
from test_audit import tamper
from test_overpaid_store import _import_calc, _lab
from test_paper_seals import cli

from core.excel.results_workbook import write_results_workbook
from core.excel.warnings_sheet import NONE_TEXT

HEADER = ("序号", "企业名称", "统一社会信用代码", "提示")


def _overpaid_batches(store, policies) -> tuple[int, int]:
    u = uscc(11)
    b1 = _import_calc(
        store, policies, batch_data("2026年第一批", 2026, [profile(11)], [(u, _lab("2026-03-01", "lab1"))])
    )
    store.approve(b1, "张三", "李四", allow_provisional=True)
    b2 = _import_calc(
        store, policies, batch_data("2026年第二批", 2026, [profile(11)], [(u, _lab("2025-07-01", "lab0"))])
    )
    return b1, b2


def _export(store, batch_id, path):
    with store.batches.paper_results(batch_id, "导出测算结果") as (lines, warnings):
        return write_results_workbook(store.batch(batch_id), lines, path, warnings=warnings)


def _rows(path, sheet="企业提示"):
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_the_overpaid_warning_of_a_company_without_lines_is_on_the_paper(store, policies, tmp_path):
    b1, b2 = _overpaid_batches(store, policies)
    assert store.lines(b2) == []  # the company's only output is its warnings
    (result,) = store.company_results(b2)
    path = _export(store, b2, tmp_path / "结果.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "按企业汇总", "奖补明细", "企业提示"]
    ws = wb["企业提示"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2026年第二批 企业提示" and rows[2] == HEADER
    body = rows[3:]
    # one row per warning, in the order the calculation gave them, each naming the company as the batch shows it
    assert body == [(i, result.company_name, uscc(11), w) for i, w in enumerate(result.warnings, 1)]
    (overpaid,) = [r[3] for r in body if "可能多付" in r[3]]
    assert f"批次{b1}：" in overpaid and "2026年拨付500,000.00元" in overpaid  # （三）“……50万元”
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert all(ws.cell(r, 4).alignment.wrap_text for r in range(4, 4 + len(body)))


def test_a_batch_without_warnings_says_so(store, policies, tmp_path):
    b = _import_calc(store, policies, batch_data("2026年第三批", 2026, [profile(12)], []))
    (result,) = store.company_results(b)
    assert result.calculated and not result.warnings
    rows = _rows(_export(store, b, tmp_path / "结果.xlsx"))
    assert rows[2] == HEADER and rows[3][0] == NONE_TEXT == "本批次没有需要核实的提示。" and len(rows) == 4


def test_the_cli_export_has_the_warnings(store, policies, tmp_path, capsys, db_url):
    _, b2 = _overpaid_batches(store, policies)
    path = tmp_path / "结果.xlsx"
    code, text = cli(capsys, db_url, "export", str(b2), "-o", str(path))
    assert code == 0, text
    assert any("可能多付" in (r[3] or "") for r in _rows(path)[3:])


def test_a_warning_changed_in_the_file_is_refused_and_no_file_written(store, policies, tmp_path, capsys, db_url):
    _, b2 = _overpaid_batches(store, policies)
    tamper(db_url, f"UPDATE batch_companies SET warnings = '[\"无需核实\"]' WHERE batch_id = {b2}")
    path = tmp_path / "结果.xlsx"
    code, text = cli(capsys, db_url, "export", str(b2), "-o", str(path))
    assert code == 1, text
    assert "【数据篡改警报】" in text and "数据表batch_companies中的" in text and "（warnings）" in text, text
    assert not path.exists()


def _two_warned(store, policies) -> int:
    """A draft batch of companies 11 and 12, each paid under the Hulunbuir draft, so each warned of it."""
    claims = [(uscc(11), _lab("2026-03-01", "lab1")), (uscc(12), _lab("2026-04-01", "lab2"))]
    return _import_calc(store, policies, batch_data("2026年第四批", 2026, [profile(11), profile(12)], claims))


def test_the_warnings_come_a_checked_chunk_at_a_time_in_member_order(store, policies, tmp_path, monkeypatch):
    monkeypatch.setattr("core.store.linereads.PAPER_CHUNK", 1)
    b = _two_warned(store, policies)
    results = store.company_results(b)
    expected = [(c.company_name, c.uscc, w) for c in results for w in c.warnings]
    assert [r[1] for r in expected] == [uscc(11), uscc(12)]
    rows = _rows(_export(store, b, tmp_path / "结果.xlsx"))[3:]
    assert rows == [(i, *w) for i, w in enumerate(expected, 1)]


def test_a_draft_member_without_lines_shows_its_company_as_it_is_now_checked(store, policies, tmp_path, capsys, db_url):
    _, b2 = _overpaid_batches(store, policies)  # a draft: its one company has warnings and no line
    tamper(db_url, f"UPDATE companies SET name = '冒名公司' WHERE uscc = '{uscc(11)}'")
    path = tmp_path / "结果.xlsx"
    code, text = cli(capsys, db_url, "export", str(b2), "-o", str(path))
    # only the warnings' read shows this company: it is checked there, and the changed name never reaches paper
    assert code == 1 and "【数据篡改警报】" in text and "数据表companies中的" in text and "（name）" in text, text
    assert not path.exists()
