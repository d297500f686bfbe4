"""The shared words: enumerations and claim types, read from vocabulary.yaml.

Field values arrive as text from workbooks and as JSON from case files;
:func:`parse_field` turns either into the one Python type the engine reads
(``Decimal`` for money, ``date``, ``int`` for years, ``bool``, enum name).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from core.money import MoneyError, parse_amount
from core.paths import POLICIES

FIELD_TYPES = ("text", "date", "year", "int", "money", "bool")

# The program's own words, each with its one Chinese label (screens, messages, exports and letters all say it so).
# A batch's status: imported and calculated (draft), approved by a reviewer, paid out.
DRAFT, APPROVED, PAID = "draft", "approved", "paid"
BATCH_STATUSES = (DRAFT, APPROVED, PAID)
BATCH_STATUS_LABELS = {DRAFT: "草稿", APPROVED: "已审批", PAID: "已拨付"}

# A user's roles (core.identity.roles: what each may do is core.identity.permissions).
PREPARER, REVIEWER, ADMIN = "preparer", "reviewer", "admin"
ROLES = (PREPARER, REVIEWER, ADMIN)
ROLE_LABELS = {PREPARER: "经办人", REVIEWER: "审核人", ADMIN: "管理员"}


def batch_status_label(status: str) -> str:
    return BATCH_STATUS_LABELS.get(status, status)


class FieldError(ValueError):
    """A field value that does not fit its type; the message is for a clerk."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str  # one of FIELD_TYPES or "enum:<name>"
    label: str
    required: bool
    default: object = None
    sums: bool = False  # an amount that adds up over the claims of one subject (a contract's parts)
    note: str = ""  # what the clerk must know to fill it in (the template's 填表说明), e.g. how it names a subject

    @property
    def enum(self) -> str | None:
        return self.type[5:] if self.type.startswith("enum:") else None


@dataclass(frozen=True, slots=True)
class ClaimType:
    name: str
    label: str
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class Vocabulary:
    enums: dict[str, dict[str, str]]
    claim_types: dict[str, ClaimType]

    def label(self, enum: str, key: str) -> str:
        return self.enums[enum].get(key, key)

    def key_for_label(self, enum: str, text: str) -> str | None:
        """Enum name for what a clerk typed: the name itself or its Chinese label."""
        values = self.enums[enum]
        if text in values:
            return text
        for key, label in values.items():
            if label == text:
                return key
        return None

    def parse_field(self, spec: FieldSpec, raw):
        """Convert ``raw`` to the field's type or raise FieldError (Chinese)."""
        kind = spec.type
        if kind == "text":
            if isinstance(raw, (dict, list)):
                raise FieldError(f"“{spec.label}”应为文本")
            return str(raw).strip()
        if kind == "money":
            try:
                return parse_amount(raw)
            except MoneyError as exc:
                raise FieldError(f"“{spec.label}”{exc}") from None
        if kind == "date":
            return parse_date(raw, spec.label)
        if kind in ("year", "int"):
            return _parse_int(raw, spec.label, year=kind == "year")
        if kind == "bool":
            return parse_bool(raw, spec.label)
        enum = spec.enum
        assert enum is not None  # a field that is neither date, number nor yes/no names its enum
        key = self.key_for_label(enum, str(raw).strip()) if raw is not None else None
        if key is None:
            allowed = "、".join(self.enums[enum].values())
            raise FieldError(f"“{spec.label}”的值“{raw}”不在可选范围内（{allowed}）")
        return key


_TRUE = {"true", "是", "yes", "y", "1", "√", "有"}
_FALSE = {"false", "否", "no", "n", "0", "×", "无", ""}


def parse_bool(raw, label: str = "") -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(f"“{label}”应填“是”或“否”，实际为“{raw}”")


def _parse_int(raw, label: str, *, year: bool) -> int:
    if isinstance(raw, bool):
        raise FieldError(f"“{label}”应为整数")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
        value = int(raw)
    else:
        text = str(raw).strip().removesuffix("年").removesuffix("位")
        if not re.fullmatch(r"-?\d+", text):
            raise FieldError(f"“{label}”应为整数，实际为“{raw}”")
        value = int(text)
    if year and not 1990 <= value <= 2100:
        raise FieldError(f"“{label}”年度不合理：{value}")
    return value


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(raw, label: str = "日期") -> dt.date:
    """A date in the forms clerks type, or an Excel date serial number."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        serial = int(raw)
        if 20000 <= serial <= 80000:  # 1954 .. 2119 as Excel serials
            return _EXCEL_EPOCH + dt.timedelta(days=serial)
        raise FieldError(f"“{label}”不是有效日期：{raw}")
    text = str(raw).strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise FieldError(f"“{label}”不是有效日期：“{raw}”（可写作2025-11-20、2025/11/20或2025年11月20日）")


def _read(path) -> Vocabulary:
    from core.policy.yamlio import load_yaml  # the YAML parser, only when the file is read (start-up time)

    data = load_yaml(path)
    data.check_keys({"enums", "claim_types"}, {"enums", "claim_types"}, "词表：")
    enums = {name: dict(values) for name, values in data["enums"].items()}
    claim_types = {}
    for name, node in data["claim_types"].items():
        node.check_keys({"label", "fields"}, {"label", "fields"}, f"事项类型{name}：")
        fields = {}
        for fname, f in node["fields"].items():
            f.check_keys({"type", "label", "required", "default", "sums", "note"}, {"type", "label"}, f"字段{fname}：")
            ftype = f["type"]
            if ftype not in FIELD_TYPES and not (ftype.startswith("enum:") and ftype[5:] in enums):
                raise f.fail(f"未知字段类型“{ftype}”", "type")
            default = f.get("default")
            if default is not None and ftype.startswith("enum:") and default not in enums[ftype[5:]]:
                raise f.fail(f"默认值“{default}”不在词表中", "default")
            if f.get("sums") and ftype not in ("money", "int"):
                raise f.fail("只有金额或整数字段可以按事项累加（sums）", "sums")
            fields[fname] = FieldSpec(
                fname,
                ftype,
                f["label"],
                bool(f.get("required", False)),
                default,
                bool(f.get("sums", False)),
                str(f.get("note") or "").strip(),
            )
        claim_types[name] = ClaimType(name, node["label"], fields)
    return Vocabulary(enums, claim_types)


@lru_cache(maxsize=4)
def load_vocabulary(path=None) -> Vocabulary:
    return _read(path or POLICIES / "vocabulary.yaml")
