"""What the program does with official lists in the store: import, match, claims, 意愿确认.

Each function is one transaction of the store (core.store.Store), by the
logged-in user holding the preparer's role, written to the audit log; the
rows it writes are sealed like every other row that decides a payment.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from core.excel.problems import Problem, WorkbookError
from core.lists import kinds
from core.lists.claims import entry_claim
from core.lists.mapping import (
    Header,
    find_header,
    guess_mapping,
    mapping_by_header,
    read_entries,
)
from core.lists.matching import Matcher, Stored
from core.lists.read import RawList, read_list
from core.records import CompanyProfile
from core.store import approval, companies
from core.store.audit import log, touch, verify_rows
from core.store.claimcodec import encode_fields
from core.store.errors import InvalidData, NotFound
from core.store.models import (
    DRAFT,
    AwardLineRow,
    Batch,
    BatchCompany,
    ClaimRow,
    Company,
    ListEntry,
    OfficialList,
    now,
)
from core.store.validate import claim_problems, year_problem

PENDING, CONFIRMED, DECLINED = "pending", "confirmed", "declined"
CONSENT_LABELS = {PENDING: "待确认", CONFIRMED: "已确认账户", DECLINED: "放弃"}
MATCH_LABELS = {"": "未匹配", "uscc": "按统一社会信用代码", "name": "按名称", "confirmed": "经办人确认",
                "created": "由名单新建"}


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


def _remembered(store, kind: str) -> dict | None:
    text = store.setting(kinds.MAPPING_SETTING.format(kind=kind))
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def prepare(store, path, kind: str, *, list_date: dt.date | None = None, platform_kind: str = "", level: str = "",
            mapping: dict | None = None) -> Prepared:
    """Read the file and map its columns (``mapping`` as given, else remembered for the kind, else guessed)."""
    if kind not in kinds.KIND_LABELS:
        raise InvalidData(f"名单类别应为{'、'.join(kinds.KIND_LABELS)}之一")
    raw = read_list(path)
    header = find_header(raw.rows, kind)
    if header is None:
        raise WorkbookError([Problem(raw.sheet, None, "", "", "", "前10行中找不到表头（应有“企业名称”或“单位名称”等列）")],
                            raw.source_name)
    if mapping is None:
        mapping = guess_mapping(header, kind, _remembered(store, kind))
    p = Prepared(str(path), kind, raw, header, dict(mapping), list_date, platform_kind, level)
    remap(store, p, p.mapping)
    return p


def remap(store, p: Prepared, mapping: dict) -> Prepared:
    """Read the entries again under a changed mapping (the clerk picked another column for a field)."""
    p.mapping = {k: int(v) for k, v in mapping.items() if v}
    p.entries, problems = read_entries(p.raw, p.header, p.mapping, p.kind, store.vocabulary, list_date=p.list_date,
                                       platform_kind=p.platform_kind, level=p.level)
    p.problems = list(p.raw.problems) + problems
    return p


def find_list(store, sha256: str) -> int | None:
    with store.reading() as s:
        return s.scalar(select(OfficialList.id).where(OfficialList.sha256 == sha256))


def import_list(store, p: Prepared, title: str | None = None) -> tuple[int, bool]:
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
        row = OfficialList(kind=p.kind, title=(title or p.title or p.raw.source_name)[:200],
                           source_name=p.raw.source_name[:260], sha256=p.raw.sha256, list_date=p.list_date,
                           platform_kind=p.platform_kind, level=p.level,
                           mapping=mapping_by_header(p.header, p.mapping), imported_at=now(), imported_by=actor)
        s.add(row)
        s.flush()
        for e in p.entries:
            s.add(ListEntry(list_id=row.id, row_no=e.row_no, company_name=e.company_name[:200], uscc=e.uscc,
                            number=e.number[:100], date=e.date if e.date else _year_day(e.year),
                            region=e.region[:100], platform_name=e.platform_name[:200],
                            platform_kind=e.platform_kind, level=e.level, match="", batch_id=None, claim_key="",
                            consent="", consent_by="", consent_note=""))
        s.flush()
        counts = _auto_match(s, row.id)
        _remember(s, p.kind, row.mapping)
        log(s, "list.import", f"list:{row.id}", None, {
            "kind": p.kind, "title": row.title, "source_name": row.source_name, "sha256": row.sha256,
            "rows": len(p.entries), "matched": counts})
        return row.id, True


def _year_day(year):
    """A 科技型中小企业 row known only by its year is stored as that year's 1 January (its ``date`` column)."""
    return dt.date(year, 1, 1) if year else None


