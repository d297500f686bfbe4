"""Money in Decimal yuan: parsing, rounding, display and 大写金额.

Every amount in the program is a ``Decimal`` number of yuan. 万元 is only a
way of writing an amount, never a unit the code computes in.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0")
WAN = Decimal("10000")
YI = Decimal("100000000")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")
_LIMIT = Decimal("1000000000000")  # 1万亿: beyond any award and beyond 亿 groups


class MoneyError(ValueError):
    """An amount that cannot be read or written."""


def to_fen(value: Decimal) -> Decimal:
    """Round to 0.01 yuan, half up: the rounding every paid amount goes through."""
    return value.quantize(FEN, ROUND_HALF_UP)  # positional: a keyword costs quantize half as much again


def parse_amount(text: object, *, unit: str = "元") -> Decimal:
    """Read an amount as clerks write it: ``1,234.5``, ``１２３４``, ``12.5万``, ``¥1,000``.

    ``unit`` is the column's unit ("元" or "万元"); a trailing 万/万元/元 in the
    text wins over it. Floats are refused: they cannot hold money exactly.
    """
    if isinstance(value := text, Decimal):
        return value * WAN if unit == "万元" else value
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"金额不能是浮点数：{value!r}")
    if isinstance(value, int):
        return Decimal(value) * (WAN if unit == "万元" else 1)
    if not isinstance(value, str):
        raise MoneyError(f"无法识别的金额：{value!r}")
    s = value.strip().translate(_FULLWIDTH)
    s = s.replace(",", "").replace("，", "").replace(" ", "").replace("¥", "").replace("￥", "")
    s = s.removeprefix("人民币")
    factor = WAN if unit == "万元" else Decimal(1)
    for suffix, f in (("万元", WAN), ("亿元", YI), ("万", WAN), ("亿", YI), ("元", Decimal(1))):
        if s.endswith(suffix):
            s, factor = s[: -len(suffix)], f
            break
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise MoneyError(f"无法识别的金额：{value!r}")
    try:
        return Decimal(s) * factor
    except InvalidOperation as exc:  # pragma: no cover - regex above guards
        raise MoneyError(f"无法识别的金额：{value!r}") from exc


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def yuan(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from an int, Decimal or decimal string (never a float)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"金额不能是浮点数：{value!r}")
    return Decimal(value)


def fmt_yuan(value: Decimal) -> str:
    """``1234567.8`` -> ``1,234,567.80`` (always two decimals)."""
    return f"{value.quantize(FEN, ROUND_HALF_UP):,.2f}"  # to_fen(), written out: it is called often


def fmt_wan(value: Decimal) -> str:
    """An amount in 万元 for display: ``500000`` -> ``50万元``."""
    w = (value / WAN).normalize()
    text = f"{w:f}"
    return f"{text}万元"


def fmt_rate(rate: Decimal) -> str:
    """``0.05`` -> ``5%``."""
    pct = (rate * 100).normalize()
    return f"{pct:f}%"


def display_value(unit: str, value: Decimal) -> str:
    """A parameter value as a clerk reads it: yuan, a rate, or a count."""
    if unit == "yuan":
        return fmt_yuan(value) + "元"
    if unit == "rate":
        return fmt_rate(value)
    return f"{Decimal(value).normalize():f}"


def amount_in_words(value: Decimal) -> str:
    """大写金额 under the payment-settlement rules (支付结算办法 附一).

    人民币 directly before the amount; 整 after 元 when there are no 角分;
    no 整 after 角 or 分; one 零 for a run of zeros between digits; 零 after
    元 when 角 is 0 but 分 is not. Where the rules leave a 零 optional (元位
    zero before a non-zero 角) none is written.
    """
    value = to_fen(yuan(value))
    if value < 0:
        raise MoneyError("大写金额不能为负数")
    if value >= _LIMIT:
        raise MoneyError("金额超出可书写范围")
    fen_total = int(value * 100)
    integer, jiao, fen = fen_total // 100, (fen_total // 10) % 10, fen_total % 10
    words = _integer_words(integer)
    if jiao == 0 and fen == 0:
        return f"人民币{words or '零'}元整"
    out = f"{words}元" if words else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif words:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return "人民币" + out


def difference_in_words(value: Decimal) -> str:
    """An adjustment's difference in words: a negative one is written 冲减 before its amount.

    The settlement rules write only amounts paid; a summary of differences
    needs the sign, and 冲减 is what a bureau's ledger calls it.
    """
    value = to_fen(yuan(value))
    return "冲减" + amount_in_words(-value) if value < 0 else amount_in_words(value)


def _integer_words(n: int) -> str:
    if n == 0:
        return ""
    digits = str(n)
    out: list[str] = []
    pending_zero = False
    length = len(digits)
    for i, ch in enumerate(digits):
        pos = length - 1 - i  # power of ten
        d = int(ch)
        small, group = pos % 4, pos // 4
        if d == 0:
            pending_zero = bool(out)
        else:
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_DIGITS[d] + _SMALL_UNITS[small])
        if small == 0 and group > 0:
            group_digits = digits[max(0, i - 3) : i + 1]
            if int(group_digits):
                out.append(_GROUP_UNITS[group])
    return "".join(out)
