"""Results workbook, 资金拨付明细表 and 公示名单: totals, words, print settings, refusals, safe writes."""

import dataclasses
import os
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.engine.trace import Trace
from core.excel.disbursement_sheet import (
    DISBURSEMENT_TITLE,
    RECOVERY_TITLE,
    build_disbursement_sheet,
    write_disbursement_sheet,
)
from core.excel.export_common import check_total
from core.excel.files import ExportError, save_workbook
from core.excel.publicity_list import build_publicity_list, write_publicity_list
from core.excel.reader import read_workbook
from core.excel.results_workbook import build_results_workbook, trace_columns, write_results_workbook
from core.money import amount_in_words
from core.paths import RESOURCES
from excel_support import batch_record, engine_lines, simple_line, uscc

SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"
BUDGET = "2060499 其他技术研究与开发支出"


@pytest.fixture(scope="module")
def sample_lines(policies):
    return engine_lines(read_workbook(SAMPLE), policies)


@pytest.fixture(scope="module")
def final_lines(sample_lines):
    """The sample's lines as if the Hulunbuir draft were in force (disbursement refuses provisional lines)."""
    return [dataclasses.replace(l, provisional=False) for l in sample_lines]


def _table(ws, header_row: int):
    headers = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None or row[0] == "合计":
            break
        rows.append(dict(zip(headers, row)))
    return headers, rows


def _total_row(ws, label="合计"):
    return next(r for r in ws.iter_rows() if r[0].value == label)


# ---------------------------------------------------------------- results workbook


def test_results_workbook_lines_totals_and_trace(tmp_path, sample_lines):
    batch = batch_record()
    path = write_results_workbook(batch, sample_lines, tmp_path / "结果.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "按企业汇总", "奖补明细"]
    headers, rows = _table(wb["奖补明细"], 3)
    assert headers[:9] == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "奖补项目",
        "政策文件",
        "文号",
        "条款",
        "金额（元）",
        "测算",
    ]
    assert len(rows) == len(sample_lines)
    amounts = [Decimal(str(r["金额（元）"])) for r in rows]
    assert sum(amounts) == sum(l.amount for l in sample_lines)
    total = _total_row(wb["奖补明细"])
    assert Decimal(str(total[7].value)) == sum(amounts)
    rd = next(r for r in rows if r["规则编号"] == "hlb-02-rd-post-subsidy" and r["金额（元）"] == 5000000)
    assert "× 5%" in rd["计算过程"] and "研发投入增量" in rd["输入"]
    assert "依据“" in rd["参数及依据"] and "起施行" in rd["参数及依据"]
    assert "上限" in rd["上限、起付线与叠加"]
    assert "征求意见稿" in rd["说明"] and rd["测算"] == "是"
    assert wb["奖补明细"]["H4"].number_format == "#,##0.00"

    _, companies = _table(wb["按企业汇总"], 3)
    assert len(companies) == len({l.uscc for l in sample_lines})
    for c in companies:
        mine = sum((l.amount for l in sample_lines if l.uscc == c["统一社会信用代码"]), Decimal(0))
        assert Decimal(str(c["金额（元）"])) == mine
        assert c["大写金额"] == amount_in_words(mine)
    company_total = _total_row(wb["按企业汇总"])
    assert Decimal(str(company_total[6].value)) == sum(amounts)

    summary = wb["汇总"]
    values = {r[0].value: r[1].value for r in summary.iter_rows(min_row=3, max_row=16)}
    assert Decimal(str(values["奖补总额（元）"])) == sum(amounts)
    assert values["大写金额"] == amount_in_words(sum(amounts))
    assert "征求意见稿" in values["测算明细"]


