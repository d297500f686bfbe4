"""Long id lists cut into pieces short enough for one ``IN (...)`` list on both back ends."""

from __future__ import annotations

CHUNK = 500  # ids per IN (...) list: well inside SQLite's and PostgreSQL's limits


def chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
