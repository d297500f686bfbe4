"""Parameter overrides (who changed which number, from when, why) and plain settings.

An override is never edited or deleted: revoking it keeps the row with who
revoked it and when, so every amount ever computed can be traced to the
parameters in force at the time. Each change bumps ``overrides.version``; a
batch remembers the version it was calculated with, and approval refuses a
batch calculated before the last change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.policy.policyset import Override, OverrideError, PolicySet
from core.store.audit import log, stamp
from core.store.errors import InvalidData, NotFound
from core.store.models import OverrideRow, Setting

VERSION_KEY = "overrides.version"


@dataclass(frozen=True)
class OverrideRecord:
    id: int
    override: Override
    revoked_at: dt.datetime | None = None
    revoked_by: str = ""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# ---------------------------------------------------------------- settings


def get_setting(s: Session, key: str, default: str | None = None) -> str | None:
    row = s.get(Setting, key)
    return row.value if row is not None else default


def set_setting(s: Session, key: str, value: str) -> None:
    if not isinstance(value, str):
        raise InvalidData(f"设置“{key}”的值应为文本")
    row = s.get(Setting, key, with_for_update=True)
    old = row.value if row is not None else None
    if old == value:
        return
    _write_setting(s, key, value, row)
    log(s, "setting.set", f"setting:{key}", None if old is None else {"value": old}, {"value": value})


def _write_setting(s: Session, key: str, value: str, row: Setting | None) -> None:
    """Write through ``row``, read under a lock by the caller (None: there was none). Two programs creating the same
    setting at once clash on its key; the store runs the loser's change again."""
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value
    s.flush()


def all_settings(s: Session) -> dict[str, str]:
    return {row.key: row.value for row in s.scalars(select(Setting).order_by(Setting.key))}


def overrides_version(s: Session) -> int:
    row = s.get(Setting, VERSION_KEY)
    return int(row.value) if row is not None else 0


def _bump_version(s: Session) -> None:
    """Part of the override change that calls it (its audit entry seals the setting too). The setting is read
    under a lock: two administrators changing overrides at once make two versions, not one."""
    row = s.get(Setting, VERSION_KEY, with_for_update=True)
    _write_setting(s, VERSION_KEY, str(int(row.value if row is not None else "0") + 1), row)


# ---------------------------------------------------------------- overrides


def _encode(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return "bool", "true" if value else "false"
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidData(f"参数值不是有效数值：{value}")
        return "decimal", str(value)
    if isinstance(value, str):
        return "text", value
    raise InvalidData(f"参数值只能是数值、是/否或文本，实际为{type(value).__name__}")


_DECODERS: dict[str, Callable[[str], object]] = {
    "bool": lambda t: t == "true",
    "int": int,
    "decimal": Decimal,
    "text": str,
}


def _decode(kind: str, text: str) -> object:
    try:
        return _DECODERS[kind](text)
    except (KeyError, ValueError, InvalidOperation):
        raise InvalidData(f"数据库中的参数值无法读取：{kind} {text!r}") from None


def _record(row: OverrideRow) -> OverrideRecord:
    o = Override(
        row.target,
        row.path,
        _decode(row.value_type, row.value),
        row.valid_from,
        row.valid_to,
        row.who,
        row.created_at,
        row.reason,
    )
    return OverrideRecord(row.id, o, row.revoked_at, row.revoked_by)


def check_override(o: Override, policies: PolicySet | None) -> None:
    problems = []
    if not (o.who or "").strip():
        problems.append("请填写调整人")
    if not (o.reason or "").strip():
        problems.append("请填写调整理由")
    if not o.target or not o.path:
        problems.append("请指定要调整的规则（或文件）和参数")
    if o.end is not None and o.end < o.start:
        problems.append(f"有效期结束日{o.end}早于开始日{o.start}")
    if problems:
        raise InvalidData("参数调整有误：" + "；".join(problems))
    if policies is not None:
        try:
            policies.with_overrides([o])
        except OverrideError as exc:
            raise InvalidData(f"参数调整有误：{exc}") from None


def add_override(s: Session, o: Override, policies: PolicySet | None = None) -> int:
    """Store an override (``o.when`` is replaced by the time of storing); returns its id."""
    check_override(o, policies)
    kind, text = _encode(o.value)
    row = OverrideRow(
        target=o.target,
        path=o.path,
        value_type=kind,
        value=text,
        valid_from=o.start,
        valid_to=o.end,
        who=o.who.strip(),
        created_at=stamp(s),
        reason=o.reason.strip(),
        revoked_by="",
    )
    s.add(row)
    _bump_version(s)
    s.flush()
    log(s, "override.add", f"override:{row.id}", None, override_values(row))
    return row.id


def override_values(row: OverrideRow) -> dict:
    return {
        "target": row.target,
        "path": row.path,
        "value_type": row.value_type,
        "value": row.value,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "who": row.who,
        "reason": row.reason,
    }


def list_overrides(s: Session, include_revoked: bool = False) -> list[OverrideRecord]:
    q = select(OverrideRow).order_by(OverrideRow.id)
    if not include_revoked:
        q = q.where(OverrideRow.revoked_at.is_(None))
    return [_record(row) for row in s.scalars(q)]


def get_override(s: Session, override_id: int) -> OverrideRecord:
    row = s.get(OverrideRow, override_id)
    if row is None:
        raise NotFound(f"找不到参数调整记录{override_id}")
    return _record(row)


def revoke_override(s: Session, override_id: int, who: str) -> None:
    row = s.get(OverrideRow, override_id, with_for_update=True)
    if row is None:
        raise NotFound(f"找不到参数调整记录{override_id}")
    if row.revoked_at is not None:
        raise InvalidData(f"参数调整记录{override_id}已于{row.revoked_at:%Y-%m-%d %H:%M}由{row.revoked_by}撤销")
    if not (who or "").strip():
        raise InvalidData("请填写撤销人")
    row.revoked_at, row.revoked_by = stamp(s), who.strip()
    _bump_version(s)
    s.flush()
    log(s, "override.revoke", f"override:{row.id}", override_values(row), {"revoked_by": row.revoked_by})


def with_overrides(policies: PolicySet, records: list[OverrideRecord]) -> PolicySet:
    try:
        return policies.with_overrides([r.override for r in records])
    except OverrideError as exc:
        raise InvalidData(f"已保存的参数调整与当前政策文件不符：{exc}") from None
