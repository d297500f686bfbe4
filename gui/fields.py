"""Inputs that check what is typed as it is typed: a red frame and the reason under the field.

Each field is a QLineEdit with a ``check(text) -> (value, problem, hint)``;
:class:`FieldSet` puts fields in a form with their messages and says whether
all of them are fine, so a dialog's 确定 is enabled only then. The checks are
the core's own (core.uscc, core.money.parse_amount, core.vocabulary.parse_date),
so what the screen accepts is what the store accepts.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.money import MoneyError, fmt_yuan, parse_amount
from core.uscc import normalize_uscc, uscc_problem
from core.vocabulary import FieldError, parse_date

MONEY_LIMIT = Decimal("1e16")
BAD_STYLE = "QLineEdit { border: 1px solid #c62828; background: #fff6f6; }"
MESSAGE_STYLE = "color: #c62828; font-size: 9pt;"
HINT_STYLE = "color: #666666; font-size: 9pt;"


# ---------------------------------------------------------------- checks: text -> (value, problem, hint)


def check_uscc(text: str, required: bool = True):
    code = normalize_uscc(text)
    if not code:
        return None, "请填写统一社会信用代码" if required else None, ""
    if len(code) < 18:
        return None, f"已输入{len(code)}位，统一社会信用代码为18位", ""
    problem = uscc_problem(code)
    return (None, problem, "") if problem else (code, None, "校验位正确")


def check_date(label: str, required: bool = True):
    def check(text: str):
        if not text.strip():
            return None, f"请填写{label}" if required else None, ""
        try:
            day = parse_date(text.strip(), label)
        except FieldError:
            return None, "不是有效日期，可写作 2025-11-20、2025/11/20 或 2025年11月20日", ""
        return day, None, f"{day.year}年{day.month}月{day.day}日"

    check.is_date = True  # CheckedEdit offers a calendar for it
    return check


def check_money(label: str, required: bool = True):
    def check(text: str):
        if not text.strip():
            return None, f"请填写{label}" if required else None, ""
        try:
            amount = parse_amount(text)
        except MoneyError:
            return None, "金额无法识别，可写作 1,200,000 或 120万", ""
        if amount < 0:
            return None, f"{label}不能为负数", ""
        if amount != amount.quantize(Decimal("0.01")):
            return None, f"{label}最多保留两位小数（到分）", ""
        if amount >= MONEY_LIMIT:
            return None, f"{label}过大", ""
        return amount, None, f"= {fmt_yuan(amount)} 元"

    return check


def check_year(label: str = "年度", required: bool = True):
    def check(text: str):
        t = text.strip().removesuffix("年")
        if not t:
            return None, f"请填写{label}" if required else None, ""
        if not t.isdigit() or not 1990 <= int(t) <= 2100:
            return None, f"{label}应为1990至2100之间的年份，如 2025", ""
        return int(t), None, ""

    return check


def check_decimal(label: str):
    def check(text: str):
        t = text.strip().replace(",", "").replace("，", "")
        if not t:
            return None, f"请填写{label}", ""
        percent = t.endswith("%")
        try:
            value = Decimal(t.removesuffix("%"))
        except ArithmeticError:
            return None, f"{label}应为数值，如 500000、0.05 或 5%", ""
        if not value.is_finite():
            return None, f"{label}应为数值", ""
        if percent:
            value = value / 100
        return value, None, f"= {value.normalize():f}" if percent else ""

    return check


PHONE_CHARS = frozenset("0123456789-－—() （）+＋ 转")


def check_phone(text: str):
    """A telephone number as bureaus write them: 0470-8221234, 13912345678, 0470-8221234转801."""
    t = text.strip()
    if not t:
        return "", None, ""
    if any(c not in PHONE_CHARS for c in t):
        return None, "电话只能含数字、“-”、括号和“转”", ""
    digits = sum(c.isdigit() for c in t)
    if not 7 <= digits <= 20:
        return None, f"电话号码位数不对（{digits}位数字）", ""
    return t, None, ""


def check_county(city):
    """A 旗县区 of the city ``city()`` returns (core.regions): old spellings give the standard name."""
    from core.regions import regions

    def check(text: str):
        t = text.strip()
        if not t:
            return "", None, ""
        c = city()
        if c is None:
            return None, "请先选择所属盟市", ""
        standard = regions().resolve(c, t)
        if standard is None:
            return None, regions().problem(c, t), ""
        return standard, None, (f"即“{standard}”" if standard != t else "")

    return check


def check_text(label: str, required: bool = False, limit: int = 200):
    def check(text: str):
        t = text.strip()
        if not t:
            return ("", f"请填写{label}", "") if required else ("", None, "")
        if len(t) > limit:
            return None, f"{label}过长（{len(t)}字，最多{limit}字）", ""
        return t, None, ""

    return check


# ---------------------------------------------------------------- widgets


class CheckedEdit(QLineEdit):
    """A QLineEdit that checks its text on every change; ``value`` is the parsed value or None."""

    checked = Signal()

    def __init__(self, check, text: str = "", placeholder: str = "", parent=None):
        super().__init__(parent)
        self._check = check
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.value, self.problem, self.hint = None, None, ""
        if placeholder:
            self.setPlaceholderText(placeholder)
        self.textChanged.connect(self.recheck)
        self.setText(text)
        self.recheck()
        if getattr(check, "is_date", False):
            self._calendar_action()

    def _calendar_action(self) -> None:
        """A calendar at the end of a date field: click, pick a day, the date is typed in."""
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QStyle

        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.calendar_action = self.addAction(QIcon(icon), QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip("选择日期")
        self.calendar_action.triggered.connect(self.pick_date)

    def pick_date(self):
        """Show the calendar under the field (the date typed so far selected); returns the popup."""
        from PySide6.QtCore import QDate, Qt
        from PySide6.QtWidgets import QCalendarWidget

        popup = QCalendarWidget(self)
        popup.setWindowFlags(Qt.WindowType.Popup)
        popup.setGridVisible(True)
        if self.value is not None:
            popup.setSelectedDate(QDate(self.value.year, self.value.month, self.value.day))

        def picked(day) -> None:
            self.setText(f"{day.year():04d}-{day.month():02d}-{day.day():02d}")
            self.setModified(True)
            popup.close()

        popup.clicked.connect(picked)
        popup.activated.connect(picked)
        popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        popup.show()
        self.calendar = popup
        return popup

    def set_check(self, check) -> None:
        self._check = check
        self.recheck()

    def recheck(self, *_args) -> None:
        self.value, self.problem, self.hint = self._check(self.text())
        shown = self.problem if self.problem and (self.text().strip() or self.isModified()) else None
        self.setStyleSheet(BAD_STYLE if shown else "")
        self.message.setStyleSheet(MESSAGE_STYLE if shown else HINT_STYLE)
        self.message.setText(shown or self.hint)
        self.message.setVisible(bool(shown or self.hint))
        self.setToolTip(self.problem or "")
        self.checked.emit()

    @property
    def ok(self) -> bool:
        return self.problem is None


class FieldSet(QObject):
    """Fields of one form: each row shows the field with its message under it."""

    changed = Signal()

    def __init__(self, form: QFormLayout):
        super().__init__()
        self.form = form
        self.fields: dict[str, QWidget] = {}

    def add(self, name: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(name)
        self.fields[name] = widget
        if isinstance(widget, CheckedEdit):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(1)
            lay.addWidget(widget)
            lay.addWidget(widget.message)
            self.form.addRow(label, box)
            widget.checked.connect(self.changed)
        else:
            self.form.addRow(label, widget)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.changed)
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.changed)
        return widget

    def __getitem__(self, name: str):
        return self.fields[name]

    def problems(self) -> list[str]:
        out = [w.problem for w in self.fields.values() if isinstance(w, CheckedEdit) and w.problem]
        for w in self.fields.values():  # a choice that must be made (no default: 请选择…)
            if isinstance(w, QComboBox) and w.property("required_label") and w.currentData() is None:
                out.append(f"请选择{w.property('required_label')}")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()


def enum_combo(
    values: dict[str, str], current: str | None = None, none_label: str | None = None, required: str | None = None
) -> QComboBox:
    """A combo box of an enumeration's Chinese labels (data = the enum name; None for ``none_label``).

    ``required`` (what is chosen, e.g. 所属盟市): no default; it starts at 请选择… and the form is not done
    until a value is chosen."""
    box = QComboBox()
    if required is not None:
        box.setProperty("required_label", required)
        if none_label is None and current is None:
            none_label = f"请选择{required}"
    if none_label is not None:
        box.addItem(none_label, None)
    for key, label in values.items():
        box.addItem(label, key)
    index = box.findData(current)
    if index >= 0:
        box.setCurrentIndex(index)
    return box
