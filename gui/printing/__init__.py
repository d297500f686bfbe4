"""Letters on paper: QTextDocument pages from core.letters HTML, written to PDF or sent to a printer.

Nothing here opens a window, so the headless ``letters`` command uses it too
(with a QGuiApplication on the offscreen platform).
"""
