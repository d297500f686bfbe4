"""File names for exported letters: readable, and valid on Windows."""

from __future__ import annotations

import re

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(text: str, max_chars: int = 100) -> str:
    """``text`` as a file name: characters Windows forbids become ``_``, no trailing dots or spaces."""
    name = _FORBIDDEN.sub("_", text).strip().rstrip(". ")
    name = re.sub(r"\s+", " ", name)[:max_chars].rstrip(". ") or "_"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def letter_file_name(letter) -> str:
    """``内蒙古某某科技有限公司_呼科发〔2025〕12号.pdf``."""
    return f"{safe_file_name(letter.company_name, 80)}_{safe_file_name(letter.doc_number, 40)}.pdf"


def batch_file_name(batch) -> str:
    """One PDF with every letter of the batch: ``2026年第一批_兑现通知书.pdf``."""
    return f"{safe_file_name(batch.name, 80)}_兑现通知书.pdf"
