"""关于: the version, where the clerk's data lives, and the policy documents the program has loaded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.paths import ROOT, user_data_dir
from core.policy.model import STATUS_LABELS
from core.version import APP_NAME, __version__
from gui.errors import log_path
from gui.screenfit import FitsScreen

COLUMNS = ("政策文件", "文号", "发文机关", "印发日期", "有效期", "状态")


def database_location(ctx) -> str:
    """The database the program uses: the SQLite file, or the server's URL without its password."""
    from core.store.db import display_url, resolve_url, sqlite_path

    try:
        url = ctx.store.url if ctx._store is not None else resolve_url(ctx.db_url)
        path = sqlite_path(url)
        return str(path) if path is not None else display_url(url)
    except Exception as exc:  # an unreadable connection setting: say so rather than fail the dialog
        return f"（无法确定：{exc}）"


class AboutDialog(FitsScreen, QDialog):
    def __init__(self, parent, ctx):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"关于{APP_NAME}")
        self.resize(860, 460)

        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        title = QLabel(f"<b style='font-size:15pt'>{APP_NAME}</b><br>版本 {__version__}")
        title.setTextFormat(Qt.TextFormat.RichText)
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addWidget(title, 1)

        self.places = {
            "数据文件夹": str(user_data_dir()),
            "数据库": database_location(ctx),
            "日志文件": str(log_path()),
            "程序文件夹": str(ROOT),
        }
        form = QFormLayout()
        for label, value in self.places.items():
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setObjectName(label)
            form.addRow(label + "：", text)

        docs = sorted(ctx.base_policies.documents.values(), key=lambda d: (d.level != "region", d.date))
        self.documents = QTableWidget(len(docs), len(COLUMNS))
        self.documents.setObjectName("documents")
        self.documents.setHorizontalHeaderLabels(COLUMNS)
        self.documents.verticalHeader().setVisible(False)
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, d in enumerate(docs):
            values = (
                d.title,
                d.doc_number or "—",
                d.issuer,
                d.date.isoformat(),
                d.period_text,
                STATUS_LABELS.get(d.status, d.status),
            )
            for col, value in enumerate(values):
                self.documents.setItem(row, col, QTableWidgetItem(value))
        header = self.documents.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        buttons = QDialogButtonBox()
        open_data = QPushButton("打开数据文件夹")
        open_data.clicked.connect(self.open_data_folder)
        copy = QPushButton("复制以上信息")
        copy.clicked.connect(self.copy)
        buttons.addButton(open_data, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(form)
        layout.addWidget(QLabel(f"已载入的政策文件（{len(docs)}个）："))
        layout.addWidget(self.documents, 1)
        layout.addWidget(buttons)

    def text(self) -> str:
        """Everything the dialog shows, as text for a support request."""
        lines = [f"{APP_NAME} {__version__}"] + [f"{k}：{v}" for k, v in self.places.items()]
        lines.append("已载入的政策文件：")
        for row in range(self.documents.rowCount()):
            lines.append("　" + "　".join(self.documents.item(row, c).text() for c in range(len(COLUMNS))))
        return "\n".join(lines)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())

    def open_data_folder(self) -> None:
        from gui.folders import open_folder

        open_folder(self, user_data_dir(), "打开数据文件夹")
