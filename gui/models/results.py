"""A batch's results as a tree: each company with its total, expandable to its award lines.

Top-level rows are companies (CompanyResultRecord, in batch order); their
children are the company's LineRecords. A child index carries its company's
row + 1 as internal id, so parent() needs no lookups. ``data()`` never raises.
Filtering is done here (a company stays when its name, code or one of its
lines matches), not by a proxy: a QSortFilterProxyModel walks every child of
10,000 companies on each reset, which froze the window for a third of a second.
Companies are handed to the view a page at a time (canFetchMore/fetchMore), so
a reset lays out 200 rows, not 10,000; ``prepare`` (grouping lines by company)
runs on the worker thread that read them.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from core.money import fmt_yuan
from gui.errors import log

FETCH = 200  # companies handed to the view at a time
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RED = QColor("#c62828")
GREY = QColor("#777777")
COLUMNS = ("企业 / 奖补项目", "统一社会信用代码 / 政策依据", "金额（元）", "说明")


def company_note(c) -> str:
    if not c.calculated:
        return "尚未计算"
    parts = [f"{c.line_count}条明细"]
    if c.errors:
        parts.append(f"错误：{c.errors[0]}")
    elif c.warnings:
        parts.append(c.warnings[0] if len(c.warnings) == 1 else f"{c.warnings[0]}等{len(c.warnings)}条提示")
    return "；".join(parts)


def line_note(line) -> str:
    parts = []
    if line.provisional:
        parts.append("依据征求意见稿测算，正式印发前不得拨付")
    if line.schedule:
        years = [y for y, _ in line.schedule]
        parts.append(f"分年度兑现{years[0]}—{years[-1]}年")
    return "；".join(parts)


class BatchResultsModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.companies: list = []  # shown (after the filter)
        self.lines_of: list[list] = []
        self._all: list[tuple] = []  # (company, its lines, lower-cased text to match)
        self.filter_text = ""
        self.fetched = 0  # companies the view has been given

    @staticmethod
    def prepare(companies, lines) -> list[tuple]:
        """(company, its lines, text to match) for each company; plain Python, for a worker thread."""
        by_uscc: dict[str, list] = {}
        for line in lines:
            by_uscc.setdefault(line.uscc, []).append(line)
        out = []
        for c in companies:
            own = by_uscc.get(c.uscc, [])
            words = " ".join([c.company_name, c.uscc, *(f"{l.summary} {l.basis}" for l in own)]).casefold()
            out.append((c, own, words))
        return out

    def set_results(self, companies, lines) -> None:
        self.set_prepared(self.prepare(companies, lines))

    def set_prepared(self, prepared) -> list:
        """Show ``prepared`` (from :meth:`prepare`); returns what was shown before, for the caller to let go."""
        old, self._all = self._all, list(prepared)
        self._show()
        return old

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().casefold()
        self._show()

    def _show(self) -> None:
        key = self.filter_text
        shown = [(c, own) for c, own, words in self._all if not key or key in words]
        self.beginResetModel()
        self.companies = [c for c, _ in shown]
        self.lines_of = [own for _, own in shown]
        self.fetched = min(FETCH, len(self.companies))
        self.endResetModel()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self.fetched < len(self.companies)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        more = min(FETCH, len(self.companies) - self.fetched)
        if more > 0:
            self.beginInsertRows(QModelIndex(), self.fetched, self.fetched + more - 1)
            self.fetched += more
            self.endInsertRows()

    def fetch_through(self, row: int) -> None:
        """Hand the view every company up to ``row`` (to select one further down)."""
        while self.fetched <= row and self.canFetchMore():
            self.fetchMore()

    @property
    def total_companies(self) -> int:
        return len(self._all)

    def clear(self) -> None:
        self.set_results((), ())

    # ------------------------------------------------------------ objects
    def company_at(self, index: QModelIndex):
        """The company of a company row or of a line row."""
        if not index.isValid():
            return None
        row = index.internalId() - 1 if index.internalId() else index.row()
        return self.companies[row] if 0 <= row < min(self.fetched, len(self.companies)) else None

    def line_at(self, index: QModelIndex):
        if not index.isValid() or not index.internalId():
            return None
        parent = index.internalId() - 1
        lines = self.lines_of[parent] if parent < min(self.fetched, len(self.lines_of)) else []
        return lines[index.row()] if 0 <= index.row() < len(lines) else None

    def company_index(self, uscc: str) -> QModelIndex:
        for row, c in enumerate(self.companies):
            if c.uscc == uscc:
                self.fetch_through(row)
                return self.index(row, 0)
        return QModelIndex()

    # ------------------------------------------------------------ Qt
    def index(self, row, column, parent=QModelIndex()) -> QModelIndex:
        if not 0 <= column < len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < self.fetched else QModelIndex()
        if parent.internalId() or parent.column() != 0:
            return QModelIndex()  # lines have no children; children hang under column 0
        prow = parent.row()
        if 0 <= prow < len(self.lines_of) and row < len(self.lines_of[prow]):
            return self.createIndex(row, column, prow + 1)
        return QModelIndex()

    def parent(self, index=QModelIndex()) -> QModelIndex:  # noqa: A003 - Qt's name
        if not index.isValid() or not index.internalId():
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return self.fetched
        if parent.internalId() or parent.column() != 0:
            return 0
        return len(self.lines_of[parent.row()]) if 0 <= parent.row() < len(self.lines_of) else 0

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent=QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        try:
            line = self.line_at(index)
            if line is not None:
                return self._line_data(line, index.column(), role)
            company = self.company_at(index)
            return self._company_data(company, index.column(), role) if company is not None else None
        except Exception:  # a bad row must not break the view
            log.exception("results row %s column %s", index.row(), index.column())
            return None

    def _company_data(self, c, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.company_name, c.uscc, fmt_yuan(c.total) if c.total is not None else "—",
                    company_note(c))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if c.errors:
                return QBrush(RED)
            if column == 3 or (column == 2 and not c.total):
                return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            notes = list(c.errors) + list(c.warnings)
            return "\n".join(notes) or None
        if role == Qt.ItemDataRole.FontRole and column in (0, 2):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _line_data(self, line, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.summary, line.basis, fmt_yuan(line.amount), line_note(line))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and (line.provisional or column == 3):
            return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, 1):
            return f"{line.basis}\n{line.sentence}"
        return None
