"""read_workbook: round trips from the template, and every kind of bad cell reported where it is."""

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from core.excel.layout import COMPANIES_SHEET, RD_SHEET, RECOGNITIONS_SHEET, TECH_SME_SHEET, claim_sheet_name
from core.excel.package import Limits
from core.excel.problems import WorkbookError, WorkbookRefused
from core.excel.reader import read_workbook
from core.model import Claim, RdYear, Recognition
from core.paths import RESOURCES
from core.records import CompanyProfile
from excel_support import put, save, sheet_part, template, uscc
from hostile_files import SHEET_NS

A, B = uscc(1), uscc(2, "150203")
CONTRACT = claim_sheet_name("技术合同（技术交易后补助）")
RECOGNITION = claim_sheet_name("认定/获批")
TECH_SME = claim_sheet_name("科技型中小企业入库")
RD_CLAIM = claim_sheet_name("研发投入后补助申请")
INVESTMENT = claim_sheet_name("科技招商落地项目")
SAMPLE = RESOURCES / "samples" / "申报样例.xlsx"


def valid_workbook():
    wb = template(2026)
    put(
        wb[COMPANIES_SHEET],
        {
            "统一社会信用代码": A,
            "企业名称": "呼伦贝尔甲科技有限公司",
            "所属盟市": "呼伦贝尔市",
            "旗县区": "海拉尔区",
            "企业规模": "小微企业",
            "行业": "乳制品",
            "开户行": "中国工商银行海拉尔支行",
            "账号": "0607 0022 0120 1234 567",
            "联系人": "王丽",
            "电话": "0470-8123456",
        },
    )
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": B, "企业名称": "包头乙新材料有限公司", "所属盟市": "baotou"})
    put(
        wb[CONTRACT],
        {
            "统一社会信用代码": A,
            "企业名称": "呼伦贝尔甲科技有限公司",
            "合同登记编号": "2026150701000021",
            "合同登记日期": dt.datetime(2026, 3, 18),
            "技术交易额（元）": 6000000,
            "已获自治区技术交易后补助": "是",
        },
    )
    put(wb[RD_SHEET], {"统一社会信用代码": A, "年度": 2024, "研发费用（元）": 2000000, "享受研发费用加计扣除": "是"})
    put(
        wb[RD_SHEET],
        {
            "统一社会信用代码": A,
            "年度": "2025",
            "研发费用（元）": "3,000,000.00",
            "享受研发费用加计扣除": "是",
            "已加计扣除的研发费用（元）": "290万",
        },
    )
    put(wb[RD_CLAIM], {"统一社会信用代码": A})
    put(
        wb[RECOGNITIONS_SHEET],
        {
            "统一社会信用代码": B,
            "认定类别": "高新技术企业",
            "级别": "国家级",
            "认定日期": "2023/11/1",
            "发证省份（区外证书填写）": "内蒙古自治区",
        },
    )
    put(
        wb[RECOGNITION],
        {"统一社会信用代码": B, "认定类别": "高新技术企业", "级别": "国家级", "认定/获批日期": "2026年11月1日"},
    )
    put(wb[TECH_SME_SHEET], {"统一社会信用代码": A, "入库年度": 2024})
    put(wb[TECH_SME_SHEET], {"统一社会信用代码": A, "入库年度": 2025})
    put(wb[TECH_SME], {"统一社会信用代码": A, "入库年度": 2026})
    return wb


def problems_of(path, **kw):
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, **kw)
    return err.value.problems


def patch_sheet(path: Path, sheet: str, fn) -> Path:
    """Rewrite one sheet's XML (for what openpyxl cannot write: cached formula values, exact floats)."""
    part = sheet_part(path, sheet)
    out = path.with_name("patched-" + path.name)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = fn(data.decode()).encode()
            zout.writestr(info.filename, data)
    return out


def set_cell_xml(ref: str, xml: str):
    """A patch replacing the <c r="ref" ...>...</c> element (or adding it to its row) with ``xml``."""

    def fn(text):
        pattern = re.compile(r'<c r="' + ref + r'"[^>]*?(/>|>.*?</c>)')
        if pattern.search(text):
            return pattern.sub(xml, text, count=1)
        row = re.match(r"[A-Z]+(\d+)", ref)[1]
        return re.sub(r'(<row r="' + row + r'"[^>]*>)', r"\1" + xml, text, count=1)

    return fn


# ---------------------------------------------------------------- round trips


def test_round_trip_gives_typed_values(tmp_path):
    path = save(valid_workbook(), tmp_path / "申报.xlsx")
    data = read_workbook(path)
    assert data.award_year == 2026
    assert data.batch_name == "2026年度 申报"
    assert data.source_name == "申报.xlsx" and len(data.sha256) == 64
    assert data.companies == [
        CompanyProfile(
            A,
            "呼伦贝尔甲科技有限公司",
            "hulunbuir",
            "海拉尔区",
            "small_micro",
            "乳制品",
            "中国工商银行海拉尔支行",
            "0607002201201234567",
            "王丽",
            "0470-8123456",
        ),
        CompanyProfile(B, "包头乙新材料有限公司", "baotou", "", "medium", "", "", "", "", ""),
    ]
    assert data.recognitions == [(B, Recognition("high_tech", "national", dt.date(2023, 11, 1), "", ""))]
    assert data.tech_sme == [(A, 2024), (A, 2025)]
    assert data.rd == [
        (A, RdYear(2024, Decimal("2000000"), True, None, None)),
        (A, RdYear(2025, Decimal("3000000"), True, Decimal("2900000"), None)),
    ]
    claims = {c.type: (u, c) for u, c in data.claims}
    assert claims["tech_contract"] == (
        A,
        Claim(
            "tech_contract",
            "申报-技术合同（技术交易后补助）第2行",
            {
                "number": "2026150701000021",
                "date": dt.date(2026, 3, 18),
                "amount": Decimal("6000000.00"),
                "regional_post_subsidy": True,
            },
            dt.date(2026, 3, 18),
        ),
    )
    assert claims["rd_post_subsidy"][1].fields == {"rd_year": 2025}  # 兑现年度的上一年
    rec = claims["recognition"][1]
    assert rec.fields == {
        "kind": "high_tech",
        "level": "national",
        "date": dt.date(2026, 11, 1),
        "moved_in": "none",
        "stage": "approved",
        "rating": "none",
        "lead": True,
        "ip_standard_certified": False,
    }
    assert claims["tech_sme_registration"] == (
        A,
        Claim("tech_sme_registration", "申报-科技型中小企业入库第2行", {"year": 2026}, None),
    )
    assert all(isinstance(c.get("amount", Decimal(0)), Decimal) for _, c in data.claims)


