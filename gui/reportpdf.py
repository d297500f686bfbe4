"""A report of titled tables (core.scenario.tables) as a PDF: the 测算报告, 预算测算表 and 政策效益 attachments.

Painted by QTextDocument on a QPdfWriter, landscape A4, with the Chinese font
the letters use (gui.printing.fonts); written to a temporary name first.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from core.scenario.tables import Report, report_html
from core.version import APP_NAME

MARGIN_MM = 12


def write_report_pdf(report: Report, path, font_family: str) -> int:
    """``report`` as a PDF at ``path``; returns the page count. Call with a QGuiApplication running."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        writer = QPdfWriter(str(part))
        writer.setResolution(150)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                QPageLayout.Unit.Millimeter,
            )
        )
        writer.setCreator(APP_NAME)
        writer.setTitle(report.title)
        doc = QTextDocument()
        doc.setDefaultFont(QFont(font_family, 9))
        doc.setHtml(report_html(report, font_family))
        doc.print_(writer)
        pages = doc.pageCount()
        del writer  # closes the file
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pages


def pdf_path_for(xlsx_path) -> Path:
    return Path(xlsx_path).with_suffix(".pdf")


def write_pdf_headless(report: Report, path) -> int:
    """For headless commands: an application if none runs, the letters' Chinese font, then the PDF.

    The application made is a QApplication (not only a QGuiApplication), so that widgets can still be made in
    the same process afterwards (a test run, a script that opens a screen).
    """
    import sys

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from core.letters.settings import load_letter_settings
    from gui.printing.fonts import resolve_font

    if QGuiApplication.instance() is None:
        if sys.platform != "win32" and not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _APP.append(QApplication(sys.argv[:1]))
    return write_report_pdf(report, path, resolve_font(load_letter_settings().fonts))


_APP: list = []  # keeps a headless command's application alive while it writes
