"""免申即享 on screen: each sample list goes import (mapping) → match (a proposal confirmed) → claims and calculation →
意愿确认 → disbursement sheet; 应享未享 is shown with its count on the navigation entry.

Amounts are those worked out by hand in tests/store/test_lists_workflow.py.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from gui_support import settle
from listhelp import (
    BEIJIANG,
    DONGHE,
    HIGH_TECH_DATE,
    HIGH_TECH_LIST,
    JIUYUAN,
    KUNLUN,
    QINGSHAN,
    TECH_SME_DATE,
    TECH_SME_LIST,
    add_sample_companies,
)
from openpyxl import load_workbook

from core.excel.disbursement_sheet import build_disbursement_sheet
from core.lists import service


@pytest.fixture
def shots(tmp_path):
    """Where screens are saved: docs/screenshots when KJJB_LIST_SHOTS=1 (to refresh the manual's pictures)."""
    if os.environ.get("KJJB_LIST_SHOTS") == "1":
        return Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    return tmp_path


def _disbursed(store, batch_id) -> dict:
    wb = build_disbursement_sheet(
        store.batch(batch_id),
        store.lines(batch_id),
        include_provisional=True,
        withheld=service.withheld(store, batch_id),
    )
    return _paid_in(wb["资金拨付明细表"])


def _paid_in(ws) -> dict:
    out = {}
    for row in ws.iter_rows(values_only=True):
        for i, v in enumerate(row):
            if isinstance(v, str) and len(v) == 18 and v[:2] == "91":
                amount = next(x for x in reversed(row) if isinstance(x, (int, float, Decimal)) and x > 100)
                out[v] = out.get(v, Decimal(0)) + Decimal(str(amount))
    return out


def _import(page, qtbot, path, kind, day, shot=None, shots=None):
    dialog = page.import_list(str(path))
    settle(qtbot)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    settle(qtbot)
    from PySide6.QtCore import QDate

    dialog.date.setDate(QDate(day.year, day.month, day.day))
    settle(qtbot)
    assert dialog.prepared.problems == [] and dialog.import_button.isEnabled()
    if shot:
        dialog.grab().save(str(shots / shot))
    dialog.import_button.click()
    settle(qtbot)
    assert dialog.result_id is not None
    settle(qtbot)
    return dialog.result_id


def _choose(page, row_no):
    rows = page.entries_model.rows
    page.entries_view.selectRow([e.row_no for e in rows].index(row_no))


def test_high_tech_list_names_only_on_screen(window, qtbot, qtmodeltester, asker, tmp_path, shots):
    store = window.ctx.store
    ids = add_sample_companies(store)
    page = window.show_page("lists")
    settle(qtbot)
    list_id = _import(page, qtbot, HIGH_TECH_LIST, "high_tech", HIGH_TECH_DATE, "lists-mapping.png", shots)
    qtmodeltester.check(page.entries_model)
    assert page.current_list().id == list_id
    # 内蒙古包头青山氢能科技有限公司 (row 5): proposed with its score; the clerk confirms it
    _choose(page, 5)
    assert "包头青山氢能科技有限公司" in page.candidates.currentText() and "90" in page.candidates.currentText()
    if os.environ.get("KJJB_LIST_SHOTS") == "1":  # the manual's picture at a county PC's screen size
        from PySide6.QtCore import QRect

        from gui import screenfit

        previous = screenfit.set_screen(QRect(0, 0, 1366, 768))
        window.resize(1366, 768)
        settle(qtbot)
        window.grab().save(str(shots / "lists-matching.png"))
        screenfit.set_screen(previous)
    else:
        window.grab().save(str(shots / "lists-matching.png"))
    from PySide6.QtWidgets import QPushButton

    page.findChild(QPushButton, "lists-confirm").click()
    settle(qtbot)
    matched = {e.row_no: e for e in page.entries_model.rows}
    assert matched[5].company_id == ids[QINGSHAN] and matched[5].match == "confirmed"
    assert matched[7].company_id is None and page.proposals[matched[7].id] == []  # the branch: nothing proposed
    asker.answers.append("")  # a new batch
    page.findChild(QPushButton, "lists-claims").click()
    settle(qtbot)
    kind, _title, text = asker.asked[-1]
    assert kind == "info" and "生成申报事项5项" in text and "合计2,450,000.00元" in text
    batch_id = max(b.id for b in store.batches())
    # 意愿确认 on screen: 昆仑 confirms, the others have not answered
    page.tabs.setCurrentIndex(1)
    page.reload_batches()
    settle(qtbot)
    page.batch_box.setCurrentIndex(page.batch_box.findData(batch_id))
    settle(qtbot)
    qtmodeltester.check(page.consent_model)
    row = [r.uscc for r in page.consent_model.rows].index(KUNLUN)
    page.consent_view.selectRow(row)
    page.findChild(QPushButton, "consent-confirmed").click()
    settle(qtbot)
    assert {r.uscc: r.consent for r in page.consent_model.rows}[KUNLUN] == "confirmed"
    assert _disbursed(store, batch_id) == {KUNLUN: Decimal("600000.00")}  # 包头（六）30万 + 科技兴蒙（四）30万


def test_tech_sme_list_consent_sheet_and_entitled_on_screen(window, qtbot, asker, tmp_path, shots):
    from PySide6.QtWidgets import QPushButton

    store = window.ctx.store
    add_sample_companies(store)
    page = window.show_page("lists")
    settle(qtbot)
    list_id = _import(page, qtbot, TECH_SME_LIST, "tech_sme", TECH_SME_DATE)
    assert sum(1 for e in page.entries_model.rows if e.company_id) == 6
    # 应享未享 before any claim: 九原 and 东河 were registered 2024 and 2025, 包头（六）连续两次入库 5万元 each
    page.tabs.setCurrentIndex(2)
    page.year.setValue(2026)
    page.findChild(QPushButton, "entitled-run").click()
    settle(qtbot)
    found = sorted((i.uscc, i.amount) for i in page.entitled_model.rows)
    assert found == [(DONGHE, Decimal("50000.00")), (JIUYUAN, Decimal("50000.00"))]
    assert "2家单位、2项，合计100,000.00元" in page.entitled_total.text()
    assert window.nav_model.item([p[0] for p in window.pages].index("lists")).text() == "免申即享（2）"
    window.grab().save(str(shots / "lists-entitled.png"))
    out = tmp_path / "应享未享.xlsx"
    asker.answers.append(str(out))
    page.findChild(QPushButton, "entitled-export").click()
    settle(qtbot)
    assert load_workbook(out).active["B4"].value in (DONGHE, JIUYUAN)

    page.tabs.setCurrentIndex(0)
    asker.answers.append("")
    page.findChild(QPushButton, "lists-claims").click()
    settle(qtbot)
    batch_id = max(b.id for b in store.batches())
    page.tabs.setCurrentIndex(1)
    page.reload_batches()
    settle(qtbot)
    page.batch_box.setCurrentIndex(page.batch_box.findData(batch_id))
    settle(qtbot)
    sheet = tmp_path / "确认表.xlsx"
    asker.answers.append(str(sheet))
    page.findChild(QPushButton, "consent-export").click()
    settle(qtbot)
    wb = load_workbook(sheet)
    ws = wb.active
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 2).value in (BEIJIANG, JIUYUAN):
            ws.cell(r, 8).value = "已确认账户"
    wb.save(sheet)
    asker.answers.append(str(sheet))
    page.findChild(QPushButton, "consent-import").click()
    settle(qtbot)
    answers = {r.uscc: r.consent for r in page.consent_model.rows}
    assert answers[BEIJIANG] == answers[JIUYUAN] == "confirmed" and answers[DONGHE] == "pending"
    assert _disbursed(store, batch_id) == {BEIJIANG: Decimal("100000.00"), JIUYUAN: Decimal("50000.00")}
    # the batch page's export leaves the unconfirmed company off too (the 测算稿, then no 预算科目)
    batches = window.show_page("batches")
    batches.refresh(select=batch_id)
    settle(qtbot)
    exported = tmp_path / "拨付.xlsx"
    asker.answers.extend([1, "", str(exported)])
    batches.export_disbursement()
    settle(qtbot)
    assert _paid_in(load_workbook(exported)["资金拨付明细表"]) == _disbursed(store, batch_id)
    page = window.show_page("lists")
    # everything entitled is now in hand
    page.tabs.setCurrentIndex(2)
    page.findChild(QPushButton, "entitled-run").click()
    settle(qtbot)
    assert page.entitled_model.rows == [] and list_id


def test_count_on_the_navigation_entry_once_the_store_is_open(window, qtbot, monkeypatch):
    import datetime as dt

    from gui.pages import lists as page_module

    class In2026(dt.date):
        @classmethod
        def today(cls):
            return cls(2026, 12, 1)

    add_sample_companies(window.ctx.store)
    monkeypatch.setattr(page_module.dt, "date", In2026)
    page_module.announce_entitled(window)  # what gui.warmup does once the store is open
    settle(qtbot)
    row = [p[0] for p in window.pages].index("lists")
    assert window.nav_model.item(row).text() == "免申即享（2）"  # 九原 and 东河: 连续两次入库, never paid