def test_a_batch_name_given_as_an_argument_is_checked_like_a_cell(tmp_path):
    path = save(valid_workbook(), tmp_path / "申报.xlsx")
    assert read_workbook(path, batch_name="２０２６年第二批\u200b").batch_name == "2026年第二批"
    (p,) = problems_of(path, batch_name="\u202e批二第")
    assert (p.sheet, p.header, p.value) == ("", "批次名称", "[U+202E]批二第") and "改变文字显示方向" in p.reason
    (p,) = problems_of(path, batch_name="批" * 201)
    assert "指定的批次名称过长（201字，最多200字）" in p.reason


def test_arguments_override_the_batch_sheet(tmp_path):
    path = save(valid_workbook(), tmp_path / "申报.xlsx")
    data = read_workbook(path, award_year=2027, batch_name="2027年第二批")
    assert (data.award_year, data.batch_name) == (2027, "2027年第二批")
    assert next(c for _, c in data.claims if c.type == "rd_post_subsidy").fields == {"rd_year": 2026}


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2025-11-20", dt.date(2025, 11, 20)),
        ("2025/11/20", dt.date(2025, 11, 20)),
        ("2025年11月20日", dt.date(2025, 11, 20)),
        ("2025.11.20", dt.date(2025, 11, 20)),
        ("２０２５／１１／２０", dt.date(2025, 11, 20)),
        (45981, dt.date(2025, 11, 20)),
        (45981.0, dt.date(2025, 11, 20)),
        (dt.datetime(2025, 11, 20), dt.date(2025, 11, 20)),
        (dt.datetime(2025, 11, 20, 15, 30), dt.date(2025, 11, 20)),
    ],
)
def test_dates_in_the_forms_clerks_type(tmp_path, typed, expected):
    wb = valid_workbook()
    wb[CONTRACT]["D2"] = typed
    data = read_workbook(save(wb, tmp_path / "d.xlsx"))
    assert next(c for _, c in data.claims if c.type == "tech_contract").date == expected


@pytest.mark.parametrize(
    "header, typed, expected",
    [
        ("技术交易额（元）", "1,234,567.50", "1234567.50"),
        ("技术交易额（元）", "1234567.5", "1234567.50"),
        ("技术交易额（元）", 1234567.5, "1234567.50"),
        ("技术交易额（元）", 1234567, "1234567"),
        ("技术交易额（元）", "12.5万", "125000"),
        ("技术交易额（元）", "￥1,000元", "1000"),
        ("技术交易额（元）", "１２３４．５", "1234.50"),
        ("技术交易额（万元）", 123.4567, "1234567"),
        ("技术交易额（万元）", "600", "6000000"),
        ("技术交易额（万元）", "1,200.5", "12005000"),
        ("技术交易额 (万元)", 0.01, "100"),
    ],
)
def test_amounts_with_separators_and_wan_columns(tmp_path, header, typed, expected):
    wb = valid_workbook()
    ws = wb[CONTRACT]
    ws["E1"] = header
    ws["E2"] = typed
    data = read_workbook(save(wb, tmp_path / "m.xlsx"))
    amount = next(c for _, c in data.claims if c.type == "tech_contract").get("amount")
    assert isinstance(amount, Decimal) and amount == Decimal(expected)


def test_enumerations_accept_labels_or_codes_and_loose_parentheses(tmp_path):
    wb = valid_workbook()
    wb[RECOGNITION]["C2"] = "engineering_center"
    put(wb[RECOGNITION], {"平台或载体名称": "乳品工程技术研究中心"}, row=2)  # a platform is named (core.platform_names)
    put(
        wb[RECOGNITION],
        {
            "统一社会信用代码": B,
            "认定类别": "工程(技术)研究中心",
            "级别": "regional",
            "认定/获批日期": "2026-05-01",
            "平台或载体名称": "稀土材料工程技术研究中心",
        },
    )
    data = read_workbook(save(wb, tmp_path / "e.xlsx"))
    kinds = [(c.get("kind"), c.get("level")) for _, c in data.claims if c.type == "recognition"]
    assert kinds == [("engineering_center", "national"), ("engineering_center", "regional")]


def test_columns_in_any_order_blank_rows_and_lowercase_codes(tmp_path):
    wb = valid_workbook()
    ws = wb[COMPANIES_SHEET]
    ws.move_range("A1:A3", cols=12)  # 统一社会信用代码 moved to the far right
    ws["M3"] = B.lower()
    ws.insert_rows(3, 4)  # blank rows between companies
    ws["B5"] = "   "
    data = read_workbook(save(wb, tmp_path / "o.xlsx"))
    assert [c.uscc for c in data.companies] == [A, B]


def test_a_title_above_the_table_and_remark_only_rows_are_ignored(tmp_path):
    wb = valid_workbook()
    ws = wb[COMPANIES_SHEET]
    ws.insert_rows(1, 2)
    ws["A1"] = "2026年申报企业名单"
    ws.merge_cells("A1:D1")
    ws["K7"] = "以下为补报企业"  # 备注 only
    data = read_workbook(save(wb, tmp_path / "t.xlsx"))
    assert [c.uscc for c in data.companies] == [A, B]