def _remember(s, kind: str, mapping: dict) -> None:
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


def _matcher(s) -> Matcher:
    return Matcher([Stored(i, u, n) for i, u, n in s.execute(select(Company.id, Company.uscc, Company.name))])


def _auto_match(s, list_id: int) -> dict:
    matcher = _matcher(s)
    counts: Counter[str] = Counter()
    for e in s.scalars(select(ListEntry).where(ListEntry.list_id == list_id, ListEntry.company_id.is_(None))
                       .order_by(ListEntry.row_no)):
        found = matcher.match(e.company_name, e.uscc)
        if found.company_id is not None:
            e.company_id, e.match, e.score = found.company_id, found.how, 100
            counts[found.how] += 1
        else:
            counts["unmatched"] += 1
    return dict(counts)


def match_again(store, list_id: int) -> dict:
    """Match the rows still unmatched (after companies were added); returns counts by how."""
    with store.writing() as s:
        store.actor(s, "match_list")
        _list(s, list_id)
        counts = _auto_match(s, list_id)
        if any(k != "unmatched" for k in counts):
            log(s, "list.match", f"list:{list_id}", None, {"automatic": counts})
        return counts


def _list(s, list_id: int) -> OfficialList:
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


def lists(store) -> list[ListRecord]:
    with store.reading() as s:
        counts = {lid: (n, m, c) for lid, n, m, c in s.execute(
            select(ListEntry.list_id, func.count(), func.count(ListEntry.company_id),
                   func.count(func.nullif(ListEntry.claim_key, ""))).group_by(ListEntry.list_id))}
        out = []
        for r in s.scalars(select(OfficialList).order_by(OfficialList.id)):
            n, m, c = counts.get(r.id, (0, 0, 0))
            out.append(ListRecord(r.id, r.kind, r.title, r.source_name, r.list_date, r.imported_at, r.imported_by,
                                  n, m, int(c or 0)))
        return out


def entries(store, list_id: int | None = None, batch_id: int | None = None) -> list[EntryRecord]:
    with store.reading() as s:
        q = (select(ListEntry, Company.uscc, Company.name).outerjoin(Company, Company.id == ListEntry.company_id)
             .order_by(ListEntry.list_id, ListEntry.row_no))
        if list_id is not None:
            _list(s, list_id)
            q = q.where(ListEntry.list_id == list_id)
        if batch_id is not None:
            q = q.where(ListEntry.batch_id == batch_id, ListEntry.claim_key != "")
        return [_record(e, u or "", n or "") for e, u, n in s.execute(q)]


def _record(e: ListEntry, uscc: str, name: str) -> EntryRecord:
    return EntryRecord(e.id, e.list_id, e.row_no, e.company_name, e.uscc, e.number, e.date, e.region,
                       e.platform_name, e.platform_kind, e.level, e.company_id, uscc, name, e.match, e.score,
                       e.batch_id, e.claim_key, e.consent, e.consent_on, e.consent_by, e.consent_note)


def proposals(store, list_id: int) -> dict:
    """{entry id: [Proposal]} for the rows not matched: stored companies with near names, best first."""
    with store.reading() as s:
        matcher = _matcher(s)
        rows = s.scalars(select(ListEntry).where(ListEntry.list_id == list_id, ListEntry.company_id.is_(None)))
        return {e.id: matcher.match(e.company_name, e.uscc).proposals for e in rows}


def confirm_match(store, entry_id: int, company_id: int | None, score: int | None = None) -> None:
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


