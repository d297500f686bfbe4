"""Wall time of laying out and painting the 资金拨付明细表 for 打印预览 (gui/batches/preview.py), against building the
same workbook (core.excel.disbursement_sheet.build_disbursement_sheet) in the same run.

    python bench/print_preview_bench.py [N ...]        # N award lines (default 300 1200)

The lines are the sample workbook's (resources/samples/申报样例.xlsx), repeated to N; the sheet is painted into a
PDF on a high-resolution QPrinter, as the preview's 打印 does. Printed: seconds to build, to choose the page breaks
(SheetPrint.breaks), to paint, and paint / build. The paint grows faster than the lines, which is why the preview
asks before laying out more than gui.batches.preview.LARGE_SHEET lines.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-preview-bench-")

from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main(sizes: list[int]) -> None:
    from excel_support import batch_record, engine_lines

    from core.engine import load_policies
    from core.excel.disbursement_sheet import build_disbursement_sheet
    from core.excel.reader import read_workbook
    from core.excel.sheethtml import print_scale
    from core.paths import RESOURCES
    from gui.batches.preview import SheetPrint, chinese_font

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - fonts and painting need it
    sample = engine_lines(read_workbook(RESOURCES / "samples" / "申报样例.xlsx"), load_policies())
    sample = [dataclasses.replace(l, provisional=False) for l in sample]
    font = chinese_font()
    out = Path(tempfile.mkdtemp(prefix="kjjb-preview-bench-pdf-"))
    for n in sizes:
        lines = [dataclasses.replace(l, line_no=i + 1) for i, l in enumerate((sample * (n // len(sample) + 1))[:n])]
        started = time.perf_counter()
        wb = build_disbursement_sheet(batch_record(), lines)
        build = time.perf_counter() - started
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out / f"{n}.pdf"))
        sheet = SheetPrint(wb, font, print_scale(wb.worksheets[0]))
        started = time.perf_counter()
        sheet.breaks(printer, printer.width(), printer.height())
        breaks = time.perf_counter() - started
        started = time.perf_counter()
        pages = sheet.paint(printer)
        paint = time.perf_counter() - started
        print(
            f"{n:>6} lines  {pages:>5} pages  build {build:6.2f} s  breaks {breaks:6.2f} s  "
            f"paint (breaks included) {paint:6.2f} s  paint/build {paint / build:6.1f}x"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [300, 1200])
