"""What a clerk sees in a workbook we write, as JSON, and the workbooks it is checked on.

``describe`` turns a written .xlsx into everything that shows: sheet order,
cell values with their types, number formats, fonts, fills, borders,
alignment, merged ranges, column widths, row heights, frozen panes, print
setup, tab colours, links and comments. ``CASES`` write every export (and the
error workbook) from inputs kept in tests/data/workbooks_before.json, so
neither the engine nor the vocabulary can change what they show.

The JSON was captured from the writers as they were before they were made
fast; test_workbook_looks.py checks that today's writers give the same.
Capture again only on purpose (a change a clerk is meant to see):

    python tests/workbook_looks.py --capture
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BEFORE = DATA / "workbooks_before.json"
ERROR_SOURCE = DATA / "error_source.xlsx"
EXPORTED_AT = dt.datetime(2026, 11, 26, 10, 15)
BUDGET = "2060499 其他技术研究与开发支出"

if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from core.engine.trace import Trace  # noqa: E402
from core.records import BatchRecord, LineRecord  # noqa: E402
from core.excel.problems import Problem  # noqa: E402


# ---------------------------------------------------------------- description


def _color(color) -> str | None:
    if color is None:
        return None
    if color.type == "rgb":
        return color.rgb
    return f"{color.type}:{color.value}"


def _style(cell) -> list:
    f, fill, b, a = cell.font, cell.fill, cell.border, cell.alignment
    sides = [
        [s.style, _color(s.color)] if s is not None and s.style else None for s in (b.left, b.right, b.top, b.bottom)
    ]
    return [
        cell.number_format,
        [f.name, f.sz, bool(f.b), bool(f.i), f.u, _color(f.color)],
        [fill.fill_type, _color(fill.fgColor)] if fill.fill_type else None,
        sides,
        [a.horizontal, a.vertical, bool(a.wrap_text)],
    ]


def _value(cell) -> list:
    value = cell.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        value = value.isoformat()
    return [cell.data_type, value]


def describe(path) -> dict:
    """Everything a clerk sees in the workbook at ``path``, as plain JSON data."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    sheets = {}
    styles: list = []
    index: dict = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                style = _style(cell)
                key = json.dumps(style, ensure_ascii=False)
                if cell.value is None and key == _PLAIN and cell.hyperlink is None and cell.comment is None:
                    continue
                if key not in index:
                    index[key] = len(styles)
                    styles.append(style)
                entry = _value(cell) + [index[key]]
                if cell.hyperlink is not None:
                    entry.append(["link", cell.hyperlink.location, cell.hyperlink.target])
                if cell.comment is not None:
                    entry.append(["comment", cell.comment.text, cell.comment.author])
                cells[cell.coordinate] = entry
        ps, margins = ws.page_setup, ws.page_margins
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "tab_color": _color(ws.sheet_properties.tabColor),
            "selected": bool(ws.sheet_view.tabSelected),
            "grid_lines": ws.sheet_view.showGridLines,
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
            "print_area": ws.print_area,
            "page": [
                ps.orientation,
                ps.paperSize,
                ps.fitToWidth,
                ps.fitToHeight,
                ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
            ],
            "margins": [margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer],
            "centered": ws.print_options.horizontalCentered,
            "footer": [ws.oddFooter.center.text, ws.oddFooter.center.size],
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
            "heights": {str(k): d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted([str(dv.sqref), dv.type, dv.formula1] for dv in ws.data_validations.dataValidation),
            "cells": cells,
        }
    return {"sheets": wb.sheetnames, "active": wb.active.title, "styles": styles, "sheet": sheets}


_PLAIN = json.dumps(
    ["General", ["Calibri", 11.0, False, False, None, "theme:1"], None, [None] * 4, [None, None, False]],
    ensure_ascii=False,
)


# ---------------------------------------------------------------- inputs kept as JSON


def _line_json(line: LineRecord) -> dict:
    out = dataclasses.asdict(line)
    out["amount"] = str(line.amount)
    out["trace"] = line.trace.to_json()
    out["schedule"] = [[y, str(a)] for y, a in line.schedule] if line.schedule else None
    return out


def _line(data: dict) -> LineRecord:
    data = dict(data, amount=Decimal(data["amount"]), trace=Trace.from_json(data["trace"]))
    data["schedule"] = tuple((y, Decimal(a)) for y, a in data["schedule"]) if data["schedule"] else None
    return LineRecord(**data)


def _batch_json(batch: BatchRecord) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in dataclasses.asdict(batch).items()}


def _batch(data: dict) -> BatchRecord:
    times = ("created_at", "approved_at", "paid_at")
    return BatchRecord(**{k: dt.datetime.fromisoformat(v) if k in times and v else v for k, v in data.items()})


def load_inputs(before: dict) -> dict:
    raw = before["inputs"]
    return {
        "batch": _batch(raw["batch"]),
        "lines": [_line(l) for l in raw["lines"]],
        "adjustment": [_line(l) for l in raw["adjustment"]],
        "problems": [Problem(**p) for p in raw["problems"]],
    }


