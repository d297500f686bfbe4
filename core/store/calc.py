"""Calculating a draft batch: read a snapshot, evaluate off the database, write the lines at once.

Reading and writing are two short transactions with the engine in between,
so the screen stays usable and nothing is locked while companies are
evaluated. The write checks that nothing the evaluation read has changed in
the meantime (the companies' history versions and the batch's status) and
replaces the batch's lines in one transaction; a cancelled or failed run
writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.engine import Context, evaluate_company
from core.engine.result import AwardLine, CompanyResult, Exclusion
from core.money import ZERO
from core.store.audit import insert_many, log, touch
from core.progress import Cancelled
from core.store.errors import Stale, name_list
from core.store.history import LoadedCase, chunks
from core.store.models import AwardLineRow, Batch, Company, now


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


def write_results(s: Session, batch: Batch, loaded: list[LoadedCase], results: list[CompanyResult],
                  overrides_version: int, actor: str = "") -> CalcSummary:
    """Replace the batch's lines and per-company results. ``batch`` must be locked by the caller.

    ``actor`` (the logged-in user) becomes the batch's preparer. An adjustment batch stores, for each
    company, the differences from what its original batch paid (core.store.adjustments).
    """
    from core.store.adjustments import Netting

    _check_versions(s, loaded)
    old = s.execute(select(AwardLineRow.id, AwardLineRow.amount).where(AwardLineRow.batch_id == batch.id)).all()
    touch(s, AwardLineRow, [i for i, _ in old])
    s.execute(delete(AwardLineRow).where(AwardLineRow.batch_id == batch.id))
    netting = Netting(s, batch) if batch.adjusts_batch_id else None
    by_company = {item.company_id: (item, result) for item, result in zip(loaded, results)}
    line_no = 0
    total, errors, provisional = ZERO, 0, 0
    written: list[dict] = []
    for member in batch.members:
        item, result = by_company[member.company_id]
        rows = [line_row(batch.id, member.company_id, 0, line) for line in result.lines]
        company_total = result.total
        if netting is not None and not result.errors:
            rows = netting.differences(member.company_id, rows)
            company_total = sum((r.amount for r in rows), ZERO)
        member.calculated = True
        member.history_version = item.version
        member.total = company_total
        member.errors = list(result.errors)
        member.warnings = list(result.warnings)
        member.excluded = [exclusion_json(e) for e in result.excluded]
        for row in rows:
            line_no += 1
            row.line_no = line_no
            written.append(_values(row))
            provisional += row.provisional
        total += company_total
        errors += bool(result.errors)
    insert_many(s, AwardLineRow, written)
    batch.calculated_at = now()
    batch.overrides_version = overrides_version
    if actor:
        batch.preparer = actor
    s.flush()
    log(s, "batch.calculate", f"batch:{batch.id}",
        {"lines": len(old), "total": sum((a for _, a in old), ZERO)} if old else None,
        {"lines": line_no, "total": total, "companies": len(loaded), "companies_with_errors": errors,
         "provisional_lines": provisional, "overrides_version": overrides_version})
    return CalcSummary(batch.id, len(loaded), line_no, total, errors, provisional)


_LINE_COLUMNS = tuple(c.key for c in AwardLineRow.__table__.columns if c.key != "id")


def _values(row: AwardLineRow) -> dict:
    """A line's column values, for one insert of all of them (the object itself is never added to the session)."""
    return {c: getattr(row, c) for c in _LINE_COLUMNS}


def _check_versions(s: Session, loaded: list[LoadedCase]) -> None:
    read = {item.company_id: item.version for item in loaded}
    changed = []
    for ids in chunks(read):
        for cid, name, version in s.execute(select(Company.id, Company.name, Company.history_version)
                                            .where(Company.id.in_(ids))):
            if version != read[cid]:
                changed.append(name)
    if changed:
        raise Stale(f"计算期间以下单位的资料被修改：{name_list(changed)}，计算结果未保存，请重新计算")


def line_row(batch_id: int, company_id: int, line_no: int, line: AwardLine) -> AwardLineRow:
    """The stored line, with its rule's wording copied so it reads the same after the policy files change.

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
    return AwardLineRow(
        batch_id=batch_id, company_id=company_id, line_no=line_no, claim_key=line.claim_id, subject=line.subject,
        rule_id=rule.id, document_id=doc.id, document_title=doc.title, doc_number=doc.doc_number,
        clause=rule.clause, summary=rule.summary, sentence=rule.sentence, amount=line.amount,
        provisional=line.provisional, person=line.person, event_date=line.event_date,
        trace=trace, schedule=schedule,
    )


def exclusion_json(e: Exclusion) -> dict:
    """An exclusion as stored with its company's result: with the rule's wording, as a line keeps it."""
    return {**e.to_json(), "summary": e.rule.summary, "sentence": e.rule.sentence}
