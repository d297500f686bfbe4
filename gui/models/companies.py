"""The company list: row ids from a search, rows fetched from the store a page at a time.

Like Anki's and calibre's browser models, the model holds only the ids that
``store.search_companies`` returned (100,000 ints are nothing) and asks
``store.company_rows`` for the page of rows the view is about to paint.
Pages are kept in a small LRU cache, so scrolling back is free and memory
stays flat however many companies match. ``data()`` never raises: a row that
cannot be read shows empty cells and is logged once.

A header click does not sort the rows here (the model holds no rows to
sort): ``sort()`` records the column and asks ``on_sort`` to search again,
and the store returns the ids in that order (``CompanyFilter.order``).
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from gui.errors import log

PAGE = 200  # rows fetched at once
CACHED_PAGES = 40  # 8,000 rows kept


def first_pages(fetch_rows, ids, keep: int | None = None) -> dict[int, list]:
    """The rows of the first page of ``ids`` and of the page holding ``keep`` (the company that stays selected),
    read where ``fetch_rows`` may block (a worker thread), for :meth:`CompanyTableModel.set_ids`."""
    numbers = {0}
    if keep is not None:
        try:
            numbers.add(ids.index(keep) // PAGE)
        except ValueError:
            pass
    return {n: fetch_rows(ids[n * PAGE : (n + 1) * PAGE]) for n in sorted(numbers) if n * PAGE < len(ids)}


class CompanyTableModel(QAbstractTableModel):
    # (title, attribute, width in pixels)
    COLUMNS = (
        ("企业名称", "name", 300),
        ("统一社会信用代码", "uscc", 170),
        ("盟市", "city", 90),
        ("旗县区", "county", 110),
        ("企业规模", "size", 80),
        ("行业", "industry", 110),
    )

    def __init__(self, fetch_rows, vocabulary=None, parent=None):
        """``fetch_rows(ids) -> [CompanyRow]`` (``store.company_rows``)."""
        super().__init__(parent)
        self.fetch_rows = fetch_rows
        self.vocabulary = vocabulary
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict] = OrderedDict()
        self._failed_pages: set[int] = set()
        self.fetches = 0  # pages read from the store (tests and the benchmark look)
        self.order: tuple[str, bool] = ("name", False)  # the column sorted by, descending
        self.on_sort = None  # called after a header click changed the order: the page searches again

    # ------------------------------------------------------------ content
    def set_ids(self, ids, pages: dict[int, list] | None = None) -> None:
        """Show ``ids``; ``pages`` (page number -> its rows, from :func:`first_pages` on the worker thread that
        searched) are kept, so the first screen is painted without reading the store on the GUI thread."""
        self.beginResetModel()
        self.ids = list(ids)
        self._pages.clear()
        self._failed_pages.clear()
        for number, rows in (pages or {}).items():
            self._pages[number] = {r.id: r for r in rows}
        self.endResetModel()

    def row_of(self, company_id: int) -> int:
        """The row showing ``company_id``, or -1."""
        try:
            return self.ids.index(company_id)
        except ValueError:
            return -1

    def company_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def refresh_company(self, company_id: int) -> None:
        """Read the company's row again (after an edit)."""
        row = self.row_of(company_id)
        if row < 0:
            return
        self._pages.pop(row // PAGE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_object(self, row: int):
        """The CompanyRow shown in ``row`` (fetching its page when needed), or None."""
        if not 0 <= row < len(self.ids):
            return None
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            if number in self._failed_pages:
                return None
            page = self._load(number)
            if page is None:
                return None
        else:
            self._pages.move_to_end(number)
        return page.get(self.ids[row])

    def _load(self, number: int):
        ids = self.ids[number * PAGE : (number + 1) * PAGE]
        try:
            rows = self.fetch_rows(ids)
        except Exception:
            log.exception("companies %s..%s could not be read", number * PAGE, number * PAGE + len(ids))
            self._failed_pages.add(number)
            return None
        self.fetches += 1
        page = {r.id: r for r in rows}
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def order_keys(self) -> tuple[str, ...]:
        """The codes of the coded column sorted by, in the vocabulary's order (盟市 as the region lists them)."""
        attr = self.order[0]
        kind = {"city": "cities", "size": "sizes"}.get(attr)
        if kind is None or self.vocabulary is None:
            return ()
        return tuple(self.vocabulary.enums[kind])

    # ------------------------------------------------------------ Qt
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        attr = self.COLUMNS[column][1] if 0 <= column < len(self.COLUMNS) else "name"
        wanted = (attr, order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            if self.on_sort is not None:
                self.on_sort()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.COLUMNS):
                return self.COLUMNS[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole):
            return None
        if not index.isValid() or not 0 <= index.column() < len(self.COLUMNS):
            return None
        try:
            if role == Qt.ItemDataRole.UserRole:
                return self.company_id(index.row())
            company = self.row_object(index.row())
            if company is None:
                return None
            attr = self.COLUMNS[index.column()][1]
            value = getattr(company, attr) or ""
            if attr == "city" and self.vocabulary is not None:
                value = self.vocabulary.label("cities", value)
            elif attr == "size" and self.vocabulary is not None:
                value = self.vocabulary.label("sizes", value)
            if role == Qt.ItemDataRole.ToolTipRole:
                return value if attr == "name" and value else None
            return value
        except Exception:  # a bad row must not break the view
            log.exception("company row %s column %s", index.row(), index.column())
            return None
