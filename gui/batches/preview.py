"""打印预览 of the 资金拨付明细表 and the 公示名单: the workbook the export would write, on paper.

A mixin of gui.pages.batches.BatchesPage (``self`` is the page). The sheet is
built on a worker thread by the same core.excel builder as the export, with the same
questions (lines under a draft, 预算科目) as the export, and shown through
core.excel.sheethtml in a QPrintPreviewDialog, on the paper and margins the
workbook's print setup names, in the Chinese font the letters use. A print is
recorded in the audit log like an export.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
    QTextTable,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget

from core.progress import Cancelled
from gui.ask import ask
from gui.batches.exports import DISBURSEMENT, PUBLICITY
from gui.operations import Operation
from gui.screenfit import keep_inside

MM_PER_INCH = 25.4
FOOTER_PT = 9
# above this many lines the preview is laid out for long on the GUI thread (bench/print_preview_bench.py:
# about 7 s for 1,200 lines, growing faster than the lines): the clerk is asked first
LARGE_SHEET = 1500


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
    orientation = (
        QPageLayout.Orientation.Landscape
        if ws.page_setup.orientation == "landscape"
        else QPageLayout.Orientation.Portrait
    )
    m = ws.page_margins
    margins = QMarginsF(*(MM_PER_INCH * (v or 0) for v in (m.left, m.top, m.right, m.bottom)))
    return QPageLayout(QPageSize(size), orientation, margins, QPageLayout.Unit.Millimeter)


class SheetPrint:
    """A workbook on a paint device (the preview's or a printer): the pages cut between rows (as Excel does),
    each page's table under the sheet's header rows, and the footer 第 n 页，共 N 页.

    Qt's own pagination splits a tall row across two pages and then draws the repeated header over the part that
    moved, so the pages are chosen here: the sheet is laid out once on one long page to read each row's height,
    then set again with a table per page (core.excel.sheethtml breaks).
    """

    def __init__(self, wb, font_family: str = "", scale: float = 1.0):
        self.wb, self.font_family, self.scale = wb, font_family, scale
        self.document: QTextDocument | None = None  # as last painted
        self.pages = 0

    def _document(self, html: str, device) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.documentLayout().setPaintDevice(device)
        if self.font_family:
            doc.setDefaultFont(QFont(self.font_family, max(6, round(10 * self.scale))))
        doc.setHtml(html)
        return doc

    def breaks(self, device, width: float, height: float) -> list[list[int]]:
        """For each sheet, the rows that start a page ``height`` device pixels tall."""
        from core.excel.sheethtml import sheet_rows, workbook_html

        doc = self._document(workbook_html(self.wb, self.font_family, measuring=True), device)
        doc.setTextWidth(width)
        layout = doc.documentLayout()
        tables = iter(f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable))
        out = []
        for ws in self.wb.worksheets:
            plan = sheet_rows(ws)
            above = next(tables) if plan.above else None
            table = next(tables)
            tops = [_row_top(layout, table, row) for row in range(table.rows())]
            tops.append(layout.frameBoundingRect(table).bottom())
            heights = [b - a for a, b in zip(tops, tops[1:])]
            head = sum(heights[: len(plan.head)])
            used = head + (tops[0] - layout.frameBoundingRect(above).top() if above is not None else 0)
            on_page, cuts = 0, []
            for row, h in zip(plan.body, heights[len(plan.head) :]):
                if on_page and used + h > height:
                    cuts.append(row)
                    used, on_page = head, 0
                used += h
                on_page += 1
            out.append(cuts)
        return out

    def paint(self, device) -> int:
        """Paint every page on ``device`` within its margins; returns the page count."""
        from core.excel.sheethtml import workbook_html

        width, height = device.width(), device.height()
        footer = QFont(self.font_family) if self.font_family else QFont()
        footer.setPointSizeF(FOOTER_PT)
        footer_height = FOOTER_PT / 72 * device.logicalDpiY() * 2
        body = height - footer_height
        doc = self._document(workbook_html(self.wb, self.font_family, self.breaks(device, width, body * 0.99)), device)
        doc.setPageSize(QSizeF(width, body))
        layout = doc.documentLayout()
        self.document, self.pages = doc, doc.pageCount()
        painter = QPainter()
        if not painter.begin(device):
            return 0
        try:
            for page in range(self.pages):
                if page:
                    device.newPage()
                painter.save()
                painter.setClipRect(QRectF(0, 0, width, body))
                painter.translate(0, -page * body)
                context = QAbstractTextDocumentLayout.PaintContext()
                context.clip = QRectF(0, page * body, width, body)
                layout.draw(painter, context)
                painter.restore()
                painter.setFont(footer)
                painter.drawText(
                    QRectF(0, body, width, footer_height),
                    Qt.AlignmentFlag.AlignCenter,
                    f"第 {page + 1} 页，共 {self.pages} 页",
                )
        finally:
            painter.end()
        return self.pages


def _row_top(layout, table: QTextTable, row: int) -> float:
    """The top of a table row's text (every cell's text at its top when measuring: any cell that starts here)."""
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        if cell.row() == row:
            return layout.blockBoundingRect(cell.firstCursorPosition().block()).top()
    return layout.blockBoundingRect(table.cellAt(row, 0).firstCursorPosition().block()).top()


def preview_dialog(parent, title: str, sheet: SheetPrint, layout: QPageLayout) -> QPrintPreviewDialog:
    """A print preview of ``sheet`` on ``layout``; its 打印 prints the same pages."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(layout)
    printer.setDocName(title)
    dialog = keep_inside(QPrintPreviewDialog(printer, parent))
    dialog.setWindowTitle(f"打印预览 - {title}")
    dialog.paintRequested.connect(sheet.paint)
    dialog.printer, dialog.sheet = printer, sheet  # both live as long as the dialog
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
        if len(self.lines) > LARGE_SHEET and not ask().confirm(
            self,
            f"{title}打印预览",
            f"批次有{len(self.lines):,}条明细，打印预览需要逐页排版，可能需要几分钟，"
            "期间程序不能操作。\n\n也可以先导出工作簿，再用Excel或WPS打印。仍要打开打印预览吗？",
            ok="仍要预览",
        ):
            return None

        def work(report, cancelled):
            from core.excel.sheethtml import print_scale

            report(0, 0, f"正在读取批次{b.id}的奖补明细…")
            batch, lines = store.batch(b.id), store.lines(b.id, check=f"打印{title}")  # checked against seals
            if cancelled():
                raise Cancelled()
            report(0, 0, f"正在排版{title}（{len(lines):,}条明细）…")
            wb = builder(batch, lines)
            return wb, print_scale(wb.worksheets[0])

        def show(result):
            wb, scale = result
            self.window.status.setText(f"已打开{title}的打印预览")
            self.dialog = self.open_sheet_preview(title, SheetPrint(wb, font, scale), b.id)

        font = chinese_font()
        return Operation(
            self,
            f"{title}打印预览",
            work,
            on_success=show,
            on_cancel=lambda: self.window.status.setText(f"已取消{title}的打印预览"),
        ).start()

    def open_sheet_preview(self, title: str, sheet: SheetPrint, batch_id: int) -> QPrintPreviewDialog:
        dialog = preview_dialog(self, title, sheet, page_layout(sheet.wb.worksheets[0]))
        store = self.ctx.store
        # QPrintPreviewDialog accepts only after its 打印 has printed
        dialog.accepted.connect(
            lambda: (
                log_print(store, title, f"batch:{batch_id}", dialog.printer),
                self.window.status.setText(f"已打印{title}"),
            )
        )
        dialog.finished.connect(dialog.deleteLater)  # its document can be large
        dialog.open()
        return dialog

    def preview_disbursement(self):
        from core.excel.disbursement_sheet import build_disbursement_sheet

        return self._preview_sheet(DISBURSEMENT, build_disbursement_sheet)

    def preview_publicity(self):
        from core.excel.publicity_list import build_publicity_list

        return self._preview_sheet(PUBLICITY, build_publicity_list)

    def _preview_sheet(self, sheet: str, build):
        b = self.current
        if b is None or not self.lines:
            return None
        prepare = self._sheet_request(sheet)
        if prepare is None:
            return None

        def builder(batch, lines):
            lines, options = prepare(batch, lines)
            return build(batch, lines, **options)

        return self._preview(sheet, builder)
