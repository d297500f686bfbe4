"""Matching a list's rows to the store's companies: automatically (by 统一社会信用代码, then by name), by the clerk's
choice among proposals, or by creating the company from the row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.lists.matching import Matcher, Proposal, Stored
from core.lists.records import list_row
from core.records import CompanyProfile
from core.store import companies
from core.store.audit import log
from core.store.errors import InvalidData, NotFound
from core.store.models import Company, ListEntry
from core.vocabulary import Vocabulary

if TYPE_CHECKING:
    from core.store.store import Store


def company_matcher(s: Session) -> Matcher:
    return Matcher([Stored(i, u, n) for i, u, n in s.execute(select(Company.id, Company.uscc, Company.name))])


def auto_match(s: Session, list_id: int) -> dict[str, int]:
    matcher = company_matcher(s)
    counts: Counter[str] = Counter()
    for e in s.scalars(
        select(ListEntry).where(ListEntry.list_id == list_id, ListEntry.company_id.is_(None)).order_by(ListEntry.row_no)
    ):
        found = matcher.match(e.company_name, e.uscc)
        if found.company_id is not None:
            e.company_id, e.match, e.score = found.company_id, found.how, 100
            counts[found.how] += 1
        else:
            counts["unmatched"] += 1
    return dict(counts)


def match_again(store: Store, list_id: int) -> dict[str, int]:
    """Match the rows still unmatched (after companies were added); returns counts by how."""
    with store.writing() as s:
        store.actor(s, "match_list")
        list_row(s, list_id)
        counts = auto_match(s, list_id)
        if any(k != "unmatched" for k in counts):
            log(s, "list.match", f"list:{list_id}", None, {"automatic": counts})
        return counts


def proposals(store: Store, list_id: int) -> dict[int, list[Proposal]]:
    """{entry id: [Proposal]} for the rows not matched: stored companies with near names, best first."""
    with store.reading() as s:
        matcher = company_matcher(s)
        rows = s.scalars(select(ListEntry).where(ListEntry.list_id == list_id, ListEntry.company_id.is_(None)))
        return {e.id: matcher.match(e.company_name, e.uscc).proposals for e in rows}


def confirm_match(store: Store, entry_id: int, company_id: int | None, score: int | None = None) -> None:
    """The clerk's choice for a row: this company (a proposal confirmed), or None to undo a match."""
    with store.writing() as s:
        store.actor(s, "confirm_list_match")
        e = s.get(ListEntry, entry_id, with_for_update=True)
        if e is None:
            raise NotFound(f"找不到名单条目{entry_id}")
        if e.claim_key:
            raise InvalidData(f"名单第{e.row_no}行已生成申报事项（批次{e.batch_id}），不能再改匹配")
        if company_id is not None and s.get(Company, company_id) is None:
            raise NotFound(f"找不到单位{company_id}")
        old = {"company_id": e.company_id, "match": e.match}
        e.company_id, e.match, e.score = company_id, ("confirmed" if company_id else ""), score
        log(s, "list.match", f"list:{e.list_id}", old, {"row": e.row_no, "company_id": company_id, "score": score})


def create_company(store: Store, entry_id: int, *, uscc: str = "", city: str = "", county: str = "") -> int:
    """A company created from a list row (its name; the row's code, else ``uscc``), matched to the row."""
    with store.writing() as s:
        store.actor(s, "create_company_from_list")
        e = s.get(ListEntry, entry_id, with_for_update=True)
        if e is None:
            raise NotFound(f"找不到名单条目{entry_id}")
        if e.company_id is not None:
            raise InvalidData(f"名单第{e.row_no}行已匹配单位")
        code = e.uscc or uscc
        if not code:
            raise InvalidData(f"名单第{e.row_no}行没有统一社会信用代码，新建单位须填写")
        if not city:
            city = region_city(e.region, store.vocabulary)
        if not city:
            raise InvalidData(f"名单第{e.row_no}行的所在地区“{e.region}”无法确定盟市，请指定")
        cid = companies.add_company(s, CompanyProfile(code, e.company_name, city, county), store.vocabulary)
        e.company_id, e.match, e.score = cid, "created", None
        log(s, "list.match", f"list:{e.list_id}", None, {"row": e.row_no, "company_id": cid, "created": True})
        return cid


def region_city(region: str, vocab: Vocabulary) -> str:
    """The city key a region text names (呼伦贝尔市海拉尔区 -> hulunbuir), or ""."""
    for key, label in vocab.enums["cities"].items():
        if label and (label in region or label.rstrip("市盟") in region):
            return key
    return ""
