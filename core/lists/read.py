"""A list file as published, read as rows of cells: xlsx through the safety checks, csv, xls.

xlsx goes through core.excel.package (size, zip bombs, hidden sheets, rows and
columns, formulas without values) before python-calamine parses the checked
bytes, as batch workbooks do. An .xls (Excel 97-2003, which some bureaus still
publish) is read by python-calamine too, already the program's reader; its
package cannot be scanned, so it is held to the same size limit and a list on a
hidden sheet is refused. A csv is read as UTF-8 (with or without BOM) or, failing
that, GB18030 (what Excel saves on a Chinese Windows). Every text cell goes
through core.text.clean_text: a bidi or control character is a problem at its
cell, never stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from core.excel.package import DEFAULT_LIMITS, MB, Limits, inspect_package
from core.excel.problems import Problem, WorkbookError, WorkbookRefused, show_value
from core.text import TextError, clean_text

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawList:
    """The cells of a list's sheet: ``rows`` are (row number from 1, values from column A)."""

    source_name: str
    sha256: str
    sheet: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # Problem: cells that cannot be read (bidi, hidden rows)


def read_list(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> RawList:
    """The first visible sheet holding data, or WorkbookRefused / WorkbookError naming what is wrong."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, limits)
    if suffix == ".xls":
        return _read_xls(path, limits)
    return _read_xlsx(path, limits)


def _bytes(path: Path, limits: Limits) -> bytes:
    name = path.name
    if not path.is_file():
        raise WorkbookRefused(f"找不到文件：{path}", name)
    size = path.stat().st_size
    if size == 0:
        raise WorkbookRefused("文件是空的（0字节），可能没有保存完整", name)
    if size > limits.file_bytes:
        raise WorkbookRefused(f"文件过大（{size / MB:.1f} MB），上限为{limits.file_bytes // MB} MB", name)
    return path.read_bytes()[: limits.file_bytes + 1]


def _clean(raw: RawList, number: int, col: int, value: object) -> object:
    if isinstance(value, str):
        try:
            return clean_text(value).strip()
        except TextError as exc:
            raw.problems.append(Problem(raw.sheet, number, get_column_letter(col), "", show_value(value), str(exc)))
            return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _read_csv(path: Path, limits: Limits) -> RawList:
    data = _bytes(path, limits)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WorkbookRefused("无法识别文件的文字编码（应为UTF-8或GB18030/GBK）", path.name)
    raw = RawList(path.name, hashlib.sha256(data).hexdigest(), path.stem)
    for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        if number > limits.rows:
            raise WorkbookRefused(f"文件超过{limits.rows}行，不像是一份名单", path.name)
        raw.rows.append((number, [_clean(raw, number, i, v) for i, v in enumerate(values, 1)]))
    return raw


def _calamine(data: bytes, name: str) -> Any:  # a python_calamine workbook (imported here: it is big)
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises its own kinds (and pyo3 panics) on malformed files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkbookRefused(
            f"文件已损坏或格式不受支持，无法打开（技术信息：{exc.__class__.__name__}）", name
        ) from None


def _read_xls(path: Path, limits: Limits) -> RawList:
    data = _bytes(path, limits)
    if not data.startswith(_CFB_MAGIC):
        raise WorkbookRefused(
            "扩展名为.xls，但不是Excel 97-2003工作簿；请在Excel或WPS中打开后另存为.xlsx再导入", path.name
        )
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise WorkbookRefused("文件设置了打开密码（已加密），无法读取；请清除密码后另存为.xlsx再导入", path.name)
    wb = _calamine(data, path.name)
    try:
        for meta in wb.sheets_metadata:
            sheet = wb.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            if not any(any(v not in ("", None) for v in row) for row in values):
                continue
            if "hidden" in str(meta.visible).lower():
                raise WorkbookRefused(
                    f"名单在隐藏的工作表“{meta.name}”中，在Excel中看不到，不能导入；"
                    "请取消隐藏、核对后另存为.xlsx再导入",
                    path.name,
                )
            raw = RawList(path.name, hashlib.sha256(data).hexdigest(), meta.name)
            for number, row in enumerate(values[: limits.rows], 1):
                raw.rows.append((number, [_clean(raw, number, i, v) for i, v in enumerate(row, 1)]))
            return raw
    finally:
        wb.close()
    raise WorkbookRefused("文件中没有任何数据", path.name)


def _read_xlsx(path: Path, limits: Limits) -> RawList:
    scan = inspect_package(path, limits)
    sheets = [s for s in scan.sheets if s.kind == "worksheet" and s.value_rows]
    if not sheets:
        raise WorkbookRefused("文件中没有任何数据", path.name)
    visible = [s for s in sheets if not s.hidden]
    if not visible:
        raise WorkbookRefused(
            f"名单在隐藏的工作表“{sheets[0].name}”中，在Excel中看不到，不能导入；请取消隐藏、核对后再导入", path.name
        )
    chosen = visible[0]
    if chosen.too_many_rows:
        raise WorkbookRefused(f"工作表“{chosen.name}”超过{limits.rows}行，不像是一份名单", path.name)
    raw = RawList(path.name, scan.sha256, chosen.name)
    wb = _calamine(scan.data, path.name)
    try:
        sheet = wb.get_sheet_by_name(chosen.name)
        start = sheet.start or (0, 0)
        pad = [""] * start[1]
        for offset, values in enumerate(sheet.iter_rows()):
            number = start[0] + offset + 1
            if number > chosen.last_row:
                break
            raw.rows.append((number, [_clean(raw, number, i, v) for i, v in enumerate(pad + values, 1)]))
    except WorkbookError:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkbookRefused(f"文件已损坏，读取时出错（技术信息：{exc.__class__.__name__}）", path.name) from None
    finally:
        wb.close()
    for number in sorted(chosen.hidden_rows):
        raw.problems.append(
            Problem(
                chosen.name,
                number,
                "",
                "",
                "",
                "此行被隐藏（或行高接近0），其中的数据在Excel中看不到，"
                "不能导入；请取消隐藏、核对这一行后再导入，不需要的行请删除",
            )
        )
    for first, last, hidden in chosen.columns:
        if hidden and first <= chosen.max_column:
            raw.problems.append(
                Problem(
                    chosen.name,
                    None,
                    get_column_letter(first),
                    "",
                    "",
                    "此列被隐藏（或列宽接近0），请取消隐藏、核对后再导入",
                )
            )
    for number, col in sorted(chosen.formulas_without_value):
        raw.problems.append(
            Problem(
                chosen.name, number, get_column_letter(col), "", "", "公式没有计算结果，请在Excel中打开并保存后再导入"
            )
        )
    return raw
