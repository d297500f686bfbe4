"""A small read-only table model over a list of rows with declared columns."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from gui.errors import log


class Column:
    def __init__(self, title: str, get, align=None, tooltip=None):
        self.title, self.get, self.align, self.tooltip = title, get, align, tooltip


class ListTableModel(QAbstractTableModel):
    """Rows are any objects; each Column knows how to show one of them."""

    def __init__(self, columns, rows=(), parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows = list(rows)

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                return self.columns[section].title
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or not (
                0 <= index.column() < len(self.columns)):
            return None
        col = self.columns[index.column()]
        try:
            if role == Qt.ItemDataRole.DisplayRole:
                value = col.get(self.rows[index.row()])
                return "" if value is None else str(value)
            if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
                return int(col.align)
            if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
                return col.tooltip(self.rows[index.row()])
        except Exception:  # a bad row must not break the view
            log.exception("row %s column %s", index.row(), col.title)
            return None
        return None
