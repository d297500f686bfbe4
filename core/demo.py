"""Demonstration data: the sample workbook imported as a draft batch and calculated.

The first-run dialog, 帮助 → 载入演示数据 and the self-test all call
:func:`load_demo_data`, so the clerk's demo batch is the one the bundle checks.
"""

from __future__ import annotations

from core.paths import RESOURCES
from core.progress import Cancelled, never, no_report

SAMPLE_WORKBOOK = RESOURCES / "samples" / "申报样例.xlsx"


def load_demo_data(store, policies, progress=no_report, cancel=never) -> int:
    """Import ``resources/samples/申报样例.xlsx`` into ``store`` and calculate it; returns the batch id.

    ``progress(done, total, text)`` reports as companies are calculated and
    ``cancel()`` is asked between steps: on cancel :class:`core.progress.Cancelled`
    is raised and a batch this call created is deleted again. A workbook
    imported before gives its batch back (calculated again while still a draft,
    left as it is once approved).
    """
    from core.excel.reader import read_workbook

    progress(0, 0, "正在读取演示数据…")
    data = read_workbook(SAMPLE_WORKBOOK, known_uscc=store.companies.known_uscc, vocabulary=store.vocabulary)
    if cancel():
        raise Cancelled()
    progress(0, 0, f"正在导入演示数据：{len(data.companies)}家企业…")
    batch_id, created = store.batches.apply_import(data)
    if store.batches.get(batch_id).status != "draft":
        return batch_id

    def calculated(done: int, total: int, text: str = "") -> None:
        progress(done, total, text or f"正在计算演示批次：{done}/{total}家企业")

    try:
        store.batches.calculate(batch_id, policies, calculated, cancel)
    except Cancelled:
        if created:
            store.batches.delete_draft(batch_id)
        raise Cancelled() from None
    return batch_id
