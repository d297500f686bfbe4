"""Writing a parsed batch workbook (ImportData): profiles and history merged, a draft batch created.

All of it happens in the caller's one transaction; any problem raises before
anything is committed. Merging never blanks a stored value: an empty cell in
a later workbook leaves the profile field as it was.

An import that would change who is paid (a known company's name, bank or
account: ``PAYEE_FIELDS``) is refused unless those changes were shown and
confirmed (``accept_payee_changes``). Every value an import changes is in the
audit log, old → new: one ``company.update`` entry per company whose profile
changed, ``recognition.update`` and ``rd.set`` per history row it changed, and
the ``batch.import`` entry lists the companies it created and those it added
history to (``core.store.approval`` reads them for maker-checker).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.records import CompanyProfile, ImportData
from core.store.audit import insert_many, log, stamp
from core.store.claimcodec import encode_fields
from core.store.companies import (
    PAYEE_FIELDS,
    PROFILE_FIELDS,
    RD_FIELDS,
    RECOGNITION_FIELDS,
    new_company_values,
    values_of,
)
from core.store.errors import InvalidData, PayeeChanges
from core.store.history import bump_versions, chunks, recognition_index, recognition_values
from core.store.models import (
    DRAFT,
    Batch,
    BatchCompany,
    ClaimRow,
    Company,
    ImportLog,
    RdRow,
    RecognitionRow,
    TechSmeRow,
)
from core.store.searchkey import search_key
from core.store.validate import claim_problems, profile_problems, rd_problems, recognition_problems, year_problem
from core.vocabulary import Vocabulary

MERGED_FIELDS = tuple(f for f in PROFILE_FIELDS if f != "uscc")  # the USCC is how a company is found
MAX_LISTED = 20  # problems listed in one message
NEW_RD = {"deducted": None, "revenue": None}  # what a new rd_years row holds when the workbook leaves them out
PAYEE_LABELS = {"name": "单位名称", "bank_name": "开户行", "bank_account": "银行账号"}


@dataclass(frozen=True)
class PayeeChange:
    """A known company whose name, bank or account the workbook would change."""

    uscc: str
    company_id: int
    company_name: str  # as stored
    field: str  # name | bank_name | bank_account
    old: str
    new: str

    @property
    def label(self) -> str:
        return PAYEE_LABELS[self.field]

    def __str__(self) -> str:
        return f"单位“{self.company_name}”（{self.uscc}）{self.label}：{self.old or '（空）'} → {self.new}"


def payee_changes(s: Session, data: ImportData, companies: dict | None = None) -> list[PayeeChange]:
    """What importing ``data`` would change in the payee fields of companies already stored (merging never
    blanks a field, so only non-empty values that differ count)."""
    companies = companies if companies is not None else _existing(s, {p.uscc for p in data.companies})
    out = []
    for p in data.companies:
        row = companies.get(p.uscc)
        if row is None or row.id is None:
            continue
        for f in PAYEE_FIELDS:
            new = getattr(p, f).strip()
            if new and new != getattr(row, f):
                out.append(PayeeChange(p.uscc, row.id, row.name, f, getattr(row, f), new))
    return out


def refuse_payee_changes(changes: list[PayeeChange]) -> None:
    listed = "\n".join(map(str, changes[:MAX_LISTED])) + (
        f"\n……等共{len(changes)}处" if len(changes) > MAX_LISTED else ""
    )
    companies = len({c.uscc for c in changes})
    raise PayeeChanges(
        f"导入将改变{companies}家已有单位的收款信息（拨付对象），未写入任何内容：\n{listed}\n"
        f"请与申报单位核实后再确认导入（图形界面：勾选“已核实以上收款信息变更”；"
        f"命令行：加 --accept-payee-changes）",
        changes,
    )


def find_import(s: Session, sha256: str) -> int | None:
    return s.scalar(select(ImportLog.batch_id).where(ImportLog.sha256 == sha256))


def summary(s: Session, batch_id: int) -> dict:
    return dict(s.scalar(select(ImportLog.summary).where(ImportLog.batch_id == batch_id)) or {})


def check_import(data: ImportData, vocab: Vocabulary, known_usccs: set[str]) -> None:
    """Every problem of the data at once, or nothing."""
    problems = []
    if not re.fullmatch(r"[0-9a-f]{64}", data.sha256 or ""):
        problems.append("文件校验值（sha256）缺失或格式不对")
    if (p := year_problem(data.award_year, "兑现年度")) is not None:
        problems.append(p)
    if not (data.batch_name or "").strip():
        problems.append("批次名称不能为空")
    if not data.companies and not data.claims:
        problems.append("没有任何单位或申报事项")
    seen = Counter(p.uscc for p in data.companies)
    for uscc, n in seen.items():
        if n > 1:
            problems.append(f"单位{uscc}在单位信息中出现{n}次")
    for p in data.companies:
        problems += [f"单位{p.uscc}（{p.name}）：{m}" for m in profile_problems(p, vocab)]
    listed = set(seen)
    for what, rows in (
        ("认定记录", data.recognitions),
        ("入库记录", data.tech_sme),
        ("研发费用", data.rd),
        ("申报事项", data.claims),
    ):
        for uscc, _ in rows:
            if uscc not in listed and uscc not in known_usccs:
                problems.append(f"{what}中的单位{uscc}既不在单位信息中，也不在数据库中")
                listed.add(uscc)  # report each unknown company once
    for uscc, rec in data.recognitions:
        problems += [f"单位{uscc}认定记录：{m}" for m in recognition_problems(rec, vocab)]
    for uscc, year in data.tech_sme:
        if (p := year_problem(year, "入库年度")) is not None:
            problems.append(f"单位{uscc}：{p}")
    rd_seen = Counter((uscc, rd.year) for uscc, rd in data.rd)
    for (uscc, year), n in rd_seen.items():
        if n > 1:
            problems.append(f"单位{uscc}的{year}年度研发费用出现{n}次")
    for uscc, rd in data.rd:
        problems += [f"单位{uscc}：{m}" for m in rd_problems(rd)]
    claim_ids = Counter((uscc, c.id) for uscc, c in data.claims)
    for (uscc, cid), n in claim_ids.items():
        if n > 1:
            problems.append(f"单位{uscc}的事项编号“{cid}”重复{n}次")
    for uscc, claim in data.claims:
        problems += [f"单位{uscc}：{m}" for m in claim_problems(claim, vocab)]
    if problems:
        more = f"……等共{len(problems)}处" if len(problems) > MAX_LISTED else ""
        raise InvalidData("导入数据有误，未写入任何内容：\n" + "\n".join(problems[:MAX_LISTED]) + more)


def apply_import(
    s: Session, data: ImportData, vocab: Vocabulary, actor: str = "", accept_payee_changes: bool = False
) -> int:
    """Write the data as a new draft batch; returns the batch id. The caller commits.

    ``actor`` (the logged-in user, "" before users exist) is the batch's preparer until someone calculates it.
    Changes to known companies' payee fields are refused (PayeeChanges) unless ``accept_payee_changes``.
    """
    usccs = {p.uscc for p in data.companies} | {
        u for rows in (data.recognitions, data.tech_sme, data.rd, data.claims) for u, _ in rows
    }
    companies = _existing(s, usccs, lock=True)
    check_import(data, vocab, set(companies))
    if not accept_payee_changes and (found := payee_changes(s, data, companies)):
        refuse_payee_changes(found)
    summary: Counter[str] = Counter()
    changed: set[int] = set()
    new_profiles: list[CompanyProfile] = []
    entries: list[tuple] = []  # (action, company id, old, new) of each stored value the import changes
    for profile in data.companies:
        row = companies.get(profile.uscc)
        if row is None:
            new_profiles.append(profile)
            summary["companies_new"] += 1
        elif (old := _merge_profile(row, profile, stamp(s))) is not None:
            changed.add(row.id)
            entries.append(("company.update", row.id, old, values_of(row, old)))
            summary["companies_updated"] += 1
    s.flush()
    ids = {uscc: c.id for uscc, c in companies.items()}
    # A new company is written once, with the history version the merges below would bump it to (insert_many's
    # rows are sealed as written and must not change afterwards).
    with_history = {u for rows in (data.recognitions, data.tech_sme, data.rd) for u, _ in rows}
    created = _insert(
        s, Company, (new_company_values(p, 2 if p.uscc in with_history else 1, at=stamp(s)) for p in new_profiles)
    )
    ids.update(zip((p.uscc for p in new_profiles), created))
    added: set[int] = set()
    for merge in (_merge_recognitions, _merge_tech_sme, _merge_rd):
        company_ids, more = merge(s, data, ids, summary, entries)
        changed |= company_ids
        added |= more
    bump_versions(s, changed - set(created))

    batch = Batch(
        name=data.batch_name.strip(),
        award_year=data.award_year,
        status=DRAFT,
        source_name=data.source_name or "",
        created_at=stamp(s),
        created_by=actor,
        preparer=actor,
    )
    s.add(batch)
    s.flush()
    members = list(dict.fromkeys([p.uscc for p in data.companies] + [u for u, _ in data.claims]))
    _insert(
        s,
        BatchCompany,
        (
            dict(
                batch_id=batch.id, company_id=ids[uscc], seq=seq, calculated=False, errors=[], warnings=[], excluded=[]
            )
            for seq, uscc in enumerate(members, 1)
        ),
    )
    _insert(
        s,
        ClaimRow,
        (
            dict(
                batch_id=batch.id,
                company_id=ids[uscc],
                seq=seq,
                claim_key=claim.id,
                type=claim.type,
                date=claim.date,
                fields=encode_fields(claim),
            )
            for seq, (uscc, claim) in enumerate(data.claims, 1)
        ),
        canonical=True,  # fields are read by name (claimcodec.decode_claim): stored as they are sealed
    )
    summary["members"] = len(members)
    summary["claims"] = len(data.claims)
    s.add(
        ImportLog(
            sha256=data.sha256,
            batch_id=batch.id,
            source_name=data.source_name or "",
            imported_at=stamp(s),
            summary=dict(summary),
        )
    )
    s.flush()
    for action, company_id, old, new in entries:
        log(s, action, f"company:{company_id}", old, {**new, "imported_in": batch.id})
    # The last entry carries the seals of everything the import wrote.
    log(
        s,
        "batch.import",
        f"batch:{batch.id}",
        None,
        {
            "name": batch.name,
            "award_year": batch.award_year,
            "source_name": batch.source_name,
            "sha256": data.sha256,
            "summary": dict(summary),
            "companies_created": sorted(created),
            "history_added": sorted(added - set(created)),
        },
    )
    return batch.id


INSERT_ROWS = 5000  # rows built and written at a time: 100,000 companies' claims are not all held as dicts at once


def _insert(s: Session, model, rows: Iterable[dict], canonical: bool = False) -> list[int]:
    """insert_many, a piece at a time; the ids of all the rows in order."""
    ids: list[int] = []
    for piece in chunks(rows, INSERT_ROWS):
        ids += insert_many(s, model, piece, canonical)
    return ids


def _existing(s: Session, usccs, lock: bool = False) -> dict[str, Company]:
    """The stored companies with these codes; ``lock``: locked for the merge (in id order, as approvals lock them),
    so a clerk editing one meanwhile waits and then reads what the import wrote."""
    out = {}
    for part in chunks(sorted(usccs)):
        q = select(Company).where(Company.uscc.in_(part)).order_by(Company.id)
        out.update({c.uscc: c for c in s.scalars(q.with_for_update() if lock else q)})
    return out


def _merge_profile(row: Company, p: CompanyProfile, at: dt.datetime) -> dict | None:
    """Copy the profile's non-empty fields that differ (the row updated ``at``); their old values, or None if
    nothing changed."""
    old = _fill_in(row, {f: getattr(p, f).strip() for f in MERGED_FIELDS}, MERGED_FIELDS)
    if not old:
        return None
    row.search_key = search_key(row.name, row.uscc)
    row.updated_at = at
    return old


def _merge_recognitions(s: Session, data: ImportData, ids: dict, summary: Counter, entries: list):
    changed: set[int] = set()
    added: set[int] = set()
    index = recognition_index(s, {ids[u] for u, _ in data.recognitions})
    new: list[SimpleNamespace] = []  # written at the end: a later record of the workbook may fill one in
    for uscc, rec in data.recognitions:
        cid = ids[uscc]
        row = index.find(cid, rec)
        if row is None:
            row = SimpleNamespace(id=None, company_id=cid, created_at=stamp(s), **recognition_values(rec))
            new.append(row)
            index.add(row)
            summary["recognitions_added"] += 1
            changed.add(cid)
            added.add(cid)
            continue
        before = {"id": row.id, **values_of(row, RECOGNITION_FIELDS)}
        if _fill_in(row, recognition_values(rec), ("number", "issued_in", "name")):
            summary["recognitions_updated"] += 1
            changed.add(cid)
            entries.append(("recognition.update", cid, before, {"id": row.id, **values_of(row, RECOGNITION_FIELDS)}))
    _insert(s, RecognitionRow, ({k: v for k, v in vars(r).items() if k != "id"} for r in new))
    return changed, added


def _fill_in(row, values: dict, names) -> dict:
    """Copy the non-empty values that differ; returns the old values of those changed."""
    old = {}
    for name in names:
        if values[name] and values[name] != getattr(row, name):
            old[name] = getattr(row, name)
            setattr(row, name, values[name])
    return old


def _merge_tech_sme(s: Session, data: ImportData, ids: dict, summary: Counter, entries: list):
    changed = set()
    company_ids = {ids[u] for u, _ in data.tech_sme}
    existing: set[tuple] = set()
    for part in chunks(company_ids):
        existing.update(
            map(tuple, s.execute(select(TechSmeRow.company_id, TechSmeRow.year).where(TechSmeRow.company_id.in_(part))))
        )
    new = []
    for uscc, year in data.tech_sme:
        key = (ids[uscc], year)
        if key in existing:
            continue
        new.append(dict(company_id=key[0], year=year, number="", created_at=stamp(s)))
        existing.add(key)
        summary["tech_sme_added"] += 1
        changed.add(key[0])
    _insert(s, TechSmeRow, new)
    return changed, set(changed)


def _merge_rd(s: Session, data: ImportData, ids: dict, summary: Counter, entries: list):
    changed: set[int] = set()
    added: set[int] = set()
    company_ids = {ids[u] for u, _ in data.rd}
    existing: dict[tuple[int, int], RdRow] = {}
    for part in chunks(company_ids):
        for stored in s.scalars(select(RdRow).where(RdRow.company_id.in_(part))):
            existing[(stored.company_id, stored.year)] = stored
    new: list[dict] = []
    for uscc, rd in data.rd:
        cid = ids[uscc]
        row = existing.get((cid, rd.year))
        values = {"expense": rd.expense, "super_deduction": rd.super_deduction}
        values.update({k: v for k, v in (("deducted", rd.deducted), ("revenue", rd.revenue)) if v is not None})
        if row is None:  # check_import refused a year given twice
            new.append(dict(company_id=cid, year=rd.year, updated_at=stamp(s), **{**NEW_RD, **values}))
            summary["rd_added"] += 1
            changed.add(cid)
            added.add(cid)
        elif any(getattr(row, k) != v for k, v in values.items()):
            before = {"id": row.id, **values_of(row, RD_FIELDS)}
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = stamp(s)
            summary["rd_updated"] += 1
            changed.add(cid)
            entries.append(("rd.set", cid, before, {"id": row.id, **values_of(row, RD_FIELDS)}))
    _insert(s, RdRow, new)
    return changed, added
