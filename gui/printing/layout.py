"""One letter laid out on A4 pages (20 mm margins), ready to paint on a PDF, a printer or a preview.

The document is laid out at 96 dpi (so ``px`` in the template means what it
means in a browser) and scaled to the device when painted. A row of the award
table is never split by a page end: where Qt would split or push one, the
table is ended there and a new one, header repeated, starts on the next page
(core.letters.document.award_table_html ``breaks``).
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QImage, QPalette, QTextDocument, QTextTable

from core.letters.document import Letter, letter_html

LAYOUT_DPI = 96
PAGE_MM = (210.0, 297.0)  # A4 portrait
MARGIN_MM = 20.0
FOOTER_MM = 8.0  # kept free at the bottom of the body for "第1页，共2页"
BODY_MM = (PAGE_MM[0] - 2 * MARGIN_MM, PAGE_MM[1] - 2 * MARGIN_MM)
FONT_PT = 12.0


def mm_px(mm: float) -> float:
    return mm / 25.4 * LAYOUT_DPI


BODY_W = mm_px(BODY_MM[0])
BODY_H = mm_px(BODY_MM[1])
TEXT_H = mm_px(BODY_MM[1] - FOOTER_MM)  # one page of flowing text


def _layout_device() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    dpm = round(LAYOUT_DPI / 0.0254)
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    return image


def _tables(frame):
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            yield child
        yield from _tables(child)


class LetterLayout:
    """The pages of one letter."""

    def __init__(self, letter: Letter, font_family: str, font_pt: float = FONT_PT):
        self.letter = letter
        self.font = QFont(font_family)
        self.font.setPointSizeF(font_pt)
        self._device = _layout_device()
        self.breaks: frozenset[int] = frozenset()
        self.doc = self._document(letter.html)
        for _ in range(8):  # each pass moves at least one row group to a new page
            wanted = self._split_groups()
            if wanted <= self.breaks:
                break
            self.breaks |= wanted
            self.doc = self._document(letter_html(letter, self.breaks))

    def _document(self, html: str) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self._device)
        doc.setDefaultFont(self.font)
        doc.setDocumentMargin(0)
        doc.setPageSize(QSizeF(BODY_W, TEXT_H))
        doc.setHtml(html)
        return doc

    def _split_groups(self) -> set[int]:
        """Row groups of the award table that a page end splits or pushes away from their table."""
        layout = self.doc.documentLayout()

        def page(y: float) -> int:
            return int(y // TEXT_H)

        out: set[int] = set()
        group = -1
        for table in _tables(self.doc.rootFrame()):
            header = table.format().headerRowCount()
            if header < 1:
                continue  # not an award table (the red rule, the signature block)
            last = table.cellAt(header - 1, 0).lastCursorPosition().block()
            prev_bottom = layout.blockBoundingRect(last).bottom()
            rows: list[tuple[float, float]] = []
            starts: list[int] = []
            for r in range(header, table.rows()):
                top, bottom = float("inf"), float("-inf")
                for c in range(table.columns()):
                    cell = table.cellAt(r, c)
                    if cell.column() != c:
                        continue  # covered by a colspan
                    top = min(top, layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
                    bottom = max(bottom, layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
                if table.cellAt(r, 0).firstCursorPosition().block().text().strip():
                    starts.append(len(rows))
                rows.append((top, bottom))
            for k, start in enumerate(starts):
                group += 1
                end = starts[k + 1] if k + 1 < len(starts) else len(rows)
                top = rows[start][0]
                bottom = max(b for _, b in rows[start:end])
                if page(top) != page(bottom - 0.5) or page(top) != page(prev_bottom - 0.5):
                    out.add(group)
                prev_bottom = bottom
        return out

    @property
    def page_count(self) -> int:
        return self.doc.pageCount()

    def paint_page(self, painter, page: int, target: QRectF) -> None:
        """Paint ``page`` (from 0) into ``target``: the area inside the margins, in painter coordinates."""
        scale = min(target.width() / BODY_W, target.height() / BODY_H)
        painter.save()
        painter.translate(target.topLeft())
        painter.scale(scale, scale)
        painter.save()
        view = QRectF(0, page * TEXT_H, BODY_W, TEXT_H)
        painter.setClipRect(QRectF(0, 0, BODY_W, TEXT_H))
        painter.translate(0, -page * TEXT_H)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = view
        context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
        self.doc.documentLayout().draw(painter, context)
        painter.restore()
        if self.page_count > 1:
            footer = QFont(self.font)
            footer.setPixelSize(round(9 * LAYOUT_DPI / 72))  # pixels of the layout, scaled like the text
            painter.setFont(footer)
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(QRectF(0, TEXT_H, BODY_W, BODY_H - TEXT_H), Qt.AlignmentFlag.AlignCenter,
                             f"{self.letter.doc_number}　第{page + 1}页，共{self.page_count}页")
        painter.restore()
