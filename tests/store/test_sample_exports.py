"""The sample batch's export workbooks stay as they were (issue 16: no behaviour change from the store's rework).

The sample workbook (resources/samples) is imported and calculated as the demo does, exported as a draft, then
approved and exported again (results, disbursement, publicity). A digest of every sheet's contents (cell values
and number formats, merged ranges, column widths, row heights) is compared with tests/data/sample_exports.json,
which was generated before the rework: ``python tests/store/test_sample_exports.py`` writes it again.
It was written again once, when the sheet's batch status became the program's one label (已审批, not 已审核;
草稿, not 草稿（未审核）: core.vocabulary): with the old labels put back, the digests were the first ones.
The results workbooks are read as the export reads them (store.batches.paper_results) and gained a fourth sheet,
企业提示 (the members' warnings): only that sheet's digest was added, the other three stayed as they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "tests" / "data" / "sample_exports.json"
EXPORTED_AT = dt.datetime(2026, 12, 1, 9, 30)
APPROVED_AT = dt.datetime(2026, 11, 25, 16, 0)


def _sheet_digest(ws) -> str:
    h = hashlib.sha256()
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                h.update(f"{c.coordinate}\t{type(c.value).__name__}\t{c.value}\t{c.number_format}\n".encode())
    h.update(("merged:" + ",".join(sorted(str(r) for r in ws.merged_cells.ranges))).encode())
    h.update(("widths:" + ",".join(f"{k}={v.width}" for k, v in sorted(ws.column_dimensions.items()))).encode())
    h.update(("heights:" + ",".join(f"{k}={v.height}" for k, v in sorted(ws.row_dimensions.items()))).encode())
    return h.hexdigest()


def _book_digest(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: _sheet_digest(ws) for ws in wb.worksheets}


def sample_export_digests(folder: Path) -> dict[str, dict[str, str]]:
    from core.demo import load_demo_data
    from core.engine import load_policies
    from core.excel.disbursement_sheet import write_disbursement_sheet
    from core.excel.publicity_list import write_publicity_list
    from core.excel.results_workbook import write_results_workbook
    from core.store import open_store

    store = open_store(f"sqlite:///{(folder / 'sample.db').as_posix()}")
    try:
        store.clock = lambda: dt.datetime(2026, 11, 20, 9, 30)
        batch_id = load_demo_data(store, load_policies())
        out: dict[str, dict[str, str]] = {}

        def results(batch, path):
            with store.batches.paper_results(batch_id, "导出测算结果") as (lines, warnings):
                return write_results_workbook(batch, lines, path, exported_at=EXPORTED_AT, warnings=warnings)

        out["draft results"] = _book_digest(results(store.batch(batch_id), folder / "draft.xlsx"))
        store.approve(batch_id, preparer="张三", reviewer="李四", allow_provisional=True)
        # the approval's time is the wall clock's (core.store.approval), so the sheet shows a fixed one
        batch = dataclasses.replace(store.batch(batch_id), approved_at=APPROVED_AT)
        lines = store.lines(batch_id)
        out["results"] = _book_digest(results(batch, folder / "results.xlsx"))
        out["disbursement"] = _book_digest(
            write_disbursement_sheet(batch, lines, folder / "disbursement.xlsx", include_provisional=True)
        )
        out["publicity"] = _book_digest(
            write_publicity_list(batch, lines, folder / "publicity.xlsx", include_provisional=True)
        )
        return out
    finally:
        store.close()


def test_the_sample_batch_exports_as_before_the_store_rework(tmp_path):
    assert sample_export_digests(tmp_path) == json.loads(EXPECTED.read_text(encoding="utf-8"))
    status = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(tmp_path / "results.xlsx")["汇总"].iter_rows(max_col=2, values_only=True)
    }["状态"]
    assert status == "已审批"  # as the batch list, letters and messages say it (issue 16)


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as d:
        EXPECTED.write_text(
            json.dumps(sample_export_digests(Path(d)), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(EXPECTED)
