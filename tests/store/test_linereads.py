"""store.lines reads a batch's lines through core.store.linereads (Core rows, traces decoded once per distinct
text): the records are exactly those the ORM reading (``orm_lines`` below, what store.lines read before) gives, draft and approved, a
multi-year schedule included, and each line's trace is its own object."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from storehelp import batch_data, profile, uscc

from core.engine import load_policies
from core.engine.trace import Trace
from core.excel.reader import read_workbook
from core.paths import POLICIES, RESOURCES
from core.records import LineRecord
from core.store import linereads, reads
from core.store.models import AwardLineRow, BatchCompany, Company

LAB = {
    "type": "recognition",
    "kind": "key_lab",
    "level": "national",
    "date": "2026-04-01",
    "name": "稀土新材料国家重点实验室",
    "id": "lab",
}


def orm_lines(s: Session, batch_id: int) -> list[LineRecord]:
    """The reading store.lines did before linereads, through ORM objects: the reference the records must equal."""
    reads.get_batch(s, batch_id)
    rows = s.execute(
        select(
            AwardLineRow,
            Company.uscc,
            Company.name,
            Company.bank_name,
            Company.bank_account,
            BatchCompany.uscc,
            BatchCompany.company_name,
            BatchCompany.bank_name,
            BatchCompany.bank_account,
        )
        .join(Company, Company.id == AwardLineRow.company_id)
        .outerjoin(
            BatchCompany,
            (BatchCompany.batch_id == AwardLineRow.batch_id) & (BatchCompany.company_id == AwardLineRow.company_id),
        )
        .where(AwardLineRow.batch_id == batch_id)
        .order_by(AwardLineRow.line_no)
    )
    # An approved batch kept its companies as approved (name not NULL); a draft shows them as they are now.
    # Approval copies all four at once: a kept name means a kept USCC, bank and account.
    return [
        _line_record(line, *(kept if kept[1] is not None else now))
        for line, *values in rows
        for now, kept in [(values[:4], values[4:])]
    ]


def _line_record(r: AwardLineRow, uscc: str, name: str, bank: str, account: str) -> LineRecord:
    schedule = tuple((item["year"], Decimal(item["amount"])) for item in r.schedule) if r.schedule else None
    return LineRecord(
        batch_id=r.batch_id,
        line_no=r.line_no,
        uscc=uscc,
        company_name=name,
        bank_name=bank,
        bank_account=account,
        rule_id=r.rule_id,
        document_id=r.document_id,
        document_title=r.document_title,
        doc_number=r.doc_number,
        clause=r.clause,
        summary=r.summary,
        sentence=r.sentence,
        amount=r.amount,
        provisional=r.provisional,
        trace=Trace.from_json(r.trace),
        schedule=schedule,
        claim_key=r.claim_key,
        subject=r.subject,
    )


def _both(store, batch_id):
    with store.reading() as s:
        return orm_lines(s, batch_id), linereads.lines(s, batch_id)


def test_sample_batch_lines_as_the_orm_reading_gives_them_draft_and_approved(store):
    data = read_workbook(RESOURCES / "samples" / "申报样例.xlsx", vocabulary=store.vocabulary)
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, load_policies())
    before, fast = _both(store, batch_id)
    assert len(before) == 54 and fast == before
    assert store.lines(batch_id) == before
    store.approve(batch_id, "张三", "李四", allow_provisional=True)
    before, fast = _both(store, batch_id)
    assert fast == before
    # Lines of one rule with one stored trace share nothing mutable: changing one leaves the others alone.
    texts = {}
    for line in fast:
        texts.setdefault(repr(line.trace.to_json()), []).append(line)
    a, b = next(group for group in texts.values() if len(group) > 1)[:2]
    assert a.trace is not b.trace
    a.trace.notes.append("x")
    assert "x" not in b.trace.notes


@pytest.fixture
def baotou_policies(tmp_path):
    (tmp_path / "texts").mkdir()
    shutil.copy(POLICIES / "bt-2021-24.yaml", tmp_path)
    shutil.copy(POLICIES / "texts" / "bt-2021-24.txt", tmp_path / "texts")
    return load_policies(tmp_path)


def test_multi_year_schedule_read_as_before(store, baotou_policies):
    # 包头（八）“获批建设国家重点实验室……每年分别给予1000万元资金支持，连续支持5年”: 2026-2030, 1000万 a year.
    data = batch_data("2026年第一批", 2026, [profile(7, city="baotou", county="昆都仑区")], [(uscc(7), LAB)])
    batch_id, _ = store.apply_import(data)
    store.calculate(batch_id, baotou_policies)
    before, fast = _both(store, batch_id)
    assert fast == before
    (line,) = fast
    assert line.schedule == tuple((year, Decimal("10000000.00")) for year in range(2026, 2031))


def test_no_such_batch(store):
    from core.store.errors import NotFound

    with store.reading() as s, pytest.raises(NotFound):
        linereads.lines(s, 999)
