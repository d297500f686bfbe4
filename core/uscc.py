"""统一社会信用代码 (USCC) check under GB 32100-2015."""

from __future__ import annotations

from operator import mul

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (weights 3^(i-1) mod 31)."""
    total = sum(map(mul, map(_VALUE.__getitem__, first17), _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when ``code`` is a valid USCC, else the reason in Chinese."""
    if not isinstance(code, str):
        return "统一社会信用代码必须是文本"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [c for c in code if c not in _VALUE]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{bad[0]}”（只能是数字和除I、O、S、V、Z以外的大写字母）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”"
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def normalize_uscc(code: str) -> str:
    """Trim and upper-case what a clerk typed (full-width characters too)."""
    if isinstance(code, str) and code.isascii():
        return code.strip().replace(" ", "").upper()
    out = []
    for ch in str(code).strip():
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        out.append(ch)
    return "".join(out).replace(" ", "").upper()