def test_totals_per_document(tmp_path):
    doc2 = ("d2", "另一个政策文件", None)
    lines = [simple_line(1, "100000.00"), simple_line(2, "2500.50", doc=doc2), simple_line(3, "0.01", doc=doc2)]
    wb = build_results_workbook(batch_record(), lines)
    ws = wb["汇总"]
    start = next(r[0].row for r in ws.iter_rows() if r[0].value == "序号")
    _, docs = _table(ws, start)
    assert [(d["政策文件"], Decimal(str(d["金额（元）"])), d["明细条数"]) for d in docs] == [
        ("测试政策文件", Decimal("100000"), 1),
        ("另一个政策文件", Decimal("2500.51"), 2),
    ]


def test_check_total_refuses_a_mismatch():
    lines = [simple_line(1, "1.00"), simple_line(2, "2.00")]
    assert check_total(Decimal("3.00"), lines) == Decimal("3.00")
    with pytest.raises(AssertionError):
        check_total(Decimal("3.01"), lines)


def test_lines_must_be_exact_positive_decimals_of_this_batch():
    with pytest.raises(ExportError, match="不属于批次"):
        build_results_workbook(batch_record(batch_id=8), [simple_line(1, "1.00")])
    with pytest.raises(ExportError, match="精确到分"):
        build_results_workbook(batch_record(), [simple_line(1, "1.005")])
    with pytest.raises(ExportError, match="不是Decimal"):
        build_results_workbook(batch_record(), [dataclasses.replace(simple_line(1, "1"), amount=1.5)])


def test_trace_flattening_is_readable():
    cols = trace_columns(
        Trace.from_json(
            {
                "inputs": [{"label": "技术交易额", "value": "6,000,000.00元"}],
                "params": [
                    {
                        "label": "比例",
                        "display": "5%",
                        "cite": "按技术交易额5%给予补贴",
                        "valid_from": "2026-01-01",
                        "read_at": "2026-03-18",
                    }
                ],
                "readings": [{"name": "first_counts_out_of_region", "value": True, "note": "区外证书也算"}],
                "formula": "6,000,000.00元 × 5% = 300,000.00元",
                "steps": ["单项上限500,000.00元：未超出"],
                "notes": ["依据征求意见稿测算"],
            }
        )
    )
    assert cols["inputs"] == "技术交易额：6,000,000.00元"
    assert cols["params"] == "比例：5%（依据“按技术交易额5%给予补贴”，2026-01-01起施行，按2026-03-18取值）"
    assert cols["notes"] == "依据征求意见稿测算\n解读“first_counts_out_of_region”＝是：区外证书也算"
    assert trace_columns(Trace()) == {"formula": "", "inputs": "", "params": "", "steps": "", "notes": ""}


# ---------------------------------------------------------------- disbursement sheet


def test_disbursement_sheet_columns_totals_words_and_budget_subject(tmp_path, final_lines):
    batch = batch_record()
    path = write_disbursement_sheet(batch, final_lines, tmp_path / "拨付明细表.xlsx", budget_subject=BUDGET)
    wb = load_workbook(path)
    ws = wb["资金拨付明细表"]
    assert ws["A1"].value == DISBURSEMENT_TITLE
    assert batch.name in ws["A2"].value and "2026年度" in ws["A2"].value
    headers, rows = _table(ws, 3)
    assert headers == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "开户行",
        "账号",
        "奖补项目",
        "政策依据",
        "金额（元）",
        "大写金额",
        "预算科目",
    ]
    assert len(rows) == len(final_lines)
    assert [r["序号"] for r in rows] == list(range(1, len(rows) + 1))
    by_line = {(l.uscc, l.amount, l.summary): l for l in final_lines}
    for r in rows:
        amount = Decimal(str(r["金额（元）"]))
        line = by_line[(r["统一社会信用代码"], amount, r["奖补项目"])]
        assert r["大写金额"] == amount_in_words(amount)
        assert r["政策依据"] == line.basis and r["政策依据"].startswith("《")
        assert (r["开户行"], r["账号"]) == (line.bank_name, line.bank_account)
        assert isinstance(r["账号"], str)
        assert r["预算科目"] == BUDGET
    total = _total_row(ws)
    expected = sum(l.amount for l in final_lines)
    assert Decimal(str(total[7].value)) == expected
    assert total[8].value == amount_in_words(expected)
    texts = [c.value for row in ws.iter_rows(min_row=total[0].row + 1) for c in row if c.value]
    assert any(t.startswith("经办人") for t in texts) and any(t.startswith("审核人") for t in texts)
    assert any(t.startswith("负责人") for t in texts) and any(t.startswith("日期") for t in texts)
    # one company's lines are together
    order = [r["统一社会信用代码"] for r in rows]
    assert all(order.index(u) + order.count(u) - 1 == len(order) - 1 - order[::-1].index(u) for u in set(order))


