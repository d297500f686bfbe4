"""Award-letter throughput: 1,000 companies' letters to PDF, one file each and one merged file.

    QT_QPA_PLATFORM=offscreen python bench/letters_bench.py [--companies 1000] [--lines 3] [--out DIR]

Target (letters issue): 1,000 letters exported in under a minute. Building the
letters (numbering, HTML) and writing the PDFs are timed separately.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication  # noqa: E402

from core.letters.batch import prepare_letters  # noqa: E402
from core.letters.memory import MemoryLetterStore  # noqa: E402
from core.letters.samples import demo_batch, demo_lines, hulunbuir_settings  # noqa: E402
from gui.printing.fonts import resolve_font  # noqa: E402
from gui.printing.output import export_letters  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--companies", type=int, default=1000)
    p.add_argument("--lines", type=int, default=3, help="award lines per company")
    p.add_argument("--out", help="output folder (default: a temporary one)")
    args = p.parse_args()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    store = MemoryLetterStore()
    store.put_batch(demo_batch(1), demo_lines(1, args.companies, args.lines))
    settings = hulunbuir_settings()
    font = resolve_font(settings.fonts)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="letters-bench-"))

    t0 = time.perf_counter()
    batch = prepare_letters(store, 1, settings)
    t1 = time.perf_counter()
    files = export_letters(batch.letters, out / "each", font)
    t2 = time.perf_counter()
    [merged] = export_letters(batch.letters, out / "merged", font, merged=True)
    t3 = time.perf_counter()

    each_size = sum(f.stat().st_size for f in files)
    n = len(batch.letters)
    print(f"字体 {font}；{n}份兑现通知书，每份{args.lines}项奖补；输出 {out}")
    print(f"取数并编号           {t1 - t0:6.2f} s")
    print(
        f"每家一个PDF          {t2 - t1:6.2f} s  ({(t2 - t1) / n * 1000:.1f} ms/份, {each_size / n / 1024:.0f} KB/份)"
    )
    print(f"合并为一个PDF        {t3 - t2:6.2f} s  ({merged.stat().st_size / 1024 / 1024:.1f} MB)")
    print(f"合计（编号+每家一个PDF） {t2 - t0:6.2f} s  目标 < 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
