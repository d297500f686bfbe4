"""``store.settings``: the program's settings and the administrators' overrides of policy parameters."""

from __future__ import annotations

import dataclasses

from core.policy.policyset import Override, PolicySet
from core.store import overrides
from core.store.managers.base import Manager, Tx, change
from core.store.overrides import OverrideRecord

LOCK_MINUTES_KEY = "security.lock_minutes"  # the screen locks after this many idle minutes
DEFAULT_LOCK_MINUTES = 10


class Settings(Manager):
    def __call__(self) -> dict[str, str]:
        """``store.settings()``: every setting (the form callers used before the managers)."""
        return self.all()

    # ------------------------------------------------------------ settings
    def all(self) -> dict[str, str]:
        return self._read(overrides.all_settings)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._read(overrides.get_setting, key, default)

    @change("set_setting", once_more_on_clash=True)
    def set(self, tx: Tx, key: str, value: str) -> None:
        """Change a setting (administrators only, once users exist)."""
        overrides.set_setting(tx.s, key, value)

    def lock_minutes(self) -> int:
        """Idle minutes before the screen locks (setting ``security.lock_minutes``, default 10)."""
        try:
            value = int(self.get(LOCK_MINUTES_KEY, str(DEFAULT_LOCK_MINUTES)) or "")
        except ValueError:
            return DEFAULT_LOCK_MINUTES
        return value if value > 0 else DEFAULT_LOCK_MINUTES

    # ------------------------------------------------------------ overrides of policy parameters
    def overrides(self, include_revoked: bool = False) -> list[OverrideRecord]:
        return self._read(overrides.list_overrides, include_revoked)

    def override(self, override_id: int) -> OverrideRecord:
        return self._read(overrides.get_override, override_id)

    @change("add_override", once_more_on_clash=True)
    def add_override(self, tx: Tx, o: Override, policies: PolicySet | None = None) -> int:
        """Store an override; with ``policies``, first check that it names a real rule and parameter.

        Administrators only once users exist; ``o.who`` is then the logged-in administrator.
        """
        oid = overrides.add_override(tx.s, dataclasses.replace(o, who=tx.as_actor(o.who, "调整人")), policies)
        tx.changed(settings=[overrides.VERSION_KEY])  # the overrides' version counter went up with it
        return oid

    @change("revoke_override")
    def revoke_override(self, tx: Tx, override_id: int, who: str | None = None) -> None:
        overrides.revoke_override(tx.s, override_id, tx.as_actor(who, "撤销人"))
        tx.changed(settings=[overrides.VERSION_KEY])

    @change("add_override")
    def replace_override(
        self, tx: Tx, override_id: int, new: Override, who: str | None = None, policies: PolicySet | None = None
    ) -> int:
        """Change an override: the old one is revoked and the new one stored, together."""
        overrides.revoke_override(tx.s, override_id, tx.as_actor(who, "调整人"))
        new = dataclasses.replace(new, who=tx.as_actor(new.who, "调整人"))
        oid = overrides.add_override(tx.s, new, policies)
        tx.changed(settings=[overrides.VERSION_KEY])
        return oid

    def policies_with_overrides(self, policies: PolicySet) -> PolicySet:
        return self._read(lambda s: overrides.with_overrides(policies, overrides.list_overrides(s)))