def _capture_inputs() -> dict:
    from excel_support import batch_record, engine_lines, put, save, simple_line, template, uscc

    from core.engine import load_policies
    from core.excel.layout import COMPANIES_SHEET
    from core.excel.problems import WorkbookError
    from core.excel.reader import read_workbook
    from core.paths import RESOURCES

    lines = engine_lines(read_workbook(RESOURCES / "samples" / "申报样例.xlsx"), load_policies())
    ja, yi, bing = uscc(11), uscc(12), uscc(13)
    adjustment = [
        simple_line(1, "40000", "甲", ja),
        simple_line(2, "-10000", "甲", ja),
        simple_line(3, "-50000", "乙", yi),
        simple_line(4, "20000", "丙", bing),
        simple_line(5, "-20000", "丙", bing),
        simple_line(6, "-300", "丁", uscc(14)),
    ]
    wb = template(2026)
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": uscc(1)[:17] + "0", "企业名称": "甲", "所属盟市": "火星"})
    put(wb[COMPANIES_SHEET], {"统一社会信用代码": uscc(2), "企业名称": "乙", "所属盟市": "通辽市"})
    save(wb, ERROR_SOURCE)
    try:
        read_workbook(ERROR_SOURCE)
    except WorkbookError as exc:
        problems = exc.problems
    problems = list(problems) + [
        Problem("", None, "", "", "", "文件中有宏，已拒绝"),
        Problem("企业信息", 9, "", "", "", "第9行多余的说明文字"),
    ]
    return {
        "batch": _batch_json(batch_record()),
        "lines": [_line_json(l) for l in lines],
        "adjustment": [_line_json(l) for l in adjustment],
        "problems": [dataclasses.asdict(p) for p in problems],
    }


# ---------------------------------------------------------------- the workbooks


def _final(lines):
    return [dataclasses.replace(l, provisional=False) for l in lines]


def _results(i, out):
    from core.excel.results_workbook import write_results_workbook

    return write_results_workbook(i["batch"], i["lines"], out, exported_at=EXPORTED_AT)


def _results_adjustment(i, out):
    from core.excel.results_workbook import write_results_workbook

    batch = dataclasses.replace(i["batch"], name="2026年第一批（调整）", adjusts_batch_id=1, adjust_reason="复核更正")
    return write_results_workbook(batch, i["adjustment"], out, exported_at=EXPORTED_AT)


def _disbursement(i, out):
    from core.excel.disbursement_sheet import write_disbursement_sheet

    return write_disbursement_sheet(i["batch"], _final(i["lines"]), out, budget_subject=BUDGET)


def _disbursement_draft(i, out):
    from core.excel.disbursement_sheet import write_disbursement_sheet

    batch = dataclasses.replace(i["batch"], status="draft")
    return write_disbursement_sheet(batch, i["lines"], out, include_provisional=True)


def _disbursement_adjustment(i, out):
    from core.excel.disbursement_sheet import write_disbursement_sheet

    batch = dataclasses.replace(i["batch"], name="2026年第一批（调整）", adjusts_batch_id=1)
    return write_disbursement_sheet(batch, i["adjustment"], out, budget_subject=BUDGET)


def _publicity(i, out):
    from core.excel.publicity_list import write_publicity_list

    return write_publicity_list(i["batch"], _final(i["lines"]), out)


def _publicity_provisional(i, out):
    from core.excel.publicity_list import write_publicity_list

    return write_publicity_list(i["batch"], i["lines"], out, include_provisional=True)


def _errors_marked(i, out):
    from core.excel.errorbook import write_error_workbook

    return write_error_workbook(i["problems"], out, source=ERROR_SOURCE)


def _errors_list(i, out):
    from core.excel.errorbook import write_error_workbook

    return write_error_workbook(i["problems"], out)


CASES = {
    "results": _results,
    "results_adjustment": _results_adjustment,
    "disbursement": _disbursement,
    "disbursement_draft": _disbursement_draft,
    "disbursement_adjustment": _disbursement_adjustment,
    "publicity": _publicity,
    "publicity_provisional": _publicity_provisional,
    "errors_marked": _errors_marked,
    "errors_list": _errors_list,
}


def _built(build, *args, **kw):
    """A case written the other way: ``build_*``'s openpyxl cells, saved as they are."""

    def make(i, out):
        from core.excel.files import save_workbook

        return save_workbook(build(i, *args, **kw), out)

    return make


def built_cases() -> dict:
    from core.excel.disbursement_sheet import build_disbursement_sheet
    from core.excel.publicity_list import build_publicity_list
    from core.excel.results_workbook import build_results_workbook

    return {
        "results": _built(lambda i: build_results_workbook(i["batch"], i["lines"], exported_at=EXPORTED_AT)),
        "disbursement_adjustment": _built(
            lambda i: build_disbursement_sheet(
                dataclasses.replace(i["batch"], name="2026年第一批（调整）", adjusts_batch_id=1),
                i["adjustment"],
                budget_subject=BUDGET,
            )
        ),
        "publicity_provisional": _built(
            lambda i: build_publicity_list(i["batch"], i["lines"], include_provisional=True)
        ),
    }


def capture(folder: Path) -> dict:
    DATA.mkdir(exist_ok=True)
    raw = _capture_inputs()
    inputs = load_inputs({"inputs": raw})
    looks = {name: describe(make(inputs, folder / f"{name}.xlsx")) for name, make in CASES.items()}
    return {"inputs": raw, "workbooks": looks}


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--capture"]:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        before = capture(Path(tmp))
    BEFORE.write_text(json.dumps(before, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{BEFORE}: {len(before['workbooks'])} workbooks")
