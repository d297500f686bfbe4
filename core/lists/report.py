"""The 应享未享 workbook: one row per award a company is entitled to and has not been paid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from core.excel import styles as st
from core.excel.styles import Style
from core.excel.writer import Book
from core.money import ZERO

if TYPE_CHECKING:
    from core.lists.entitled import Entitlement

HEADERS = (
    ("序号", 6),
    ("统一社会信用代码", 22),
    ("企业名称", 30),
    ("盟市", 12),
    ("旗县区", 12),
    ("奖补事项", 34),
    ("政策依据", 40),
    ("金额（元）", 14),
    ("原因", 50),
    ("备注", 16),
)


def write_entitled_workbook(
    items: Sequence[Entitlement], year: int, path: str | Path, city_label: Callable[[str], str] = lambda key: key
) -> Path:
    """``items`` (core.lists.entitled.Entitlement) as a workbook at ``path``; returns the path."""
    last = len(HEADERS)
    with Book(stream=False) as book:
        sheet = book.sheet("应享未享")
        sheet.row(
            1,
            [f"{year}年度应享未享奖补清单"] + [None] * (last - 1),
            [Style(st.TITLE_FONT, alignment=st.CENTER)] + [None] * (last - 1),
            height=30,
            merge=[(1, last)],
        )
        total = sum((i.amount for i in items), ZERO)
        note = (
            f"共{len({i.uscc for i in items})}家单位、{len(items)}项，合计{total:,.2f}元；"
            "按库中认定、入库记录和台账测算，兑现前请核实"
        )
        sheet.row(
            2,
            [note] + [None] * (last - 1),
            [Style(st.SUBTITLE_FONT, alignment=st.LEFT)] + [None] * (last - 1),
            merge=[(1, last)],
        )
        sheet.row(3, [h for h, _ in HEADERS], st.HEADER)
        for col, (_, width) in enumerate(HEADERS, 1):
            sheet.ws.column_dimensions[get_column_letter(col)].width = width
        body = [
            Style(st.BODY_FONT, None, st.BORDER, st.LEFT, st.TEXT_FORMAT if c == 2 else None)
            for c in range(1, last + 1)
        ]
        body[7] = Style(st.BODY_FONT, None, st.BORDER, st.RIGHT, st.YUAN_FORMAT)
        for n, i in enumerate(items, 1):
            sheet.row(
                3 + n,
                [
                    n,
                    i.uscc,
                    i.company_name,
                    city_label(i.city),
                    i.county,
                    i.summary,
                    i.basis,
                    i.amount,
                    i.why,
                    "依据征求意见稿测算" if i.provisional else "",
                ],
                body,
            )
        sheet.row(
            4 + len(items),
            ["合计", None, None, None, None, None, None, total, None, None],
            [Style(st.BOLD_FONT, st.TOTAL_FILL, st.BORDER, st.CENTER)] * 7
            + [Style(st.BOLD_FONT, st.TOTAL_FILL, st.BORDER, st.RIGHT, st.YUAN_FORMAT)]
            + [Style(st.BOLD_FONT, st.TOTAL_FILL, st.BORDER, st.LEFT)] * 2,
        )
        sheet.ws.freeze_panes = "A4"
        return book.save(path)
