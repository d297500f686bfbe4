"""Password hashing with scrypt (memory-hard), and a delay that grows with failed attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# n=2**14, r=8, p=1 uses 16 MiB per hash; about 50 ms on a clerk's PC.
N, R, P = 2**14, 8, 1
DKLEN = 32
PREFIX = "scrypt"


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """``scrypt$n$r$p$salt_hex$hash_hex``: everything needed to verify it later."""
    if not password:
        raise ValueError("密码不能为空")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=DKLEN, maxmem=128 * 1024 * 1024)
    return f"{PREFIX}${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        if prefix != PREFIX:
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(bytes.fromhex(digest)),
            maxmem=128 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering after ``failures`` consecutive wrong passwords: 0, 1, 2, 4 … 30."""
    if failures <= 0:
        return 0.0
    return float(min(30, 2 ** (failures - 1)))


def password_problem(password: str) -> str | None:
    """None when acceptable, else the reason in Chinese."""
    if len(password) < 8:
        return "密码至少8位"
    kinds = sum(any(f(c) for c in password) for f in (str.isdigit, str.isalpha, lambda c: not c.isalnum()))
    if kinds < 2:
        return "密码应至少包含字母、数字、符号中的两类"
    return None
