"""The workbooks look exactly as they did before the writers were made fast.

tests/data/workbooks_before.json holds the inputs and what every export and
the error workbook showed, captured from the openpyxl cell-by-cell writers
(see tests/workbook_looks.py): values and their types, number formats, fonts,
fills, borders, alignment, merged ranges, widths, heights, frozen panes,
print setup. Each case is written again by today's code and compared.
"""

import json

import pytest

from workbook_looks import BEFORE, CASES, built_cases, describe, load_inputs

BEFORE_DATA = json.loads(BEFORE.read_text(encoding="utf-8"))


def _differences(before, after, where="", out=None, limit=20) -> list:
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            if key not in after:
                out.append(f"{where}/{key}: missing (was {before[key]!r})")
            elif key not in before:
                out.append(f"{where}/{key}: new {after[key]!r}")
            else:
                _differences(before[key], after[key], f"{where}/{key}", out, limit)
    elif before != after:
        out.append(f"{where}: {before!r} -> {after!r}")
    return out


def _resolved(look: dict) -> dict:
    """The description with style numbers replaced by the styles (numbering may differ, looks may not)."""
    styles = look["styles"]
    sheets = {}
    for name, sheet in look["sheet"].items():
        cells = {k: v[:2] + [styles[v[2]]] + v[3:] for k, v in sheet["cells"].items()}
        sheets[name] = dict(sheet, cells=cells)
    return dict(look, styles=None, sheet=sheets)


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(BEFORE_DATA)


@pytest.mark.parametrize("case", sorted(CASES))
def test_workbook_looks_as_before(case, inputs, tmp_path):
    after = describe(CASES[case](inputs, tmp_path / f"{case}.xlsx"))
    diff = _differences(_resolved(BEFORE_DATA["workbooks"][case]), _resolved(after))
    assert not diff, f"{case} changed:\n" + "\n".join(diff)


@pytest.mark.parametrize("case", sorted(built_cases()))
def test_workbooks_built_in_memory_look_the_same(case, inputs, tmp_path):
    """build_* (openpyxl cells, for callers that look at the workbook) gives what write_* streams."""
    after = describe(built_cases()[case](inputs, tmp_path / f"{case}.xlsx"))
    diff = _differences(_resolved(BEFORE_DATA["workbooks"][case]), _resolved(after))
    assert not diff, f"{case} built in memory differs:\n" + "\n".join(diff)


def test_the_cases_cover_every_data_type_and_sheet():
    kinds = {
        cell[0]
        for look in BEFORE_DATA["workbooks"].values()
        for sheet in look["sheet"].values()
        for cell in sheet["cells"].values()
    }
    assert kinds == {"s", "n", "inlineStr"}  # text, numbers and empty text ("" as openpyxl writes it); never "f"
    sheets = {name for look in BEFORE_DATA["workbooks"].values() for name in look["sheets"]}
    assert {"汇总", "按企业汇总", "奖补明细", "资金拨付明细表", "应追回明细", "公示名单", "错误清单"} <= sheets
