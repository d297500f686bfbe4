"""What the 免申即享 tabs share: a table, column fitting, the row selected, store work off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
)

from gui.operations import run_change, run_read

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NAV_LABEL = "免申即享"


def _yuan(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _table(model, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _fit(view: QTableView, widest: int = 360) -> None:
    """Columns as wide as their contents, none wider than ``widest`` pixels (long texts show in full as tooltips)."""
    view.resizeColumnsToContents()
    for col in range(view.model().columnCount()):
        if view.columnWidth(col) > widest:
            view.setColumnWidth(col, widest)


def _selected(view: QTableView):
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return view.model().row_object(rows[0].row()) if rows else None


def _run(parent, title, work, done, progress=False):
    """Store work off the GUI thread; a refusal is shown to the clerk."""
    return run_read(parent, title, lambda report, cancelled: work(), on_success=done, progress=progress)


def _change(page, title, work, done, progress=False):
    """A change to the store off the GUI thread: ``page`` refreshes itself in ``done``, the other screens are told."""
    return run_change(
        page.ctx, page, title, lambda report, cancelled: work(), on_success=done, progress=progress, initiator=page
    )
