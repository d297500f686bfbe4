"""What is wrong with a workbook, said so a clerk can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, at a cell, a row, a column header, a sheet or the whole file.

    ``row`` is the worksheet row number (1-based) or None; ``column`` the
    column letter or "" when the problem is not about one column.
    """

    sheet: str
    row: int | None
    column: str
    header: str
    value: str
    reason: str

    @property
    def cell(self) -> str:
        """``C5`` when the problem points at one cell, else ""."""
        return f"{self.column}{self.row}" if self.column and self.row else ""

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"{self.column}列")
        if self.header:
            parts.append(f"（{self.header}）")
        return "".join(parts)

    def __str__(self) -> str:
        value = f"，填写内容“{self.value}”" if self.value else ""
        where = self.where
        return f"{where}{value}：{self.reason}" if where or value else self.reason


def show_value(value, limit: int = 60) -> str:
    """A cell value as a clerk would recognise it, shortened for messages."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "NaN" if value != value else ("-INF" if value < 0 else "INF")
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # how Excel shows a whole number
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    text = str(value).replace("\r", " ").replace("\n", " ")
    if not text.isprintable():  # a bidi or invisible character would change how the message itself reads
        text = "".join(ch if ch.isprintable() else " " if ch.isspace() else f"[U+{ord(ch):04X}]" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WorkbookError(ValueError):
    """A workbook that cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], source_name: str = ""):
        self.problems = list(problems)
        self.source_name = source_name
        head = f"{source_name}：" if source_name else ""
        if len(self.problems) == 1:
            text = f"{head}{self.problems[0]}"
        else:
            text = f"{head}发现{len(self.problems)}处问题，第一处：{self.problems[0]}" if self.problems else head
        super().__init__(text)


class WorkbookRefused(WorkbookError):
    """The file itself was refused (not a workbook, encrypted, too big, malformed):
    no cell was read, so there is nothing to highlight."""

    def __init__(self, reason: str, source_name: str = ""):
        super().__init__([Problem("", None, "", "", "", reason)], source_name)
        self.reason = reason
