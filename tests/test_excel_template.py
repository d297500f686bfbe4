"""The 申报模板: sheets and columns come from the vocabulary, with lists, formats and notes."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.excel.layout import (
    BATCH_SHEET,
    COMPANIES_SHEET,
    LISTS_SHEET,
    NOTES_SHEET,
    RD_SHEET,
    RECOGNITIONS_SHEET,
    TECH_SME_SHEET,
    claim_sheet_name,
    match_header,
    workbook_layout,
)
from core.excel.problems import WorkbookError
from core.excel.reader import read_workbook
from core.excel.template import build_template, write_template
from core.vocabulary import ClaimType, FieldSpec
from excel_support import put, uscc


@pytest.fixture(scope="module")
def template_path(tmp_path_factory, vocab):
    return write_template(tmp_path_factory.mktemp("tpl") / "申报模板.xlsx", vocab, award_year=2026)


@pytest.fixture(scope="module")
def wb(template_path):
    return load_workbook(template_path)


def test_one_sheet_per_claim_type_plus_company_and_history_sheets(wb, vocab):
    names = wb.sheetnames
    assert names[:6] == [NOTES_SHEET, BATCH_SHEET, COMPANIES_SHEET, RECOGNITIONS_SHEET, TECH_SME_SHEET, RD_SHEET]
    claim_sheets = [claim_sheet_name(t.label) for t in vocab.claim_types.values()]
    assert names[6:-1] == claim_sheets
    assert names[-1] == LISTS_SHEET and wb[LISTS_SHEET].sheet_state == "hidden"
    assert all(len(n) <= 31 and "/" not in n for n in names)


def test_company_sheet_columns(wb):
    headers = [c.value for c in wb[COMPANIES_SHEET][1]]
    assert headers == [
        "统一社会信用代码",
        "企业名称",
        "所属盟市",
        "旗县区",
        "企业规模",
        "行业",
        "开户行",
        "账号",
        "联系人",
        "电话",
        "备注",
    ]


def test_claim_sheet_columns_follow_the_vocabulary(wb, vocab):
    for ctype in vocab.claim_types.values():
        headers = [c.value for c in wb[claim_sheet_name(ctype.label)][1]]
        assert headers[:2] == ["统一社会信用代码", "企业名称"]
        assert headers[2:-1] == [f.label for f in ctype.fields.values()]
        assert headers[-1] == "备注"


def test_frozen_header_widths_and_text_format(wb):
    ws = wb[COMPANIES_SHEET]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["A"].width >= 20  # 统一社会信用代码
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws.column_dimensions["H"].number_format == "@"  # 账号: 19 digits would lose precision as a number
    contract = wb[claim_sheet_name("技术合同（技术交易后补助）")]
    assert contract.column_dimensions["D"].number_format == "yyyy-mm-dd"
    assert contract.column_dimensions["E"].number_format == "#,##0.00"
    for name in wb.sheetnames[2:-1]:
        assert wb[name].freeze_panes == "B2", name


def test_required_headers_are_shaded_and_commented(wb):
    ws = wb[COMPANIES_SHEET]
    assert ws["A1"].fill.fgColor.rgb.endswith("FCE4D6")  # required
    assert ws["D1"].fill.fgColor.rgb.endswith("DDEBF7")  # optional
    assert "必填" in ws["A1"].comment.text and "示例" in ws["A1"].comment.text


def _validations(ws):
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_enumerations_have_drop_down_lists_of_chinese_labels(wb, vocab):
    dvs = _validations(wb[COMPANIES_SHEET])
    assert dvs["C2"].type == "list" and dvs["C2"].formula1 == "list_cities"
    ref = wb.defined_names["list_cities"].attr_text
    assert ref.startswith("'选项'!$")
    col = ref.split("!$")[1][0]
    listed = [c.value for c in wb[LISTS_SHEET][col][1:] if c.value]
    assert listed == list(vocab.enums["cities"].values())
    rec = _validations(wb[claim_sheet_name("认定/获批")])
    assert rec["C2"].formula1 == "list_recognition_kinds"  # 60 labels: too long for an inline list
    assert rec["D2"].formula1 == "list_levels"
    bools = _validations(wb[claim_sheet_name("技术合同（技术交易后补助）")])
    assert bools["F2"].formula1 == '"是,否"'
    assert all(dv.showErrorMessage for dv in bools.values())


def test_notes_sheet_explains_every_column_with_an_example(wb, vocab):
    ws = wb[NOTES_SHEET]
    text = [[c.value for c in row] for row in ws.iter_rows()]
    flat = "\n".join(str(v) for row in text for v in row if v)
    for layout in workbook_layout(vocab):
        assert f"工作表“{layout.name}”" in flat
        for column in layout.columns:
            assert any(row[1] == column.header and row[3] for row in text if len(row) > 3), column.header
    row = next(r for r in text if r[1] == "技术交易额（元）")
    assert row[2] == "是" and "万元" in row[3] and row[4] == "1,200,000.00"


def test_history_recognitions_carry_the_platform_name_and_stage(wb):
    """What 'newly' (新认定) reads of history: a platform named differently is another one, one in
    cultivation (培育期) is not yet recognised."""
    headers = [c.value for c in wb[RECOGNITIONS_SHEET][1]]
    assert headers == [
        "统一社会信用代码",
        "企业名称",
        "认定类别",
        "级别",
        "认定日期",
        "证书或文件编号",
        "发证省份（区外证书填写）",
        "平台或载体名称",
        "阶段",
        "备注",
    ]
    stages = [dv for dv in wb[RECOGNITIONS_SHEET].data_validations.dataValidation if "I2" in str(dv.sqref)]
    assert stages and stages[0].formula1 == "list_stages"


def test_the_fields_a_subject_is_built_from_say_how_they_count(wb):
    """Each field that names a claim's subject tells the clerk that rows naming it alike count as one."""
    text = [[c.value for c in row] for row in wb[NOTES_SHEET].iter_rows()]

    def note(header, sheet):
        start = next(i for i, r in enumerate(text) if r[0] and str(r[0]).startswith(f"工作表“{sheet}”"))
        return next(r[3] for r in text[start:] if r[1] == header)

    contract = claim_sheet_name("技术合同（技术交易后补助）")
    assert "补充协议另填一行，填写相同的合同登记编号：交易额合并计算" in note("合同登记编号", contract)
    assert "分期到账的，每期填一行，项目名称相同" in note(
        "项目名称", claim_sheet_name("技术转移服务（促成成果落地转化）")
    )
    recognition = claim_sheet_name("认定/获批")
    assert "名称相同的视为同一平台" in note("平台或载体名称", recognition)
    assert "以证书或文件编号区分" in note("证书或文件编号", recognition)
    assert "名称不同的视为另一个平台" in note("平台或载体名称", RECOGNITIONS_SHEET)
    assert "培育期的不算已认定" in note("阶段", RECOGNITIONS_SHEET)
    assert "按此编号合并计算" in note("人才身份证号或编号", claim_sheet_name("柔性引进高端人才"))
    assert "加以区分" in note("获奖项目名称", claim_sheet_name("科学技术奖"))