def test_disbursement_print_settings(tmp_path, final_lines):
    path = write_disbursement_sheet(batch_record(), final_lines, tmp_path / "拨付.xlsx")
    ws = load_workbook(path)["资金拨付明细表"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws["H4"].number_format == "#,##0.00"
    assert ws["A4"].border.left.style == "thin" and ws["I4"].border.bottom.style == "thin"
    assert "&P" in ws.oddFooter.center.text
    assert [c.value for c in ws[3]][-1] == "大写金额"  # no budget column unless asked


def test_disbursement_refuses_provisional_lines_unless_asked(sample_lines):
    with pytest.raises(ExportError, match="征求意见稿.*不得据此拨付"):
        build_disbursement_sheet(batch_record(), sample_lines)
    wb = build_disbursement_sheet(batch_record(), sample_lines, include_provisional=True)
    ws = wb.active
    assert ws["A1"].value == DISBURSEMENT_TITLE + "（测算稿，不得据此拨付）"
    assert ws["F4"].value.endswith("（测算）")


def test_disbursement_marks_an_unapproved_batch_and_refuses_missing_accounts():
    lines = [simple_line(1, "100.00")]
    wb = build_disbursement_sheet(batch_record(status="draft"), lines)
    assert wb.active["A1"].value.endswith("（未经审核）")
    with pytest.raises(ExportError, match="缺少开户行或账号.*甲科技有限公司"):
        build_disbursement_sheet(batch_record(), [dataclasses.replace(lines[0], bank_account="")])
    with pytest.raises(ExportError, match="没有奖补明细"):
        build_disbursement_sheet(batch_record(), [])


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("100003000", "人民币壹亿零叁仟元整"),
    ],
)
def test_disbursement_words_match_amount_in_words(amount, words):
    ws = build_disbursement_sheet(batch_record(), [simple_line(1, amount)]).active
    assert ws["I4"].value == words
    assert _total_row(ws)[8].value == words


def adjustment_lines():
    """An adjustment of batch 1: 甲 +40,000 -10,000 (net 30,000 paid), 乙 -50,000 (taken back), 丙 cancels out."""
    ja, yi, bing = uscc(11), uscc(12), uscc(13)
    return [
        simple_line(1, "40000", "甲", ja),
        simple_line(2, "-10000", "甲", ja),
        simple_line(3, "-50000", "乙", yi),
        simple_line(4, "20000", "丙", bing),
        simple_line(5, "-20000", "丙", bing),
    ]


