"""What every table of the program offers: header-click sorting and a right-click menu (复制, 打开, 导出当前列表).

``equip(view, title, ...)`` is called once per table. 导出当前列表 writes the
rows as the table shows them (its order, its filter, its columns) through
core.listexport (every text cell text, never a formula), on a worker thread.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu

from gui.ask import ask

WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx)"


def _columns(view) -> list[int]:
    model = view.model()
    header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()
    columns = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    return sorted(columns, key=header.visualIndex)


def headers(view) -> list[str]:
    model = view.model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in _columns(view)]


def _walk(model, parent=QModelIndex(), depth: int = 0):
    """Every row of the model in the order shown (a tree's children under their parent)."""
    if hasattr(model, "canFetchMore") and model.canFetchMore(parent):
        while model.canFetchMore(parent):
            model.fetchMore(parent)
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        yield index, depth
        if model.rowCount(index) > 0 or (hasattr(model, "canFetchMore") and model.canFetchMore(index)):
            yield from _walk(model, index, depth + 1)


def shown_rows(view) -> list[list[str]]:
    """The rows as the view shows them: one list of cell texts per row (a tree's child rows indented)."""
    model, columns = view.model(), _columns(view)
    out = []
    for index, depth in _walk(model):
        cells = []
        for c in columns:
            value = model.index(index.row(), c, index.parent()).data(Qt.ItemDataRole.DisplayRole)
            cells.append("" if value is None else str(value))
        if depth and cells:
            cells[0] = "　" * depth + cells[0]
        out.append(cells)
    return out


def selected_text(view) -> str:
    """The selected rows (or the current cell's row) as tab-separated lines, for pasting into Excel or WPS."""
    model, columns = view.model(), _columns(view)
    rows = sorted(
        {(i.parent(), i.row()) for i in view.selectionModel().selectedIndexes()},
        key=lambda pr: (pr[0].row() if pr[0].isValid() else -1, pr[1]),
    )
    if not rows and view.currentIndex().isValid():
        rows = [(view.currentIndex().parent(), view.currentIndex().row())]
    lines = []
    for parent, row in rows:
        lines.append("\t".join(str(model.index(row, c, parent).data() or "") for c in columns))
    return "\n".join(lines)


def copy_selection(view) -> str:
    text = selected_text(view)
    QApplication.clipboard().setText(text)
    return text


def export_shown(view, title: str, settings=None, note: str = "", store=None):
    """导出当前列表: ask where, then write the rows as shown (returns the Operation, or None when not asked for)."""
    from gui.folders import remember_folder, save_path
    from gui.operations import Operation

    default = f"{title}.xlsx" if settings is None else save_path(settings, f"{title}.xlsx")
    target = ask().save_file(view, "导出当前列表", default, WORKBOOK_FILTER)
    if not target:
        return None
    if settings is not None:
        remember_folder(settings, target)
    names, rows = headers(view), shown_rows(view)
    note = note() if callable(note) else note

    def work(report, cancelled):
        from core.listexport import write_list

        report(0, 0, f"正在导出{len(rows):,}行…")
        path = write_list(target, title, names, rows, note)
        if store is not None:
            from gui.batches.exports import log_export

            log_export(store, f"导出当前列表：{title}（{len(rows)}行）", f"view:{title}", path)
        return path

    def done(path):
        ask().saved(view, "导出当前列表", f"已导出{title}（{len(rows):,}行）：\n{path}", path)

    return Operation(view, "导出当前列表", work, on_success=done, cancellable=False).start()


def _sorting(view) -> bool:
    return bool(getattr(view, "isSortingEnabled", lambda: False)())


def sort_by_current_column(view, order) -> None:
    """Sort ``view`` by the column of its current cell (else the column sorted by), as a header click would."""
    if not _sorting(view):
        return
    header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()
    column = view.currentIndex().column()
    if column < 0:
        column = max(header.sortIndicatorSection(), 0)
    view.sortByColumn(column, order)


def equip(view, title: str, *, settings=None, open_row=None, note="", sortable: bool = True, store=None) -> None:
    """Give ``view`` sorting (when its model sorts), 复制 (Ctrl+C), 打开 (``open_row(index)``), 导出当前列表."""
    if sortable and hasattr(view, "setSortingEnabled"):
        header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as loaded until a header is clicked
        view.setSortingEnabled(True)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    copy = QAction("复制", view, shortcut=QKeySequence.StandardKey.Copy)
    copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    copy.triggered.connect(lambda: copy_selection(view))
    view.addAction(copy)
    opener = None
    if open_row is not None:
        opener = QAction("打开", view)
        opener.triggered.connect(lambda: view.currentIndex().isValid() and open_row(view.currentIndex()))
    export = QAction("导出当前列表…", view)
    export.triggered.connect(lambda: export_shown(view, title, settings, note, store() if callable(store) else store))
    # the header takes no focus: sorting by the current cell's column is also in the menu and on Alt+↑ / Alt+↓
    ascending = QAction("按此列升序排列", view, shortcut=QKeySequence("Alt+Up"))
    descending = QAction("按此列降序排列", view, shortcut=QKeySequence("Alt+Down"))
    for action, order in ((ascending, Qt.SortOrder.AscendingOrder), (descending, Qt.SortOrder.DescendingOrder)):
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _checked=False, order=order: sort_by_current_column(view, order))
        view.addAction(action)
    view.table_actions = {
        "copy": copy,
        "open": opener,
        "export": export,
        "ascending": ascending,
        "descending": descending,
    }

    def menu(pos) -> None:
        index = view.indexAt(pos)
        if index.isValid() and view.selectionMode() != QAbstractItemView.SelectionMode.NoSelection:
            view.setCurrentIndex(index)
        m = QMenu(view)
        if opener is not None:
            opener.setEnabled(index.isValid())
            m.addAction(opener)
            m.addSeparator()
        copy.setEnabled(index.isValid() or view.currentIndex().isValid())
        m.addAction(copy)
        m.addAction(export)
        if _sorting(view):
            m.addSeparator()
            m.addAction(ascending)
            m.addAction(descending)
        view.table_menu = m  # tests look at it
        m.popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(menu)
