"""One letter laid out on A4 pages (20 mm margins), ready to paint on a PDF, a printer or a preview.

The document is laid out at 96 dpi (so ``px`` in the template means what it
means in a browser) and scaled to the device when painted. A row of the award
table is never split by a page end: where Qt would split or push one, the
table is ended there and a new one, header repeated, starts on the next page
(core.letters.document.award_table_html ``breaks``).

The 落款 and 成文日期 are never alone on a page, nor split from each other
(issue 15): as GB/T 9704 asks, the space is found on the page of the text
first (fewer blank lines above the 落款, where the seal is stamped over it,
then tighter lines below the award table); only when that is not enough does
the last paragraph of the text go to the next page with them.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QImage,
    QPalette,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)

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
        self.signature_moves: list[str] = []  # what was done to keep the 落款 with the text (tests look)
        self._keep_signature()

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

    # ------------------------------------------------------------ 落款 and date
    def _signature(self):
        """(table, block, start of the 落款, end of the 成文日期) in the signature cell, or None."""
        text = self.letter.text_values()
        first = next((l.strip() for l in text["signature"].splitlines() if l.strip()), "")
        date = text["issue_date"].strip()
        if not first or not date:
            return None
        tables = [t for t in _tables(self.doc.rootFrame()) if t.format().headerRowCount() < 1]
        for table in reversed(tables):
            for r in range(table.rows()):
                for c in range(table.columns()):
                    cell = table.cellAt(r, c)
                    block, last = cell.firstCursorPosition().block(), cell.lastCursorPosition().block()
                    while block.isValid():
                        i = block.text().find(first)
                        j = block.text().find(date, max(i, 0))
                        if i >= 0 and j >= 0:
                            return table, block, i, j + len(date)
                        if block == last:
                            break
                        block = block.next()
        return None

    def _text_before(self, table):
        """The last block with text before ``table`` (the end of the letter's text)."""
        block = table.firstCursorPosition().block().previous()
        while block.isValid() and not block.text().strip():
            block = block.previous()
        return block

    def _signature_pages(self):
        """(page where the text before it ends, page of the 落款, page of the date's end), or None."""
        found = self._signature()
        if found is None:
            return None
        table, block, start, end = found
        layout, lines = self.doc.documentLayout(), block.layout()
        top = layout.blockBoundingRect(block).top()
        sig, date = lines.lineForTextPosition(start), lines.lineForTextPosition(end - 1)
        before = self._text_before(table)
        text_end = layout.blockBoundingRect(before).bottom() if before.isValid() else 0.0
        return (
            int((text_end - 0.5) // TEXT_H),
            int((top + sig.y()) // TEXT_H),
            int((top + date.y() + date.height() - 0.5) // TEXT_H),
        )

    def signature_alone(self) -> bool:
        """Whether the 落款 starts a page the text does not reach, or its date is on another page."""
        pages = self._signature_pages()
        return pages is not None and not (pages[0] == pages[1] == pages[2])

    def _keep_signature(self) -> None:
        if not self.signature_alone():
            self._trim_after_date()
            return
        while self.signature_alone() and self._drop_blank_line_before_signature():
            pass
        if self.signature_alone():
            self._tighten_after_awards(1.2)
        if self.signature_alone():  # no room on the text's page: the last paragraph goes with the 落款
            self.doc = self._document(letter_html(self.letter, self.breaks))
            self.signature_moves = ["keep_with_text"]
            table = self._signature()[0]
            before = self._text_before(table)
            cursor = QTextCursor(before)
            fmt = cursor.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(fmt)
        self._trim_after_date()

    def _drop_blank_line_before_signature(self) -> bool:
        """One blank line less above the 落款 (the seal is stamped over the 落款 and date anyway)."""
        _table, block, start, _end = self._signature()
        text = block.text()
        k = start - 1
        while k >= 0 and text[k] == " ":
            k -= 1
        if k < 0 or text[k] not in "\u2028\n":
            return False
        cursor = QTextCursor(self.doc)
        cursor.setPosition(block.position() + k)
        cursor.deleteChar()
        self.signature_moves.append("fewer_blank_lines")
        return True

    def _tighten_after_awards(self, factor: float) -> None:
        """Lines of the text after the last award table at ``factor`` of the font's height (instead of 1.5)."""
        awards = [t for t in _tables(self.doc.rootFrame()) if t.format().headerRowCount() >= 1]
        if not awards:
            return
        block = awards[-1].lastCursorPosition().block().next()
        found = self._signature()
        stop = found[0].firstCursorPosition().block() if found else None
        cursor = QTextCursor(self.doc)
        while block.isValid() and block != stop:
            cursor.setPosition(block.position())
            fmt = cursor.blockFormat()
            fmt.setLineHeight(factor * 100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            cursor.setBlockFormat(fmt)
            block = block.next()
        self.signature_moves.append("tighter_lines")

    def _trim_after_date(self) -> None:
        """Blank lines after the date that would open a page of their own are dropped."""
        found = self._signature()
        if found is None:
            return
        _table, block, _start, end = found
        text = block.text()
        if text[end:].strip("\u2028\n "):
            return
        pages = self._signature_pages()
        if self.doc.pageCount() - 1 <= pages[2]:
            return
        cursor = QTextCursor(self.doc)
        cursor.setPosition(block.position() + end)
        cursor.setPosition(block.position() + len(text), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self.signature_moves.append("trimmed_after_date")

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
            painter.drawText(
                QRectF(0, TEXT_H, BODY_W, BODY_H - TEXT_H),
                Qt.AlignmentFlag.AlignCenter,
                f"{self.letter.doc_number}　第{page + 1}页，共{self.page_count}页",
            )
        painter.restore()