def test_adjustment_disbursement_pays_each_company_net_and_lists_recoveries_apart(tmp_path):
    batch = dataclasses.replace(batch_record(name="2026年第一批（调整）"), adjusts_batch_id=1)
    lines = adjustment_lines()
    wb = load_workbook(write_disbursement_sheet(batch, lines, tmp_path / "拨付.xlsx"))
    assert wb.sheetnames == ["资金拨付明细表", "应追回明细"]
    _, paid = _table(wb["资金拨付明细表"], 3)
    assert [(r["企业名称"], r["奖补项目"], r["金额（元）"], r["大写金额"]) for r in paid] == [
        ("甲科技有限公司", "调整补发：测试项目1、测试项目2", 30000, "人民币叁万元整")
    ]
    ws = wb["应追回明细"]
    assert ws["A1"].value == RECOVERY_TITLE
    headers, back = _table(ws, 3)
    assert "应追回金额（元）" in headers
    assert [(r["企业名称"], r["应追回金额（元）"], r["大写金额"]) for r in back] == [
        ("乙科技有限公司", 50000, "人民币伍万元整")
    ]
    assert _total_row(ws)[8].value == "人民币伍万元整"
    # the results workbook and the publicity list show the differences as they are
    build_results_workbook(batch, lines)
    assert [c.value for c in build_publicity_list(batch, lines).active["F"][3:8]] == [
        40000,
        -10000,
        -50000,
        20000,
        -20000,
    ]


def test_negative_lines_belong_to_adjustment_batches_only():
    with pytest.raises(ExportError, match="不是正的、精确到分的金额"):
        build_disbursement_sheet(batch_record(), adjustment_lines())
    batch = dataclasses.replace(batch_record(), adjusts_batch_id=1)
    with pytest.raises(ExportError, match="增减相抵"):
        build_disbursement_sheet(batch, adjustment_lines()[3:])


# ---------------------------------------------------------------- publicity list


def test_publicity_list_has_no_bank_details(tmp_path, final_lines):
    path = write_publicity_list(batch_record(), final_lines, tmp_path / "公示名单.xlsx")
    ws = load_workbook(path)["公示名单"]
    headers, rows = _table(ws, 3)
    assert headers == ["序号", "企业名称", "统一社会信用代码", "奖补项目", "政策依据", "金额（元）"]
    flat = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert not any(l.bank_account in flat or l.bank_name in flat for l in final_lines)
    assert Decimal(str(_total_row(ws)[5].value)) == sum(l.amount for l in final_lines)
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    with pytest.raises(ExportError, match="不得据此公示"):
        build_publicity_list(batch_record(), [simple_line(1, "5.00", provisional=True)])


# ---------------------------------------------------------------- safe writes


def test_writes_go_through_a_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "拨付明细表.xlsx"
    target.write_bytes(b"old contents")
    from openpyxl import Workbook

    def broken_save(self, filename):
        with open(filename, "wb") as f:
            f.write(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(ExportError, match="无法保存"):
        write_disbursement_sheet(batch_record(), [simple_line(1, "1.00")], target)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["拨付明细表.xlsx"]  # no temporary file left behind


def test_save_into_a_missing_folder_is_refused(tmp_path):
    from openpyxl import Workbook

    with pytest.raises(ExportError, match="文件夹不存在"):
        save_workbook(Workbook(), tmp_path / "没有" / "x.xlsx")


def test_saved_file_is_readable_by_others(tmp_path):
    from openpyxl import Workbook

    path = save_workbook(Workbook(), tmp_path / "x.xlsx")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------- 企业提示


def test_results_workbook_warnings_are_text_never_formulas(tmp_path):
    from core.records import CompanyWarning

    warning = CompanyWarning("甲公司", "91150700MA0N000001", "=SUM(A1:A2) 已拨付的款项可能多付，请核实")
    path = write_results_workbook(batch_record(), [simple_line(1, "1.00")], tmp_path / "r.xlsx", warnings=[warning])
    ws = load_workbook(path)["企业提示"]
    cell = ws["D4"]
    assert cell.value == warning.text and cell.data_type == "s" and cell.quotePrefix
    assert [c.value for c in ws[4]] == [1, "甲公司", "91150700MA0N000001", warning.text]


def test_results_workbook_without_warnings_read_has_no_warnings_sheet():
    assert "企业提示" not in build_results_workbook(batch_record(), [simple_line(1, "1.00")]).sheetnames
    wb = build_results_workbook(batch_record(), [simple_line(1, "1.00")], warnings=[])
    assert wb["企业提示"]["A4"].value == "本批次没有需要核实的提示。"
