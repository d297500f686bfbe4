"""The kinds of official list, and the fields a list's columns are read as."""

from __future__ import annotations

HIGH_TECH, TECH_SME, PLATFORMS = "high_tech", "tech_sme", "platforms"
KIND_LABELS = {
    HIGH_TECH: "高新技术企业认定/备案名单",
    TECH_SME: "科技型中小企业入库名单",
    PLATFORMS: "平台载体认定名单（重点实验室、技术创新中心、孵化器、众创空间等）",
}
KIND_SHORT = {HIGH_TECH: "高企名单", TECH_SME: "科小入库名单", PLATFORMS: "平台载体名单"}

# field -> (label, headers that name it in published lists, most usual first). Headers are compared after
# core.excel.layout.normalize_header (spaces, brackets and a trailing colon do not matter).
FIELDS = {
    "seq": ("序号", ("序号", "编号序号", "序")),
    "company": (
        "企业名称",
        (
            "企业名称",
            "单位名称",
            "公司名称",
            "企业（单位）名称",
            "申报单位",
            "依托单位",
            "建设单位",
            "运营单位",
            "运营主体",
            "依托单位名称",
            "名称",
        ),
    ),
    "uscc": ("统一社会信用代码", ("统一社会信用代码", "社会信用代码", "信用代码", "组织机构代码")),
    "number": (
        "证书编号/入库编号",
        ("证书编号", "入库编号", "入库登记编号", "登记编号", "编号", "证书号", "认定编号", "备案编号"),
    ),
    "date": (
        "认定日期/批次",
        (
            "认定日期",
            "发证日期",
            "发证时间",
            "认定时间",
            "入库日期",
            "入库时间",
            "批准日期",
            "公布日期",
            "批次",
            "认定批次",
            "入库批次",
            "年度",
        ),
    ),
    "region": ("所在地区", ("所在地区", "地区", "所属地区", "所在盟市", "盟市", "所在地", "地市", "旗县区")),
    "platform_name": (
        "平台或载体名称",
        ("平台名称", "载体名称", "实验室名称", "中心名称", "孵化器名称", "众创空间名称", "平台（载体）名称"),
    ),
    "platform_kind": ("平台类别", ("类别", "平台类别", "类型", "平台类型")),
    "level": ("级别", ("级别", "层级")),
}
REQUIRED = {HIGH_TECH: ("company",), TECH_SME: ("company",), PLATFORMS: ("company",)}
# Fields each kind reads; others are not offered for mapping.
KIND_FIELDS = {
    HIGH_TECH: ("seq", "company", "uscc", "number", "date", "region"),
    TECH_SME: ("seq", "company", "uscc", "number", "date", "region"),
    PLATFORMS: ("seq", "company", "uscc", "number", "date", "region", "platform_name", "platform_kind", "level"),
}
MAPPING_SETTING = "lists.mapping.{kind}"  # the store setting remembering a kind's mapping (JSON field -> header)


def field_label(name: str) -> str:
    return FIELDS[name][0]


def kind_of(text: str) -> str | None:
    """A kind from its key or its Chinese name (高企, 科小, 平台)."""
    t = (text or "").strip()
    if t in KIND_LABELS:
        return t
    for key, words in (
        (HIGH_TECH, ("高新", "高企")),
        (TECH_SME, ("科技型中小", "科小", "入库")),
        (PLATFORMS, ("平台", "载体", "实验室", "孵化", "众创", "创新中心")),
    ):
        if any(w in t for w in words):
            return key
    return None
