"""``store.audit``: reading and checking the hash-chained audit log (writing it is Store.writing's part)."""

from __future__ import annotations

from core.store import audit, audit_log, verify
from core.store.managers.base import Manager, Progress, Tx, change


class AuditLog(Manager):
    def entries(
        self,
        *,
        target: str | None = None,
        action: str | None = None,
        who: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[audit_log.AuditRecord]:
        return self._read(
            lambda s: audit_log.entries(
                s, target=target, action=action, who=who, limit=limit, newest_first=newest_first
            )
        )

    @change("record_export")
    def record_export(self, tx: Tx, what: str, target: str, detail: dict | None = None) -> None:
        """Log a file written for use outside the program (资金拨付明细表, 公示名单, a list): what, of what, where."""
        audit.log(tx.s, "export.write", target, None, {"what": what, **(detail or {})})

    def head(self) -> tuple[int, str]:
        """(number, hash) of the last audit entry: write it down to catch a rewritten log later."""
        return self._read(audit_log.head)

    def verify(self, progress: Progress | None = None, expect: tuple[int, str] | None = None) -> verify.Report:
        """Check the hash chain and every protected row against what the audited changes left.

        ``expect``: (number, hash) of an entry written down earlier (``head()``), which must still be there.
        """
        return self._read(verify.verify, progress, expect)
