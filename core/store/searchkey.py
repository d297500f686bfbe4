"""The normalised text company search matches against."""

from __future__ import annotations

import unicodedata

_NAME_CHARS = 240


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), case folded, without whitespace: what a clerk's query is compared as."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def search_key(name: str, uscc: str) -> str:
    return f"{normalize(name)[:_NAME_CHARS]}|{normalize(uscc)}"
