"""Calculating a draft batch: read, evaluate off the database, write the lines at once.

Reading (a chunk of companies per short transaction, core.store.calc_run) and
writing are separate transactions with the engine in between, so the screen
stays usable and nothing is locked while companies are evaluated. The write
checks that nothing the evaluation read has changed in the meantime (the
companies' history versions, the batch's status, companies and claims) and
replaces the batch's lines in one transaction, with SQLAlchemy Core
executemany statements; a cancelled or failed run writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from core.engine import Context, evaluate_company
from core.engine.result import AwardLine, CompanyResult, Exclusion
from core.money import ZERO
from core.store.audit import insert_many, log, sealed_as_written, stamp, touch
from core.progress import Cancelled
from core.store.errors import Stale, name_list
from core.store.history import LoadedCase, chunks
from core.store.idlists import among, id_sets
from core.store.models import AwardLineRow, Batch, BatchCompany, Company
from core.store.seals import Encoded, canonical_json
from core.store.tuplewrites import update_rows


@dataclass(frozen=True)
class CalcSummary:
    batch_id: int
    companies: int
    lines: int
    total: Decimal
    companies_with_errors: int
    provisional_lines: int


def evaluate_all(loaded: list[LoadedCase], ctx: Context, progress=None, cancel=None) -> list[CompanyResult]:
    """One CompanyResult per loaded case, in order; raises Cancelled when ``cancel()`` says so."""
    total = len(loaded)
    if progress:
        progress(0, total)
    results = []
    for done, item in enumerate(loaded, 1):
        if cancel and cancel():
            raise Cancelled("计算已取消，数据库未作任何修改")
        results.append(_evaluate_one(item, ctx))
        if progress:
            progress(done, total)
    if cancel and cancel():
        raise Cancelled("计算已取消，数据库未作任何修改")
    return results


def _evaluate_one(item: LoadedCase, ctx: Context) -> CompanyResult:
    company = item.case.company
    if item.problems:
        return CompanyResult(company, ctx.award_year, [], [], list(item.problems), [])
    try:
        return evaluate_company(item.case, ctx)
    except Exception as exc:  # one company's failure must not lose the others' results
        message = f"计算该单位时程序出错（{type(exc).__name__}：{exc}），请将此信息告知维护人员"
        return CompanyResult(company, ctx.award_year, [], [], [message], [])


@dataclass(slots=True)
class Outcome:
    """What one company's evaluation writes: its result (without the rule objects) and its lines' columns
    (without ``batch_id`` and ``line_no``, given when written). Small and picklable, to be spooled.

    Its JSON (the result's lists, each line's trace and schedule) is held as the canonical JSON text stored and
    sealed (``seals.canonical_json``), encoded once as the company is evaluated: a spool file pickles text in half
    the time of the objects (bench/calc_memory_bench.py).
    """

    company_id: int
    version: int
    total: Decimal
    errors: str  # canonical JSON of the list of errors ("[]": none)
    warnings: str
    excluded: str
    lines: list[dict]


NO_ERRORS = "[]"


def outcome(item: LoadedCase, result: CompanyResult) -> Outcome:
    return Outcome(
        item.company_id,
        item.version,
        result.total,
        _list_json(result.errors),
        _list_json(result.warnings),
        _list_json([exclusion_json(e) for e in result.excluded]),
        [_line_json(line_values(line)) for line in result.lines],
    )


def _list_json(value: list) -> str:
    """A result's list as its canonical JSON; most companies' errors and warnings are empty."""
    return canonical_json(value) if value else "[]"


_LINE_JSON = ("trace", "schedule")


def _line_json(values: dict) -> dict:
    """A line's columns with its trace and schedule as their canonical JSON text."""
    for c in _LINE_JSON:
        values[c] = canonical_json(values[c])
    return values


