"""免申即享: official lists imported with a column mapping, matched to companies (proposals confirmed by the clerk),
made into claims of a draft batch and calculated, 意愿确认 per company, and 应享未享.

All store work and file reading runs off the GUI thread (gui.operations); tables are model/view.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.lists.consent import ConsentTab
from gui.lists.entitled import EntitledTab, set_nav_count
from gui.lists.mapping_dialog import MappingDialog  # noqa: F401 - where it was
from gui.lists.matching import MatchingTab
from gui.operations import Operation


class ListsPage(MatchingTab, ConsentTab, EntitledTab, QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.vocab = ctx.store.vocabulary
        self.proposals: dict = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("lists-tabs")
        self.tabs.addTab(self._lists_tab(), "名单与匹配")
        self.tabs.addTab(self._consent_tab(), "意愿确认")
        self.tabs.addTab(self._entitled_tab(), "应享未享")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        ctx.subscribe(self._on_changes, owner=self)

    def _on_changes(self, changes) -> None:
        """Another screen changed the store: the lists and the batches' consent follow companies and batches."""
        if self.isVisible() and (changes.companies or changes.batches or changes.database):
            self.reload()

    def activated(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.reload_lists()
        self.reload_batches()


def announce_entitled(window) -> None:
    """Once the store is open: count this year's 应享未享 off the GUI thread and show it on the navigation entry."""
    from core.lists.entitled import entitled

    ctx = window.ctx
    store, policies, year = ctx.store, ctx.base_policies, dt.date.today().year
    Operation(
        window,
        "应享未享",
        lambda report, cancelled: len(entitled(store, policies, year, cancel=cancelled)),
        on_success=lambda n: set_nav_count(window, n),
        on_failure=lambda exc: None,
        progress=False,
    ).start()
