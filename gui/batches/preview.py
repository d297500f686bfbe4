"""打印预览 of the 资金拨付明细表 and the 公示名单: the workbook the export would write, on paper.

A mixin of gui.pages.batches.BatchesPage (``self`` is the page). The sheet is
built on a worker thread by the same core.excel.exports builder, with the same
questions (lines under a draft, 预算科目) as the export, and shown through
core.excel.sheethtml in a QPrintPreviewDialog, on the paper and margins the
workbook's print setup names, in the Chinese font the letters use. A print is
recorded in the audit log like an export.
"""
from __future__ import annotations

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget

from core.progress import Cancelled
from gui.batches.exports import WITH_DRAFTS
from gui.operations import Operation

MM_PER_INCH = 25.4


def chinese_font() -> str:
    """The family the letters are set in (the bureau's list), or any installed font that writes Chinese."""
    from core.letters.errors import LetterError
    from core.letters.settings import load_letter_settings
    from gui.printing.fonts import resolve_font

    try:
        families = load_letter_settings().fonts
    except LetterError:
        families = ()
    try:
        return resolve_font(families)
    except LetterError:
        return ""


def page_layout(ws) -> QPageLayout:
    """The worksheet's paper (A4 or A3), orientation and margins as a QPageLayout."""
    size = QPageSize.PageSizeId.A3 if ws.page_setup.paperSize == ws.PAPERSIZE_A3 else QPageSize.PageSizeId.A4
    orientation = (QPageLayout.Orientation.Landscape if ws.page_setup.orientation == "landscape"
                   else QPageLayout.Orientation.Portrait)
    m = ws.page_margins
    margins = QMarginsF(*(MM_PER_INCH * (v or 0) for v in (m.left, m.top, m.right, m.bottom)))
    return QPageLayout(QPageSize(size), orientation, margins, QPageLayout.Unit.Millimeter)


def sheet_document(html: str, font_family: str, scale: float = 1.0) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    if font_family:
        doc.setDefaultFont(QFont(font_family, max(6, round(10 * scale))))
    doc.setHtml(html)
    return doc


def preview_dialog(parent, title: str, doc: QTextDocument, layout: QPageLayout) -> QPrintPreviewDialog:
    """A print preview of ``doc`` on ``layout``; its 打印 prints the same document."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(layout)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 - {title}")
    dialog.paintRequested.connect(doc.print_)
    dialog.printer, dialog.document = printer, doc  # both live as long as the dialog
    return dialog


def preview_widget(dialog: QPrintPreviewDialog) -> QPrintPreviewWidget:
    return dialog.findChild(QPrintPreviewWidget)


def log_print(store, what: str, target: str, printer: QPrinter) -> None:
    """The print in the audit log, as log_export records a file; a log that fails does not undo the paper."""
    from core.store.errors import StoreError
    from gui.errors import log

    where = printer.outputFileName() or printer.printerName() or "默认打印机"
    try:
        store.record_export(f"打印{what}", target, {"printed_on": where})
    except StoreError as exc:
        log.warning("打印未能记入审计日志：%s", exc)


class BatchPreviews:
    def _preview(self, title: str, builder):
        """Build the sheet off the GUI thread with ``builder(batch, lines) -> Workbook``, then open the preview."""
        b = self.current
        store = self.ctx.store

        def work(report, cancelled):
            from core.excel.sheethtml import print_scale, workbook_html

            report(0, 0, f"正在读取批次{b.id}的奖补明细…")
            batch, lines = store.batch(b.id), store.lines(b.id)
            if cancelled():
                raise Cancelled()
            report(0, 0, f"正在排版{title}（{len(lines):,}条明细）…")
            wb = builder(batch, lines)
            first = wb.worksheets[0]
            return workbook_html(wb, font), print_scale(first), first

        def show(result):
            html, scale, ws = result
            self.window.status.setText(f"已打开{title}的打印预览")
            self.dialog = self.open_sheet_preview(title, html, scale, ws, b.id, font)

        font = chinese_font()
        return Operation(self, f"{title}打印预览", work, on_success=show,
                         on_cancel=lambda: self.window.status.setText(f"已取消{title}的打印预览")).start()

    def open_sheet_preview(self, title: str, html: str, scale: float, ws, batch_id: int,
                           font: str) -> QPrintPreviewDialog:
        doc = sheet_document(html, font, scale)
        dialog = preview_dialog(self, title, doc, page_layout(ws))
        store = self.ctx.store
        # QPrintPreviewDialog accepts only after its 打印 has printed
        dialog.accepted.connect(lambda: (log_print(store, title, f"batch:{batch_id}", dialog.printer),
                                         self.window.status.setText(f"已打印{title}")))
        dialog.open()
        return dialog

    def preview_disbursement(self):
        b = self.current
        if b is None or not self.lines:
            return None
        choice = self._disbursement_choice()
        if choice is None:
            return None
        mode, subject = choice
        from core.excel.exports import build_disbursement_sheet

        def builder(batch, lines):
            lines, left_out = self._lines_for(mode, lines)
            return build_disbursement_sheet(batch, lines, budget_subject=subject or None,
                                            include_provisional=mode == WITH_DRAFTS, left_out=left_out)

        return self._preview("资金拨付明细表", builder)

    def preview_publicity(self):
        b = self.current
        if b is None or not self.lines:
            return None
        mode = self._draft_choice("公示名单")
        if mode is None:
            return None
        from core.excel.exports import build_publicity_list

        unit, contact = self._publicity_contact()

        def builder(batch, lines):
            lines, left_out = self._lines_for(mode, lines)
            return build_publicity_list(batch, lines, include_provisional=mode == WITH_DRAFTS, left_out=left_out,
                                        contact_unit=unit, contact=contact)

        return self._preview("公示名单", builder)
