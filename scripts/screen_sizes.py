"""The screens issue 15 changed, at 1366x768 and at 1024x600, as PNG files in docs/screenshots/.

Like scripts/screenshots.py (offscreen, a throwaway data folder, the demo data loaded as a clerk would), but
each screen twice: ``<name>-1366.png`` and ``<name>-1024.png``, the window clamped to the screen as the
program does on such a PC. Also the letter of six award lines (its 落款 kept on page 1) as a PDF page, and
the manual's pictures (resources/manual/images) from the 1366 shots.

    python scripts/screen_sizes.py [-o docs/screenshots]
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
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-sizes-")

from PySide6.QtCore import QRect  # noqa: E402

SIZES = {"1366": QRect(0, 0, 1366, 728), "1024": QRect(0, 0, 1024, 560)}  # a 40 px task bar below
MANUAL = {
    "screen-companies",
    "screen-batch-results",
    "screen-policies",
    "screen-calculators",
    "screen-targets",
    "screen-audit",
}


def shoot(out: Path, size: str, shots) -> None:
    from gui import screenfit

    screenfit.set_screen(SIZES[size])
    w, ctx, s = shots.window, shots.ctx, shots
    area = SIZES[size]
    w.resize(area.width(), area.height())
    screenfit.clamp(w)
    s.settle()

    def save(name, dialog=None):
        if dialog is not None:
            screenfit.clamp(dialog)
        path = s.save(f"{name}-{size}.png", dialog)
        if size == "1366" and name in MANUAL:
            shutil.copy(path, ROOT / "resources" / "manual" / "images" / f"{name}.png")

    companies = w.show_page("companies")
    companies.search()
    s.settle()
    save("screen-companies")
    long_id = ctx.store.search_companies()[0]
    panel = companies.open_company(long_id)
    s.settle()
    save("screen-company")
    dialog = companies.add_company()
    dialog.fields["county"].setText("莫旗")
    dialog.fields["phone"].setText("abc-123")
    s.settle(0.2)
    save("screen-company-new", dialog)
    dialog.reject()
    dialog = panel.add_recognition()
    date = next(f for f in dialog.fields.fields.values() if getattr(f, "calendar_action", None) is not None)
    date.setText("2026-03-01")
    popup = date.pick_date()
    s.settle(0.2)
    image = dialog.grab().toImage()
    from PySide6.QtGui import QPainter

    painter = QPainter(image)
    painter.drawPixmap(date.mapTo(dialog, date.rect().bottomLeft()), popup.grab())
    painter.end()
    image.save(str(out / f"screen-date-picker-{size}.png"))
    popup.close()
    dialog.reject()
    companies.show_list()

    batches = w.show_page("batches")
    s.settle()
    batches.select_line(batches.lines[0].uscc, batches.lines[0].line_no)
    s.settle()
    save("screen-batch-results")
    menu_owner = batches.batch_view
    menu_owner.customContextMenuRequested.emit(menu_owner.visualRect(batches.batch_model.index(0, 1)).center())
    s.settle(0.2)
    image = w.grab().toImage()
    painter = QPainter(image)
    menu = menu_owner.table_menu
    painter.drawPixmap(
        menu_owner.mapTo(w, menu_owner.visualRect(batches.batch_model.index(0, 1)).center()), menu.grab()
    )
    painter.end()
    image.save(str(out / f"screen-context-menu-{size}.png"))
    menu.close()

    policies = w.show_page("policies")
    s.settle()
    policies.search_edit.setText("技术合同")
    s.settle()
    save("screen-policies")
    policies.search_edit.clear()

    calculators = w.show_page("calculators")
    tab = calculators.rd
    tab.city.setCurrentIndex(tab.city.findData("hulunbuir"))
    tab.rd_prev.setText("2,000,000")
    tab.rd_last.setText("350万")
    tab.compute()
    s.settle()
    save("screen-calculators")

    targets = w.show_page("targets")
    targets.scope.setCurrentIndex(targets.scope.findData("hulunbuir"))
    s.settle()
    save("screen-targets")

    audit = w.show_page("audit")
    s.settle()
    audit.table.selectRow(0)
    s.settle()
    save("screen-audit")

    from gui.letters.settings_dialog import LetterSettingsDialog

    dialog = LetterSettingsDialog(w, ctx.store)
    dialog.show()
    s.settle(0.2)
    save("letters-settings", dialog)
    dialog.reject()
    letters = w.open_letters(ctx.store.batches()[-1].id)
    if letters is not None:
        s.settle(0.5)
        save("letters-preview", letters)
        letters.close()
    from gui.backups import BackupsDialog
    from gui.manual import ManualDialog

    dialog = BackupsDialog(w)
    dialog.show()
    s.settle(0.2)
    save("screen-backups", dialog)
    dialog.reject()
    dialog = ManualDialog(w, "batches")
    dialog.show()
    s.settle(0.2)
    save("screen-manual", dialog)
    dialog.reject()


def reviewer_view(out: Path, s) -> None:
    """A 审核人 logged in (文件 → 切换用户): 导入, 计算 and 删除 greyed; the reason of 计算 written under it."""
    from PySide6.QtGui import QColor, QPainter

    from gui import menus, screenfit

    screenfit.set_screen(SIZES["1366"])
    s.window.resize(SIZES["1366"].width(), SIZES["1366"].height())
    store = s.ctx.store
    store.create_first_admin("管理员", "Admin-2026")
    store.add_user("李审", "Check-2026", ["reviewer"])
    s.asker.answers = [("李审", "Check-2026")]
    menus.switch_user(s.window)
    page = s.window.show_page("batches")
    s.settle()
    image = s.window.grab().toImage()
    act = page.actions_by_name["calculate"]
    button = page.toolbar.widgetForAction(act)
    at = button.mapTo(s.window, button.rect().bottomLeft())
    painter = QPainter(image)
    text = act.toolTip()
    rect = painter.boundingRect(at.x(), at.y() + 4, 700, 30, 0, text)
    painter.fillRect(rect.adjusted(-4, -2, 4, 2), QColor("#ffffdc"))
    painter.drawRect(rect.adjusted(-4, -2, 4, 2))
    painter.drawText(rect, 0, text)
    painter.end()
    image.save(str(out / "screen-batch-reviewer-1366.png"))
    print(out / "screen-batch-reviewer-1366.png")


def letter_page(out: Path) -> Path | None:
    """The six-line letter (its 落款 used to fall alone onto page 2) as a PNG of its one page."""
    if not shutil.which("pdftoppm"):
        return None
    from core.letters.document import build_letter
    from core.letters.numbering import LetterNumber
    from core.letters.samples import demo_batch, demo_line, hulunbuir_settings
    from core.letters.template import load_template
    from gui.printing.fonts import resolve_font
    from gui.printing.output import write_pdf

    lines = [demo_line(1, k, 1, 100000 + k, summary=f"测试项目{k}号奖补资金") for k in range(1, 7)]
    letter = build_letter(demo_batch(1), lines, LetterNumber(2025, 1), hulunbuir_settings(), load_template())
    pdf = Path(os.environ["KJJB_DATA_DIR"]) / "six.pdf"
    pages = write_pdf([letter], pdf, resolve_font(hulunbuir_settings().fonts))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(out / "letter-six-lines")], check=True)
    print(out / "letter-six-lines.png", f"({pages}页)")
    return out / "letter-six-lines.png"


def main(out: Path) -> int:
    from screenshots import Shots

    out.mkdir(parents=True, exist_ok=True)
    s = Shots(out)
    from gui import menus

    s.asker.answers = [True]
    menus.load_demo(s.window)
    s.settle()
    demo = s.ctx.store.batches()[-1].id
    s.ctx.store.approve(demo, "王丽", "张伟", allow_provisional=True)  # letters are for approved batches
    s.window.show_page("batches").refresh(select=demo)
    s.settle()
    s.asker.answers = [True] * 20
    for size in SIZES:
        shoot(out, size, s)
    reviewer_view(out, s)
    letter_page(out)
    s.window.close()
    s.ctx.close()
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("-o", "--output", default=str(ROOT / "docs" / "screenshots"))
    sys.exit(main(Path(p.parse_args().output)))
