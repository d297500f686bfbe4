"""The sheets and columns of a batch workbook, derived from the vocabulary.

Company and history sheets follow the records they fill (CompanyProfile,
Recognition, RdYear); there is one claim sheet per claim type in
vocabulary.yaml with one column per field, so a new claim type or field there
is a new sheet or column here. The template writer and the reader both work
from :func:`workbook_layout`, so what is written is what is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.vocabulary import FieldSpec, Vocabulary

NOTES_SHEET = "填表说明"
BATCH_SHEET = "批次信息"
LISTS_SHEET = "选项"
ERRORS_SHEET = "错误清单"
COMPANIES_SHEET = "企业信息"
RECOGNITIONS_SHEET = "历史-认定记录"
TECH_SME_SHEET = "历史-科技型中小企业入库"
RD_SHEET = "历史-研发投入"
CLAIM_PREFIX = "申报-"
REMARK_HEADER = "备注"  # a free column on every sheet; the reader ignores it

BATCH_YEAR_LABEL = "兑现年度"
BATCH_NAME_LABEL = "批次名称"

# Column types besides the vocabulary's field types.
USCC, ACCOUNT, PHONE, COMPANY_NAME = "uscc", "account", "phone", "company_name"


@dataclass(frozen=True, slots=True)
class Column:
    spec: FieldSpec  # name, type, label (the header), required, default
    note: str
    example: str
    width: float

    @property
    def key(self) -> str:
        return self.spec.name

    @property
    def header(self) -> str:
        return self.spec.label

    @property
    def type(self) -> str:
        return self.spec.type


@dataclass(frozen=True, slots=True)
class SheetLayout:
    name: str
    kind: str  # companies | recognitions | tech_sme | rd | claim
    description: str
    columns: tuple  # Column
    claim_type: str | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# ---------------------------------------------------------------- headers

_PARENS = str.maketrans({"(": "（", ")": "）", "*": "", "＊": "", "[": "（", "]": "）", "【": "（", "】": "）"})
_SPACE = re.compile(r"\s+")
_UNIT = re.compile(r"（(万元|元)）$")


def normalize_header(text) -> str:
    """A header as typed, compared loosely: no spaces or *, full-width parentheses."""
    s = _SPACE.sub("", str(text).replace("\u3000", " ")).translate(_PARENS)
    return s.removesuffix("（必填）").removesuffix("（选填）")


def split_unit(header: str) -> tuple[str, str | None]:
    """``技术交易额（万元）`` -> (``技术交易额``, ``万元``)."""
    m = _UNIT.search(header)
    return (header[: m.start()], m[1]) if m else (header, None)


def match_header(column: Column, header: str) -> str | None:
    """The unit a header gives this column ("元", "万元", or "" for non-money), else None."""
    h = normalize_header(header)
    label = normalize_header(column.header)
    if column.type == "money":
        base, unit = split_unit(h)
        if base == split_unit(label)[0]:
            return unit or "元"
        return None
    return "" if h == label else None


def claim_sheet_name(label: str) -> str:
    """A sheet name for a claim type's label: Excel forbids / \\ ? * [ ] : and >31 characters."""
    name = CLAIM_PREFIX + label.replace("/", "、").replace("\\", "、")
    name = re.sub(r"[?*:\[\]？：]", "", name)
    return name[:31]


_NARROW = re.compile("[^\u2e80-\U0010ffff]+")


def display_width(text: str) -> int:
    """Columns ``text`` takes: characters from U+2E80 on (CJK and full-width forms) count two."""
    text = str(text)
    return len(text) if text.isascii() else len(text) + len(_NARROW.sub("", text))


# ---------------------------------------------------------------- columns

_TYPE_NOTES = {
    "text": "文字",
    "date": "日期，可写作2025-11-20、2025/11/20或2025年11月20日",
    "year": "4位年份，如2025",
    "int": "整数",
    "money": "金额（元），可写1234.5或1,234.50，精确到分；把列标题改为“（万元）”即按万元填写",
    "bool": "填“是”或“否”（从下拉列表选择）",
    USCC: "18位统一社会信用代码，按营业执照填写（单元格为文本格式，不要写成数字）",
    ACCOUNT: "银行账号，只写数字（单元格为文本格式，超过15位的数字写成数值会被Excel截断）",
    PHONE: "联系电话，如0470-8123456或13904701234",
    COMPANY_NAME: "可不填；填写时须与“企业信息”表中该代码的企业名称一致（用于核对代码是否填错）",
}

