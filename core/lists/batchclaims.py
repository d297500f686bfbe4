"""A list's matched rows made into claims of a draft batch (免申即享: the company does not apply)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.lists import kinds
from core.lists.claims import entry_claim
from core.lists.records import DECLINED, PENDING, list_row
from core.model import Claim
from core.platform_names import name_problem
from core.store import approval
from core.store.audit import log, stamp
from core.store.claimcodec import encode_fields
from core.store.errors import InvalidData
from core.store.models import DRAFT, Batch, BatchCompany, ClaimRow, ListEntry, OfficialList
from core.store.validate import claim_problems, year_problem

if TYPE_CHECKING:
    from core.store.store import Store


def make_claims(
    store: Store,
    list_id: int,
    *,
    batch_id: int | None = None,
    award_year: int | None = None,
    batch_name: str | None = None,
) -> tuple[int, int, list[str]]:
    """One claim per matched row not yet claimed, in a new draft batch or the draft ``batch_id``.

    Returns (batch id, claims added, why rows were left out). The batch is left to be calculated.
    """
    with store.writing() as s:
        actor = store.actor(s, "make_list_claims")
        lst = list_row(s, list_id)
        rows = list(
            s.scalars(
                select(ListEntry).where(ListEntry.list_id == list_id).order_by(ListEntry.row_no).with_for_update()
            )
        )
        skipped = [f"第{e.row_no}行“{e.company_name}”未匹配单位" for e in rows if e.company_id is None]
        live = _live_batches(s, {e.batch_id for e in rows if e.claim_key})
        todo = []
        for e in rows:
            if e.company_id is None:
                continue
            if e.claim_key and e.batch_id in live:
                skipped.append(f"第{e.row_no}行已在批次{e.batch_id}中")
                continue
            if e.consent == DECLINED:
                skipped.append(f"第{e.row_no}行“{e.company_name}”已于{e.consent_on}表示放弃（批次{e.batch_id}）")
                continue
            todo.append(e)
        if batch_id is None:
            year = award_year or stamp(s).year
            if (p := year_problem(year, "兑现年度")) is not None:
                raise InvalidData(p)
            batch = Batch(
                name=(batch_name or f"{lst.title}（免申即享）")[:200],
                award_year=year,
                status=DRAFT,
                source_name=f"名单{lst.id}：{lst.source_name}"[:260],
                created_at=stamp(s),
                created_by=actor,
                preparer=actor,
            )
            s.add(batch)
            s.flush()
            log(
                s,
                "batch.import",
                f"batch:{batch.id}",
                None,
                {
                    "name": batch.name,
                    "award_year": batch.award_year,
                    "source_name": batch.source_name,
                    "from_list": lst.id,
                },
            )
        else:
            batch = approval.locked_batch(s, batch_id)
            approval.require_draft(batch, "添加申报事项")
        members = {m.company_id: m for m in s.scalars(select(BatchCompany).where(BatchCompany.batch_id == batch.id))}
        seq = s.scalar(select(func.max(BatchCompany.seq)).where(BatchCompany.batch_id == batch.id)) or 0
        cseq = s.scalar(select(func.max(ClaimRow.seq)).where(ClaimRow.batch_id == batch.id)) or 0
        have = set(s.execute(select(ClaimRow.company_id, ClaimRow.claim_key).where(ClaimRow.batch_id == batch.id)))
        added = 0
        for e in todo:
            claim = entry_claim(
                store.vocabulary,
                lst.kind,
                lst.id,
                e.row_no,
                date=_entry_day(e, lst),
                year=_year(e),
                number=e.number,
                platform_name=e.platform_name,
                platform_kind=e.platform_kind,
                level=e.level,
            )
            if problems := claim_problems(claim, store.vocabulary) + _unnamed(claim):
                skipped.append(f"第{e.row_no}行：{'；'.join(problems)}")
                continue
            if (e.company_id, claim.id) in have:
                skipped.append(f"第{e.row_no}行已在批次{batch.id}中")
                continue
            member = members.get(e.company_id)
            if member is None:
                seq += 1
                member = BatchCompany(
                    batch_id=batch.id,
                    company_id=e.company_id,
                    seq=seq,
                    calculated=False,
                    errors=[],
                    warnings=[],
                    excluded=[],
                )
                s.add(member)
                members[e.company_id] = member
            else:
                member.calculated = False
            cseq += 1
            s.add(
                ClaimRow(
                    batch_id=batch.id,
                    company_id=e.company_id,
                    seq=cseq,
                    claim_key=claim.id,
                    type=claim.type,
                    date=claim.date,
                    fields=encode_fields(claim),
                )
            )
            e.batch_id, e.claim_key = batch.id, claim.id
            e.consent, e.consent_on, e.consent_by, e.consent_note = PENDING, None, "", ""
            added += 1
        s.flush()
        log(s, "list.claims", f"batch:{batch.id}", None, {"list": lst.id, "claims": added, "skipped": len(skipped)})
        return batch.id, added, skipped


def _unnamed(claim: Claim) -> list[str]:
    """A platform row of a list read before names were required (core.platform_names) makes no claim."""
    why = name_problem(claim.get("kind", ""), claim.get("name")) if claim.type == "recognition" else None
    return [why] if why else []


def _live_batches(s: Session, ids: Iterable[int | None]) -> set[int]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(s.scalars(select(Batch.id).where(Batch.id.in_(ids))))


def _entry_day(e: ListEntry, lst: OfficialList) -> dt.date | None:
    if lst.kind == kinds.TECH_SME:
        return None
    return e.date or lst.list_date


def _year(e: ListEntry) -> int | None:
    return e.date.year if e.date else None
