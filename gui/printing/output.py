"""Letters to PDF files and to printers.

The functions take ``report(done, total, text)`` and ``cancelled()`` like all
long work (core.progress), so gui.operations.Operation runs them off the GUI
thread; a cancelled export leaves no file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from core.letters.errors import LetterError
from core.letters.files import batch_file_name, letter_file_name
from core.progress import Cancelled, never, no_report
from core.version import APP_NAME
from gui.printing.layout import MARGIN_MM, LetterLayout

PDF_DPI = 300


def a4_layout() -> QPageLayout:
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter
    )


def paint_letters(
    device, letters, font_family: str, report=no_report, cancelled=never, *, label: str = "正在生成兑现通知书"
) -> int:
    """Paint ``letters`` one after another on a paged ``device`` (QPdfWriter or QPrinter); returns pages."""
    painter = QPainter()
    if not painter.begin(device):
        raise LetterError("无法开始输出（打印机不可用，或文件无法写入）")
    pages = 0
    try:
        total = len(letters)
        for i, letter in enumerate(letters):
            if cancelled():
                raise Cancelled()
            report(i, total, f"{label}：{i + 1}/{total} {letter.company_name}")
            layout = LetterLayout(letter, font_family)
            target = QRectF(0, 0, device.width(), device.height())
            for page in range(layout.page_count):
                if pages:
                    device.newPage()
                layout.paint_page(painter, page, target)
                pages += 1
        report(total, total, label)
    finally:
        painter.end()
    return pages


def _writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(a4_layout())
    writer.setCreator(APP_NAME)
    writer.setTitle(title)
    return writer


def _paint_file(path: Path, title: str, letters, font_family: str, report=no_report, cancelled=never) -> int:
    writer = _writer(path, title)
    try:
        return paint_letters(writer, letters, font_family, report, cancelled)
    finally:
        del writer  # closes the file: Windows can neither rename nor delete it while it is open


def write_pdf(letters, path, font_family: str, report=no_report, cancelled=never, *, title: str = "") -> int:
    """All ``letters`` in one PDF at ``path`` (written to a temporary name first); returns the page count."""
    path = Path(path)
    if not letters:
        raise LetterError("没有可以输出的兑现通知书")
    part = path.with_name(path.name + ".part")
    try:
        title = title or (letters[0].doc_number if len(letters) == 1 else path.stem)
        pages = _paint_file(part, title, letters, font_family, report, cancelled)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pages


def export_letters(
    letters, out_dir, font_family: str, *, merged: bool = False, report=no_report, cancelled=never
) -> list[Path]:
    """One PDF per company (``公司名_文号.pdf``) in ``out_dir``, or one merged PDF for the batch.

    Files already there with the same name are replaced; a cancelled or
    failed export removes what it wrote.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not letters:
        raise LetterError("没有可以输出的兑现通知书")
    if merged:
        path = out_dir / batch_file_name(letters[0].batch)
        write_pdf(letters, path, font_family, report, cancelled, title=path.stem)
        return [path]
    parts: list[tuple[Path, Path]] = []
    total = len(letters)
    try:
        for i, letter in enumerate(letters):
            if cancelled():
                raise Cancelled()
            report(i, total, f"正在导出兑现通知书：{i + 1}/{total} {letter.company_name}")
            path = out_dir / letter_file_name(letter)
            part = path.with_name(path.name + ".part")
            parts.append((part, path))
            _paint_file(part, f"{letter.doc_number} {letter.company_name}", [letter], font_family)
        report(total, total, "正在导出兑现通知书")
    except BaseException:
        for part, _ in parts:
            part.unlink(missing_ok=True)
        raise
    for part, path in parts:
        os.replace(part, path)
    return [path for _, path in parts]
