"""Formula payloads typed into a batch workbook never come out of the program as formulas (issue 13, item 1).

Every payload goes in as a company's name, 行业, 开户行 and 联系人 (旗县区 is from a controlled list: a payload
there is refused at its cell, tests/test_import_counties.py) and a
certificate number, with the batch name, the source file name, the preparer and
the reviewer and the budget subject; the batch is imported, calculated and
approved, then every workbook the program writes is opened as a zip and its
sheet XML read: no <f> element anywhere, each payload present as a string
cell, and every text that looks like a formula carries quotePrefix.
"""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.engine import load_policies
from core.excel.errorbook import write_error_workbook
from core.excel.disbursement_sheet import write_disbursement_sheet
from core.excel.publicity_list import write_publicity_list
from core.excel.results_workbook import write_results_workbook
from core.excel.layout import BATCH_NAME_LABEL, BATCH_SHEET, COMPANIES_SHEET, normalize_header
from core.excel.problems import WorkbookError
from core.excel.reader import read_workbook
from core.excel.template import build_template, write_template
from core.excel.writer import Cells, looks_like_formula
from excel_support import PAYLOADS, formula_elements, uscc, written_cells

SOURCE_NAME = "@SUM(1)申报.xlsx"
CLAIMS_SHEET = "申报-认定、获批"


@pytest.fixture(scope="module")
def all_policies():
    return load_policies()


def _filler(wb):
    """Writes header -> value rows into template sheets as string cells (as Excel saves typed text)."""
    cells = Cells(wb)

    def add(sheet: str, values: dict) -> None:
        ws = wb[sheet]
        cols = {normalize_header(c.value): c.column for c in ws[1] if c.value}
        row = ws.max_row + 1
        for header, value in values.items():
            cells.put(ws, row, cols[normalize_header(header)], value)

    return add


def _payload_workbook(folder: Path, phone=None) -> Path:
    wb = build_template(award_year=2026)
    add = _filler(wb)
    batch = wb[BATCH_SHEET]
    row = next(r for r in range(1, batch.max_row + 1) if batch.cell(r, 1).value == BATCH_NAME_LABEL)
    Cells(wb).put(batch, row, 2, PAYLOADS[0])
    for i, payload in enumerate(PAYLOADS, 1):
        code = uscc(100 + i)
        company = {
            "统一社会信用代码": code,
            "企业名称": payload,
            "所属盟市": "呼伦贝尔市",
            "旗县区": "海拉尔区",
            "行业": payload,
            "开户行": payload,
            "账号": f"0607{i:015d}",
            "联系人": payload,
        }
        if phone:
            company["电话"] = phone
        add(COMPANIES_SHEET, company)
        add(
            CLAIMS_SHEET,
            {
                "统一社会信用代码": code,
                "认定类别": "高新技术企业",
                "级别": "国家级",
                "认定/获批日期": "2026-03-01",
                "证书或文件编号": payload,
            },
        )
    path = folder / SOURCE_NAME
    wb.save(path)
    return path


def _check(path: Path, expected: set[str]) -> None:
    """No formula in ``path``; each expected text inside a string cell; formula-like text quote-prefixed."""
    assert formula_elements(path) == [], path.name
    cells = written_cells(path)
    texts = [c["text"] for c in cells if c["t"] == "inlineStr" or c["t"] == "s"]
    for text in expected:
        assert any(text in t for t in texts), f"{path.name}: {text!r} is not in any string cell"
    for c in cells:
        assert c["formula"] is None and c["t"] not in ("str", "e"), (path.name, c)
        if c["t"] in ("inlineStr", "s") and c["text"] and looks_like_formula(c["text"]):
            assert c["quote_prefix"], f"{path.name} {c['ref']}: {c['text']!r} would turn into a formula if edited"


def test_no_payload_comes_out_of_any_workbook_as_a_formula(store, tmp_path, all_policies):
    source = _payload_workbook(tmp_path)
    data = read_workbook(source, known_uscc=store.known_uscc)
    assert len(data.companies) == len(PAYLOADS)
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, all_policies)
    store.approve(batch_id, preparer=PAYLOADS[1], reviewer=PAYLOADS[2], allow_provisional=True)
    batch, lines = store.batch(batch_id), store.lines(batch_id)
    assert batch.status == "approved" and batch.source_name == SOURCE_NAME
    assert len({l.uscc for l in lines}) == len(PAYLOADS), "every payload company earns an award line"
    names = {l.company_name for l in lines}
    banks = {l.bank_name for l in lines}
    dangerous = {t for t in names | banks if looks_like_formula(t)}
    assert len(dangerous) >= 10  # the import keeps them as typed (less the blanks it trims)

    everyone = names | banks
    header = {batch.name, batch.source_name, batch.preparer, batch.reviewer}
    _check(write_results_workbook(batch, lines, tmp_path / "结果.xlsx"), everyone | header)
    subject = PAYLOADS[3]
    _check(
        write_disbursement_sheet(
            batch, lines, tmp_path / "拨付.xlsx", budget_subject=subject, include_provisional=True
        ),
        everyone | {batch.name, subject},
    )
    _check(write_publicity_list(batch, lines, tmp_path / "公示.xlsx", include_provisional=True), names | {batch.name})
    results = load_workbook(tmp_path / "结果.xlsx")
    assert {c.value for c in results["按企业汇总"]["B"][3:-1]} == names  # read back as the names, not results


def test_no_payload_comes_out_of_the_error_workbook_or_the_template_as_a_formula(tmp_path):
    source = _payload_workbook(tmp_path, phone="=1+1")  # a phone number is refused, naming the cell and its text
    with pytest.raises(WorkbookError) as err:
        read_workbook(source)
    problems = err.value.problems
    assert problems and all(p.value == "=1+1" for p in problems)
    marked = write_error_workbook(problems, tmp_path / "错误清单.xlsx", source=source)
    _check(marked, {p.strip(" \t\r\n") for p in PAYLOADS} | {"=1+1"})
    listed = write_error_workbook(problems, tmp_path / "仅清单.xlsx")
    _check(listed, {"=1+1"})
    template = write_template(tmp_path / "模板.xlsx", award_year=2026, batch_name=PAYLOADS[1])
    _check(template, {PAYLOADS[1]})


def test_no_payload_comes_out_of_the_report_or_list_workbooks_as_a_formula(tmp_path):
    """The 测算报告 / 预算测算表 writer (core.scenario.tables) and 导出当前列表 (core.listexport) write company
    names, clauses and notes typed by people: each payload stays text."""
    from core.listexport import write_list
    from core.scenario.tables import TEXT, Report, Sheet, Table, write_workbook

    texts = [p for p in PAYLOADS if p.strip()]
    printable = {p for p in texts if p.isprintable()}  # a CR is written escaped; every cell is still checked
    table = Table([("单位", 30, TEXT), ("说明", 30, TEXT)], [[p, p] for p in texts], title=texts[0])
    report = Report(texts[1], texts[2], [Sheet("汇总", texts[3], [table], notes=[texts[4]])])
    _check(write_workbook(report, tmp_path / "测算报告.xlsx"), printable)
    _check(
        write_list(tmp_path / "列表.xlsx", texts[5], ["单位", "说明"], [[p, p] for p in texts], note=texts[6]),
        printable,
    )
