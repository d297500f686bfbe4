"""One cell's value, as openpyxl gives it, to the type its column holds.

openpyxl returns int, float, str, bool or datetime. Money never goes through
a float calculation: a float is turned into the shortest decimal that prints
as it (``Decimal(repr(x))``, which is what Excel showed the clerk) and is
refused unless that is exact to the fen. Every refusal is a
:class:`~core.vocabulary.FieldError` whose message is for a clerk.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from core.excel.layout import ACCOUNT, COMPANY_NAME, PHONE, USCC, Column, normalize_header
from core.money import FEN, WAN, MoneyError, parse_amount
from core.uscc import normalize_uscc, uscc_problem
from core.vocabulary import FieldError, FieldSpec, Vocabulary, parse_bool, parse_date

MONEY_LIMIT = Decimal("1000000000000")  # 1万亿: beyond any award, and beyond 大写金额
EXACT_DIGITS = 10**15  # integers above this are not exact in an Excel number cell
_BLANKS = "\u00a0\u3000\u200b\ufeff"
BLANK_CHARS = " \t\r\n" + _BLANKS  # what a cell may hold and still be blank


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(BLANK_CHARS))


def _text(value, label: str) -> str:
    if isinstance(value, str):
        return value.strip(" \t\r\n" + _BLANKS)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < EXACT_DIGITS:
            return str(int(value))
        if not math.isfinite(value) or abs(value) >= EXACT_DIGITS:
            raise FieldError(
                f"“{label}”被Excel当作数字保存，已丢失位数（显示为{value!r}），请把单元格设为文本格式后重新输入"
            )
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _decimal_of_float(value: float) -> Decimal:
    if not math.isfinite(value):
        raise FieldError("不是有效的数值")
    return Decimal(repr(value))


def to_money(value, unit: str, label: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        raise FieldError(f"“{label}”应为金额，实际为{_text(value, label)}")
    factor = WAN if unit == "万元" else 1
    try:
        if isinstance(value, float):
            amount = _decimal_of_float(value) * factor
        elif isinstance(value, int):
            amount = Decimal(value) * factor
        else:
            amount = parse_amount(str(value), unit=unit)
    except (MoneyError, InvalidOperation):
        raise FieldError(f"“{label}”不是可识别的金额（可写1234.5、1,234.50或12.5万）") from None
    if amount < 0:
        raise FieldError(f"“{label}”不能为负数")
    if amount >= MONEY_LIMIT:
        raise FieldError(f"“{label}”金额过大，请核对单位（元/万元）")
    if amount != amount.quantize(FEN):
        raise FieldError(f"“{label}”应精确到分（元以下最多两位小数），实际为{amount.normalize():f}元")
    return amount.quantize(FEN)


def to_date(value, label: str) -> dt.date:
    if isinstance(value, bool):
        raise FieldError(f"“{label}”不是有效日期")
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"“{label}”不是有效日期：{value!r}")
        value = int(value)
    if isinstance(value, dt.time):
        raise FieldError(f"“{label}”是时间而不是日期")
    if isinstance(value, str):
        value = value.strip(" \t\r\n" + _BLANKS).translate(_FULLWIDTH_DIGITS)
    day = parse_date(value, label)
    if not 1950 <= day.year <= 2100:
        raise FieldError(f"“{label}”日期不合理：{day.isoformat()}")
    return day


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")


def to_int(value, spec, vocab: Vocabulary) -> int:
    if isinstance(value, (dt.date, dt.datetime)):
        raise FieldError(
            f"“{spec.label}”单元格被设成了日期格式（显示为{_text(value, spec.label)}），"
            "请把单元格格式改为“常规”后重新填写"
        )
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"“{spec.label}”应为整数，实际为{value!r}")
        value = int(value)
    if isinstance(value, str):
        value = value.strip(" \t\r\n" + _BLANKS).translate(_FULLWIDTH_DIGITS)
    return vocab.parse_field(spec, value)


def to_bool(value, label: str) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip(" \t\r\n" + _BLANKS)
    return parse_bool(value, label)


def to_enum(value, spec, vocab: Vocabulary) -> str:
    text = _text(value, spec.label)
    enum = spec.enum
    key = vocab.key_for_label(enum, text)
    if key is None:
        wanted = normalize_header(text)
        key = next((k for k, lab in vocab.enums[enum].items() if normalize_header(lab) == wanted), None)
    if key is None:
        labels = list(vocab.enums[enum].values())
        if len(labels) <= 12:
            raise FieldError(f"“{spec.label}”的值不在可选范围内（{'、'.join(labels)}）")
        raise FieldError(f"“{spec.label}”的值不在可选范围内，请从下拉列表中选择（共{len(labels)}项，见“填表说明”）")
    return key


def to_uscc(value, label: str) -> str:
    if not isinstance(value, str):
        raise FieldError(f"“{label}”应以文本格式填写（写成数字会丢失位数或前导零），请把单元格设为文本后重新输入")
    code = normalize_uscc(value)
    problem = uscc_problem(code)
    if problem:
        raise FieldError(problem)
    return code


_ACCOUNT_SEPARATORS = re.compile(r"[\s\-－_" + _BLANKS + "]")
_PHONE = re.compile(r"[0-9+\-－()（）\s转,，、/]{5,40}")


def to_account(value, label: str) -> str:
    if isinstance(value, float) and not (value.is_integer() and abs(value) < EXACT_DIGITS):
        raise FieldError("账号被Excel当作数字保存，超过15位的部分已经丢失，请把单元格设为文本格式后重新输入完整账号")
    text = _ACCOUNT_SEPARATORS.sub("", _text(value, label)).translate(_FULLWIDTH_DIGITS)
    if not text.isdigit() or not text.isascii() or not 6 <= len(text) <= 32:
        raise FieldError("账号只能是数字（6至32位，可以有空格），请核对")
    return text


def to_phone(value, label: str) -> str:
    text = _text(value, label)
    if not _PHONE.fullmatch(text):
        raise FieldError("电话号码格式不正确（如0470-8123456或13904701234）")
    return text


def convert(column: Column, value, unit: str, vocab: Vocabulary, header: str | None = None):
    """The typed value of a non-blank cell for ``column``, or FieldError.

    ``header`` is the column's header as written in the file, named in messages.
    """
    return converter(column, unit, vocab, header)(value)


def converter(
    column: Column, unit: str, vocab: Vocabulary, header: str | None = None, usccs: dict | None = None
) -> Callable[[object], object]:
    """``convert`` for one column of a sheet, with what does not depend on the cell worked out once.

    ``usccs`` (code as written -> code), shared by the sheets of one workbook, holds the codes already found
    valid: a company's code is checked once, and its rows share one string.
    """
    spec = column.spec
    if header and header != spec.label:
        spec = FieldSpec(spec.name, spec.type, header, spec.required, spec.default)
    kind, label = spec.type, spec.label
    if kind == USCC:
        known = usccs if usccs is not None else {}

        def uscc(value):
            code = known.get(value) if isinstance(value, str) else None
            if code is None:
                code = to_uscc(value, label)
                known[value] = code = value if code == value else code
            return code

        return uscc
    if kind == ACCOUNT:
        return lambda value: to_account(value, label)
    if kind == PHONE:
        return lambda value: to_phone(value, label)
    if kind == COMPANY_NAME:
        return lambda value: _text(value, label)
    if kind == "text":
        texts: dict[str, str] = {}  # the first of equal texts: a bank's name on 100,000 rows is held once

        def text(value):
            out = _text(value, label)
            return texts.setdefault(out, out) if len(texts) < 1000 else texts.get(out, out)

        return text
    if kind == "money":
        unit = unit or "元"
        return lambda value: to_money(value, unit, label)
    if kind == "date":
        return lambda value: to_date(value, label)
    if kind in ("year", "int"):
        return lambda value: to_int(value, spec, vocab)
    if kind == "bool":
        return lambda value: to_bool(value, label)
    if spec.enum:
        found: dict = {}  # text as written -> enum key: a sheet's rows use a few labels

        def enum(value):
            key = found.get(value) if isinstance(value, str) else None
            if key is None:
                key = to_enum(value, spec, vocab)
                if isinstance(value, str) and len(found) < 1000:
                    found[value] = key
            return key

        return enum
    raise FieldError(f"未知字段类型“{kind}”")  # pragma: no cover - the vocabulary loader checks types
