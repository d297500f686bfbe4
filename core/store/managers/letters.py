"""``store.letters``: award letter numbers and the record of letters issued (core.letters.numbering.LetterRegistry)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from core.store import letternumbers
from core.store.managers.base import Manager, Tx, change


class Letters(Manager):
    def numbers(self, batch_id: int) -> dict:
        """{uscc: (year, serial)} of the batch's letters; companies without one get the next serials of the year."""
        for attempt in (1, 2, 3):
            try:
                return self._number(batch_id)
            except IntegrityError:  # another clerk took the same serial at the same moment: count again
                if attempt == 3:
                    raise
        raise AssertionError("unreachable")

    @change("number_letters")
    def _number(self, tx: Tx, batch_id: int) -> dict:
        return letternumbers.letter_numbers(tx.s, batch_id)

    @change("issue_letter")
    def record_issue(self, tx: Tx, batch_id: int, uscc: str, kind: str, who: str) -> None:
        """Log a letter previewed, printed or written to PDF; once users exist, by the logged-in user."""
        letternumbers.record_letter_issue(tx.s, batch_id, uscc, kind, tx.actor or who)

    def issues(self, batch_id: int) -> list[tuple]:
        return self._read(letternumbers.letter_issues, batch_id)
