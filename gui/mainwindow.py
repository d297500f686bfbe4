"""The main window: a navigation list, one page per area, menus, toolbar and status bar.

Pages are created the first time they are shown, so the window appears before
the heavier screens (and their imports) are built.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from core.version import APP_NAME, __version__
from gui.ask import ask
from gui.screenfit import FitsScreen, fit

# (key, label, "module:Class")
PAGES = (
    ("companies", "企业档案", "gui.pages.companies:CompaniesPage"),
    ("batches", "申报批次", "gui.pages.batches:BatchesPage"),
    ("policies", "政策", "gui.pages.policies:PoliciesPage"),
    ("calculators", "计算工具", "gui.pages.calculators:CalculatorsPage"),
    ("targets", "目标监测", "gui.pages.targets:TargetsPage"),
    ("audit", "审计日志", "gui.pages.audit:AuditPage"),
    ("sandbox", "政策沙盘", "gui.pages.sandbox:SandboxPage"),
    ("lists", "免申即享", "gui.pages.lists:ListsPage"),
)


class PageStack(QStackedWidget):
    """The pages, each in a scroll area: a page that needs more room than the screen has scrolls, and never
    raises the window's minimum size past the screen. Callers add, show and read the pages themselves."""

    def _holder(self, page: QWidget) -> QWidget:
        parent = page.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, QScrollArea) and parent.parentWidget() is self:
                return parent
            parent = parent.parentWidget()
        return page

    def addWidget(self, page: QWidget) -> int:
        from gui.screenfit import scrolling

        return super().addWidget(scrolling(page))

    def setCurrentWidget(self, page: QWidget) -> None:
        super().setCurrentWidget(self._holder(page))

    def currentWidget(self) -> QWidget | None:
        holder = super().currentWidget()
        return holder.widget() if isinstance(holder, QScrollArea) else holder

    def removeWidget(self, page: QWidget) -> None:
        holder = self._holder(page)
        super().removeWidget(holder)
        if holder is not page:
            holder.takeWidget()
            holder.deleteLater()


