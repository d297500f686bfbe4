"""Claims to and from JSON: typed fields become strings, and come back through the vocabulary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.model import Claim
from core.vocabulary import FieldError, Vocabulary

# Raw values whose parse decode_claim remembers in a memo: hashable, and keyed with their type (1 and True)
_SCALARS = frozenset({str, int, bool})
_MISSING = object()


def encode_fields(claim: Claim) -> dict:
    """Claim fields as JSON values: Decimal and dates as strings, bool/int/str as they are."""
    out = {}
    for name, value in claim.fields.items():
        if value is None:
            continue
        if isinstance(value, (bool, int, str)):
            out[name] = value
        elif isinstance(value, Decimal):
            out[name] = str(value)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            out[name] = value.isoformat()
        else:
            raise TypeError(f"claim {claim.id}: field {name} has unsupported type {type(value).__name__}")
    return out


def decode_claim(
    ctype_name: str, claim_key: str, fields: dict, vocab: Vocabulary, memo: dict | None = None
) -> tuple[Claim, list[str]]:
    """The Claim as the engine reads it, and problems (Chinese) where the vocabulary changed since.

    Each stored value goes through the vocabulary's own field parser, so a
    money string comes back as the same Decimal and a date as a date. A field
    the vocabulary no longer knows is kept as stored text and reported.

    ``memo`` (a dict kept while many claims are read with one vocabulary): each text, yes/no or integer value of a
    field is parsed once and its typed value reused (immutable: text, Decimal, date, int, bool); a batch's claims
    repeat most of theirs (kinds, levels, stages, yes and no).
    """
    problems = []
    ctype = vocab.claim_types.get(ctype_name)
    if ctype is None:
        return Claim(ctype_name, claim_key, dict(fields), None), [f"事项{claim_key}的类型“{ctype_name}”已不在词表中"]
    typed = {}
    for name, raw in fields.items():
        key = (ctype_name, name, raw, type(raw)) if memo is not None and type(raw) in _SCALARS else None
        if key is not None:
            value = memo.get(key, _MISSING)  # type: ignore[union-attr]
            if value is not _MISSING:
                typed[name] = value
                continue
        spec = ctype.fields.get(name)
        if spec is None:
            typed[name] = raw
            problems.append(f"事项{claim_key}的字段“{name}”已不在词表中")
            continue
        try:
            typed[name] = vocab.parse_field(spec, raw)
        except FieldError as exc:
            typed[name] = raw
            problems.append(f"事项{claim_key}：{exc}")
            continue
        if key is not None:
            memo[key] = typed[name]  # type: ignore[index]
    date = typed.get("date")
    return Claim(ctype_name, claim_key, typed, date if isinstance(date, dt.date) else None), problems
