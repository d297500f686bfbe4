"""兑现通知书设置: the bureau's own fields, edited by the administrator and saved as settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.letters.document import format_date
from core.letters.errors import LetterError
from core.letters.numbering import format_doc_number
from core.letters.settings import (
    DATE_STYLES,
    FIELDS,
    LetterSettings,
    default_letter_settings,
    load_letter_settings,
    save_letter_settings,
    settings_path,
)
from core.letters.template import TEXT_PLACEHOLDERS
from gui.printing.fonts import FontMissing, resolve_font
from gui.screenfit import FitsScreen, fit, scrolling


class LetterSettingsDialog(FitsScreen, QDialog):
    """The letter's fields, and (given the store) the 经办人 named at first run, which the first-run dialog says
    can be changed here."""

    def __init__(self, parent=None, store=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("兑现通知书设置")
        fit(self, 720, 640)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        try:
            current = load_letter_settings()
        except LetterError as exc:
            current = default_letter_settings()
            self.error.setText(f"{exc}\n已改用出厂示例，保存后覆盖原设置文件。")
        self.fields: dict[str, object] = {}
        form = QFormLayout()
        for name, (label, required, kind) in FIELDS.items():
            if kind == "text":
                w = QPlainTextEdit()
                w.setFixedHeight(72 if name != "signature" else 52)
                w.textChanged.connect(self._update_example)
            elif kind == "choice":
                w = QComboBox()
                for key, text in DATE_STYLES.items():
                    w.addItem(text, key)
                w.currentIndexChanged.connect(self._update_example)
            else:
                w = QLineEdit()
                w.textChanged.connect(self._update_example)
                if kind == "fonts":
                    w.setPlaceholderText("多个字体用逗号分隔，如 FangSong, SimSun, Microsoft YaHei")
            w.setObjectName(name)
            self.fields[name] = w
            form.addRow(label + ("" if required else "（可不填）"), w)
        self.clerk = None
        if store is not None:
            from core.firstrun import clerk_name

            self.clerk = QLineEdit(clerk_name(store))
            self.clerk.setObjectName("clerk")
            self.clerk.setPlaceholderText("如：张三（没有设置用户时，批次和调整以此人为经办人）")
            form.addRow("经办人", self.clerk)
        self.example = QLabel()
        self.example.setWordWrap(True)
        hint = QLabel(
            "文字中可以使用："
            + "　".join(f"{{{{{p}}}}}" for p in TEXT_PLACEHOLDERS)
            + "。落款可写多行（联合发文时每个机关一行）。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555;")
        where = QLabel(f"保存在：{settings_path()}")
        where.setStyleSheet("color: #777777;")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.reset_button = buttons.addButton("恢复出厂示例", QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.reset_button.clicked.connect(lambda: self.show_settings(default_letter_settings()))
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addWidget(hint)
        inner.addWidget(self.example)
        inner.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)  # on a 600 px screen the fields scroll, the buttons stay
        layout.addWidget(self.error)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.show_settings(current)

    def show_settings(self, settings: LetterSettings) -> None:
        for name, w in self.fields.items():
            value = getattr(settings, name)
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(value)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif name == "fonts":
                w.setText(", ".join(value))
                w.setCursorPosition(0)
            else:
                w.setText(value)
        self._update_example()

    def settings(self) -> LetterSettings:
        values = {}
        for name, w in self.fields.items():
            if isinstance(w, QPlainTextEdit):
                values[name] = w.toPlainText().strip()
            elif isinstance(w, QComboBox):
                values[name] = w.currentData()
            elif name == "fonts":
                values[name] = tuple(f.strip() for f in w.text().replace("，", ",").split(",") if f.strip())
            else:
                values[name] = w.text().strip()
        return replace(default_letter_settings(), **values)

    def _save_clerk(self, name: str) -> bool:
        from core.firstrun import clerk_name, save_clerk_name
        from core.store.errors import StoreError

        if name == clerk_name(self.store):
            return True
        try:
            save_clerk_name(self.store, name)
        except (StoreError, ValueError) as exc:
            self.error.setText(f"通知书设置已保存，经办人未能保存：{exc}")
            return False
        return True

    def _update_example(self) -> None:
        s = self.settings()
        try:
            number = format_doc_number(s.code, dt.date.today().year, 1)
        except LetterError:
            number = "（机关代字有误）"
        date = format_date(dt.date.today(), s.date_style) if s.date_style in DATE_STYLES else ""
        try:
            font = resolve_font(s.fonts)
        except FontMissing:
            font = "（没有可用的中文字体）"
        self.example.setText(f"文号示例：{number}　　成文日期示例：{date}　　将使用字体：{font}")

    def save(self) -> bool:
        settings = self.settings()
        problems = settings.problems()
        clerk = self.clerk.text().strip() if self.clerk is not None else None
        if clerk is not None:
            from core.firstrun import clerk_problem

            if (problem := clerk_problem(clerk)) is not None:
                problems = [*problems, problem]
        if problems:
            self.error.setText("\n".join(problems))
            return False
        try:
            save_letter_settings(settings)
        except (LetterError, OSError) as exc:
            self.error.setText(f"无法保存：{exc}")
            return False
        if clerk is not None and not self._save_clerk(clerk):
            return False
        self.error.setText("")
        self.accept()
        return True