def test_batch_sheet_holds_the_award_year(wb):
    ws = wb[BATCH_SHEET]
    assert (ws["A2"].value, ws["B2"].value) == ("兑现年度", 2026)
    assert ws["A3"].value == "批次名称"


def test_headers_match_loosely_and_money_units(vocab):
    layout = {s.name: s for s in workbook_layout(vocab)}
    amount = layout[claim_sheet_name("技术合同（技术交易后补助）")].column("amount")
    assert match_header(amount, "技术交易额（元）") == "元"
    assert match_header(amount, " 技术交易额 (万元) ") == "万元"
    assert match_header(amount, "*技术交易额") == "元"
    assert match_header(amount, "技术交易额（亿元）") is None
    assert match_header(layout[COMPANIES_SHEET].column("name"), "企业名称（必填）") == ""


def test_a_new_claim_type_or_field_in_the_vocabulary_is_a_new_sheet_or_column(vocab, tmp_path):
    fields = {
        "date": FieldSpec("date", "date", "验收日期", True),
        "grant": FieldSpec("grant", "money", "上级资助金额（元）", True),
        "level": FieldSpec("level", "enum:levels", "级别", False),
    }
    extended = dataclasses.replace(
        vocab, claim_types={**vocab.claim_types, "acceptance": ClaimType("acceptance", "项目验收/结题", fields)}
    )
    wb = build_template(extended, award_year=2026)
    sheet = claim_sheet_name("项目验收/结题")
    assert sheet == "申报-项目验收、结题"
    assert [c.value for c in wb[sheet][1]] == [
        "统一社会信用代码",
        "企业名称",
        "验收日期",
        "上级资助金额（元）",
        "级别",
        "备注",
    ]
    code = uscc(1)
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": code, "企业名称": "甲公司", "所属盟市": "通辽市"})
    put(
        wb[sheet],
        {"统一社会信用代码": code, "验收日期": "2026年5月1日", "上级资助金额（元）": "30万", "级别": "国家级"},
    )
    path = tmp_path / "扩展.xlsx"
    wb.save(path)
    data = read_workbook(path, vocabulary=extended)
    ((owner, claim),) = data.claims
    assert owner == code and claim.type == "acceptance"
    assert claim.fields == {"date": dt.date(2026, 5, 1), "grant": Decimal("300000"), "level": "national"}


def test_template_reads_back_as_an_empty_workbook(template_path):
    with pytest.raises(WorkbookError) as err:
        read_workbook(template_path)
    assert [p.reason for p in err.value.problems] == ["工作簿中没有任何企业或申报数据"]
