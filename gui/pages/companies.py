"""企业档案: every company, found by name or USCC as the clerk types, filtered by place, size and qualification.

The search runs on a worker thread (debounced while typing) and gives ids;
the table fetches the rows it paints a page at a time, so 100,000 companies
scroll as smoothly as 30. Double-click (or Enter) opens the company's record.
"""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.companies.actions import CompanyActions
from gui.tables import equip
from gui.models.companies import CompanyTableModel, first_pages
from gui.operations import Operation

DEBOUNCE_MS = 250
FRESH_FOR = 60.0  # seconds: a list shown again after this is searched again even when no change was heard
HTE = "hte"


def qualification_choices(today: dt.date | None = None):
    """(label, key) for the 资质 filter: valid HTE on a date, or registered as a tech SME in a year."""
    year = (today or dt.date.today()).year
    out = [("全部资质", None), ("有效期内高新技术企业", (HTE, None))]
    for y in (year, year - 1, year - 2):
        out.append((f"{y}年入库科技型中小企业", ("tech_sme", y)))
    return out


class CompaniesPage(CompanyActions, QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self._generation = 0  # the newest search; older answers are dropped
        self.searching = False
        self._started = False
        self._pending_select: int | None = None
        self._stale = False  # a change was heard while the list was hidden
        self._searched_at = time.monotonic()
        self.panel = None

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText("输入企业名称或统一社会信用代码的一部分搜索（Ctrl+F）")
        self.search_edit.setClearButtonEnabled(True)
        self.city = QComboBox()
        self.city.setObjectName("city")
        self.city.addItem("全部盟市", None)
        self.county = QComboBox()
        self.county.setObjectName("county")
        self.county.addItem("全部旗县区", None)
        self.county.setMinimumContentsLength(8)
        self.size = QComboBox()
        self.size.setObjectName("size")
        self.size.addItem("全部规模", None)
        self.qualification = QComboBox()
        self.qualification.setObjectName("qualification")
        for label, key in qualification_choices():
            self.qualification.addItem(label, key)
        self.count = QLabel("正在读取…")
        self.count.setObjectName("count")
        self.count.setMinimumWidth(110)
        add = self.add_button = QPushButton("新增企业…")
        add.clicked.connect(self.add_company)
        self.open_button = QPushButton("打开档案")
        self.open_button.clicked.connect(self.open_current)
        # deleting and merging are rare: in a menu, so the bar fits a 1024 px screen
        self.delete_button = QAction("删除企业…", self, triggered=lambda: self.delete_current())
        self.merge_button = QAction("合并到…", self, triggered=lambda: self.merge_current())
        more = QToolButton()
        more.setText("更多")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(more)
        menu.setToolTipsVisible(True)
        menu.addAction(self.delete_button)
        menu.addAction(self.merge_button)
        more.setMenu(menu)
        self.more_button = more
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 3)
        for w in (self.city, self.county, self.size, self.qualification):
            bar.addWidget(w)
        bar.addWidget(self.count)
        bar.addWidget(self.open_button)
        bar.addWidget(add)
        bar.addWidget(more)

        self.model = CompanyTableModel(self._fetch_rows, None, self)
        self.view = QTableView()
        self.view.setObjectName("companies")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        vh = self.view.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row size queries
        vh.setDefaultSectionSize(26)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, (_, _, width) in enumerate(CompanyTableModel.COLUMNS):
            hh.resizeSection(i, width)
        hh.setStretchLastSection(True)
        saved = ctx.settings.value("companies/header")
        if saved is not None:
            hh.restoreState(saved)
        else:
            hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # the store's order: by name
        self.view.setSortingEnabled(True)  # a header click sorts in the store's search (the model's sort)
        self.model.on_sort = self.search
        self.view.doubleClicked.connect(lambda index: self.open_company(self.model.company_id(index.row())))
        self.view.activated.connect(lambda index: self.open_company(self.model.company_id(index.row())))
        equip(
            self.view,
            "企业档案",
            settings=ctx.settings,
            sortable=False,
            store=lambda: ctx.store,  # sorted above
            open_row=lambda index: self.open_company(self.model.company_id(index.row())),
            note=lambda: self.count.text(),
        )

        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("empty-hint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #555555; background: #f4f7fb; padding: 8px;")
        self.empty_hint.hide()
        listing = QWidget()
        lay = QVBoxLayout(listing)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.empty_hint)
        lay.addWidget(self.view, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(listing)
        self.listing = listing
        QVBoxLayout(self).addWidget(self.stack)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.search)
        self.search_edit.textChanged.connect(lambda _t: self.debounce.start())
        for box in (self.size, self.qualification, self.county):
            box.currentIndexChanged.connect(lambda _i: self.search())
        self.city.currentIndexChanged.connect(self._city_changed)
        ctx.subscribe(self._on_changes, owner=self)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("Alt+Left"), self, activated=self.show_list)
        self.user_changed()

    def user_changed(self) -> None:
        """What the logged-in user may do: adding and deleting companies need a 经办人."""
        from core.audit.roles import PREPARER
        from gui.roles import gate

        gate(self.add_button, self.ctx, PREPARER, "新增企业")
        gate(self.delete_button, self.ctx, PREPARER, "删除没有任何申报、奖补记录的企业（如试导入的企业）")
        gate(self.merge_button, self.ctx, PREPARER, "把重复录入的企业（没有申报、奖补记录）合并到另一家企业")

    def save_state(self, settings) -> None:
        """Called by the main window as it closes: the columns as the clerk left them."""
        settings.setValue("companies/header", self.view.horizontalHeader().saveState())

    # ------------------------------------------------------------ search
    def activated(self) -> None:
        """Shown: the first time, open the store and search on a worker thread (the window is already up); later,
        search again when the list is stale: a change was heard while the page was hidden, or the last search is
        older than :data:`FRESH_FOR` (another user's changes to a shared database are not heard)."""
        if not self._started:
            self._started = True
            Operation(self, "读取企业档案", self._first_load, on_success=self._loaded, progress=False).start()
        elif self.stack.currentWidget() is self.listing:
            if self._stale or time.monotonic() - self._searched_at > FRESH_FOR:
                self.search()

    def _on_changes(self, changes) -> None:
        """Another screen changed the store: search again when companies, or the batches they are in, changed
        (at once when the list is shown, else when it is shown next: a hidden list is not searched during an
        import or a calculation)."""
        if self._started and (changes.companies or changes.batches or changes.database):
            if self.isVisible():
                self.search()
            else:
                self._stale = True

    def _tell_others(self) -> None:
        """This screen changed the store (on the GUI thread, just now): the other screens are told."""
        self.ctx.changed(self.ctx.store.last_changes, initiator=self)

    def _first_load(self, report, cancelled):
        store = self.ctx.store  # opens the database off the GUI thread
        ids = store.search_companies()
        return store.vocabulary, (ids, first_pages(store.company_rows, ids))

    def _loaded(self, result) -> None:
        vocab, found = result
        self.model.vocabulary = vocab
        with _quiet(self.city, self.size, self.county):
            for key, label in vocab.enums["cities"].items():
                self.city.addItem(label, key)
            for key, label in vocab.enums["sizes"].items():
                self.size.addItem(label, key)
            self._set_counties(None, ())
        if self.model.order != ("name", False):  # a sort the clerk left: the first list was by name
            self.search()
        else:
            self._show_ids(found)

    def _fetch_rows(self, ids):
        return self.ctx.store.company_rows(ids)

    def current_filter(self):
        from core.store.companies import CompanyFilter

        qual = self.qualification.currentData()
        holds, sme_year = None, None
        if qual is not None:
            kind, year = qual
            if kind == HTE:
                holds = "high_tech"
            else:
                sme_year = year
        order, descending = self.model.order
        return CompanyFilter(
            text=self.search_edit.text().strip(),
            city=self.city.currentData(),
            county=self.county.currentData(),
            size=self.size.currentData(),
            holds_valid=holds,
            tech_sme_year=sme_year,
            order=order,
            descending=descending,
            order_keys=self.model.order_keys(),
        )

    def search(self) -> None:
        """Search again with what is typed and chosen (on a worker thread; the newest answer wins)."""
        if not self._started:
            self.activated()
            return
        self.debounce.stop()
        self._stale, self._searched_at = False, time.monotonic()
        self._generation += 1
        generation = self._generation
        f = self.current_filter()
        store_holder = self.ctx
        keep = self._pending_select or self.current_company_id()
        self.searching = True
        self.count.setText("正在搜索…")

        def work(report, cancelled):
            store = store_holder.store
            ids = store.search_companies(f)
            return ids, first_pages(store.company_rows, ids, keep)

        def done(found):
            if generation == self._generation:
                self._show_ids(found)

        Operation(self, "搜索企业", work, on_success=done, progress=False).start()

    def _show_ids(self, found) -> None:
        """Show the ids a search found, with the rows of the pages shown first (read on the worker thread)."""
        ids, pages = found
        keep = self._pending_select or self.current_company_id()
        column = max(self.view.currentIndex().column(), 0)  # the keyboard's column stays (sorting by it)
        self._pending_select = None
        self.model.set_ids(ids, pages)
        self.searching = False
        self.count.setText(f"共{len(ids):,}家")
        f = self.current_filter()
        filtered = any((f.text, f.city, f.county, f.size, f.holds_valid, f.tech_sme_year))
        if ids:
            self.empty_hint.hide()
        else:
            self.empty_hint.setText(
                "没有符合条件的企业，请减少搜索文字或放宽筛选条件。"
                if filtered
                else "还没有企业档案。导入申报工作簿（文件 → 导入申报工作簿，Ctrl+I）时自动建立，"
                "也可点“新增企业…”逐家录入；想先看看程序怎么用，请点“帮助 → 载入演示数据”。"
            )
            self.empty_hint.show()
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        elif ids:
            row = 0
            self.view.selectRow(0)
        if row >= 0 and column:
            current = self.model.index(row, column)
            self.view.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _city_changed(self, _index) -> None:
        city = self.city.currentData()
        holder = self.ctx

        def work(report, cancelled):
            return holder.store.counties(city)

        def done(stored):
            if self.city.currentData() == city:
                with _quiet(self.county):
                    self._set_counties(city, stored)
                self.search()

        if city is None:
            with _quiet(self.county):
                self._set_counties(None, ())
            self.search()
            return
        Operation(self, "读取旗县区", work, on_success=done, progress=False).start()

    def _set_counties(self, city: str | None, stored) -> None:
        """The 旗县区 of ``city`` on the region list (core.regions), then any other spelling stored on its companies
        (an import before the list, or typed in), so that those companies can still be found."""
        from core.regions import regions

        current = self.county.currentData()
        self.county.clear()
        self.county.addItem("全部旗县区", None)
        listed = regions().city(city).county_names() if city and regions().city(city) else []
        for name in listed:
            self.county.addItem(name, name)
        unknown = sorted(set(stored) - set(listed))
        if unknown:
            self.county.insertSeparator(self.county.count())
            for name in unknown:
                self.county.addItem(f"{name}（不在区划表中）", name)
        self.county.setEnabled(city is not None)
        self.county.setToolTip("" if city is not None else "先选择盟市，再选择其旗县区")
        self.county.setCurrentIndex(max(self.county.findData(current), 0))

    def focus_search(self) -> None:
        self.show_list()
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def current_company_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.company_id(index.row()) if index.isValid() else None

    # ------------------------------------------------------------ the record
    def open_current(self):
        return self.open_company(self.current_company_id())

    def open_company(self, company_id: int | None):
        """Show the company's record in place of the list."""
        if company_id is None:
            return None
        if self.panel is None:
            from gui.companies.panel import CompanyPanel

            self.panel = CompanyPanel(self.ctx, self)
            self.panel.changed.connect(self._company_changed)
            self.panel.back.connect(self.show_list)
            self.stack.addWidget(self.panel)
        self.panel.load(company_id)
        self.stack.setCurrentWidget(self.panel)
        self.window.status.setText(f"企业档案：{self.panel.detail.company.name}")
        return self.panel

    def show_list(self) -> None:
        if self.panel is not None and self.stack.currentWidget() is self.panel and self.panel.has_unsaved_changes():
            from gui.ask import ask

            if not ask().confirm(self, "企业档案", "基本信息有修改尚未保存，确定放弃这些修改？", ok="放弃修改"):
                return
            self.panel.revert_profile()
        self.stack.setCurrentWidget(self.listing)
        self.view.setFocus()

    def _company_changed(self, company_id: int) -> None:
        self.model.refresh_company(company_id)
        self.window.status.setText("企业档案已更新")
        self._tell_others()


class _quiet:
    """Block the widgets' signals while they are filled in."""

    def __init__(self, *widgets):
        self.widgets = widgets

    def __enter__(self):
        for w in self.widgets:
            w.blockSignals(True)

    def __exit__(self, *exc):
        for w in self.widgets:
            w.blockSignals(False)
