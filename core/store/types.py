"""Column types: money that never passes through a float, JSON that keeps Chinese readable."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.types import TypeDecorator

from core.money import FEN


class Money(TypeDecorator):
    """A Decimal number of yuan with at most two decimals (fen).

    PostgreSQL keeps it as NUMERIC(18, 2). SQLite has no exact decimal type:
    a NUMERIC column there converts values to 8-byte floats, so on SQLite the
    amount is kept as its decimal text ("1234.50") in a VARCHAR column, which
    SQLite leaves alone. Sums are therefore done in Python, never in SQL.
    """

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(24))
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, (float, bool)) or not isinstance(value, (int, Decimal)):
            raise TypeError(f"money must be int or Decimal, got {value!r}")
        amount = Decimal(value)
        exact = amount.quantize(FEN)
        if exact != amount:
            raise ValueError(f"amount {amount} has more than two decimals")
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) if isinstance(value, str) else Decimal(value).quantize(FEN)


def json_default(obj):
    """Dates and Decimals inside JSON (traces, claim fields) are kept as strings, never floats."""
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} cannot be stored as JSON")


# One encoder for every call: json.dumps with these options builds a new JSONEncoder each time it is called.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=json_default)


def dumps(obj) -> str:
    return _ENCODER.encode(obj)
