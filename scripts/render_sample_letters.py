"""Render the demonstration letters to PNG in docs/screenshots, to look at them as a clerk would.

    QT_QPA_PLATFORM=offscreen python scripts/render_sample_letters.py [--dpi 70] [--out docs/screenshots]

Writes letter-ordinary.png, letter-15-lines-1.png and -2.png (the award table
continues on page 2 with its header repeated), letter-multi-year.png,
letter-adjustment.png (an adjustment batch's), and the preview and settings
dialogs (letters-preview.png, letters-settings.png).
Needs pdftoppm (poppler-utils).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--dpi", type=int, default=70)
    p.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = p.parse_args()
    if not shutil.which("pdftoppm"):
        print("需要 pdftoppm（poppler-utils）", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="sample-letters-"))
    os.environ["KJJB_DATA_DIR"] = str(work / "data")  # the example bureau's settings, not the user's
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])

    from core.letters.batch import prepare_letters
    from core.letters.samples import LONG, MULTI_YEAR, ORDINARY, demo_store, demo_uscc, hulunbuir_settings
    from core.letters.settings import save_letter_settings
    from gui.printing.fonts import resolve_font
    from gui.printing.output import write_pdf

    settings = hulunbuir_settings()
    save_letter_settings(settings)
    font = resolve_font(settings.fonts)
    app.setFont(QFont(font, 10))
    store = demo_store()
    batch = prepare_letters(store, 1, settings)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, company in (("letter-ordinary", ORDINARY), ("letter-15-lines", LONG), ("letter-multi-year", MULTI_YEAR)):
        letter = next(l for l in batch.letters if l.uscc == demo_uscc(company))
        pdf = work / f"{name}.pdf"
        pages = write_pdf([letter], pdf, font)
        for old in out.glob(f"{name}*.png"):
            old.unlink()
        prefix = out / name
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)], check=True)
        made = sorted(out.glob(f"{name}-*.png"))
        if pages == 1:  # pdftoppm numbers its pages; a one-page letter keeps the plain name
            made[0].rename(prefix.with_suffix(".png"))
            made = [prefix.with_suffix(".png")]
        else:
            renamed = []
            for i, path in enumerate(made, 1):
                target = out / f"{name}-{i}.png"
                path.rename(target)
                renamed.append(target)
            made = renamed
        written += made

    def first_page(letter, name: str) -> Path:
        """The letter's first page as OUT/NAME.png."""
        pdf = work / f"{name}.pdf"
        write_pdf([letter], pdf, font)
        for old in out.glob(f"{name}*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out / name)],
            check=True,
        )
        return out / f"{name}.png"

    # an adjustment batch's letter: differences, the net paid on top
    from core.letters.memory import MemoryLetterStore
    from core.letters.samples import demo_adjustment

    adjusted = MemoryLetterStore()
    adjusted.put_batch(*demo_adjustment())
    (letter,) = prepare_letters(adjusted, 5, settings).letters
    written.append(first_page(letter, "letter-adjustment"))

    # a letter from the real demonstration batch: engine-computed lines under the Baotou measures
    import dataclasses

    from core.demo import load_demo_data
    from core.engine import load_policies
    from core.store import open_store

    real = open_store(f"sqlite:///{(work / 'demo.sqlite3').as_posix()}")
    batch_id = load_demo_data(real, load_policies())
    real.approve(batch_id, "王丽", "张伟", allow_provisional=True)
    baotou = dataclasses.replace(
        settings,
        issuer="包头市科学技术局",
        letterhead="包头市科学技术局",
        code="包科发",
        contact="联系人：李明　联系电话：0472-5123456",
    )
    real_batch = prepare_letters(real, batch_id, baotou)
    letter = max(real_batch.letters, key=lambda l: len(l.lines))
    written.append(first_page(letter, "letter-demo-batch"))
    real.close()

    from gui.letters.preview_dialog import LettersDialog
    from gui.letters.settings_dialog import LetterSettingsDialog

    dialog = LettersDialog(store, 1, who="示例")
    dialog.resize(1200, 820)
    dialog.show()
    dialog.next_company()
    dialog.preview.fitToWidth()
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(str(out / "letters-preview.png"))
    settings_dialog = LetterSettingsDialog()
    settings_dialog.show()
    for _ in range(5):
        app.processEvents()
    settings_dialog.grab().save(str(out / "letters-settings.png"))
    written += [out / "letters-preview.png", out / "letters-settings.png"]
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