def test_formula_with_a_cached_value_is_read(tmp_path):
    path = save(valid_workbook(), tmp_path / "f.xlsx")
    path = patch_sheet(path, CONTRACT, set_cell_xml("E2", '<c r="E2"><f>3000000*2</f><v>6000000</v></c>'))
    data = read_workbook(path)
    assert next(c for _, c in data.claims if c.type == "tech_contract").get("amount") == Decimal("6000000")


def test_known_companies_need_not_be_on_the_company_sheet(tmp_path):
    wb = valid_workbook()
    other = uscc(99)
    put(
        wb[CONTRACT],
        {
            "统一社会信用代码": other,
            "合同登记编号": "X-1",
            "合同登记日期": "2026-04-01",
            "技术交易额（元）": 1000,
            "已获自治区技术交易后补助": "否",
        },
    )
    path = save(wb, tmp_path / "k.xlsx")
    asked = []
    data = read_workbook(path, known_uscc=lambda code: asked.append(code) or code == other)
    assert other in [u for u, _ in data.claims] and asked == [other]


def test_a_wrong_dimension_does_not_hide_rows(tmp_path):
    path = save(valid_workbook(), tmp_path / "dim.xlsx")
    path = patch_sheet(path, COMPANIES_SHEET, lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1"', x))
    assert len(read_workbook(path).companies) == 2


# ---------------------------------------------------------------- one subject, several claims


def _wide(text: str) -> str:
    """Digits as full-width characters, as an input method may type them."""
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def _contract(number, day, amount, flag="是"):
    return {
        "统一社会信用代码": A,
        "合同登记编号": number,
        "合同登记日期": day,
        "技术交易额（元）": amount,
        "已获自治区技术交易后补助": flag,
    }


def test_a_supplementary_agreement_is_a_second_claim_counted_together(tmp_path):
    """Issue 12: a contract's supplement (same number, another date and amount) is accepted, and said to be
    counted together with the contract, naming the sheet and both rows."""
    wb = valid_workbook()
    put(wb[CONTRACT], _contract(_wide("2026150701000021") + " ", "2026-06-30", 1500000))  # the same number
    put(wb[CONTRACT], _contract("2026150701000099", "2026-07-01", 100000))
    data = read_workbook(save(wb, tmp_path / "s.xlsx"))
    contracts = [c for _, c in data.claims if c.type == "tech_contract"]
    assert [c.id for c in contracts] == [f"{CONTRACT}第{n}行" for n in (2, 3, 4)]
    assert contracts[0].subject == contracts[1].subject != contracts[2].subject
    (note,) = data.notes
    assert (note.sheet, note.rows, note.uscc) == (CONTRACT, (2, 3), A)
    assert note.text.startswith(
        "同一合同（技术合同2026150701000021）的2项申报合并计算：技术交易额相加后按条款计算补贴和上限"
    )
    assert str(note).startswith(f"{CONTRACT}第2、3行：同一合同")


def test_only_a_claim_that_says_exactly_the_same_is_a_duplicate(tmp_path):
    """Text is compared in its normal form (full-width, spaces, case), so a row typed again differently is
    still the same claim; one that differs in any field is another claim of the subject."""
    wb = valid_workbook()
    put(wb[CONTRACT], _contract(" " + _wide("2026150701000021"), dt.datetime(2026, 3, 18), "6,000,000.00"))
    put(wb[CONTRACT], _contract("2026150701000021", dt.datetime(2026, 3, 18), 6000000, "否"))
    problems = problems_of(save(wb, tmp_path / "d.xlsx"))
    assert [(p.cell, p.header) for p in problems] == [("C3", "合同登记编号")]
    assert problems[0].reason.startswith("与第2行重复：同一事项重复申报") and "请删除其中一行" in problems[0].reason


def test_platforms_are_told_apart_by_name_on_the_claim_and_history_sheets(tmp_path):
    wb = valid_workbook()
    lab = {"统一社会信用代码": A, "认定类别": "重点实验室", "级别": "自治区级", "认定/获批日期": "2026-05-01"}
    put(wb[RECOGNITION], {**lab, "平台或载体名称": "乳品加工重点实验室"})
    put(wb[RECOGNITION], {**lab, "平台或载体名称": "牧草育种重点实验室"})
    old = {"统一社会信用代码": A, "认定类别": "重点实验室", "级别": "自治区级", "认定日期": "2020-05-01"}
    put(wb[RECOGNITIONS_SHEET], {**old, "平台或载体名称": "乳品加工重点实验室", "证书或文件编号": "ZD-1"})
    put(wb[RECOGNITIONS_SHEET], {**old, "平台或载体名称": "牧草育种重点实验室", "证书或文件编号": "ZD-2"})
    put(
        wb[RECOGNITIONS_SHEET],
        {**old, "平台或载体名称": "牧草育种重点实验室", "阶段": "培育期", "认定日期": "2019-05-01"},
    )
    data = read_workbook(save(wb, tmp_path / "p.xlsx"))
    labs = [c for _, c in data.claims if c.get("kind") == "key_lab"]
    assert len(labs) == 2 and labs[0].subject != labs[1].subject and data.notes == []
    assert [r for u, r in data.recognitions if u == A] == [
        Recognition("key_lab", "regional", dt.date(2020, 5, 1), "ZD-1", "", "乳品加工重点实验室", "approved"),
        Recognition("key_lab", "regional", dt.date(2020, 5, 1), "ZD-2", "", "牧草育种重点实验室", "approved"),
        Recognition("key_lab", "regional", dt.date(2019, 5, 1), "", "", "牧草育种重点实验室", "cultivation"),
    ]
    # history the store could not tell apart: one kind, level and day, no certificate numbers
    put(wb[RECOGNITIONS_SHEET], {**old, "平台或载体名称": "草原生态重点实验室", "认定日期": "2021-05-01"})
    put(wb[RECOGNITIONS_SHEET], {**old, "平台或载体名称": "饲草加工重点实验室", "认定日期": "2021-05-01"})
    (problem,) = problems_of(save(wb, tmp_path / "h.xlsx"))
    assert (problem.sheet, problem.cell) == (RECOGNITIONS_SHEET, "C7") and "请分别填写证书或文件编号" in problem.reason
    # two rows naming one platform on one day say the same thing: one is a duplicate
    wb = valid_workbook()
    put(wb[RECOGNITION], {**lab, "平台或载体名称": "乳品加工重点实验室"})
    put(wb[RECOGNITION], {**lab, "平台或载体名称": "乳品加工重点实验室"})
    problems = problems_of(save(wb, tmp_path / "q.xlsx"))
    assert [(p.sheet, p.cell) for p in problems] == [(RECOGNITION, "C4")] and "与第3行重复" in problems[0].reason


def test_a_re_recognition_of_one_platform_is_noted_as_one_subject(tmp_path):
    wb = valid_workbook()
    lab = {"统一社会信用代码": A, "认定类别": "重点实验室", "级别": "自治区级", "平台或载体名称": "乳品加工重点实验室"}
    put(wb[RECOGNITION], {**lab, "认定/获批日期": "2026-05-01"})
    put(wb[RECOGNITION], {**lab, "认定/获批日期": "2026-09-01", "阶段": "期满续签"})
    (note,) = read_workbook(save(wb, tmp_path / "r.xlsx")).notes
    assert note.rows == (3, 4) and note.text.startswith(
        "同一认定事项（自治区级重点实验室“乳品加工重点实验室”）的2项申报合并计算："
    )
    assert "按次支持的条款（如再次认定、期满续签）逐次计算" in note.text


def test_the_sample_workbook_reads_without_problems():
    data = read_workbook(SAMPLE)
    assert data.award_year == 2026 and data.batch_name == "2026年第一批科技创新奖补"
    assert len(data.companies) == 30
    cities = {c.city for c in data.companies}
    assert cities == {"hulunbuir", "baotou", "tongliao"}
    assert all(c.bank_name and c.bank_account for c in data.companies)
    types = {c.type for _, c in data.claims}
    from core.vocabulary import load_vocabulary

    assert types == set(load_vocabulary().claim_types)  # every claim type appears
    assert {y for _, r in data.rd for y in [r.year]} == {2023, 2024, 2025}
    invest = next(c for _, c in data.claims if c.type == "investment")
    assert invest.get("total_investment") == Decimal("320000000")  # the sheet's （万元） column


def test_the_sample_script_is_deterministic(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "样例.xlsx"
    subprocess.run(
        [sys.executable, "scripts/make_sample.py", "-o", str(out)],
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.read_bytes() == SAMPLE.read_bytes(), (
        "resources/samples/申报样例.xlsx is stale: run scripts/make_sample.py"
    )


def test_the_sample_triggers_hulunbuir_rules(policies):
    from excel_support import engine_lines

    lines = engine_lines(read_workbook(SAMPLE), policies)
    rules = {l.rule_id for l in lines}
    assert {
        "hlb-01-hte-first",
        "hlb-01-hte-repeat",
        "hlb-01-tech-sme-3y",
        "hlb-02-rd-post-subsidy",
        "hlb-12-tech-contract",
        "hlb-13-transfer-service",
        "hlb-08-prize",
    } <= rules


# ---------------------------------------------------------------- malformed workbooks


def _set(sheet, cell, value):
    def mutate(wb):
        wb[sheet][cell] = value

    return mutate


def _general(sheet, cell):
    def mutate(wb):
        wb[sheet][cell].number_format = "General"

    return mutate


def _put(sheet, values):
    def mutate(wb):
        put(wb[sheet], values)

    return mutate


def _xml(sheet, ref, xml):
    return ("xml", sheet, set_cell_xml(ref, xml))


def _many(*mutations):
    def mutate(wb):
        for m in mutations:
            m(wb)

    return mutate


def _delete_col(sheet, idx):
    def mutate(wb):
        wb[sheet].delete_cols(idx)

    return mutate


def _remove_sheet(name):
    def mutate(wb):
        wb.remove(wb[name])

    return mutate


def _merge(sheet, rng):
    def mutate(wb):
        wb[sheet].merge_cells(rng)

    return mutate


def _no_year(wb):
    wb["批次信息"]["B2"] = None


def _empty(wb):
    for name in (
        COMPANIES_SHEET,
        CONTRACT,
        RD_SHEET,
        RD_CLAIM,
        RECOGNITIONS_SHEET,
        RECOGNITION,
        TECH_SME_SHEET,
        TECH_SME,
    ):
        ws = wb[name]
        ws.delete_rows(2, ws.max_row)


def _header_late(wb):
    ws = wb[TECH_SME_SHEET]
    ws.delete_rows(1, ws.max_row)
    ws["C12"] = "统一社会信用代码"


# (name, mutation, [(sheet, cell or "", header, words in the reason)])
MALFORMED = [
    (
        "uscc_check_character",
        _set(COMPANIES_SHEET, "A2", A[:17] + ("0" if A[17] != "0" else "1")),
        [(COMPANIES_SHEET, "A2", "统一社会信用代码", "校验位错误")],
    ),
    ("uscc_length", _set(COMPANIES_SHEET, "A3", B[:16]), [(COMPANIES_SHEET, "A3", "统一社会信用代码", "应为18位")]),
    (
        "uscc_bad_letter",
        _set(COMPANIES_SHEET, "A3", B[:10] + "I" + B[11:]),
        [(COMPANIES_SHEET, "A3", "", "不允许的字符")],
    ),
    (
        "uscc_as_number",
        _set(COMPANIES_SHEET, "A3", 911502031234567890),
        [(COMPANIES_SHEET, "A3", "", "应以文本格式填写")],
    ),
    (
        "city_not_in_list",
        _set(COMPANIES_SHEET, "C2", "呼伦贝尔"),
        [(COMPANIES_SHEET, "C2", "所属盟市", "不在可选范围内")],
    ),
    (
        "size_not_in_list",
        _set(COMPANIES_SHEET, "E2", "特大型"),
        [(COMPANIES_SHEET, "E2", "企业规模", "小微企业、中型企业")],
    ),
    ("name_missing", _set(COMPANIES_SHEET, "B3", None), [(COMPANIES_SHEET, "B3", "企业名称", "必填项未填写")]),
    (
        "duplicate_company",
        _put(COMPANIES_SHEET, {"统一社会信用代码": A, "企业名称": "重复", "所属盟市": "通辽市"}),
        [(COMPANIES_SHEET, "A4", "统一社会信用代码", "与第2行重复")],
    ),
    (
        "account_lost_digits",
        _set(COMPANIES_SHEET, "H2", 6.222020600012346e18),
        [(COMPANIES_SHEET, "H2", "账号", "已经丢失")],
    ),
    ("account_letters", _set(COMPANIES_SHEET, "H2", "62220A"), [(COMPANIES_SHEET, "H2", "账号", "只能是数字")]),
    (
        "account_without_bank",
        _set(COMPANIES_SHEET, "G2", None),
        [(COMPANIES_SHEET, "G2", "开户行", "开户行也必须填写")],
    ),
    ("bank_without_account", _set(COMPANIES_SHEET, "H2", None), [(COMPANIES_SHEET, "H2", "账号", "账号也必须填写")]),
    ("phone_garbage", _set(COMPANIES_SHEET, "J2", "找王经理"), [(COMPANIES_SHEET, "J2", "电话", "格式不正确")]),
    ("date_impossible", _set(CONTRACT, "D2", "2026-13-01"), [(CONTRACT, "D2", "合同登记日期", "不是有效日期")]),
    ("date_words", _set(CONTRACT, "D2", "去年三月"), [(CONTRACT, "D2", "合同登记日期", "2025年11月20日")]),
    (
        "date_fraction",
        _many(_set(CONTRACT, "D2", 45981.5), _general(CONTRACT, "D2")),
        [(CONTRACT, "D2", "合同登记日期", "不是有效日期")],
    ),
    (
        "date_serial_out_of_range",
        _many(_set(CONTRACT, "D2", 100), _general(CONTRACT, "D2")),
        [(CONTRACT, "D2", "合同登记日期", "不是有效日期")],
    ),
    ("date_implausible", _set(CONTRACT, "D2", dt.datetime(1900, 3, 1)), [(CONTRACT, "D2", "", "日期不合理")]),
    ("date_missing", _set(CONTRACT, "D2", None), [(CONTRACT, "D2", "合同登记日期", "必填项未填写")]),
    ("money_text", _set(CONTRACT, "E2", "六百万"), [(CONTRACT, "E2", "技术交易额（元）", "不是可识别的金额")]),
    ("money_negative", _set(CONTRACT, "E2", -5000), [(CONTRACT, "E2", "技术交易额（元）", "不能为负数")]),
    ("money_beyond_fen", _set(CONTRACT, "E2", "1234.567"), [(CONTRACT, "E2", "", "应精确到分")]),
    (
        "money_float_noise",
        ("xml", CONTRACT, set_cell_xml("E2", '<c r="E2"><v>0.30000000000000004</v></c>')),
        [(CONTRACT, "E2", "技术交易额（元）", "应精确到分")],
    ),
    (
        "money_wan_beyond_fen",
        _many(_set(CONTRACT, "E1", "技术交易额（万元）"), _set(CONTRACT, "E2", 1.2345678)),
        [(CONTRACT, "E2", "技术交易额（万元）", "应精确到分")],
    ),
    ("money_too_large", _set(CONTRACT, "E2", "50000亿"), [(CONTRACT, "E2", "", "金额过大")]),
    ("money_is_a_date", _set(CONTRACT, "E2", dt.datetime(2026, 1, 1)), [(CONTRACT, "E2", "", "应为金额")]),
    ("bool_maybe", _set(CONTRACT, "F2", "也许"), [(CONTRACT, "F2", "已获自治区技术交易后补助", "应填“是”或“否”")]),
    ("enum_long_list", _set(RECOGNITION, "C2", "高企"), [(RECOGNITION, "C2", "认定类别", "请从下拉列表中选择")]),
    ("year_words", _set(RD_SHEET, "C3", "二〇二五"), [(RD_SHEET, "C3", "年度", "应为整数")]),
    ("year_implausible", _set(RD_SHEET, "C3", 1800), [(RD_SHEET, "C3", "年度", "年度不合理")]),
    ("year_in_a_date_cell", _set(RD_SHEET, "C3", dt.datetime(1905, 7, 17)), [(RD_SHEET, "C3", "年度", "日期格式")]),
    (
        "rd_duplicate_year",
        _put(RD_SHEET, {"统一社会信用代码": A, "年度": 2025, "研发费用（元）": 1}),
        [(RD_SHEET, "C4", "年度", "与第3行重复")],
    ),
    ("rd_deducted_exceeds", _set(RD_SHEET, "F3", "4,000,000"), [(RD_SHEET, "F3", "", "不能大于当年研发费用")]),
    ("rd_deducted_without_flag", _set(RD_SHEET, "E3", "否"), [(RD_SHEET, "E3", "", "应为“是”")]),
    (
        "unknown_company",
        _put(
            CONTRACT,
            {
                "统一社会信用代码": uscc(77),
                "合同登记编号": "X",
                "合同登记日期": "2026-1-5",
                "技术交易额（元）": 1,
                "已获自治区技术交易后补助": "否",
            },
        ),
        [(CONTRACT, "A3", "统一社会信用代码", "不在“企业信息”表中")],
    ),
    ("company_name_mismatch", _set(CONTRACT, "B2", "呼伦贝尔丙公司"), [(CONTRACT, "B2", "企业名称", "不一致")]),
    (
        "duplicate_claim",
        _put(
            CONTRACT,
            {
                "统一社会信用代码": A,
                "合同登记编号": "2026150701000021",
                "合同登记日期": dt.datetime(2026, 3, 18),
                "技术交易额（元）": 6000000,
                "已获自治区技术交易后补助": "是",
            },
        ),
        [(CONTRACT, "C3", "合同登记编号", "与第2行重复：同一事项重复申报（各列填写的内容完全相同）")],
    ),
    (
        "duplicate_history_recognition",
        _put(
            RECOGNITIONS_SHEET,
            {"统一社会信用代码": B, "认定类别": "高新技术企业", "级别": "国家级", "认定日期": "2023-11-01"},
        ),
        [(RECOGNITIONS_SHEET, "C3", "认定类别", "与第2行重复：同一企业的同一项认定只需填一行")],
    ),
    (
        "registration_twice",
        _put(TECH_SME_SHEET, {"统一社会信用代码": A, "入库年度": 2026}),
        [(TECH_SME_SHEET, "C4", "入库年度", "历史表中请删除")],
    ),
    (
        "history_in_the_future",
        _put(TECH_SME_SHEET, {"统一社会信用代码": A, "入库年度": 2027}),
        [(TECH_SME_SHEET, "C4", "", "晚于兑现年度")],
    ),
    ("missing_company_sheet", _remove_sheet(COMPANIES_SHEET), [(COMPANIES_SHEET, "", "", "缺少工作表“企业信息”")]),
    ("missing_required_column", _delete_col(RECOGNITION, 3), [(RECOGNITION, "", "认定类别", "缺少必填列“认定类别”")]),
    ("unknown_header", _set(CONTRACT, "G1", "交易额"), [(CONTRACT, "G1", "交易额", "无法识别的列标题")]),
    ("duplicate_header", _set(CONTRACT, "H1", "合同登记编号"), [(CONTRACT, "H1", "", "列标题重复（与C列相同）")]),
    ("data_without_header", _set(CONTRACT, "J2", "备查"), [(CONTRACT, "J2", "", "没有可识别的列标题")]),
    (
        "merged_data_cells",
        _merge(COMPANIES_SHEET, "D2:D3"),
        [(COMPANIES_SHEET, "D2", "", "数据区不能合并单元格（D2:D3）")],
    ),
    ("merged_header", _merge(CONTRACT, "A1:B1"), [(CONTRACT, "A1", "", "标题行不能合并单元格")]),
    (
        "formula_without_value",
        _set(CONTRACT, "E2", "=3000000*2"),
        [(CONTRACT, "E2", "技术交易额（元）", "公式没有计算结果")],
    ),
    ("error_value", _set(CONTRACT, "E2", "#DIV/0!"), [(CONTRACT, "E2", "", "错误值“#DIV/0!”")]),
    (
        "text_too_long",
        _xml(CONTRACT, "C2", f'<c r="C2" t="inlineStr"><is><t>{"号" * 33000}</t></is></c>'),
        [(CONTRACT, "C2", "合同登记编号", "文字过长")],
    ),
    (
        "unknown_sheet_with_data",
        lambda wb: wb.create_sheet("Sheet1").append(["统一社会信用代码"]),
        [("Sheet1", "", "", "无法识别的工作表")],
    ),
    ("award_year_missing", _no_year, [("批次信息", "B2", "兑现年度", "未填写兑现年度")]),
    ("award_year_words", _set("批次信息", "B2", "明年"), [("批次信息", "B2", "兑现年度", "应为整数")]),
    ("empty_workbook", _empty, [(COMPANIES_SHEET, "", "", "没有任何企业或申报数据")]),
    ("header_not_found", _header_late, [(TECH_SME_SHEET, "", "", "找不到标题行")]),
]


@pytest.mark.parametrize("name, mutate, expected", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_workbook_is_refused_with_the_cell_and_reason(tmp_path, name, mutate, expected):
    wb = valid_workbook()
    if isinstance(mutate, tuple):
        _, sheet, patch = mutate
        path = patch_sheet(save(wb, tmp_path / f"{name}.xlsx"), sheet, patch)
    else:
        mutate(wb)
        path = save(wb, tmp_path / f"{name}.xlsx")
    problems = problems_of(path)
    for sheet, cell, header, words in expected:
        hits = [
            p
            for p in problems
            if p.sheet == sheet and p.cell == cell and words in p.reason and (not header or p.header == header)
        ]
        assert hits, f"expected {sheet}!{cell} “{words}”, got:\n" + "\n".join(map(str, problems))
        if cell:
            assert hits[0].column == re.match(r"[A-Z]+", cell)[0] and hits[0].row == int(re.search(r"\d+", cell)[0])
    assert len(MALFORMED) >= 30


def test_all_problems_are_reported_at_once(tmp_path):
    wb = valid_workbook()
    _set(COMPANIES_SHEET, "C2", "呼伦贝尔")(wb)
    _set(CONTRACT, "D2", "2026-13-01")(wb)
    _set(CONTRACT, "E2", "abc")(wb)
    _set(RD_SHEET, "C3", "明年")(wb)
    problems = problems_of(save(wb, tmp_path / "多处.xlsx"))
    assert {p.cell for p in problems} >= {"C2", "D2", "E2", "C3"}
    text = str(problems[0])
    assert text.startswith("工作表“") and "第" in text and "列" in text


def test_problem_list_is_capped(tmp_path):
    wb = valid_workbook()
    ws = wb[TECH_SME_SHEET]
    for _ in range(60):
        ws.append(["坏代码", None, "坏年份"])
    problems = problems_of(save(wb, tmp_path / "很多.xlsx"), limits=Limits(problems=50))
    assert len(problems) == 51 and problems[-1].reason == "问题过多，只列出前50处"


def test_a_workbook_that_is_not_our_template_is_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["公司", "金额"])
    wb.active.append(["甲", 100])
    path = tmp_path / "别的表.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookRefused, match="不是本程序的申报模板"):
        read_workbook(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(WorkbookRefused, match="找不到文件"):
        read_workbook(tmp_path / "没有.xlsx")
    with pytest.raises(WorkbookRefused, match="是文件夹"):
        read_workbook(tmp_path)


def test_file_size_limit(tmp_path):
    path = save(valid_workbook(), tmp_path / "大.xlsx")
    with pytest.raises(WorkbookRefused, match="文件过大"):
        read_workbook(path, limits=Limits(file_bytes=10_000))


def test_row_limit(tmp_path):
    wb = valid_workbook()
    for i in range(30):
        wb[TECH_SME_SHEET].append([A, None, 1990 + i])
    with pytest.raises(WorkbookRefused, match="超过20行数据"):
        read_workbook(save(wb, tmp_path / "行多.xlsx"), limits=Limits(rows=20))


def test_reading_reports_progress_and_can_be_cancelled():
    from core.progress import Cancelled

    seen = []
    read_workbook(SAMPLE, progress=lambda done, total, text="": seen.append((done, total)))
    total = seen[-1][1]
    assert total > 0 and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(Cancelled):
        read_workbook(SAMPLE, cancel=lambda: True)
    asked = []
    with pytest.raises(Cancelled):  # asked again while sheets are read, not only before
        read_workbook(SAMPLE, cancel=lambda: asked.append(1) or len(asked) > 2)


# ---------------------------------------------------------------- numbers as calamine gives them


@pytest.mark.parametrize(
    "stored, expected",
    [
        ("1234567.89", "1234567.89"),
        ("6000000", "6000000.00"),
        ("0.1", "0.10"),
        ("0.01", "0.01"),
        ("0", "0.00"),
        ("100.10", "100.10"),
        ("999999999999.99", "999999999999.99"),  # the largest amount below 1万亿, 15 digits
        ("1.5E3", "1500.00"),
        ("1E-2", "0.01"),
        # 17 significant digits (Excel writes up to 17): the same double as 1234567.89, which is what Excel shows
        ("1234567.8899999999", "1234567.89"),
    ],
)
def test_number_cells_become_exact_decimals(tmp_path, stored, expected):
    """calamine gives a number cell as the float nearest the text in the file; the shortest decimal that
    reads back as that float is that text for any amount of up to 15 significant digits."""
    path = patch_sheet(
        save(valid_workbook(), tmp_path / "n.xlsx"), CONTRACT, set_cell_xml("E2", f'<c r="E2"><v>{stored}</v></c>')
    )
    amount = next(c for _, c in read_workbook(path).claims if c.type == "tech_contract").get("amount")
    assert isinstance(amount, Decimal) and str(amount) == expected


@pytest.mark.parametrize(
    "stored, words",
    [
        ("1234567.891", "应精确到分"),
        ("1000000000000", "金额过大"),
        ("-0.01", "不能为负数"),
        ("nan", "数值无效"),
        ("-inf", "数值无效"),
    ],
)
def test_number_cells_that_are_not_an_amount(tmp_path, stored, words):
    path = patch_sheet(
        save(valid_workbook(), tmp_path / "n.xlsx"), CONTRACT, set_cell_xml("E2", f'<c r="E2"><v>{stored}</v></c>')
    )
    (p,) = [p for p in problems_of(path) if p.cell == "E2"]
    assert words in p.reason


# ---------------------------------------------------------------- what the package scan sees


def _scan_of(tmp_path, patch, sheet=COMPANIES_SHEET, **limits):
    from core.excel.package import inspect_package

    path = patch_sheet(save(valid_workbook(), tmp_path / "s.xlsx"), sheet, patch)
    return inspect_package(path, Limits(**limits)).sheet(sheet)


@pytest.mark.parametrize(
    "row_xml, hidden",
    [
        ('<row r="3" hidden="1">', True),
        ('<row r="3" hidden="true">', True),
        ('<row r="3" hidden=" 1 ">', True),
        ('<row r="3" hidden="&#49;">', True),  # a character reference Excel decodes, so the scan must too
        ('<row r="3" hidden="0">', False),
        ('<row r="3" ht="2.5" customHeight="1">', True),
        ('<row r="3" ht="3" customHeight="1">', False),
        ('<row r="3" x:hidden="1" xmlns:x="urn:other">', False),
    ],
)
def test_the_scan_finds_hidden_rows_however_written(tmp_path, row_xml, hidden):
    scan = _scan_of(tmp_path, lambda x: x.replace('<row r="3">', row_xml, 1))
    assert (3 in scan.hidden_rows) is hidden


def test_the_scan_reads_prefixed_elements_and_default_column_widths(tmp_path):
    def prefixed(x):
        x = x.replace(f'<worksheet xmlns="{SHEET_NS}"', f'<s:worksheet xmlns:s="{SHEET_NS}"', 1)
        x = re.sub(r"<(/?)(?!s:)([a-zA-Z]+)([ >/])", r"<\1s:\2\3", x[x.index("<s:worksheet") :])
        return x.replace('<s:row r="2">', '<s:row r="2" hidden="1">')

    scan = _scan_of(tmp_path, prefixed)
    assert scan.hidden_rows == {2} and scan.last_row == 3
    scan = _scan_of(
        tmp_path,
        lambda x: x.replace("<sheetFormatPr ", '<sheetFormatPr defaultColWidth="0" ', 1).replace(
            "<cols>",
            '<cols><col min="1" max="3" width="0.4" customWidth="1"/>'
            '<col min="4" max="11" width="12" customWidth="1"/>',
        ),
    )
    assert [c for c in range(1, 14) if scan.column_hidden(c)] == [1, 2, 3, 12, 13]


def test_a_sheet_whose_values_end_beyond_the_row_limit_is_refused(tmp_path):
    """The limit is on the last row holding a value, blank rows in between included: it bounds what the
    cell reader allocates. (The template's 填表说明 sheet has about 200 rows, hence the figures.)"""
    path = patch_sheet(
        save(valid_workbook(), tmp_path / "远.xlsx"),
        COMPANIES_SHEET,
        lambda x: x.replace(
            "</sheetData>", '<row r="240"><c r="B240" t="inlineStr"><is><t>远处</t></is></c></row></sheetData>'
        ),
    )
    with pytest.raises(WorkbookRefused, match="工作表“企业信息”有超过230行数据"):
        read_workbook(path, limits=Limits(rows=230))
    assert [(p.cell, p.reason) for p in problems_of(path, limits=Limits(rows=240))] == [
        ("A240", "必填项未填写"),
        ("C240", "必填项未填写"),
    ]


def test_a_data_area_too_large_for_its_rows_is_refused(tmp_path):
    path = patch_sheet(
        save(valid_workbook(), tmp_path / "宽.xlsx"),
        COMPANIES_SHEET,
        set_cell_xml("K3", '<c r="Z3" t="inlineStr"><is><t>远</t></is></c>'),
    )
    with pytest.raises(WorkbookRefused, match="数据区域过大（到第3行、第26列）"):
        read_workbook(path, limits=Limits(rows=10, cells_per_row=7))


def test_cells_beyond_what_the_scan_counted_are_refused(tmp_path, monkeypatch):
    """The scan and calamine parse the same bytes; if they ever disagree about where the data ends, the
    file is refused rather than read past what the safety checks saw."""
    from core.excel import package, reader

    real = package.inspect_package

    def short(path, limits):
        scan = real(path, limits)
        scan.sheet(COMPANIES_SHEET).last_row = 2
        return scan

    monkeypatch.setattr(reader, "inspect_package", short)
    with pytest.raises(WorkbookRefused, match="数据与检查结果不一致"):
        read_workbook(save(valid_workbook(), tmp_path / "x.xlsx"))


def test_the_row_limit_comes_from_the_store_setting():
    from core.excel.package import DEFAULT_LIMITS, import_limits

    settings = {"import.max_rows": "100000"}
    raised = import_limits(lambda key, default=None: settings.get(key, default))
    assert raised.rows == 100_000 and raised.shared_strings == 1_250_000  # grown with the rows
    assert raised.file_bytes == DEFAULT_LIMITS.file_bytes
    for bad in ("abc", "500", "5000000", None):
        settings["import.max_rows"] = bad
        assert import_limits(lambda key, default=None: settings.get(key, default)) == DEFAULT_LIMITS
    assert import_limits() == DEFAULT_LIMITS


@pytest.mark.parametrize(
    "code, value, hidden",
    [
        (";;;", 6000000.0, True),
        (";;;", "呼伦贝尔甲科技有限公司", True),
        (";;;", dt.date(2026, 3, 18), True),
        (";;;", 0.0, False),  # a zero shown blank is a blank to the clerk
        ('"";"";""', 5.0, True),
        (";;;@", 5.0, True),
        (";;;@", "文字", False),
        ("0;-0;;@", 5.0, False),
        ("0;-0;;@", 0.0, False),
        ("0;;", -5.0, True),
        ("0;;", 5.0, False),
        ("[>100]0;;", 5.0, True),  # conditional sections: any empty one may be chosen
        ("#,##0.00;[Red]-#,##0.00", 5.0, False),
        ('_(* #,##0_);_(* (#,##0);_(* "-"??_);_(@_)', 5.0, False),
        ("[$¥-804]#,##0;;", 5.0, False),
        ("_-;_-;_-", 5.0, True),
        ("* ;* ;* ", 5.0, True),
        ("[Red];;", 5.0, True),
    ],
)
def test_number_formats_that_show_nothing(code, value, hidden):
    from core.excel.package import _number_format

    assert _number_format(code).hides(value) is hidden


def test_a_cell_formatted_to_show_nothing_is_refused_only_when_it_holds_something(tmp_path):
    wb = valid_workbook()
    for cell in ("E2", "F2"):  # 6,000,000 and 是
        wb[CONTRACT][cell].number_format = ";;;"
    wb[RD_SHEET]["D2"].number_format = "0;-0;;@"  # hides zeros only: 2,000,000 shows
    problems = problems_of(save(wb, tmp_path / "格式.xlsx"))
    assert [(p.sheet, p.cell) for p in problems] == [(CONTRACT, "E2"), (CONTRACT, "F2")]
    assert "数字格式（;;;）" in problems[0].reason


def test_subjects_claimed_more_than_once_are_noted_in_the_order_first_claimed(tmp_path):
    """Issue 12's notes, kept as the reader now holds only a digest per subject: one note per subject with every
    row of it (three rows of one contract in one note), in the order each subject was first claimed."""
    wb = valid_workbook()  # row 2: contract 2026150701000021
    put(wb[CONTRACT], _contract("2026150701000077", "2026-07-01", 100000))  # row 3
    put(wb[CONTRACT], _contract("2026150701000077", "2026-08-01", 200000))  # row 4: row 3's subject again
    put(wb[CONTRACT], _contract("2026150701000021", "2026-06-30", 1500000))  # row 5: row 2's subject again
    put(wb[CONTRACT], _contract("2026150701000021", "2026-09-30", 50000))  # row 6: and again
    data = read_workbook(save(wb, tmp_path / "n.xlsx"))
    assert [(n.sheet, n.rows) for n in data.notes] == [(CONTRACT, (2, 5, 6)), (CONTRACT, (3, 4))]
    assert data.notes[0].text.startswith("同一合同（技术合同2026150701000021）的3项申报合并计算")


def test_a_code_checked_once_is_still_refused_where_it_is_wrong(tmp_path):
    """Valid codes are remembered per workbook; a wrong one is refused on every row that has it."""
    wb = valid_workbook()
    wrong = A[:-1] + ("0" if A[-1] != "0" else "1")
    put(wb[CONTRACT], {**_contract("2026150701000078", "2026-07-01", 100000), "统一社会信用代码": wrong})
    put(wb[CONTRACT], {**_contract("2026150701000079", "2026-07-02", 100000), "统一社会信用代码": wrong})
    problems = problems_of(save(wb, tmp_path / "u.xlsx"))
    assert [(p.sheet, p.row, p.header) for p in problems] == [
        (CONTRACT, 3, "统一社会信用代码"),
        (CONTRACT, 4, "统一社会信用代码"),
    ]
