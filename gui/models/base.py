"""A small read-only table model over a list of rows with declared columns."""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from gui.errors import log

_NUMBER = re.compile(r"^-?\d+(\.\d+)?")


class Column:
    def __init__(self, title: str, get, align=None, tooltip=None, sort_key=None):
        """``sort_key(row)`` orders the column when its header is clicked (default: the shown value, numbers
        and amounts such as "1,200.00" by their value)."""
        self.title, self.get, self.align, self.tooltip, self.sort_key = title, get, align, tooltip, sort_key


def shown_key(value):
    """Order of a shown value: empty last, then numbers (also "1,200.00", "12家") by value, then text."""
    if value is None or value == "" or value == "—":
        return (2, 0, "")
    if isinstance(value, (int, float, Decimal)):
        return (0, Decimal(value), "")
    text = str(value)
    match = _NUMBER.match(text.replace(",", ""))
    if match:
        return (0, Decimal(match.group(0)), text)
    return (1, 0, text)


class ListTableModel(QAbstractTableModel):
    """Rows are any objects; each Column knows how to show one of them."""

    def __init__(self, columns, rows=(), parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows = list(rows)
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None  # kept when new rows come

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if self.sorted_by is not None:
            self.rows.sort(key=self._key(self.sorted_by[0]), reverse=self.sorted_by[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def set_table(self, columns, rows) -> None:
        """New columns and their rows (a table whose columns depend on what is shown): any header sort is
        dropped, since its column may no longer exist or mean the same."""
        self.beginResetModel()
        self.columns = list(columns)
        self.rows = list(rows)
        self.sorted_by = None
        self.endResetModel()

    def _key(self, column: int):
        col = self.columns[column]

        def key(row):
            try:
                return col.sort_key(row) if col.sort_key is not None else shown_key(col.get(row))
            except Exception:  # a bad row sorts last, it does not break the table
                return (3, 0, "")

        return key

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Header click: the rows in the column's order (row_object(row) follows: the rows themselves move)."""
        if not 0 <= column < len(self.columns):
            self.sorted_by = None
            return
        self.sorted_by = (column, order)
        key = self._key(column)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self.rows[i.row()], i.column()) for i in persistent]
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        where = {id(r): n for n, r in enumerate(self.rows)}
        self.changePersistentIndexList(persistent, [self.index(where[id(r)], c) for r, c in before])
        self.layoutChanged.emit()

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
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self.rows))
            or not (0 <= index.column() < len(self.columns))
        ):
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