def create_company(store, entry_id: int, *, uscc: str = "", city: str = "", county: str = "") -> int:
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


def region_city(region: str, vocab) -> str:
    """The city key a region text names (呼伦贝尔市海拉尔区 -> hulunbuir), or ""."""
    for key, label in vocab.enums["cities"].items():
        if label and (label in region or label.rstrip("市盟") in region):
            return key
    return ""


def make_claims(store, list_id: int, *, batch_id: int | None = None, award_year: int | None = None,
                batch_name: str | None = None) -> tuple[int, int, list[str]]:
    """One claim per matched row not yet claimed, in a new draft batch or the draft ``batch_id``.

    Returns (batch id, claims added, why rows were left out). The batch is left to be calculated.
    """
    with store.writing() as s:
        actor = store.actor(s, "make_list_claims")
        lst = _list(s, list_id)
        rows = list(s.scalars(select(ListEntry).where(ListEntry.list_id == list_id).order_by(ListEntry.row_no)
                              .with_for_update()))
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
            year = award_year or dt.date.today().year
            if (p := year_problem(year, "兑现年度")) is not None:
                raise InvalidData(p)
            batch = Batch(name=(batch_name or f"{lst.title}（免申即享）")[:200], award_year=year, status=DRAFT,
                          source_name=f"名单{lst.id}：{lst.source_name}"[:260], created_at=now(), created_by=actor,
                          preparer=actor)
            s.add(batch)
            s.flush()
            log(s, "batch.import", f"batch:{batch.id}", None, {
                "name": batch.name, "award_year": batch.award_year, "source_name": batch.source_name,
                "from_list": lst.id})
        else:
            batch = approval.locked_batch(s, batch_id)
            approval.require_draft(batch, "添加申报事项")
        members = {m.company_id: m for m in s.scalars(select(BatchCompany).where(BatchCompany.batch_id == batch.id))}
        seq = s.scalar(select(func.max(BatchCompany.seq)).where(BatchCompany.batch_id == batch.id)) or 0
        cseq = s.scalar(select(func.max(ClaimRow.seq)).where(ClaimRow.batch_id == batch.id)) or 0
        have = set(s.execute(select(ClaimRow.company_id, ClaimRow.claim_key).where(ClaimRow.batch_id == batch.id)))
        added = 0
        for e in todo:
            claim = entry_claim(store.vocabulary, lst.kind, lst.id, e.row_no, date=_entry_day(e, lst), year=_year(e),
                                number=e.number, platform_name=e.platform_name, platform_kind=e.platform_kind,
                                level=e.level)
            if (problems := claim_problems(claim, store.vocabulary)):
                skipped.append(f"第{e.row_no}行：{'；'.join(problems)}")
                continue
            if (e.company_id, claim.id) in have:
                skipped.append(f"第{e.row_no}行已在批次{batch.id}中")
                continue
            member = members.get(e.company_id)
            if member is None:
                seq += 1
                member = BatchCompany(batch_id=batch.id, company_id=e.company_id, seq=seq, calculated=False,
                                      errors=[], warnings=[], excluded=[])
                s.add(member)
                members[e.company_id] = member
            else:
                member.calculated = False
            cseq += 1
            s.add(ClaimRow(batch_id=batch.id, company_id=e.company_id, seq=cseq, claim_key=claim.id,
                           type=claim.type, date=claim.date, fields=encode_fields(claim)))
            e.batch_id, e.claim_key = batch.id, claim.id
            e.consent, e.consent_on, e.consent_by, e.consent_note = PENDING, None, "", ""
            added += 1
        s.flush()
        log(s, "list.claims", f"batch:{batch.id}", None, {"list": lst.id, "claims": added, "skipped": len(skipped)})
        return batch.id, added, skipped


def _live_batches(s, ids) -> set:
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(s.scalars(select(Batch.id).where(Batch.id.in_(ids))))


def _entry_day(e: ListEntry, lst: OfficialList):
    if lst.kind == kinds.TECH_SME:
        return None
    return e.date or lst.list_date


