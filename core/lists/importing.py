"""Importing an official list: read and map its columns (``prepare``, ``remap``), then write it whole and match its
rows automatically (``import_list``). The mapping a clerk settles on is remembered for the kind of list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.excel.problems import Problem, WorkbookError
from core.lists import kinds
from core.lists.mapping import Header, find_header, guess_mapping, mapping_by_header, read_entries
from core.lists.matches import auto_match
from core.lists.read import RawList, read_list
from core.store.audit import log, stamp
from core.store.errors import InvalidData
from core.store.models import ListEntry, OfficialList

if TYPE_CHECKING:
    from core.store.store import Store


@dataclass
class Prepared:
    """A list file read and mapped, not yet written: what the mapping screen shows."""

    path: str
    kind: str
    raw: RawList
    header: Header
    mapping: dict  # field -> column number
    list_date: dt.date | None = None
    platform_kind: str = ""
    level: str = ""
    entries: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.header.title if self.header else ""


def _remembered(store: Store, kind: str) -> dict | None:
    text = store.settings.get(kinds.MAPPING_SETTING.format(kind=kind))
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def prepare(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    list_date: dt.date | None = None,
    platform_kind: str = "",
    level: str = "",
    mapping: dict | None = None,
) -> Prepared:
    """Read the file and map its columns (``mapping`` as given, else remembered for the kind, else guessed)."""
    if kind not in kinds.KIND_LABELS:
        raise InvalidData(f"名单类别应为{'、'.join(kinds.KIND_LABELS)}之一")
    raw = read_list(path)
    header = find_header(raw.rows, kind)
    if header is None:
        raise WorkbookError(
            [Problem(raw.sheet, None, "", "", "", "前10行中找不到表头（应有“企业名称”或“单位名称”等列）")],
            raw.source_name,
        )
    if mapping is None:
        mapping = guess_mapping(header, kind, _remembered(store, kind))
    p = Prepared(str(path), kind, raw, header, dict(mapping), list_date, platform_kind, level)
    remap(store, p, p.mapping)
    return p


def remap(store: Store, p: Prepared, mapping: dict) -> Prepared:
    """Read the entries again under a changed mapping (the clerk picked another column for a field)."""
    p.mapping = {k: int(v) for k, v in mapping.items() if v}
    p.entries, problems = read_entries(
        p.raw,
        p.header,
        p.mapping,
        p.kind,
        store.vocabulary,
        list_date=p.list_date,
        platform_kind=p.platform_kind,
        level=p.level,
    )
    p.problems = list(p.raw.problems) + problems
    return p


def find_list(store: Store, sha256: str) -> int | None:
    with store.reading() as s:
        return s.scalar(select(OfficialList.id).where(OfficialList.sha256 == sha256))


def import_list(store: Store, p: Prepared, title: str | None = None) -> tuple[int, bool]:
    """Write the list and match its rows automatically: ``(list id, True)``; the same file again: ``(id, False)``.

    Nothing is written while any row has a problem (WorkbookError lists them all).
    """
    if p.problems:
        raise WorkbookError(p.problems, p.raw.source_name)
    existing = find_list(store, p.raw.sha256)
    if existing is not None:
        return existing, False
    with store.writing() as s:
        actor = store.actor(s, "import_list")
        row = OfficialList(
            kind=p.kind,
            title=(title or p.title or p.raw.source_name)[:200],
            source_name=p.raw.source_name[:260],
            sha256=p.raw.sha256,
            list_date=p.list_date,
            platform_kind=p.platform_kind,
            level=p.level,
            mapping=mapping_by_header(p.header, p.mapping),
            imported_at=stamp(s),
            imported_by=actor,
        )
        s.add(row)
        s.flush()
        for e in p.entries:
            s.add(
                ListEntry(
                    list_id=row.id,
                    row_no=e.row_no,
                    company_name=e.company_name[:200],
                    uscc=e.uscc,
                    number=e.number[:100],
                    date=e.date if e.date else _year_day(e.year),
                    region=e.region[:100],
                    platform_name=e.platform_name[:200],
                    platform_kind=e.platform_kind,
                    level=e.level,
                    match="",
                    batch_id=None,
                    claim_key="",
                    consent="",
                    consent_by="",
                    consent_note="",
                )
            )
        s.flush()
        counts = auto_match(s, row.id)
        _remember(s, p.kind, row.mapping)
        log(
            s,
            "list.import",
            f"list:{row.id}",
            None,
            {
                "kind": p.kind,
                "title": row.title,
                "source_name": row.source_name,
                "sha256": row.sha256,
                "rows": len(p.entries),
                "matched": counts,
            },
        )
        return row.id, True


def _year_day(year: int | None) -> dt.date | None:
    """A 科技型中小企业 row known only by its year is stored as that year's 1 January (its ``date`` column)."""
    return dt.date(year, 1, 1) if year else None


def _remember(s: Session, kind: str, mapping: dict) -> None:
    from core.store.models import Setting

    key = kinds.MAPPING_SETTING.format(kind=kind)
    value = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    row = s.get(Setting, key, with_for_update=True)
    if row is None:
        s.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value
    else:
        return
    log(s, "setting.set", f"setting:{key}", None, {"value": value})
