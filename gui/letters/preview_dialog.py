"""兑现通知书预览: page through the companies of a batch, zoom, print, export PDF.

Opened from a batch (``open_letters(parent, store, batch_id)``). Printing and
exporting the whole batch run as background operations with a progress bar;
every preview, print and export is recorded in the store's issue log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.letters.batch import prepare_letters
from core.letters.errors import LetterError
from core.letters.files import letter_file_name
from core.letters.settings import is_default, load_letter_settings
from core.money import fmt_yuan
from gui.ask import ask
from gui.operations import Operation
from gui.printing.cli import current_user
from gui.printing.fonts import resolve_font
from gui.printing.output import a4_layout, export_letters, paint_letters, write_pdf
from gui.screenfit import FitsScreen

ROLE_INDEX = Qt.ItemDataRole.UserRole  # index into letters, or -1 - index into withheld


def new_printer(doc_name: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(a4_layout())
    printer.setDocName(doc_name)
    return printer


class LettersDialog(FitsScreen, QDialog):
    def __init__(self, store, batch_id: int, parent=None, *, settings=None, template=None, who: str | None = None):
        super().__init__(parent)
        self.store, self.batch_id = store, batch_id
        self.settings = settings if settings is not None else load_letter_settings()
        self.batch = prepare_letters(store, batch_id, self.settings, template)
        self.font_family = resolve_font(self.settings.fonts)
        self.who = who or current_user()
        self._previewed: set[str] = set()
        self.operation: Operation | None = None
        b = self.batch.batch
        self.setWindowTitle(f"兑现通知书 — {b.name}（{len(self.batch.letters)}份）")
        self.resize(1100, 800)

        self.companies = QListWidget()
        self.companies.setObjectName("companies")
        self.companies.setSpacing(3)
        for i, letter in enumerate(self.batch.letters):
            item = QListWidgetItem(f"{letter.doc_number}\n{letter.company_name}　{fmt_yuan(letter.total)}元")
            item.setData(ROLE_INDEX, i)
            self.companies.addItem(item)
        for i, w in enumerate(self.batch.withheld):
            item = QListWidgetItem(f"{w.doc_number or '无文号'}（未出具）\n{w.company_name}")
            item.setData(ROLE_INDEX, -1 - i)
            item.setForeground(QBrush(QColor("#888888")))
            item.setToolTip(w.reason)
            self.companies.addItem(item)
        self.companies.currentRowChanged.connect(self._company_changed)

        self.printer = new_printer(b.name)
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.setObjectName("preview")
        self.preview.paintRequested.connect(self._paint_preview)
        self.withheld_label = QLabel()
        self.withheld_label.setWordWrap(True)
        self.withheld_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.withheld_label.setStyleSheet("color: #b00020; font-size: 11pt; padding: 40px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.preview)
        self.stack.addWidget(self.withheld_label)

        nav = QHBoxLayout()
        self.prev_company_button = self._tool("上一家", self.previous_company)
        self.next_company_button = self._tool("下一家", self.next_company)
        self.prev_page_button = self._tool("上一页", lambda: self.turn_page(-1))
        self.next_page_button = self._tool("下一页", lambda: self.turn_page(1))
        self.page_label = QLabel()
        for w in (
            self.prev_company_button,
            self.next_company_button,
            QLabel("　"),
            self.prev_page_button,
            self.page_label,
            self.next_page_button,
            QLabel("　"),
        ):
            nav.addWidget(w)
        nav.addWidget(self._tool("缩小", self.preview.zoomOut))
        nav.addWidget(self._tool("放大", self.preview.zoomIn))
        nav.addWidget(self._tool("适合宽度", self.preview.fitToWidth))
        nav.addWidget(self._tool("整页", self.preview.fitInView))
        nav.addStretch()
        self.preview.previewChanged.connect(self._update_page_label)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(nav)
        rl.addWidget(self.stack, 1)

        split = QSplitter()
        split.addWidget(self.companies)
        split.addWidget(right)
        split.setSizes([300, 800])

        self.notice = QLabel(self._notice_text())
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #8a5300;")
        self.notice.setToolTip("\n".join(self.batch.warnings))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.print_one = QPushButton("打印…")
        self.print_all = QPushButton("打印全部…")
        self.export_one = QPushButton("导出PDF…")
        self.export_all = QPushButton("导出全部PDF…")
        self.merged = QCheckBox("合并为一个PDF")
        close = QPushButton("关闭")
        self.print_one.clicked.connect(self.print_current)
        self.print_all.clicked.connect(self.print_batch)
        self.export_one.clicked.connect(self.export_current)
        self.export_all.clicked.connect(self.export_batch)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for w in (self.print_one, self.print_all, self.export_one, self.export_all, self.merged, close):
            buttons.addWidget(w)
        if not self.batch.letters:
            for w in (self.print_all, self.export_all, self.merged):
                w.setEnabled(False)

        layout = QVBoxLayout(self)
        if self.notice.text():
            layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, activated=lambda: self.turn_page(1))
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, activated=lambda: self.turn_page(-1))
        self.companies.setCurrentRow(0)

    def _tool(self, text: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.clicked.connect(slot)
        return button

    def _notice_text(self) -> str:
        notes = []
        if is_default(self.settings):
            notes.append(
                "兑现通知书设置仍是出厂示例（发文机关“××市科学技术局”）：请先在“工具 → 兑现通知书设置”中填写本单位信息。"
            )
        provisional = sum(1 for w in self.batch.withheld if w.kind == "provisional")
        nothing_due = len(self.batch.withheld) - provisional
        if provisional:
            notes.append(
                f"{provisional}家企业的奖补全部依据征求意见稿测算，暂不出具兑现通知书，不编文号（列表中灰色）。"
            )
        if nothing_due:
            notes.append(f"{nothing_due}家企业调整后无应补发金额或应追回，不出具兑现通知书（列表中灰色）。")
        partial = [w for w in self.batch.warnings if "依据征求意见稿测算" in w]
        if partial:  # one line here, each company in the tooltip: the preview keeps its room
            notes.append(
                f"{len(partial)}家企业另有依据征求意见稿测算的奖补，未列入通知书，政策正式印发后另行兑现"
                "（鼠标停在此处查看明细）。"
            )
        notes += [w for w in self.batch.warnings if w not in partial]
        return "\n".join(notes)

    # ------------------------------------------------------------ what is shown
    def current_letter(self):
        item = self.companies.currentItem()
        if item is None:
            return None
        index = item.data(ROLE_INDEX)
        return self.batch.letters[index] if index >= 0 else None

    def _company_changed(self, row: int) -> None:
        item = self.companies.item(row)
        if item is None:
            return
        index = item.data(ROLE_INDEX)
        self.prev_company_button.setEnabled(row > 0)
        self.next_company_button.setEnabled(row < self.companies.count() - 1)
        for w in (self.print_one, self.export_one):
            w.setEnabled(index >= 0)
        if index < 0:
            w = self.batch.withheld[-1 - index]
            number = f"（{w.doc_number}）" if w.doc_number else ""
            verb = "暂不出具" if w.kind == "provisional" else "不出具"
            self.withheld_label.setText(f"{w.company_name}{number}{verb}兑现通知书：\n\n{w.reason}")
            self.stack.setCurrentWidget(self.withheld_label)
            self.page_label.setText("")
            for b in (self.prev_page_button, self.next_page_button):
                b.setEnabled(False)
            return
        letter = self.batch.letters[index]
        self.stack.setCurrentWidget(self.preview)
        self.printer.setDocName(letter.doc_number)
        self.preview.updatePreview()
        self.preview.setCurrentPage(1)
        self._update_page_label()
        if letter.uscc not in self._previewed:
            self._previewed.add(letter.uscc)
            self.store.record_letter_issue(self.batch_id, letter.uscc, "preview", self.who)

    def _paint_preview(self, printer) -> None:
        letter = self.current_letter()
        if letter is not None:
            paint_letters(printer, [letter], self.font_family)

    def _update_page_label(self) -> None:
        pages, page = self.preview.pageCount(), self.preview.currentPage()
        self.page_label.setText(f"第{page}页，共{pages}页" if pages else "")
        self.prev_page_button.setEnabled(page > 1)
        self.next_page_button.setEnabled(page < pages)

    def turn_page(self, step: int) -> None:
        page = self.preview.currentPage() + step
        if 1 <= page <= self.preview.pageCount():
            self.preview.setCurrentPage(page)
        self._update_page_label()

    def previous_company(self) -> None:
        self.companies.setCurrentRow(max(0, self.companies.currentRow() - 1))

    def next_company(self) -> None:
        self.companies.setCurrentRow(min(self.companies.count() - 1, self.companies.currentRow() + 1))

    # ------------------------------------------------------------ output
    def _record(self, letters, kind: str) -> None:
        for letter in letters:
            self.store.record_letter_issue(self.batch_id, letter.uscc, kind, self.who)

    def print_current(self) -> bool:
        letter = self.current_letter()
        if letter is None:
            return False
        printer = new_printer(letter.doc_number)
        if not ask().printer(self, f"打印兑现通知书 {letter.doc_number}", printer):
            return False
        try:
            paint_letters(printer, [letter], self.font_family)
        except LetterError as exc:
            ask().error(self, "打印兑现通知书", str(exc))
            return False
        self._record([letter], "print")
        self.status.setText(f"已打印 {letter.doc_number} {letter.company_name}")
        return True

    def print_batch(self) -> Operation | None:
        letters = list(self.batch.letters)
        printer = new_printer(self.batch.batch.name)
        if not ask().printer(self, f"打印全部兑现通知书（{len(letters)}份）", printer):
            return None

        def work(report, cancelled):
            return paint_letters(printer, letters, self.font_family, report, cancelled, label="正在打印兑现通知书")

        def done(pages):
            self._record(letters, "print")
            self.status.setText(f"已打印{len(letters)}份兑现通知书，共{pages}页")

        self.operation = Operation(
            self, "打印兑现通知书", work, on_success=done, on_cancel=lambda: self.status.setText("打印已取消")
        ).start()
        self.operation.printer = printer  # kept alive while the worker paints on it
        return self.operation

    def export_current(self) -> Path | None:
        letter = self.current_letter()
        if letter is None:
            return None
        from gui.folders import app_settings, remember_folder, save_path

        settings = app_settings()
        answer = ask().save_file(
            self, "导出兑现通知书PDF", save_path(settings, letter_file_name(letter)), "PDF 文件 (*.pdf)"
        )
        if not answer:
            return None
        remember_folder(settings, answer)
        path = Path(answer)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_pdf([letter], path, self.font_family)
        except (LetterError, OSError) as exc:
            ask().error(self, "导出兑现通知书PDF", f"无法写入{path}：{getattr(exc, 'strerror', None) or exc}")
            return None
        self._record([letter], "pdf")
        self.status.setText(f"已导出：{path}")
        ask().saved(
            self, "导出兑现通知书PDF", f"已导出{letter.doc_number} {letter.company_name}的兑现通知书：\n{path}", path
        )
        return path

    def export_batch(self) -> Operation | None:
        folder = ask().directory(self, "选择兑现通知书的导出目录")
        if not folder:
            return None
        letters = list(self.batch.letters)
        merged = self.merged.isChecked()

        def work(report, cancelled):
            return export_letters(letters, folder, self.font_family, merged=merged, report=report, cancelled=cancelled)

        def done(paths):
            self._record(letters, "pdf")
            where = paths[0] if merged else Path(folder)
            self.status.setText(f"已导出{len(letters)}份兑现通知书：{where}")
            ask().saved(
                self,
                "导出兑现通知书",
                f"已导出{len(letters)}份兑现通知书，共{len(paths)}个PDF文件：\n{where}",
                paths[0],
            )

        self.operation = Operation(
            self,
            "导出兑现通知书",
            work,
            on_success=done,
            on_cancel=lambda: self.status.setText("导出已取消，没有写入文件"),
        ).start()
        return self.operation


def open_letters(parent, store, batch_id: int) -> LettersDialog | None:
    """Show the letters of a batch; a draft batch or bad settings are explained instead."""
    try:
        dialog = LettersDialog(store, batch_id, parent)
    except Exception as exc:
        if not isinstance(exc, (LetterError, LookupError)) and not type(exc).__module__.startswith("core.store"):
            raise
        from gui.errors import is_tampered, show_alarm

        if is_tampered(exc):  # a row a letter would show was changed in the file: the tamper alarm, no letters
            show_alarm(parent, exc)
        else:
            ask().error(parent, "兑现通知书", str(exc))
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