_EXAMPLES_BY_TYPE = {
    "text": "",
    "date": "2026-03-15",
    "year": "2025",
    "int": "3",
    "money": "1,200,000.00",
    "bool": "是",
    USCC: "91150702MA0N8XKQ2X",
    ACCOUNT: "0607001209000123456",
    PHONE: "0470-8123456",
    COMPANY_NAME: "呼伦贝尔示例科技有限公司",
}

# Examples that read better than the type's default, by field name.
_EXAMPLES_BY_NAME = {
    "name": "呼伦贝尔示例科技有限公司",
    "county": "海拉尔区",
    "industry": "农畜产品加工",
    "bank_name": "中国工商银行呼伦贝尔海拉尔支行",
    "contact": "王丽",
    "number": "GR202615000123",
    "project": "乳清蛋白提取技术转化",
    "person_id": "RC2026001",
    "person_name": "李明",
    "rule_id": "hlb-09-talent",
    "subject": "呼伦贝尔英才工程青年人才支持",
    "issued_in": "北京市",
}


def _width(spec: FieldSpec, vocab: Vocabulary) -> float:
    w = display_width(spec.label) + 2
    if spec.type == USCC:
        w = max(w, 22)
    elif spec.type in (ACCOUNT, PHONE):
        w = max(w, 22 if spec.type == ACCOUNT else 16)
    elif spec.type == "date":
        w = max(w, 13)
    elif spec.type == "money":
        w = max(w, 16)
    elif spec.enum:
        w = max(w, min(34, max(display_width(v) for v in vocab.enums[spec.enum].values()) + 3))
    elif spec.type == "text" or spec.type == COMPANY_NAME:
        wide = {"name": 30, "bank_name": 30, "company_name": 30, "project": 26, "subject": 26, "person_name": 12}
        w = max(w, wide.get(spec.name, 14))
    return float(min(w, 40))


def _note(spec: FieldSpec, vocab: Vocabulary) -> str:
    parts = ["必填。" if spec.required else "选填。"]
    if spec.enum:
        values = list(vocab.enums[spec.enum].values())
        shown = "、".join(values) if len(values) <= 12 else "、".join(values[:8]) + f"等{len(values)}项"
        parts.append(f"从下拉列表选择：{shown}")
    else:
        parts.append(_TYPE_NOTES.get(spec.type, spec.type))
    if spec.default is not None and not spec.required:
        default = (
            vocab.label(spec.enum, str(spec.default))
            if spec.enum
            else (("是" if spec.default else "否") if isinstance(spec.default, bool) else spec.default)
        )
        parts.append(f"。不填按“{default}”")
    if spec.note:
        parts.append(("" if parts[-1].endswith("。") else "。") + spec.note)
    return "".join(parts)


# Examples of fields whose name means another thing elsewhere (``name`` is also the company's name), by label.
_EXAMPLES_BY_LABEL = {
    "平台或载体名称": "呼伦贝尔市乳品加工重点实验室",
    "获奖项目名称": "乳清蛋白高值化利用关键技术",
    "合同登记编号": "2026150701000021",
}


def _example(spec: FieldSpec, vocab: Vocabulary) -> str:
    if spec.label in _EXAMPLES_BY_LABEL:
        return _EXAMPLES_BY_LABEL[spec.label]
    if spec.enum:
        values = vocab.enums[spec.enum]
        return values[str(spec.default)] if spec.default in values else next(iter(values.values()))
    if spec.type == "bool" and spec.default is not None:
        return "是" if spec.default else "否"
    return _EXAMPLES_BY_NAME.get(spec.name) or _EXAMPLES_BY_TYPE.get(spec.type, "")


def _column(
    vocab: Vocabulary,
    name: str,
    type_: str,
    label: str,
    required=False,
    default=None,
    note: str | None = None,
    example: str | None = None,
) -> Column:
    spec = FieldSpec(name, type_, label, required, default)
    return Column(
        spec, note or _note(spec, vocab), example if example is not None else _example(spec, vocab), _width(spec, vocab)
    )


def _uscc_column(vocab) -> Column:
    return _column(vocab, "uscc", USCC, "统一社会信用代码", True)


def _name_check_column(vocab) -> Column:
    return _column(vocab, "company_name", COMPANY_NAME, "企业名称")


def _remark(vocab) -> Column:
    return _column(vocab, "remark", "text", REMARK_HEADER, note="选填。供经办人或企业备注，导入时不读取", example="")