def _year(e: ListEntry):
    return e.date.year if e.date else None


def set_consent(store, batch_id: int, company_id: int, state: str, *, on: dt.date | None = None,
                note: str = "") -> None:
    """Record a company's answer for its list claims in the batch (待确认 / 已确认账户 / 放弃), by whom and when.

    A company that declines while the batch is a draft has its list claims taken out of the batch (the batch
    must be calculated again); after approval the answer is recorded and its lines stay off the disbursement sheet.
    """
    if state not in CONSENT_LABELS:
        raise InvalidData(f"意愿确认应为{'、'.join(CONSENT_LABELS.values())}之一")
    with store.writing() as s:
        actor = store.actor(s, "record_consent")
        _apply_consent(s, batch_id, company_id, state, on or dt.date.today(), note, actor)


def _apply_consent(s, batch_id, company_id, state, on, note, actor) -> None:
    rows = list(s.scalars(select(ListEntry).where(ListEntry.batch_id == batch_id, ListEntry.company_id == company_id,
                                                  ListEntry.claim_key != "").with_for_update()))
    if not rows:
        raise NotFound(f"批次{batch_id}中没有该单位由名单生成的申报事项")
    batch = approval.locked_batch(s, batch_id)
    old = {"consent": rows[0].consent, "on": rows[0].consent_on, "by": rows[0].consent_by}
    withdrawn = []
    for e in rows:
        e.consent, e.consent_on, e.consent_by, e.consent_note = state, on, actor, (note or "")[:500]
        if state == DECLINED and batch.status == DRAFT:
            withdrawn.append(e.claim_key)
            e.claim_key = ""
    if withdrawn:
        _withdraw(s, batch_id, company_id, withdrawn)
    log(s, "list.consent", f"batch:{batch_id}", old, {"company_id": company_id, "consent": state, "on": on,
                                                      "note": note, "withdrawn": withdrawn})


def _withdraw(s, batch_id: int, company_id: int, keys: list[str]) -> None:
    """Take a company's claims out of a draft batch; the company too when nothing of it is left."""
    ids = list(s.scalars(select(ClaimRow.id).where(ClaimRow.batch_id == batch_id, ClaimRow.company_id == company_id,
                                                   ClaimRow.claim_key.in_(keys))))
    touch(s, ClaimRow, ids)
    s.execute(delete(ClaimRow).where(ClaimRow.id.in_(ids)))
    left = s.scalar(select(func.count()).select_from(ClaimRow).where(ClaimRow.batch_id == batch_id,
                                                                      ClaimRow.company_id == company_id))
    lines = list(s.scalars(select(AwardLineRow.id).where(AwardLineRow.batch_id == batch_id,
                                                         AwardLineRow.company_id == company_id)))
    touch(s, AwardLineRow, lines)
    s.execute(delete(AwardLineRow).where(AwardLineRow.id.in_(lines)))
    member = s.scalar(select(BatchCompany).where(BatchCompany.batch_id == batch_id,
                                                 BatchCompany.company_id == company_id))
    if member is None:
        return
    if not left:
        s.delete(member)
    else:
        member.calculated, member.total = False, None
    log(s, "list.withdraw", f"batch:{batch_id}", {"company_id": company_id, "claims": keys}, None)


def withheld(store, batch_id: int) -> set:
    """(uscc, claim key) of the batch's list claims whose company has not confirmed its account: kept off the
    disbursement sheet (core.excel.exports)."""
    with store.reading() as s:
        # the answers decide who is paid: refused (a tamper alarm) if any was changed outside the program
        ids = list(s.scalars(select(ListEntry.id).where(ListEntry.batch_id == batch_id)))
        verify_rows(s, ListEntry, ids, "生成资金拨付明细表")
        return {(u, k) for u, k in s.execute(
            select(Company.uscc, ListEntry.claim_key).join(Company, Company.id == ListEntry.company_id)
            .where(ListEntry.batch_id == batch_id, ListEntry.claim_key != "", ListEntry.consent != CONFIRMED))}
