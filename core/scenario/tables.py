"""A report as titled tables: what the 测算报告, 预算测算表 and 政策效益 workbooks and PDFs are made of.

One model, two renderings: :func:`write_workbook` (through core.excel.writer,
so every text cell is text) and :func:`report_html` (for the PDF, painted by
gui.reportpdf). Amounts stay Decimal yuan; a column says how it is shown.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.money import fmt_yuan

MONEY, COUNT, RATE, TEXT = "money", "count", "rate", "text"


@dataclass
class Table:
    headers: list  # (text, width in characters, kind: MONEY | COUNT | RATE | TEXT)
    rows: list  # lists of values: Decimal, int, str or None
    title: str = ""
    total: list | None = None  # a last row in bold


@dataclass
class Sheet:
    name: str  # the sheet's name (31 characters at most)
    title: str
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    sheets: list = field(default_factory=list)
    made_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))


def write_workbook(report: Report, path: str | Path) -> Path:
    from openpyxl.utils import get_column_letter

    from core.excel import styles as st
    from core.excel.styles import Style
    from core.excel.writer import Book

    title_style = Style(st.TITLE_FONT, alignment=st.LEFT)
    section = Style(st.SECTION_FONT)
    note = Style(st.BODY_FONT, alignment=st.LEFT)
    body = {
        MONEY: Style(st.BODY_FONT, None, st.BORDER, st.RIGHT, st.YUAN_FORMAT),
        COUNT: Style(st.BODY_FONT, None, st.BORDER, st.RIGHT, "0"),
        RATE: Style(st.BODY_FONT, None, st.BORDER, st.RIGHT, "0.00%"),
        TEXT: Style(st.BODY_FONT, None, st.BORDER, st.LEFT, st.TEXT_FORMAT),
    }
    bold = {k: v.but(font=st.BOLD_FONT, fill=st.TOTAL_FILL) for k, v in body.items()}
    book = Book(stream=False)
    for sheet in report.sheets:
        rows = book.sheet(sheet.name[:31])
        ws = rows.ws
        width = max((len(t.headers) for t in sheet.tables), default=1)
        r = 1
        rows.row(r, [sheet.title], [title_style], height=28, merge=[(1, max(width, 1))])
        r += 1
        rows.row(
            r, [f"{report.subtitle}　制表时间：{report.made_at:%Y-%m-%d %H:%M}"], [note], merge=[(1, max(width, 1))]
        )
        r += 2
        widths: dict[int, float] = {}
        for table in sheet.tables:
            if table.title:
                rows.row(r, [table.title], [section])
                r += 1
            rows.row(r, [h[0] for h in table.headers], st.HEADER)
            r += 1
            kinds = [h[2] for h in table.headers]
            for i, (_, w, _) in enumerate(table.headers, 1):
                widths[i] = max(widths.get(i, 0), w)
            for values in table.rows:
                rows.row(r, [_cell(v, k) for v, k in zip(values, kinds)], [body[k] for k in kinds])
                r += 1
            if table.total is not None:
                rows.row(r, [_cell(v, k) for v, k in zip(table.total, kinds)], [bold[k] for k in kinds])
                r += 1
            r += 1
        for text in sheet.notes:
            rows.row(r, [text], [note], merge=[(1, max(width, 1))], height=_note_height(text, widths))
            r += 1
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    return book.save(path)


def _note_height(text: str, widths: dict) -> float:
    total = sum(widths.values()) or 60
    lines = max(1, -(-len(text) * 2 // int(total)))
    return 15 * lines + 4


def _cell(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == TEXT:
        return str(value)
    if kind == RATE and isinstance(value, Decimal):
        return value
    return value


def show(value: object, kind: str) -> str:
    """A value as the PDF and the screen show it."""
    if value is None:
        return "—"
    if kind == MONEY:
        return fmt_yuan(value if isinstance(value, Decimal) else Decimal(str(value)))
    if kind == RATE and isinstance(value, (Decimal, int, float, str)):
        return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"
    return str(value)


def report_html(report: Report, font_family: str = "") -> str:
    """The report as HTML for QTextDocument: each sheet a section, each table a framed table."""
    font = f"font-family:'{html.escape(font_family)}';" if font_family else ""
    out = [
        f'<html><body style="{font} font-size:9pt;">',
        f"<h2 align=center>{html.escape(report.title)}</h2>",
        f"<p align=center>{html.escape(report.subtitle)}　制表时间：{report.made_at:%Y-%m-%d %H:%M}</p>",
    ]
    for sheet in report.sheets:
        out.append(f"<h3>{html.escape(sheet.title)}</h3>")
        for table in sheet.tables:
            if table.title:
                out.append(f"<p><b>{html.escape(table.title)}</b></p>")
            out.append('<table border=1 cellspacing=0 cellpadding=3 width=100% style="border-collapse:collapse;">')
            out.append(
                "<tr>" + "".join(f"<th bgcolor=#DDEBF7>{html.escape(h[0])}</th>" for h in table.headers) + "</tr>"
            )
            kinds = [h[2] for h in table.headers]
            for values in table.rows:
                out.append(_html_row(values, kinds))
            if table.total is not None:
                out.append(_html_row(table.total, kinds, bold=True))
            out.append("</table><br>")
        for text in sheet.notes:
            out.append(f"<p>{html.escape(text)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def _html_row(values: list, kinds: list[str], bold: bool = False) -> str:
    cells = []
    for v, k in zip(values, kinds):
        text = html.escape(show(v, k))
        if bold:
            text = f"<b>{text}</b>"
        align = "left" if k == TEXT else "right"
        cells.append(f"<td align={align}{' bgcolor=#F2F2F2' if bold else ''}>{text}</td>")
    return "<tr>" + "".join(cells) + "</tr>"
