"""An in-memory store for letters: batches, their lines and a LetterRegistry.

For tests, the benchmark and the sample-letter script, until core.store
implements the registry. It follows the contract in
core.letters.numbering.LetterRegistry exactly.
"""

from __future__ import annotations

import datetime as dt

from core.letters.numbering import ISSUE_KINDS, LetterNumber, assign_numbers, letter_companies, letter_year
from core.records import BatchRecord, LineRecord


class MemoryLetterStore:
    last_changes = None  # the store's record of what its last change touched (core.store.changes): none kept here

    def __init__(self):
        self._batches: dict[int, BatchRecord] = {}
        self._lines: dict[int, list[LineRecord]] = {}
        self._numbers: dict[tuple[int, str], LetterNumber] = {}
        self._last_serial: dict[int, int] = {}
        self.issues: list[tuple[int, str, str, str, dt.datetime]] = []

    # what a real store has
    def close(self) -> None:
        """Nothing to close: the screens close the store they were given as the program ends."""

    def put_batch(self, batch: BatchRecord, lines: list[LineRecord]) -> None:
        """Add or correct a batch (a correction keeps every number already given)."""
        self._batches[batch.id] = batch
        self._lines[batch.id] = list(lines)

    def batch(self, batch_id: int) -> BatchRecord:
        try:
            return self._batches[batch_id]
        except KeyError:
            raise LookupError(f"找不到批次{batch_id}") from None

    def lines(self, batch_id: int, check: str = "") -> list[LineRecord]:  # nothing sealed to check here
        self.batch(batch_id)
        return list(self._lines[batch_id])

    # LetterRegistry
    def letter_numbers(self, batch_id: int) -> dict[str, tuple[int, int]]:
        batch = self.batch(batch_id)
        usccs = letter_companies(self._lines[batch_id])
        held = {u: n for (b, u), n in self._numbers.items() if b == batch_id}
        year = letter_year(batch)
        new = assign_numbers(held, usccs, year, self._last_serial.get(year, 0))
        for uscc, number in new.items():
            self._numbers[(batch_id, uscc)] = number
            self._last_serial[year] = max(self._last_serial.get(year, 0), number.serial)
        held.update(new)
        return {u: held[u] for u in usccs}

    def record_letter_issue(self, batch_id: int, uscc: str, kind: str, who: str) -> None:
        if kind not in ISSUE_KINDS:
            raise ValueError(f"unknown letter issue kind {kind!r}")
        self.issues.append((batch_id, uscc, kind, who, dt.datetime.now()))
