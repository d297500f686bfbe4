"""Long lists cut into pieces: by default short enough for one ``IN (...)`` list on both back ends."""

from __future__ import annotations

CHUNK = 500  # ids per IN (...) list: well inside SQLite's and PostgreSQL's limits


def chunks(ids, size: int = CHUNK):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
