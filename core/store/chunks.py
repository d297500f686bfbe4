"""Long lists cut into pieces: by default short enough for one ``IN (...)`` list on both back ends."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

CHUNK = 500  # ids per IN (...) list: well inside SQLite's and PostgreSQL's limits


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Lists of ``size`` items, the last one shorter; ``items`` is read as it goes (a generator is never held whole)."""
    it = iter(items)
    while piece := list(islice(it, size)):
        yield piece
