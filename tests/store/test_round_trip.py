"""Template → filled workbook → import → calculate → results and disbursement workbooks, on SQLite and PostgreSQL.

The workbooks' totals must equal what the engine computes straight from the
same parsed workbook (no store in between), line for line.
"""

from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest

from core.engine import Context, evaluate_company, load_policies
from core.excel.disbursement_sheet import write_disbursement_sheet
from core.excel.results_workbook import write_results_workbook
from core.excel.reader import read_workbook
from core.excel.template import write_template
from core.model import Company, CompanyCase, History
from core.money import amount_in_words
from core.paths import RESOURCES
from core.uscc import check_character

SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"


@pytest.fixture(scope="module")
def all_policies():
    return load_policies()


def engine_lines(data, policies):
    """(uscc, rule_id, amount) straight from the engine, for a fresh database (no ledger)."""
    recs, sme, rd, claims = defaultdict(list), defaultdict(set), defaultdict(dict), defaultdict(list)
    for u, r in data.recognitions:
        recs[u].append(r)
    for u, y in data.tech_sme:
        sme[u].add(y)
    for u, r in data.rd:
        rd[u][r.year] = r
    for u, c in data.claims:
        claims[u].append(c)
    ctx = Context(policies, data.award_year)
    out = []
    for p in data.companies:
        case = CompanyCase(
            Company(p.uscc, p.name, p.city, p.county, p.size, p.industry),
            History(tuple(recs[p.uscc]), frozenset(sme[p.uscc]), rd[p.uscc], ()),
            tuple(claims[p.uscc]),
        )
        out += [(p.uscc, l.rule.id, l.amount) for l in evaluate_company(case, ctx).lines]
    return sorted(out)


def _sheet_total(path, sheet, header_row, column_title):
    ws = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in ws[header_row]]
    col = headers.index(column_title)
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] == "合计" or (row[1] == "合计") or "合计" in str(row[0] or ""):
            return Decimal(str(row[col])), row
    raise AssertionError("no 合计 row")


def _fill_template(path):
    """The template as a clerk fills it: two companies, history and three claims."""
    write_template(path, award_year=2026, batch_name="往返测试")
    wb = openpyxl.load_workbook(path)
    codes = []
    for n in (1, 2):
        first17 = f"9115070{n}MA0000{n:03d}"[:17]
        codes.append(first17 + check_character(first17))

    def put(sheet, values: dict):
        s = wb[sheet]
        hs = [str(c.value or "").replace("*", "").strip() for c in s[1]]
        row = s.max_row + 1
        for title, value in values.items():
            s.cell(row, next(i for i, h in enumerate(hs, 1) if h.startswith(title))).value = value

    put(
        "企业信息",
        {
            "统一社会信用代码": codes[0],
            "企业名称": "呼伦贝尔往返甲有限公司",
            "所属盟市": "呼伦贝尔市",
            "旗县区": "海拉尔区",
            "企业规模": "中型企业",
            "开户行": "中国银行海拉尔支行",
            "账号": "100000000000001",
        },
    )
    put(
        "企业信息",
        {
            "统一社会信用代码": codes[1],
            "企业名称": "包头往返乙有限公司",
            "所属盟市": "包头市",
            "旗县区": "昆都仑区",
            "企业规模": "小微企业",
            "开户行": "中国银行包头分行",
            "账号": "100000000000002",
        },
    )
    put(
        "历史-研发投入",
        {"统一社会信用代码": codes[0], "年度": 2024, "研发费用": "2,000,000", "享受研发费用加计扣除": "是"},
    )
    put(
        "历史-研发投入", {"统一社会信用代码": codes[0], "年度": 2025, "研发费用": "300万", "享受研发费用加计扣除": "是"}
    )
    put(
        "历史-研发投入",
        {
            "统一社会信用代码": codes[1],
            "年度": 2025,
            "研发费用": "1000000",
            "享受研发费用加计扣除": "是",
            "已加计扣除的研发费用": "900000",
        },
    )
    put("申报-研发投入后补助申请", {"统一社会信用代码": codes[0]})
    put("申报-研发投入后补助申请", {"统一社会信用代码": codes[1]})
    put(
        "申报-认定、获批",
        {"统一社会信用代码": codes[1], "认定类别": "高新技术企业", "级别": "国家级", "认定/获批日期": "2026年3月1日"},
    )
    wb.save(path)
    return codes


@pytest.mark.parametrize("source", ["sample", "template"])
def test_round_trip_totals_match_the_engine(store, tmp_path, all_policies, source):
    path = SAMPLE if source == "sample" else tmp_path / "填好的模板.xlsx"
    if source == "template":
        _fill_template(path)
    data = read_workbook(path, known_uscc=store.known_uscc)
    expected = engine_lines(data, all_policies)
    assert expected, "the workbook should earn awards"
    batch_id, created = store.apply_import(data)
    assert created
    store.calculate(batch_id, all_policies)
    lines = store.lines(batch_id)
    assert sorted((l.uscc, l.rule_id, l.amount) for l in lines) == expected
    total = sum(a for _, _, a in expected)

    batch = store.batch(batch_id)
    results = write_results_workbook(batch, lines, tmp_path / "结果.xlsx")
    ws = openpyxl.load_workbook(results)["汇总"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any(isinstance(c, (int, float)) and Decimal(str(c)) == total for c in cells) or str(total) in " ".join(
        map(str, cells)
    )

    disbursement = write_disbursement_sheet(batch, lines, tmp_path / "拨付明细表.xlsx", include_provisional=True)
    got, row = _sheet_total(disbursement, "资金拨付明细表", 3, "金额（元）")
    assert got == total
    assert amount_in_words(total) in row