def write_outcomes(
    s: Session,
    batch: Batch,
    chunks_of: Iterable[list[Outcome]],
    versions: dict[int, int],
    overrides_version: int,
    actor: str = "",
) -> CalcSummary:
    """Replace the batch's lines and per-company results with ``chunks_of`` outcomes (in batch order, every
    company once; ``versions`` is {company id: history version read}), inserted a chunk at a time.

    ``batch`` must be locked by the caller. ``actor`` (the logged-in user) becomes the batch's preparer. An
    adjustment batch stores, for each company, the differences from what its original batch paid
    (core.store.adjustments).
    """
    from core.store.adjustments import Netting

    _check_versions(s, versions)
    members = {m.company_id: m for m in s.execute(select(*_KEPT).where(BatchCompany.batch_id == batch.id))}
    if set(members) != set(versions):
        raise Stale("计算期间本批次的单位有变化，计算结果未保存，请重新计算")
    old = s.execute(select(AwardLineRow.id, AwardLineRow.amount).where(AwardLineRow.batch_id == batch.id)).all()
    for ids in chunks([i for i, _ in old], 5_000):  # checked a piece at a time, not all old rows held at once
        touch(s, AwardLineRow, ids)
    s.execute(delete(AwardLineRow).where(AwardLineRow.batch_id == batch.id))
    netting = Netting(s, batch) if batch.adjusts_batch_id else None
    line_no = 0
    total, errors, provisional = ZERO, 0, 0
    for chunk in chunks_of:
        written: list[dict] = []
        updates: list[dict] = []
        for o in chunk:
            rows = o.lines
            company_total = o.total
            if netting is not None and o.errors == NO_ERRORS:
                objects = [
                    AwardLineRow(batch_id=batch.id, company_id=o.company_id, line_no=0, **_decoded(r)) for r in rows
                ]
                rows = [_line_json(_values(r)) for r in netting.differences(o.company_id, objects)]
                company_total = sum((r["amount"] for r in rows), ZERO)
            for row in rows:
                line_no += 1
                row["batch_id"], row["company_id"], row["line_no"] = batch.id, o.company_id, line_no
                written.append(row)
                provisional += row["provisional"]
            updates.append(
                {
                    "member": members[o.company_id].id,
                    "history_version": o.version,
                    "total": company_total,
                    **{_JSON_PARAM + c: getattr(o, c) for c in _MEMBER_JSON},
                }
            )
            total += company_total
            errors += o.errors != NO_ERRORS
        insert_many(s, AwardLineRow, written, canonical=True, as_text=True)  # traces and schedules: read by key
        touch(s, BatchCompany, [u["member"] for u in updates])
        if updates:
            update_rows(s, _MEMBERS, _MEMBER_COLUMNS, [_member_update(u) for u in updates], _MEMBER_TEXTS)
            sealed_as_written(s, BatchCompany, [_member_row(members[o.company_id], u) for o, u in zip(chunk, updates)])
    batch.calculated_at = stamp(s)
    batch.overrides_version = overrides_version
    if actor:
        batch.preparer = actor
    s.flush()
    log(
        s,
        "batch.calculate",
        f"batch:{batch.id}",
        {"lines": len(old), "total": sum((a for _, a in old), ZERO)} if old else None,
        {
            "lines": line_no,
            "total": total,
            "companies": len(versions),
            "companies_with_errors": errors,
            "provisional_lines": provisional,
            "overrides_version": overrides_version,
        },
    )
    return CalcSummary(batch.id, len(versions), line_no, total, errors, provisional)


_MEMBERS = cast(Table, BatchCompany.__table__)
_MEMBER_JSON = ("errors", "warnings", "excluded")
_JSON_PARAM = "json_"
# Every company's result is written by one executemany of plain tuples (not an ORM object, nor a parameter dict
# for SQLAlchemy to process, per company). Its JSON columns are bound as their canonical JSON, encoded once in
# write_outcomes: the text stored is the text sealed, and a check reads it back as it stands (seals.as_stored),
# not decoded and encoded again. Their values are lists of text and of objects with text keys, so the canonical
# JSON of what reads back is the same text.
_MEMBER_COLUMNS = ("calculated", "history_version", "total", *_MEMBER_JSON)
_MEMBER_TEXTS = frozenset(_MEMBER_JSON)