def workbook_layout(vocab: Vocabulary) -> list[SheetLayout]:
    """Every data sheet of a batch workbook, in template order."""
    c = _column
    sheets = [
        SheetLayout(
            COMPANIES_SHEET,
            "companies",
            "每家申报企业一行：基本信息与收款账户",
            (
                _uscc_column(vocab),
                c(vocab, "name", "text", "企业名称", True, note="必填。与营业执照一致"),
                c(vocab, "city", "enum:cities", "所属盟市", True),
                c(vocab, "county", "text", "旗县区"),
                c(vocab, "size", "enum:sizes", "企业规模", default="medium"),
                c(vocab, "industry", "text", "行业"),
                c(vocab, "bank_name", "text", "开户行", note="选填（拨付前须补齐）。开户银行全称，填写账号时必填"),
                c(vocab, "bank_account", ACCOUNT, "账号"),
                c(vocab, "contact", "text", "联系人"),
                c(vocab, "phone", PHONE, "电话"),
                _remark(vocab),
            ),
        ),
        SheetLayout(
            RECOGNITIONS_SHEET,
            "recognitions",
            "企业以前取得的认定、获批（判断“首次”“再次”用），本批次新申报的认定填在“申报-认定、获批”表",
            (
                _uscc_column(vocab),
                _name_check_column(vocab),
                c(vocab, "kind", "enum:recognition_kinds", "认定类别", True),
                c(vocab, "level", "enum:levels", "级别", example="国家级"),
                c(vocab, "date", "date", "认定日期", True, example="2023-11-01"),
                c(vocab, "number", "text", "证书或文件编号", example="GR202315000045"),
                c(
                    vocab,
                    "issued_in",
                    "text",
                    "发证省份（区外证书填写）",
                    note="选填。内蒙古自治区以外取得的证书填写发证省份，区内的不填",
                    example="",
                ),
                c(
                    vocab,
                    "name",
                    "text",
                    "平台或载体名称",
                    example="呼伦贝尔市乳品加工重点实验室",
                    note="重点实验室、技术创新中心等平台或载体必填，按证书填写，与申报表中的名称写法一致："
                    "判断连续支持、“新认定”“只支持一次”时，名称相同的视为同一平台，名称不同的视为另一个平台，"
                    "未填名称的平台记录不能导入；高新技术企业等企业称号不填",
                ),
                c(
                    vocab,
                    "stage",
                    "enum:stages",
                    "阶段",
                    default="approved",
                    note="选填。从下拉列表选择：认定/获批建设、培育期、期满续签。不填按“认定/获批建设”。"
                    "处于培育期的不算已认定（之后正式获批仍按“新认定”支持）",
                ),
                _remark(vocab),
            ),
        ),
        SheetLayout(
            TECH_SME_SHEET,
            "tech_sme",
            "以前年度科技型中小企业入库记录（判断“连续3年”用），本年度入库填在“申报-科技型中小企业入库”表",
            (
                _uscc_column(vocab),
                _name_check_column(vocab),
                c(vocab, "year", "year", "入库年度", True, example="2024"),
                _remark(vocab),
            ),
        ),
        SheetLayout(
            RD_SHEET,
            "rd",
            "近三个年度的研发费用（研发投入后补助按上年度与前年度的增量计算），每家企业每年一行",
            (
                _uscc_column(vocab),
                _name_check_column(vocab),
                c(vocab, "year", "year", "年度", True),
                c(vocab, "expense", "money", "研发费用（元）", True, example="3,250,000.00"),
                c(vocab, "super_deduction", "bool", "享受研发费用加计扣除", default=False, example="是"),
                c(
                    vocab,
                    "deducted",
                    "money",
                    "已加计扣除的研发费用（元）",
                    note="选填。不填按当年研发费用计",
                    example="3,100,000.00",
                ),
                c(vocab, "revenue", "money", "营业收入（元）", example="56,000,000.00"),
                _remark(vocab),
            ),
        ),
    ]
    names = {s.name for s in sheets} | {NOTES_SHEET, BATCH_SHEET, LISTS_SHEET, ERRORS_SHEET}
    for ctype in vocab.claim_types.values():
        name = claim_sheet_name(ctype.label)
        if name in names:
            raise ValueError(f"事项类型“{ctype.name}”的工作表名“{name}”与其他工作表重名，请修改词表中的名称")
        names.add(name)
        columns = [_uscc_column(vocab), _name_check_column(vocab)]
        for spec in ctype.fields.values():
            note = _note(spec, vocab)
            if ctype.name == "rd_post_subsidy" and spec.name == "rd_year":
                note = "选填。不填按兑现年度的上一年"
            columns.append(Column(spec, note, _example(spec, vocab), _width(spec, vocab)))
        columns.append(_remark(vocab))
        headers = [normalize_header(col.header) for col in columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"事项类型“{ctype.name}”有重复的字段名称")
        sheets.append(
            SheetLayout(name, "claim", f"本批次申报的“{ctype.label}”事项，每项一行", tuple(columns), ctype.name)
        )
    return sheets
