"""A batch's results as a tree: each company with its total, expandable to its award lines and refusals.

Top-level rows are companies (CompanyResultRecord, in batch order); their
children are the company's LineRecords, then the rules that matched a claim
but pay nothing (:class:`Refusal`), with the engine's reason in the 说明
column. A line whose subject was awarded before says in 说明 what was
deducted (the engine's ``earlier``: amount, batch, year), in the colour of
things to look at. A child index carries its company's row + 1 as internal
id, so parent() needs no lookups.
``data()`` never raises.
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

from core.earlier import earlier_short, earlier_text
from core.money import fmt_yuan
from gui.errors import log

FETCH = 200  # companies handed to the view at a time
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RED = QColor("#c62828")
GREY = QColor("#777777")
EARLIER = QColor("#b26a00")  # what was awarded before: to be looked at
COLUMNS = ("企业 / 奖补项目", "统一社会信用代码 / 政策依据", "金额（元）", "说明")
NOTE_COLUMN = 3


class Prepared(list):
    """:meth:`BatchResultsModel.prepare`'s rows, and beside them the three lists the unfiltered tree shows, made
    on the worker thread too: for 10,000 companies making them took the GUI thread some 10 ms of each
    recalculation (bench/gui_block_bench.py)."""

    def __init__(self, rows=()):
        super().__init__(rows)
        self.companies = [c for c, _, _, _ in self]
        self.lines_of = [own for _, own, _, _ in self]
        self.children_of = [own + refused for _, own, refused, _ in self]

    def pop(self, *args):
        """Popped from the end (gcpolicy.drop lets go of a batch item by item), the lists beside go with it."""
        if not args:
            for column in (self.companies, self.lines_of, self.children_of):
                if column:
                    column.pop()
        return super().pop(*args)


class Refusal:
    """A rule that matched a claim but pays nothing (an Exclusion as stored with its company's result)."""

    def __init__(self, uscc: str, company_name: str, data: dict):
        self.uscc, self.company_name, self.data = uscc, company_name, data

    @property
    def summary(self) -> str:
        return self.data.get("summary") or f"{self.data.get('clause', '')}（规则{self.data.get('rule_id', '')}）"

    @property
    def basis(self) -> str:
        number = f"（{self.data['doc_number']}）" if self.data.get("doc_number") else ""
        return f"《{self.data.get('document', '')}》{number}{self.data.get('clause', '')}"

    @property
    def reason(self) -> str:
        return self.data.get("reason") or ""

    @property
    def earlier(self) -> dict | None:
        return self.data.get("earlier")

    @property
    def claim_key(self) -> str:
        return self.data.get("claim_id") or ""


def company_note(c, earlier: int = 0) -> str:
    """``earlier``: how many of its lines and refusals met something awarded before."""
    if not c.calculated:
        return "尚未计算"
    parts = [f"{c.line_count}条明细"]
    if c.excluded:
        parts.append(f"{len(c.excluded)}条未计入")
    if earlier:
        parts.append(f"{earlier}项此前已兑现")
    if c.errors:
        parts.append(f"错误：{c.errors[0]}")
    elif c.warnings:
        parts.append(c.warnings[0] if len(c.warnings) == 1 else f"{c.warnings[0]}等{len(c.warnings)}条提示")
    return "；".join(parts)


def line_note(line) -> str:
    parts = []
    if line.earlier:
        parts.append(f"此前已兑现{earlier_short(line.earlier)}，已扣除")
    if len(line.claim_keys) > 1:
        parts.append(f"合并{len(line.claim_keys)}项申报计算")
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
        self.children_of: list[list] = []  # each company's lines, then its refusals
        self._all = Prepared()  # (company, its lines, its refusals, lower-cased text to match)
        self.filter_text = ""
        self.fetched = 0  # companies the view has been given

    @staticmethod
    def prepare(companies, lines) -> Prepared:
        """(company, its lines, its refusals, text to match) for each company; plain Python, for a worker thread."""
        by_uscc: dict[str, list] = {}
        for line in lines:
            by_uscc.setdefault(line.uscc, []).append(line)
        out = []
        for c in companies:
            own = by_uscc.get(c.uscc, [])
            refused = [Refusal(c.uscc, c.company_name, e) for e in c.excluded or ()]
            words = " ".join([c.company_name, c.uscc, *(f"{l.summary} {l.basis}" for l in (*own, *refused))])
            out.append((c, own, refused, words.casefold()))
        return Prepared(out)

    def set_results(self, companies, lines) -> None:
        self.set_prepared(self.prepare(companies, lines))

    def set_prepared(self, prepared) -> list:
        """Show ``prepared`` (from :meth:`prepare`); returns what was shown before, for the caller to let go."""
        old, self._all = self._all, prepared if isinstance(prepared, Prepared) else Prepared(prepared)
        self._show()
        return old

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().casefold()
        self._show()

    def _show(self) -> None:
        key = self.filter_text
        shown = Prepared(row for row in self._all if key in row[3]) if key else self._all
        self.beginResetModel()
        self.companies, self.lines_of, self.children_of = shown.companies, shown.lines_of, shown.children_of
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
        row = self.company_row(index)
        return self.companies[row] if 0 <= row < min(self.fetched, len(self.companies)) else None

    @staticmethod
    def company_row(index: QModelIndex) -> int:
        """The row of the company of a company row or of a line row (of a valid index)."""
        return index.internalId() - 1 if index.internalId() else index.row()

    def child_at(self, index: QModelIndex):
        """The line or refusal of a child row, else None."""
        if not index.isValid() or not index.internalId():
            return None
        parent = index.internalId() - 1
        children = self.children_of[parent] if parent < min(self.fetched, len(self.children_of)) else []
        return children[index.row()] if 0 <= index.row() < len(children) else None

    def line_at(self, index: QModelIndex):
        child = self.child_at(index)
        return None if child is None or isinstance(child, Refusal) else child

    def refusal_at(self, index: QModelIndex):
        child = self.child_at(index)
        return child if isinstance(child, Refusal) else None

    def refusals_of(self, row: int) -> list:
        return self.children_of[row][len(self.lines_of[row]) :] if 0 <= row < len(self.children_of) else []

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
        if 0 <= prow < len(self.children_of) and row < len(self.children_of[prow]):
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
        return len(self.children_of[parent.row()]) if 0 <= parent.row() < len(self.children_of) else 0

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent=QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        try:
            child = self.child_at(index)
            if isinstance(child, Refusal):
                return self._refusal_data(child, index.column(), role)
            if child is not None:
                return self._line_data(child, index.column(), role)
            company = self.company_at(index)
            return self._company_data(company, index.row(), index.column(), role) if company is not None else None
        except Exception:  # a bad row must not break the view
            log.exception("results row %s column %s", index.row(), index.column())
            return None

    def _earlier_count(self, row: int) -> int:
        return sum(1 for item in self.children_of[row] if item.earlier) if 0 <= row < len(self.children_of) else 0

    def _company_data(self, c, row: int, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NOTE_COLUMN:
                return company_note(c, self._earlier_count(row))
            return (c.company_name, c.uscc, fmt_yuan(c.total) if c.total is not None else "—")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if c.errors:
                return QBrush(RED)
            if column == NOTE_COLUMN and self._earlier_count(row):
                return QBrush(EARLIER)
            if column == NOTE_COLUMN or (column == 2 and not c.total):
                return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole and column == NOTE_COLUMN:
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
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == NOTE_COLUMN and line.earlier:
                return QBrush(EARLIER)
            if line.provisional or column == NOTE_COLUMN:
                return QBrush(GREY)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (0, 1):
                return f"{line.basis}\n{line.sentence}"
            if column == NOTE_COLUMN:
                return earlier_text(line.earlier) or line_note(line) or None
        return None

    def _refusal_data(self, r: Refusal, column: int, role):
        """A refusal reads as what it is: 未计入, no amount, and why (the engine's reason) in 说明."""
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"未计入：{r.summary}", r.basis, "—", r.reason)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(EARLIER if column == NOTE_COLUMN and r.earlier else GREY)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (0, NOTE_COLUMN):
                return f"{r.claim_key}：{r.reason}" if r.claim_key else r.reason
            if column == 1:
                return f"{r.basis}\n{r.data.get('sentence', '')}".strip()
        return None
