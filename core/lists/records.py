"""Official lists and their rows as the screens and commands show them, and the words for a row's match and answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.lists import kinds
from core.store.errors import NotFound
from core.store.models import Company, ListEntry, OfficialList

if TYPE_CHECKING:
    from core.store.store import Store


PENDING, CONFIRMED, DECLINED = "pending", "confirmed", "declined"
CONSENT_LABELS = {PENDING: "待确认", CONFIRMED: "已确认账户", DECLINED: "放弃"}
MATCH_LABELS = {
    "": "未匹配",
    "uscc": "按统一社会信用代码",
    "name": "按名称",
    "confirmed": "经办人确认",
    "created": "由名单新建",
}


def list_row(s: Session, list_id: int) -> OfficialList:
    row = s.get(OfficialList, list_id)
    if row is None:
        raise NotFound(f"找不到名单{list_id}")
    return row


@dataclass(frozen=True)
class EntryRecord:
    id: int
    list_id: int
    row_no: int
    company_name: str
    uscc: str
    number: str
    date: dt.date | None
    region: str
    platform_name: str
    platform_kind: str
    level: str
    company_id: int | None
    company_uscc: str
    stored_name: str
    match: str
    score: int | None
    batch_id: int | None
    claim_key: str
    consent: str
    consent_on: dt.date | None
    consent_by: str
    consent_note: str

    @property
    def match_label(self) -> str:
        return MATCH_LABELS.get(self.match, self.match)

    @property
    def consent_label(self) -> str:
        return CONSENT_LABELS.get(self.consent, "")


@dataclass(frozen=True)
class ListRecord:
    id: int
    kind: str
    title: str
    source_name: str
    list_date: dt.date | None
    imported_at: dt.datetime
    imported_by: str
    rows: int
    matched: int
    claimed: int

    @property
    def kind_label(self) -> str:
        return kinds.KIND_SHORT.get(self.kind, self.kind)


def lists(store: Store) -> list[ListRecord]:
    with store.reading() as s:
        counts = {
            lid: (n, m, c)
            for lid, n, m, c in s.execute(
                select(
                    ListEntry.list_id,
                    func.count(),
                    func.count(ListEntry.company_id),
                    func.count(func.nullif(ListEntry.claim_key, "")),
                ).group_by(ListEntry.list_id)
            )
        }
        out = []
        for r in s.scalars(select(OfficialList).order_by(OfficialList.id)):
            n, m, c = counts.get(r.id, (0, 0, 0))
            out.append(
                ListRecord(
                    r.id, r.kind, r.title, r.source_name, r.list_date, r.imported_at, r.imported_by, n, m, int(c or 0)
                )
            )
        return out


def entries(store: Store, list_id: int | None = None, batch_id: int | None = None) -> list[EntryRecord]:
    with store.reading() as s:
        q = (
            select(ListEntry, Company.uscc, Company.name)
            .outerjoin(Company, Company.id == ListEntry.company_id)
            .order_by(ListEntry.list_id, ListEntry.row_no)
        )
        if list_id is not None:
            list_row(s, list_id)
            q = q.where(ListEntry.list_id == list_id)
        if batch_id is not None:
            q = q.where(ListEntry.batch_id == batch_id, ListEntry.claim_key != "")
        return [entry_record(e, u or "", n or "") for e, u, n in s.execute(q)]


def entry_record(e: ListEntry, uscc: str, name: str) -> EntryRecord:
    return EntryRecord(
        e.id,
        e.list_id,
        e.row_no,
        e.company_name,
        e.uscc,
        e.number,
        e.date,
        e.region,
        e.platform_name,
        e.platform_kind,
        e.level,
        e.company_id,
        uscc,
        name,
        e.match,
        e.score,
        e.batch_id,
        e.claim_key,
        e.consent,
        e.consent_on,
        e.consent_by,
        e.consent_note,
    )
