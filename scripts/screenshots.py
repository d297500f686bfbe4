"""The main screens as PNG files in docs/screenshots/, from the running program at 1366x768 with demo data.

Starts the program's own window (on Qt's offscreen platform, in a throwaway
data folder), loads the demonstration data through 帮助 → 载入演示数据,
then visits each screen the way a clerk would and saves what it shows.
Dialogs are drawn over the window they belong to, as they appear.

    python scripts/screenshots.py [-o docs/screenshots]

Needs a Chinese font (Debian: fonts-wqy-microhei); without one the text
comes out as boxes, so the script refuses to run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KJJB_DATA_DIR"] = tempfile.mkdtemp(prefix="kjjb-shots-")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QFontDatabase, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1366, 768)


class Shots:
    def __init__(self, out: Path):
        self.out = out
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        from gui.app import _font

        _font(self.app)
        families = set(QFontDatabase.families())
        if not any(
            f in families for f in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC")
        ):
            raise SystemExit("没有中文字体，截图中的文字会是方框：请先安装 fonts-wqy-microhei")
        from gui.ask import ScriptedAsker, set_asker
        from gui.context import AppContext
        from gui.mainwindow import MainWindow

        self.asker = ScriptedAsker()
        set_asker(self.asker)
        self.ctx = AppContext()
        self.window = MainWindow(self.ctx)
        self.window.resize(*SIZE)
        self.window.show()
        self.settle()

    def settle(self, extra: float = 0.3) -> None:
        from gui.operations import Operation

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.app.processEvents()
            if not Operation.running:
                break
            time.sleep(0.01)
        end = time.monotonic() + extra
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def save(self, name: str, dialog=None) -> Path:
        image = self.window.grab().toImage()
        if dialog is not None:
            painter = QPainter(image)
            painter.fillRect(image.rect(), QColor(0, 0, 0, 60))
            shot = dialog.grab()
            x = (image.width() - shot.width()) // 2
            y = max((image.height() - shot.height()) // 2, 0)
            painter.fillRect(x - 1, y - 1, shot.width() + 2, shot.height() + 2, QColor("#666666"))
            painter.drawPixmap(QPoint(x, y), shot)
            painter.end()
        path = self.out / name
        image.save(str(path))
        print(path)
        return path


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    s = Shots(out)
    w, ctx, asker = s.window, s.ctx, s.asker
    from gui import menus

    # demonstration data, as the clerk loads it; the clerk's name as given at first run
    asker.answers = [True]
    menus.load_demo(w)
    s.settle()
    ctx.store.set_setting("clerk.name", "赵敏")

    # 企业档案: the list, then one company's record
    companies = w.show_page("companies")
    s.settle()
    s.save("screen-companies.png")

    # 申报批次: the demo batch calculated, a line's trace beside it
    batches = w.show_page("batches")
    s.settle()
    line = (
        next(l for l in batches.lines if l.rule_id.startswith("bt-") and l.schedule)
        if any(l.rule_id.startswith("bt-") and l.schedule for l in batches.lines)
        else batches.lines[0]
    )
    batches.select_line(line.uscc, line.line_no)
    s.settle()
    s.save("screen-batch-results.png")

    # 审批: two people named
    dialog = batches.approve()
    dialog.fields["preparer"].setText("王丽")
    dialog.fields["reviewer"].setText("张伟")
    s.settle(0.2)
    s.save("screen-approve.png", dialog)
    asker.answers = [True]  # the provisional lines: confirmed for the demonstration
    dialog.accept()
    s.settle()
    rich = next(l for l in batches.lines if l.uscc == line.uscc)
    batches.select_line(rich.uscc, rich.line_no)
    s.settle()
    s.save("screen-batch-approved.png")

    # 打印预览 of the 资金拨付明细表 (the lines under documents in force) and of the 公示名单
    asker.answers = [0, "2060499 其他技术研究与开发支出"]
    batches.preview_disbursement()
    s.settle()
    _save_preview(s, batches.dialog, "screen-print-preview-disbursement.png")
    asker.answers = [0]
    batches.preview_publicity()
    s.settle()
    _save_preview(s, batches.dialog, "screen-print-preview-publicity.png")

    # the company's record after approval: awards in its timeline
    w.show_page("companies")
    s.settle()
    companies.search_edit.setText(line.company_name)
    companies.search()
    s.settle()
    companies.view.selectRow(0)
    companies.open_current()
    s.settle()
    s.save("screen-company.png")
    dialog = companies.panel.add_rd_year()
    dialog.fields["year"].setText("2026")
    dialog.fields["expense"].setText("两百万")
    s.settle(0.2)
    s.save("screen-company-edit.png", dialog)
    dialog.reject()
    dialog = companies.panel.add_ledger_entry()  # an award of before the program, named as claims name it
    dialog.fields["rule"].setCurrentIndex(dialog.fields["rule"].findData("bt-12-tech-purchase"))
    dialog.fields["year"].setText("2024")
    dialog.fields["amount"].setText("40万")
    dialog.subject_fields["project"].setText("稀土永磁废料再生利用专利")
    dialog.fields["note"].setText("原拨付文件 包科发〔2024〕12号")
    s.settle(0.2)
    s.save("screen-ledger-entry.png", dialog)
    dialog.reject()
    companies.show_list()

    # 导入: a workbook with mistakes, its problems listed
    bad = Path(os.environ["KJJB_DATA_DIR"]) / "申报（有错误）.xlsx"
    _broken_sample(bad)
    wizard = w.show_page("batches").import_workbook(str(bad))
    wizard.resize(1000, 600)
    wizard.start_check()
    s.settle()
    wizard.problem_view.selectRow(0)
    s.settle(0.2)
    s.save("screen-import-errors.png", wizard)
    wizard.reject()
    s.settle()

    # 政策: a document's rules, one rule's sentence and parameters
    policies = w.show_page("policies")
    s.settle()
    docs = policies.doc_model.rows
    policies.docs.selectRow(next(i for i, d in enumerate(docs) if d.id == "hlb-2025-draft"))
    rules = policies.rule_model.rows
    policies.rules.selectRow(next(i for i, r in enumerate(rules) if r.id == "hlb-12-tech-contract"))
    s.settle()
    s.save("screen-policies.png")
    dialog = policies.add_override(path="cap.subject")
    dialog.fields["value"].setText("60万")
    dialog.fields["start"].setText("2026-01-01")
    dialog.fields["reason"].setText("依据呼科发〔2026〕3号通知，单个技术合同补贴上限调整为60万元")
    s.settle(0.2)
    s.save("screen-override.png", dialog)
    dialog.accept()
    s.settle()
    policies.tabs.setCurrentIndex(2)
    policies.overrides.selectRow(0)
    s.settle()
    s.save("screen-overrides.png")

    # 计算工具
    calculators = w.show_page("calculators")
    tab = calculators.rd
    tab.year.setValue(2026)
    tab.city.setCurrentIndex(tab.city.findData("hulunbuir"))
    tab.rd_prev.setText("2,000,000")
    tab.rd_last.setText("350万")
    tab.compute()
    s.settle()
    s.save("screen-calculators.png")
    calculators.tabs.setCurrentWidget(calculators.calculators["indirect_cost_tiers"])
    tab = calculators.calculators["indirect_cost_tiers"]
    tab.fields["direct_costs"].setText("13000000")
    tab.fields["equipment_costs"].setText("100万")
    tab.compute()
    s.settle()
    s.save("screen-calculator-indirect.png")

    # 目标监测
    targets = w.show_page("targets")
    targets.scope.setCurrentIndex(targets.scope.findData("tongliao"))
    s.settle()
    s.save("screen-targets.png")

    # 审计日志: every change with who and when, and the chain checked
    audit = w.show_page("audit")
    s.settle()
    asker.answers = []
    audit.verify()
    s.settle()
    audit.table.selectRow(0)
    s.settle()
    s.save("screen-audit.png")

    # 调整: a correction of the approved batch (here: awards under the Hulunbuir draft taken back)
    batches = w.show_page("batches")
    s.settle()
    taken = next((l for l in batches.lines if l.provisional), None)
    if taken is not None:
        batches.select_line(taken.uscc)
        s.settle()
        dialog = batches.adjust()
        dialog.fields["reason"].setText("征求意见稿尚未正式印发，已兑现的测算金额冲减")
        dialog.selected_button.setChecked(True)
        s.settle(0.2)
        s.save("screen-adjust.png", dialog)
        dialog.accept()
        s.settle()
        ctx.store.set_setting("calc.include_drafts", "0")
        batches.calculate()
        s.settle()
        batches.select_line(taken.uscc)
        s.settle()
        s.save("screen-batch-adjustment.png")
        ctx.store.set_setting("calc.include_drafts", "1")

    # 导入 of a later year that comes back to contracts paid in the demo batch: what was paid before, per claim
    batches = w.show_page("batches")
    s.settle()
    later = Path(os.environ["KJJB_DATA_DIR"]) / "2027年第一批科技创新奖补.xlsx"
    uscc = _later_workbook(later)
    wizard = batches.import_workbook(str(later))
    wizard.resize(1000, 600)
    wizard.start_check()
    s.settle()
    s.save("screen-import-paid-before.png", wizard)
    wizard.start_import()
    s.settle()
    wizard.calculate_button.click()
    s.settle()
    topped = next(l for l in batches.lines if l.uscc == uscc and l.earlier)
    batches.select_line(uscc, topped.line_no)
    s.settle()
    s.save("screen-batch-earlier.png")

    # the dialogs before the window: first run, the first administrator, login
    from gui.firstrun import FirstRunDialog
    from gui.login import FirstAdminDialog, LoginDialog

    dialog = FirstRunDialog(w, ctx.store, has_batches=False)
    s.settle(0.2)
    s.save("screen-first-run.png", dialog)
    dialog.reject()
    dialog = FirstAdminDialog(ctx.store, w)
    s.settle(0.2)
    s.save("screen-first-admin.png", dialog)
    dialog.reject()
    dialog = LoginDialog(ctx.store, w, name="张伟")
    s.settle(0.2)
    s.save("screen-login.png", dialog)
    dialog.reject()
    w.close()
    ctx.close()
    return 0


def _save_preview(s: Shots, dialog, name: str) -> None:
    """A print preview window on its own, a page wide, then closed."""
    from gui.batches.preview import preview_widget

    dialog.resize(1200, 740)
    s.settle(0.5)
    preview_widget(dialog).fitToWidth()
    s.settle(0.5)
    path = s.out / name
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()


def _later_workbook(path: Path) -> str:
    """A 2027 workbook of 呼伦贝尔技术转移服务中心 (its contracts were paid in the demo batch); returns its USCC.

    Contract …0021 (6,000,000 in 2026, 300,000 paid) gets a supplementary agreement of 1,500,000: 7,500,000 × 5%
    = 375,000, less 300,000 = 75,000. Contract …0045 (12,000,000, the 500,000 cap paid) is claimed again: refused.
    A new contract is entered with its supplement on two rows: counted together.
    """
    from core.excel.files import save_workbook
    from core.excel.layout import claim_sheet_name, normalize_header
    from core.excel.reader import read_workbook
    from core.excel.template import build_template

    sample = read_workbook(ROOT / "resources" / "samples" / "申报样例.xlsx")
    uscc = next(c.uscc for c in sample.companies if c.name == "呼伦贝尔技术转移服务中心有限公司")
    wb = build_template(award_year=2027, batch_name="2027年第一批科技创新奖补")
    ws = wb[claim_sheet_name("技术合同（技术交易后补助）")]
    cols = {normalize_header(c.value): c.column for c in ws[1] if c.value}
    for row, (number, day, amount) in enumerate(
        (
            ("2026150701000021", "2027-03-10", 1_500_000),
            ("2026150701000045", "2027-04-02", 800_000),
            ("2027150701000012", "2027-05-20", 2_000_000),
            ("2027150701000012", "2027-08-16", 500_000),
        ),
        2,
    ):
        values = {
            "统一社会信用代码": uscc,
            "合同登记编号": number,
            "合同登记日期": day,
            "技术交易额（元）": amount,
            "已获自治区技术交易后补助": "是",
        }
        for header, value in values.items():
            ws.cell(row, cols[normalize_header(header)], value)
    save_workbook(wb, path)
    return uscc


def _broken_sample(path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(ROOT / "resources" / "samples" / "申报样例.xlsx")
    wb["企业信息"]["A4"] = "91150702MAQTM6001X"
    wb["历史-认定记录"]["E3"] = "2023年13月1日"
    wb["历史-研发投入"]["D5"] = "两百万"
    wb.save(path)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("-o", "--output", default=str(ROOT / "docs" / "screenshots"))
    sys.exit(main(Path(p.parse_args().output)))