class MainWindow(FitsScreen, QMainWindow):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        fit(self, 1280, 760)  # and kept inside the screen whenever shown (FitsScreen)
        self.pages = list(PAGES)
        self._widgets: dict[str, QWidget] = {}

        self.nav_model = QStandardItemModel(self)
        for key, label, _ in self.pages:
            item = QStandardItem(label)
            item.setData(key, Qt.ItemDataRole.UserRole)
            item.setEditable(False)
            item.setSizeHint(QSize(120, 40))
            self.nav_model.appendRow(item)
        self.nav = QListView()
        self.nav.setModel(self.nav_model)
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(130)
        self.nav.setStyleSheet("QListView#nav { font-size: 11pt; } QListView#nav::item { padding-left: 14px; }")
        self.stack = PageStack()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.selectionModel().currentChanged.connect(self._nav_changed)

        self._menus()
        from gui import menus

        menus.install(self)  # import, template, demonstration data
        self.status = QLabel("就绪")
        self.status.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )  # a long path never widens the window
        self.statusBar().addPermanentWidget(self.status, 1)
        self.user_label = QLabel()
        self.user_label.setObjectName("current-user")
        self.statusBar().addPermanentWidget(self.user_label)
        self.lock = None  # gui.lock.InactivityLock, installed by gui.app
        self.show_user()
        menus.gate_menus(self)
        self._restore()

    # ---------------------------------------------------------------- pages
    def page(self, key: str) -> QWidget:
        widget = self._widgets.get(key)
        if widget is None:
            if not self.ctx.ready:  # the window first: store and policies are read on a worker thread
                from gui.warmup import placeholder

                return placeholder(self, key)
            spec = next(p for p in self.pages if p[0] == key)[2]
            module, cls = spec.split(":")
            widget = getattr(importlib.import_module(module), cls)(self.ctx, self)
            self._widgets[key] = widget
            self.stack.addWidget(widget)
        return widget

    def show_page(self, key: str) -> QWidget:
        row = next(i for i, p in enumerate(self.pages) if p[0] == key)
        self.nav.setCurrentIndex(self.nav_model.index(row, 0))
        return self.page(key)

    def _nav_changed(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid():
            return
        key = current.data(Qt.ItemDataRole.UserRole)
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        self.ctx.settings.setValue("window/page", key)
        if hasattr(widget, "activated"):
            widget.activated()

    # ---------------------------------------------------------------- menus
    def _menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("文件(&F)")
        self.view_menu = bar.addMenu("视图(&V)")
        self.tools_menu = bar.addMenu("工具(&T)")
        self.help_menu = bar.addMenu("帮助(&H)")
        self.toolbar = self.addToolBar("常用")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)

        quit_action = QAction("退出(&X)", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        self.file_menu.addAction(QAction("兑现通知书(&L)…", self, triggered=lambda: self.open_letters()))
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        self.tools_menu.addAction(QAction("兑现通知书设置(&S)…", self, triggered=self.edit_letter_settings))
        self.tools_menu.addSeparator()
        self.tools_menu.addAction(QAction("用户管理(&U)…", self, triggered=self.manage_users))
        self.tools_menu.addAction(QAction("修改密码(&P)…", self, triggered=self.change_password))
        self.tools_menu.addAction(QAction("锁定(&K)", self, shortcut=QKeySequence("Ctrl+L"), triggered=self.lock_now))
        for i, (key, label, _) in enumerate(self.pages, 1):
            act = QAction(
                label,
                self,
                shortcut=QKeySequence(f"Ctrl+{i}"),
                triggered=lambda checked=False, k=key: self.show_page(k),
            )
            self.view_menu.addAction(act)
            self.toolbar.addAction(act)
        self.help_menu.addAction(QAction("打开日志文件夹(&L)", self, triggered=self.open_log_folder))
        self.help_menu.addAction(QAction("关于(&A)", self, triggered=self.show_about))

    def open_letters(self, batch_id: int | None = None):
        """The letters of a batch (asked for by number when not given)."""
        store = self.ctx.store
        if batch_id is None:
            text = ask().text(self, "兑现通知书", "批次编号：")
            if not text:
                return None
            if not text.strip().isdigit():
                ask().error(self, "兑现通知书", f"批次编号应为数字，实际为“{text}”")
                return None
            batch_id = int(text.strip())
        from gui.letters.preview_dialog import open_letters

        before = store.last_changes
        dialog = open_letters(self, store, batch_id)
        if store.last_changes is not before:  # the letters were numbered as the dialog opened
            self.ctx.changed(store.last_changes)
        if dialog is not None:
            opened = store.last_changes
            dialog.finished.connect(lambda _r: self._letters_closed(batch_id, opened))
        return dialog

    def _letters_closed(self, batch_id: int, opened) -> None:
        """The letters dialog records what was previewed, printed and exported: the screens showing it are told."""
        from core.store.changes import Changes

        if self.ctx.store.last_changes is not opened:
            self.ctx.changed(Changes(letters=frozenset({batch_id}), audit=True))

    # ---------------------------------------------------------------- users (gui.users, gui.lock)
    def show_user(self) -> None:
        from gui.login import user_text

        self.user_label.setText(user_text(self.ctx.store if self.ctx.db_ready() else None))

    def manage_users(self):
        from gui.users import UsersDialog

        store = self.ctx.store
        if store.user is None:
            if store.has_users():
                ask().error(self, "用户管理", "请先登录")
                return None
            from gui.login import FirstAdminDialog  # no users yet: the first is the administrator, logged in

            dialog = FirstAdminDialog(store, self)
            dialog.exec()
            self.show_user()
            return dialog
        if store.user is not None and "admin" not in store.user.roles:
            ask().error(self, "用户管理", "只有管理员可以管理用户")
            return None
        dialog = UsersDialog(store, self)
        dialog.exec()
        self.show_user()
        return dialog

    def change_password(self):
        from gui.users import UserFormDialog

        store = self.ctx.store
        if store.user is None:
            ask().error(self, "修改密码", "尚未登录：数据库还没有设置用户（工具 → 用户管理）")
            return None
        dialog = UserFormDialog(store, UserFormDialog.OWN, store.user.name, parent=self)
        if dialog.exec() == UserFormDialog.DialogCode.Accepted:
            ask().info(self, "修改密码", "密码已修改")
        return dialog

    def lock_now(self) -> None:
        if self.lock is not None:
            self.lock.lock()

    def edit_letter_settings(self) -> bool:
        from gui.letters.settings_dialog import LetterSettingsDialog

        return LetterSettingsDialog(self, self.ctx.store).exec() == LetterSettingsDialog.DialogCode.Accepted

    def open_log_folder(self) -> None:
        from gui.errors import log_path
        from gui.folders import open_folder

        open_folder(self, log_path().parent, "打开日志文件夹")

    def show_about(self) -> None:
        from gui.about import AboutDialog

        AboutDialog(self, self.ctx).exec()

    # ---------------------------------------------------------------- layout
    def _restore(self) -> None:
        s = self.ctx.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # saved on another screen perhaps: kept inside this one
            from gui.screenfit import clamp

            clamp(self)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        key = s.value("window/page") or self.pages[0][0]
        if key not in {p[0] for p in self.pages}:
            key = self.pages[0][0]
        self.show_page(key)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        from gui.warmup import warm_pages

        warm_pages(self)  # the pages' modules, a slice at a time, once the store is open (gui.warmup)

    def closeEvent(self, event) -> None:
        s = self.ctx.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        for widget in self._widgets.values():
            if hasattr(widget, "save_state"):
                widget.save_state(s)
        s.sync()
        super().closeEvent(event)
