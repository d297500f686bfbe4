"""Checks on what goes into the store: each returns problems as Chinese sentences (empty = fine).

The workbook reader checks cells before this; these checks are the store's own
guard, shared by imports and by edits made on screen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.model import Claim, RdYear, Recognition
from core.money import FEN
from core.records import CompanyProfile
from core.store.models import AwardLineRow, Batch, Company, RecognitionRow, TechSmeRow
from core.text import text_problem
from core.uscc import uscc_problem
from core.vocabulary import Vocabulary

MIN_YEAR, MAX_YEAR = 1990, 2100
MONEY_LIMIT = Decimal("1e16")  # NUMERIC(18, 2): 16 digits before the point
PROFILE_TEXT = ("name", "county", "industry", "bank_name", "bank_account", "contact", "phone")

# Where a text read from a workbook ends up in a length-limited column: (sheet kind or claim type, field) -> column.
# Claim fields not listed live in the claims' JSON and are limited only by Excel's 32,767 characters.
TEXT_COLUMNS = {
    **{("companies", f): Company.__table__.c[f] for f in PROFILE_TEXT},
    ("recognitions", "number"): RecognitionRow.__table__.c.number,
    ("recognitions", "issued_in"): RecognitionRow.__table__.c.issued_in,
    ("recognitions", "name"): RecognitionRow.__table__.c.name,
    ("recognition", "number"): RecognitionRow.__table__.c.number,  # recorded as history at approval
    ("recognition", "name"): RecognitionRow.__table__.c.name,
    ("tech_sme_registration", "number"): TechSmeRow.__table__.c.number,
    ("flexible_talent", "person_id"): AwardLineRow.__table__.c.person,  # each line's person, and the ledger's
    ("batch", "name"): Batch.__table__.c.name,
}


def text_limit(kind: str, field: str) -> int | None:
    """The length of the column a workbook's text field is stored in, or None when it is not limited."""
    column = TEXT_COLUMNS.get((kind, field))
    return getattr(column.type, "length", None) if column is not None else None


PROFILE_LIMITS = {f: text_limit("companies", f) for f in PROFILE_TEXT}
PROFILE_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "单位名称",
    "city": "盟市",
    "county": "旗县区",
    "size": "企业规模",
    "industry": "行业",
    "bank_name": "开户行",
    "bank_account": "账号",
    "contact": "联系人",
    "phone": "联系电话",
}


def profile_problems(p: CompanyProfile, vocab: Vocabulary) -> list[str]:
    out = []
    problem = uscc_problem(p.uscc)
    if problem:
        out.append(problem)
    if not (p.name or "").strip():
        out.append("单位名称不能为空")
    if p.city not in vocab.enums["cities"]:
        out.append(f"盟市“{p.city}”不在可选范围内")
    if p.size not in vocab.enums["sizes"]:
        out.append(f"企业规模“{p.size}”不在可选范围内（{'、'.join(vocab.enums['sizes'])}）")
    for name, limit in PROFILE_LIMITS.items():
        value = getattr(p, name)
        if not isinstance(value, str):
            out.append(f"{PROFILE_LABELS[name]}应为文本")
        elif limit is not None and len(value) > limit:
            out.append(f"{PROFILE_LABELS[name]}过长（{len(value)}字，最多{limit}字）")
        elif (problem := text_problem(value)) is not None:
            out.append(f"{PROFILE_LABELS[name]}{problem}")
    return out


def year_problem(year, label: str = "年度") -> str | None:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        return f"{label}不合理：{year!r}"
    return None


def recognition_problems(r: Recognition, vocab: Vocabulary) -> list[str]:
    out = []
    if r.kind not in vocab.enums["recognition_kinds"]:
        out.append(f"认定类别“{r.kind}”不在词表中")
    if r.level is not None and r.level not in vocab.enums["levels"]:
        out.append(f"级别“{r.level}”不在可选范围内")
    if r.stage not in vocab.enums["stages"]:
        out.append(f"阶段“{r.stage}”不在可选范围内")
    for name, label in (("number", "证书或文件编号"), ("issued_in", "发证省份"), ("name", "平台或载体名称")):
        value, limit = getattr(r, name), text_limit("recognitions", name)
        if not isinstance(value, str) or (limit is not None and len(value) > limit):
            out.append(f"{label}应为不超过{limit}字的文本")
    if not isinstance(r.date, dt.date) or isinstance(r.date, dt.datetime):
        out.append(f"认定日期应为日期：{r.date!r}")
    elif (p := year_problem(r.date.year, "认定日期年份")) is not None:
        out.append(p)
    return out


def money_problem(value, label: str, *, required: bool = True) -> str | None:
    if value is None:
        return f"缺少{label}" if required else None
    if not isinstance(value, Decimal):
        return f"{label}应为Decimal金额，实际为{type(value).__name__}"
    if not value.is_finite() or value < 0:
        return f"{label}不能为负数：{value}"
    if value >= MONEY_LIMIT:
        return f"{label}过大：{value}"
    if value != value.quantize(FEN):
        return f"{label}最多保留两位小数（到分）：{value}"
    return None


def rd_problems(rd: RdYear) -> list[str]:
    out = []
    if (p := year_problem(rd.year, "研发费用年度")) is not None:
        out.append(p)
    label = f"{rd.year}年度"
    for value, what, required in (
        (rd.expense, "研发费用", True),
        (rd.deducted, "已加计扣除的研发费用", False),
        (rd.revenue, "营业收入", False),
    ):
        if (p := money_problem(value, label + what, required=required)) is not None:
            out.append(p)
    if not isinstance(rd.super_deduction, bool):
        out.append(f"{label}是否享受加计扣除应为是或否")
    return out


def claim_problems(claim: Claim, vocab: Vocabulary) -> list[str]:
    ctype = vocab.claim_types.get(claim.type)
    if ctype is None:
        return [f"事项{claim.id}的类型“{claim.type}”不在词表中"]
    out = []
    if not claim.id or len(claim.id) > 100:
        out.append(f"事项编号“{claim.id}”不合理（1至100个字符）")
    for name in ctype.fields:
        if ctype.fields[name].required and claim.fields.get(name) is None:
            out.append(f"事项{claim.id}缺少“{ctype.fields[name].label}”")
    for name, value in claim.fields.items():
        spec = ctype.fields.get(name)
        if spec is None:
            out.append(f"事项{claim.id}有词表中没有的字段“{name}”")
        elif spec.type == "money" and value is not None and (p := money_problem(value, spec.label)) is not None:
            out.append(f"事项{claim.id}：{p}")
    return out
