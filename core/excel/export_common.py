"""What the batch exports share: the checks on the lines and totals, and the sheet helpers.

The workbooks themselves are :mod:`core.excel.results_workbook`,
:mod:`core.excel.disbursement_sheet` (资金拨付明细表) and :mod:`core.excel.publicity_list` (公示名单).
Pure functions of a :class:`~core.records.BatchRecord` and its
:class:`~core.records.LineRecord` list: ``build_*`` return an openpyxl
Workbook, ``write_*`` stream the same rows to a temporary file in the target
folder (:mod:`core.excel.writer`) and rename it into place. Every total is
summed in Decimal and checked against the sum of the lines before it is
written; amounts are written as numbers with a thousands separator format,
大写金额 comes from :func:`core.money.amount_in_words`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache

from openpyxl.utils import get_column_letter

from core.excel import styles as st
from core.excel.files import ExportError
from core.excel.styles import Style
from core.money import FEN, ZERO, amount_in_words, difference_in_words
from core.records import BatchRecord, LineRecord

PROVISIONAL_MARK = "（测算稿，不得据此拨付）"
DRAFT_MARK = "（未经审核）"


# ---------------------------------------------------------------- checks


def _checked(batch: BatchRecord, lines: list[LineRecord]) -> list[LineRecord]:
    """The lines in print order (company by first appearance, then line number), each checked.

    Amounts are positive, except in an adjustment batch, whose lines are
    differences from what its original paid (a negative one takes money back).
    """
    adjustment = bool(batch.adjusts_batch_id)
    for line in lines:
        _check_line(line, batch.id, adjustment)
    first: dict[str, int] = {}
    for line in sorted(lines, key=lambda l: l.line_no):
        first.setdefault(line.uscc, len(first))
    return sorted(lines, key=lambda l: (first[l.uscc], l.line_no))


def _check_line(line: LineRecord, batch_id: int, adjustment: bool) -> None:
    if line.batch_id != batch_id:
        raise ExportError(f"第{line.line_no}条明细不属于批次{batch_id}（属于批次{line.batch_id}）")
    amount = line.amount
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ExportError(f"第{line.line_no}条明细的金额不是Decimal：{amount!r}")
    if amount != amount.quantize(FEN) or amount == 0 or (amount < 0 and not adjustment):
        kind = "非零" if adjustment else "正的"
        raise ExportError(f"第{line.line_no}条明细的金额{amount}不是{kind}、精确到分的金额")


def printed(batch: BatchRecord, lines: Iterable[LineRecord]) -> Iterator[LineRecord]:
    """The lines in print order, each checked as :func:`_checked` checks it.

    A list is sorted into print order. Any other iterable (a paper read, ``Store.paper_lines``, which hands the
    lines over a chunk at a time as it checks them against their seals) must come in print order already: it
    is checked line by line as it comes and never kept whole, so a sheet is written as the lines are read.
    """
    if isinstance(lines, list):
        yield from _checked(batch, lines)
        return
    adjustment = bool(batch.adjusts_batch_id)
    done: set[str] = set()
    company, first_no, last_no = None, 0, 0
    for line in lines:
        _check_line(line, batch.id, adjustment)
        if line.uscc != company:
            if line.uscc in done or (company is not None and line.line_no < first_no):
                raise AssertionError(f"第{line.line_no}条明细未按打印顺序（企业首次出现的先后）读出")
            if company is not None:
                done.add(company)
            company, first_no = line.uscc, line.line_no
        elif line.line_no <= last_no:
            raise AssertionError(f"第{line.line_no}条明细未按明细序号读出")
        last_no = line.line_no
        yield line


def by_company(lines: Iterable[LineRecord]) -> Iterator[list[LineRecord]]:
    """The lines of each company in turn, from lines in print order (a company's lines are together)."""
    group: list[LineRecord] = []
    for line in lines:
        if group and line.uscc != group[0].uscc:
            yield group
            group = []
        group.append(line)
    if group:
        yield group


class Drafts:
    """Lines without those computed under a draft (征求意见稿), counting those left out: the sheet says how many."""

    def __init__(self, lines: Iterable[LineRecord]) -> None:
        self.lines = lines
        self.count = 0

    def kept(self) -> Iterable[LineRecord]:
        if isinstance(self.lines, list):
            kept = [l for l in self.lines if not l.provisional]
            self.count = len(self.lines) - len(kept)
            return kept
        return self._kept()

    def _kept(self) -> Iterator[LineRecord]:
        for line in self.lines:
            if line.provisional:
                self.count += 1
            else:
                yield line


def same_total(total: Decimal, expected: Decimal, what: str = "合计") -> Decimal:
    """Raise unless ``total`` (summed one way) is ``expected`` (the lines summed as they came)."""
    if total != expected:
        raise AssertionError(f"{what}{total}不等于明细金额之和{expected}")
    return total


def check_total(total: Decimal, lines, what: str = "合计") -> Decimal:
    """Raise unless ``total`` is exactly the sum of the lines' amounts (kept under python -O)."""
    expected = sum((l.amount for l in lines), ZERO)
    if total != expected:
        raise AssertionError(f"{what}{total}不等于明细金额之和{expected}")
    return total


def _provisional_guard(lines, include_provisional: bool, what: str) -> bool:
    drafts = DraftLines()
    for line in lines:
        drafts.add(line)
    return drafts.guard(include_provisional, what)


class DraftLines:
    """The lines computed under a draft (征求意见稿) among those written, counted as they pass (not kept)."""

    def __init__(self) -> None:
        self.count = 0
        self.documents: dict[str, None] = {}  # 《title》 in order of first appearance

    def add(self, line: LineRecord) -> None:
        if line.provisional:
            self.count += 1
            self.documents.setdefault(f"《{line.document_title}》")

    def guard(self, include_provisional: bool, what: str) -> bool:
        """Whether there are any; refused (ExportError) unless ``include_provisional``."""
        if self.count and not include_provisional:
            raise ExportError(
                f"批次中有{self.count}条奖补依据征求意见稿测算（{'、'.join(self.documents)}），文件正式印发前不得据此"
                f"{what}。如只需打印测算稿供内部核对，请选择“包含测算明细”（命令行加 --include-provisional）"
            )
        return bool(self.count)


# 大写金额 of a row's amount, remembered: a batch pays the same few amounts over and over (20,000 lines of 10,000
# companies, a few dozen amounts), and writing one out in words costs more than looking it up.
in_words = lru_cache(maxsize=1024)(amount_in_words)
difference_words = lru_cache(maxsize=1024)(difference_in_words)


def _group(lines, key) -> dict:
    out: dict = {}
    for line in lines:
        out.setdefault(key(line), []).append(line)
    return out


# ---------------------------------------------------------------- sheet helpers


TITLE = Style(st.TITLE_FONT, alignment=st.CENTER)
SUBTITLE = Style(st.SUBTITLE_FONT, alignment=st.LEFT)
SUBTITLE_RIGHT = Style(st.SUBTITLE_FONT, alignment=st.RIGHT)
SECTION = Style(st.SECTION_FONT)
LABEL = Style(st.BOLD_FONT, None, st.BORDER, st.LEFT)
NOTE = Style(st.BODY_FONT, alignment=st.LEFT)


def _table(sheet, top: int, headers: Sequence[tuple[str, float]]) -> None:
    sheet.row(top, [text for text, _ in headers], st.HEADER)
    for col, (_, width) in enumerate(headers, 1):
        sheet.ws.column_dimensions[get_column_letter(col)].width = width


def _row_styles(count: int, money_cols=(), center_cols=(), text_cols=(), fill=None, font=None) -> list[Style]:
    """The look of each cell of a table row with ``count`` columns: framed, money right-aligned."""
    styles = []
    for col in range(1, count + 1):
        align, number_format = (
            (st.RIGHT, st.YUAN_FORMAT) if col in money_cols else ((st.CENTER if col in center_cols else st.LEFT), None)
        )
        if col in text_cols:
            number_format = st.TEXT_FORMAT
        styles.append(Style(font or st.BODY_FONT, fill, st.BORDER, align, number_format))
    return styles


def _total_styles(count: int, money_cols=(), center_cols=()) -> list[Style]:
    return _row_styles(count, money_cols, center_cols, fill=st.TOTAL_FILL, font=st.BOLD_FONT)


def _print_setup(ws, title_rows: str, last_col: int, last_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def _title(sheet, text: str, subtitle: str, right: str, last_col: int) -> None:
    sheet.row(1, [text], TITLE, height=30, merge=[(1, last_col)])
    split = max(last_col - 2, 1)
    values, styles, merge = [subtitle] + [None] * (split - 1), [SUBTITLE] + [None] * (split - 1), [(1, split)]
    if right:
        values.append(right)
        styles.append(SUBTITLE_RIGHT)
        if last_col > split + 1:
            merge.append((split + 1, last_col))
    sheet.row(2, values, styles, height=20, merge=merge)


def _marks(batch: BatchRecord, provisional: bool) -> str:
    return (PROVISIONAL_MARK if provisional else "") + (DRAFT_MARK if batch.status == "draft" else "")


# ---------------------------------------------------------------- items named on the sheets


def _item(line: LineRecord, repeated=frozenset()) -> str:
    """奖补项目 as the disbursement sheet and the publicity list name it: marked when only estimated; a company's
    second line of the same item names its claim (the workbook's sheet and row), so the rows can be told apart."""
    claim = f"（{line.claim_key}）" if line.line_no in repeated and line.claim_key else ""
    return line.summary + claim + ("（测算）" if line.provisional else "")


def _repeated(lines) -> frozenset:
    """Line numbers of lines whose company has another line of the same item (summary)."""
    seen: dict = {}
    for l in lines:
        seen.setdefault((l.uscc, l.summary), []).append(l.line_no)
    return frozenset(n for numbers in seen.values() if len(numbers) > 1 for n in numbers)


def left_out_note(left_out: int) -> str:
    """The note on a sheet written without the lines computed under a draft (征求意见稿)."""
    return (
        f"注：本批次另有{left_out}条奖补依据征求意见稿测算，文件正式印发前不得拨付或公示，未列入本表。"
        if left_out
        else ""
    )
