"""帮助手册: the Chinese manual with pictures (resources/manual), opened at the page the clerk is on (F1)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from core.paths import RESOURCES
from gui.screenfit import FitsScreen

MANUAL_DIR = RESOURCES / "manual"
INDEX = MANUAL_DIR / "index.html"
# the main window's page -> the manual's section (an anchor in index.html)
SECTIONS = {
    "companies": "companies",
    "batches": "batches",
    "policies": "policies",
    "calculators": "calculators",
    "targets": "targets",
    "audit": "audit",
    "sandbox": "sandbox",
    "lists": "lists",
}


class ManualDialog(FitsScreen, QDialog):
    """The manual in a browser pane; links inside it work, links out of the program are not followed."""

    def __init__(self, parent=None, section: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("帮助手册")
        self.browser = QTextBrowser()
        self.browser.setObjectName("manual")
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(MANUAL_DIR)])
        self.browser.setSource(QUrl.fromLocalFile(str(INDEX)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        from gui.screenfit import fit

        fit(self, 980, 720)
        self.show_section(section)

    def show_section(self, section: str | None) -> None:
        if section:
            self.browser.scrollToAnchor(section)


def open_manual(window, page_key: str | None = None) -> ManualDialog | None:
    """F1 / 帮助 → 帮助手册: the manual at the section of ``page_key`` (one window, brought to the front)."""
    from gui.ask import ask

    if not INDEX.exists():
        ask().error(window, "帮助手册", f"找不到帮助手册：{INDEX}")
        return None
    dialog = getattr(window, "manual", None)
    if dialog is None:
        dialog = window.manual = ManualDialog(window)
    dialog.show_section(SECTIONS.get(page_key or "", page_key))
    dialog.show()
    dialog.raise_()
    return dialog
