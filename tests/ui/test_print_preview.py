"""打印预览 of the 资金拨付明细表 and 公示名单 on the batch page (issue 15): the export's own sheet, on paper."""

from decimal import Decimal

from gui_support import sample_batch, settle
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.excel.disbursement_sheet import build_disbursement_sheet
from core.excel.publicity_list import build_publicity_list
from core.excel.sheethtml import cell_text
from gui.batches.preview import preview_widget


def shown(window, qtbot, batch_id):
    page = window.show_page("batches")
    settle(qtbot)
    if page.current is None or page.current.id != batch_id:
        page.refresh(select=batch_id)
        settle(qtbot)
    return page


def opened(qtbot, page) -> QPrintPreviewDialog:
    settle(qtbot)
    dialog = page.dialog
    assert isinstance(dialog, QPrintPreviewDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and preview_widget(dialog).pageCount() >= 1, timeout=10000)
    return dialog


def test_disbursement_preview_shows_the_exported_sheet_and_a_print_is_logged(window, qtbot, asker, tmp_path):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    assert page.preview_button.isEnabled() and page.preview_actions["disbursement"].isEnabled()
    # the export's questions: the lines under documents in force only (the sample has draft lines), no 预算科目
    asker.answers = [0, ""]
    page.preview_disbursement()
    dialog = opened(qtbot, page)
    assert [a[0] for a in asker.asked] == ["choose", "text"] and "只列依据正式文件" in asker.asked[0][2]
    assert dialog.printer.pageLayout().orientation() == QPageLayout.Orientation.Landscape
    assert dialog.printer.pageLayout().pageSize().id() == dialog.printer.pageLayout().pageSize().id().A4
    # what the preview lays out is what the export's workbook holds: each row's company and amount, the total in words
    store = window.ctx.store
    kept = [l for l in store.lines(batch_id) if not l.provisional]
    ws = build_disbursement_sheet(store.batch(batch_id), kept, left_out=page.provisional).active
    text = dialog.sheet.document.toPlainText()
    rows = [r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert len(rows) == len(kept) > 0
    for r in rows:
        assert ws.cell(r, 2).value in text and cell_text(ws.cell(r, 8)) in text
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert Decimal(str(ws.cell(total, 8).value)) == sum(l.amount for l in kept)
    assert cell_text(ws.cell(total, 8)) in text and ws.cell(total, 9).value in text
    assert "注：本批次另有" in text and "测算稿" not in text
    # pages are cut between rows: one table per page under the repeated header, after the title's own table
    from PySide6.QtGui import QTextTable

    tables = [f for f in dialog.sheet.document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert dialog.sheet.pages == len(tables) - 1 == preview_widget(dialog).pageCount() > 1
    assert all(t.format().headerRowCount() == 1 for t in tables[1:])
    # 打印 (here into a PDF, as the dialog's print button does after the system dialog) is in the audit log
    pdf = tmp_path / "拨付.pdf"
    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(pdf))
    preview_widget(dialog).print_()
    dialog.accept()
    assert pdf.stat().st_size > 0
    logged = [e for e in store.audit_entries(action="export") if e.action == "export.write"]
    assert logged[-1].target == f"batch:{batch_id}" and logged[-1].new["what"] == "打印资金拨付明细表"
    assert logged[-1].new["printed_on"] == str(pdf)


def test_publicity_preview_as_a_draft_copy_of_everything(window, qtbot, asker):
    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    asker.answers = [1]  # the 测算稿 of all lines
    page.preview_publicity()
    dialog = opened(qtbot, page)
    store = window.ctx.store
    lines = store.lines(batch_id)
    ws = build_publicity_list(store.batch(batch_id), lines, include_provisional=True).active
    text = dialog.sheet.document.toPlainText()
    assert ws["A1"].value in text and "测算稿" in ws["A1"].value
    for r in range(4, 4 + len(lines)):
        assert ws.cell(r, 2).value in text and cell_text(ws.cell(r, 6)) in text
    before = len(store.audit_entries(action="export"))
    dialog.reject()  # closed without printing: nothing logged
    assert len(store.audit_entries(action="export")) == before


def test_preview_is_greyed_with_the_reason_when_the_batch_has_no_lines(window, qtbot, asker):
    batch_id = sample_batch(window, calculated=False)
    page = shown(window, qtbot, batch_id)
    assert not page.preview_button.isEnabled()
    act = page.preview_actions["disbursement"]
    assert not act.isEnabled() and "批次没有奖补明细" in act.toolTip()
    assert page.preview_disbursement() is None and not asker.asked


def test_a_large_sheet_asks_before_the_long_layout(window, qtbot, asker, monkeypatch):
    from gui.batches import preview

    batch_id = sample_batch(window)
    page = shown(window, qtbot, batch_id)
    monkeypatch.setattr(preview, "LARGE_SHEET", len(page.lines) - 1)
    asker.answers = [1, False]  # the 测算稿, then not now
    assert page.preview_publicity() is None
    assert asker.asked[-1][0] == "confirm" and f"{len(page.lines)}条明细" in asker.asked[-1][2]
    settle(qtbot)
    assert not isinstance(page.dialog, QPrintPreviewDialog)


def test_an_adjustment_prints_what_is_paid_and_what_is_taken_back_each_from_a_new_page(qapp, tmp_path):
    """An adjustment's 资金拨付明细表 has two sheets (应拨付, 应追回): each starts a page, each page under its header."""
    import dataclasses

    from excel_support import batch_record, simple_line, uscc
    from PySide6.QtGui import QTextTable

    from gui.batches.preview import SheetPrint, chinese_font

    lines = [simple_line(1, "40000", "甲", uscc(11)), simple_line(2, "-50000", "乙", uscc(12))]
    batch = dataclasses.replace(batch_record(name="2026年第一批（调整）"), adjusts_batch_id=1)
    wb = build_disbursement_sheet(batch, lines)
    assert wb.sheetnames == ["资金拨付明细表", "应追回明细"]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "调整.pdf"))
    sheet = SheetPrint(wb, chinese_font())
    assert sheet.paint(printer) == 2
    text = sheet.document.toPlainText()
    assert (
        text.index("甲科技有限公司")
        < text.index("人民币肆万元整")
        < text.index("乙科技有限公司")
        < text.index("人民币伍万元整")
    )
    tables = [f for f in sheet.document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert (
        len(tables) == 4
        and tables[2].format().pageBreakPolicy() & tables[2].format().PageBreakFlag.PageBreak_AlwaysBefore
    )