def _member_update(update: dict) -> tuple:
    """A company's result as the row of ``update_rows`` (``_MEMBER_COLUMNS``, then its id)."""
    return (
        True,
        update["history_version"],
        update["total"],
        *[update[_JSON_PARAM + c] for c in _MEMBER_JSON],
        update["member"],
    )


# What the calculation leaves as it is of each company's row, to seal the row as written (audit.sealed_as_written).
_KEPT = (
    BatchCompany.id,
    BatchCompany.batch_id,
    BatchCompany.company_id,
    BatchCompany.seq,
    BatchCompany.uscc,
    BatchCompany.company_name,
    BatchCompany.bank_name,
    BatchCompany.bank_account,
)


def _member_row(kept, update: dict) -> dict:
    """A company's row of the batch as the update leaves it (its JSON columns as their canonical JSON)."""
    return {
        **kept._asdict(),
        "calculated": True,
        "history_version": update["history_version"],
        "total": update["total"],
        **{c: Encoded(update[_JSON_PARAM + c]) for c in _MEMBER_JSON},
    }


_LINE_COLUMNS = tuple(c.key for c in AwardLineRow.__table__.columns if c.key != "id")


def _decoded(values: dict) -> dict:
    """A line's columns as an object takes them: its trace and schedule decoded (an adjustment's netting edits
    them)."""
    return {**values, **{c: json.loads(values[c]) for c in _LINE_JSON}}


def _values(row: AwardLineRow) -> dict:
    """A line's column values, for one insert of all of them (the object itself is never added to the session)."""
    return {c: getattr(row, c) for c in _LINE_COLUMNS}


def _check_versions(s: Session, read: dict[int, int]) -> None:
    changed = []
    for ids in id_sets(s, read):
        for cid, name, version in s.execute(
            select(Company.id, Company.name, Company.history_version).where(among(s, Company.id, ids))
        ):
            if version != read[cid]:
                changed.append(name)
    if changed:
        raise Stale(f"计算期间以下单位的资料被修改：{name_list(changed)}，计算结果未保存，请重新计算")


def line_values(line: AwardLine) -> dict:
    """A line's columns as stored (but ``batch_id``, ``company_id`` and ``line_no``), with its rule's wording
    copied so it reads the same after the policy files change.

    Its trace keeps, beside the steps, what was deducted as awarded before (``earlier``) and the claims
    of this batch it adds up (``claims``), for the results screen (core.records.LineRecord).
    """
    rule, doc = line.rule, line.rule.document
    schedule = [{"year": y, "amount": str(a)} for y, a in line.schedule] if line.schedule else None
    trace = line.trace.to_json()
    if line.earlier is not None:
        trace["earlier"] = line.earlier.to_json()
    if len(line.claim_ids) > 1:
        trace["claims"] = list(line.claim_ids)
    return {
        "claim_key": line.claim_id,
        "subject": line.subject,
        "rule_id": rule.id,
        "document_id": doc.id,
        "document_title": doc.title,
        "doc_number": doc.doc_number,
        "clause": rule.clause,
        "summary": rule.summary,
        "sentence": rule.sentence,
        "amount": line.amount,
        "provisional": line.provisional,
        "person": line.person,
        "event_date": line.event_date,
        "trace": trace,
        "schedule": schedule,
    }


def exclusion_json(e: Exclusion) -> dict:
    """An exclusion as stored with its company's result: with the rule's wording, as a line keeps it."""
    return {**e.to_json(), "summary": e.rule.summary, "sentence": e.rule.sentence}
