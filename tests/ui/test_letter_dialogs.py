"""The 兑现通知书 preview (paging, print, export) and the settings dialog, driven offscreen."""

import shutil
import subprocess

import pytest

from core.letters.samples import LONG, MULTI_YEAR, ORDINARY, demo_store, demo_uscc, hulunbuir_settings
from core.letters.settings import load_letter_settings, save_letter_settings
from gui.operations import Operation

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def pdf_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    return int(next(l for l in out.splitlines() if l.startswith("Pages:")).split()[1])


@pytest.fixture
def store(tmp_path, monkeypatch, asker):
    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    save_letter_settings(hulunbuir_settings())
    return demo_store()


@pytest.fixture
def dialog(qtbot, store):
    from gui.letters.preview_dialog import LettersDialog

    d = LettersDialog(store, 1, who="张三")
    qtbot.addWidget(d)
    d.show()
    return d


def wait_for(qtbot, operation):
    qtbot.waitUntil(lambda: operation not in Operation.running, timeout=30000)


def test_preview_pages_through_the_companies_of_the_batch(dialog, store):
    assert dialog.companies.count() == 4
    assert dialog.companies.item(0).text().startswith("呼科发〔2025〕1号\n内蒙古示例1号科技有限公司　202,345.67元")
    assert dialog.companies.item(3).text() == "无文号（未出具）\n内蒙古示例4号科技有限公司"
    assert dialog.current_letter().uscc == demo_uscc(ORDINARY)
    assert dialog.preview.pageCount() == 1 and dialog.page_label.text() == "第1页，共1页"
    dialog.next_company()
    assert dialog.current_letter().uscc == demo_uscc(LONG)
    assert dialog.preview.pageCount() == 2 and dialog.page_label.text() == "第1页，共2页"
    dialog.turn_page(1)
    assert dialog.page_label.text() == "第2页，共2页" and not dialog.next_page_button.isEnabled()
    dialog.next_company()
    assert dialog.current_letter().uscc == demo_uscc(MULTI_YEAR)
    dialog.next_company()
    assert dialog.current_letter() is None
    assert dialog.stack.currentWidget() is dialog.withheld_label
    assert "征求意见稿" in dialog.withheld_label.text() and "“技术合同交易额补助”" in dialog.withheld_label.text()
    assert not dialog.print_one.isEnabled() and not dialog.export_one.isEnabled()
    assert not dialog.next_company_button.isEnabled()
    dialog.previous_company()
    dialog.companies.setCurrentRow(0)
    assert dialog.print_one.isEnabled()
    # each letter shown is recorded once per dialog, the withheld one never
    assert [(i[1], i[2], i[3]) for i in store.issues] == [
        (demo_uscc(c), "preview", "张三") for c in (ORDINARY, LONG, MULTI_YEAR)
    ]
    assert "1家企业的奖补全部依据征求意见稿测算，暂不出具兑现通知书，不编文号" in dialog.notice.text()
    assert "出厂示例" not in dialog.notice.text()


def test_zoom_buttons_change_the_zoom(dialog):
    dialog.preview.fitInView()
    before = dialog.preview.zoomFactor()
    dialog.preview.zoomIn()
    assert dialog.preview.zoomFactor() > before


@needs_poppler
def test_print_goes_through_the_print_dialog_and_is_recorded(dialog, store, asker, tmp_path):
    dialog.next_company()
    asker.answers = [tmp_path / "printed.pdf"]
    assert dialog.print_current()
    assert asker.asked[-1] == ("printer", "打印兑现通知书 呼科发〔2025〕2号", "")
    assert pdf_pages(tmp_path / "printed.pdf") == 2
    assert "呼科发〔2025〕2号" in pdf_text(tmp_path / "printed.pdf")
    assert store.issues[-1][1:4] == (demo_uscc(LONG), "print", "张三")
    asker.answers = [False]  # the clerk closes the print dialog
    count = len(store.issues)
    assert not dialog.print_current()
    assert len(store.issues) == count


@needs_poppler
def test_export_one_pdf(dialog, store, asker, tmp_path):
    asker.answers = [str(tmp_path / "letter")]
    path = dialog.export_current()
    assert path == tmp_path / "letter.pdf"
    kind, title, default = asker.asked[-2]
    assert (kind, title) == ("save_file", "导出兑现通知书PDF")
    assert default.endswith("内蒙古示例1号科技有限公司_呼科发〔2025〕1号.pdf")
    assert "人民币贰拾万零贰仟叁佰肆拾伍元陆角柒分" in pdf_text(path).replace("\n", "")
    assert store.issues[-1][1:3] == (demo_uscc(ORDINARY), "pdf")
    assert dialog.status.text() == f"已导出：{path}"
    # confirmed, with 打开文件 / 打开所在文件夹; the next save dialog starts in this folder
    assert asker.asked[-1] == (
        "saved",
        "导出兑现通知书PDF",
        f"已导出呼科发〔2025〕1号 内蒙古示例1号科技有限公司的兑现通知书：\n{path}",
    )
    asker.answers = [None]
    dialog.export_current()
    assert asker.asked[-1][2] == str(tmp_path / "内蒙古示例1号科技有限公司_呼科发〔2025〕1号.pdf")


@needs_poppler
def test_export_all_runs_in_the_background(qtbot, dialog, store, asker, tmp_path):
    asker.answers = [str(tmp_path / "out")]
    operation = dialog.export_batch()
    wait_for(qtbot, operation)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [
        "内蒙古示例1号科技有限公司_呼科发〔2025〕1号.pdf",
        "内蒙古示例2号科技有限公司_呼科发〔2025〕2号.pdf",
        "内蒙古示例3号科技有限公司_呼科发〔2025〕3号.pdf",
    ]
    assert asker.asked[-1][0] == "saved" and "已导出3份兑现通知书，共3个PDF文件" in asker.asked[-1][2]
    assert [i[1:3] for i in store.issues[-3:]] == [(demo_uscc(c), "pdf") for c in (ORDINARY, LONG, MULTI_YEAR)]


@needs_poppler
def test_export_all_merged_and_print_all(qtbot, dialog, store, asker, tmp_path):
    dialog.merged.setChecked(True)
    asker.answers = [str(tmp_path)]
    wait_for(qtbot, dialog.export_batch())
    assert pdf_pages(tmp_path / "2026年第一批_兑现通知书.pdf") == 4
    asker.answers = [tmp_path / "printed.pdf"]
    wait_for(qtbot, dialog.print_batch())
    assert pdf_pages(tmp_path / "printed.pdf") == 4
    assert dialog.status.text() == "已打印3份兑现通知书，共4页"
    assert [i[2] for i in store.issues].count("print") == 3


def test_cancelled_export_writes_nothing(qtbot, dialog, asker, tmp_path):
    asker.answers = [str(tmp_path / "out")]
    operation = dialog.export_batch()
    operation.cancel()
    wait_for(qtbot, operation)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_draft_batch_is_explained_not_shown(store, asker):
    from gui.letters.preview_dialog import open_letters

    assert open_letters(None, store, 2) is None
    assert asker.asked == [
        ("error", "兑现通知书", "批次“2026年第二批”（编号2）尚未审批（状态：草稿），审批通过后才能出具兑现通知书")
    ]
    assert open_letters(None, store, 99) is None
    assert asker.asked[-1] == ("error", "兑现通知书", "找不到批次99")


def test_shipped_example_settings_are_pointed_out(qtbot, store, tmp_path):
    from gui.letters.preview_dialog import LettersDialog

    (tmp_path / "data" / "letters_settings.json").unlink()
    d = LettersDialog(store, 1)
    qtbot.addWidget(d)
    assert "兑现通知书设置仍是出厂示例" in d.notice.text()
    assert d.batch.letters[0].doc_number == "×科发〔2025〕1号"


def test_main_window_opens_the_letters_of_a_batch(window, asker, store):
    window.ctx._store = store
    asker.answers = ["1"]
    dialog = window.open_letters()
    assert dialog is not None and dialog.companies.count() == 4
    dialog.close()
    asker.answers = ["第一批"]
    assert window.open_letters() is None
    assert asker.asked[-1] == ("error", "兑现通知书", "批次编号应为数字，实际为“第一批”")


# ---------------------------------------------------------------- settings dialog
@pytest.fixture
def settings_dialog(qtbot, tmp_path, monkeypatch):
    from gui.letters.settings_dialog import LetterSettingsDialog

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    d = LetterSettingsDialog()
    qtbot.addWidget(d)
    return d


def test_settings_dialog_saves_the_bureau_fields(settings_dialog, tmp_path):
    d = settings_dialog
    assert d.fields["issuer"].text() == "××市科学技术局"
    d.fields["issuer"].setText("包头市科学技术局")
    d.fields["letterhead"].setText("包头市科学技术局")
    d.fields["code"].setText("包科发")
    d.fields["signature"].setPlainText("包头市科学技术局\n包头市财政局")
    d.fields["date_style"].setCurrentIndex(d.fields["date_style"].findData("chinese"))
    d.fields["fonts"].setText("SimSun，WenQuanYi Micro Hei")
    assert "文号示例：包科发〔" in d.example.text() and "〕1号" in d.example.text()
    assert "将使用字体：WenQuanYi Micro Hei" in d.example.text()
    assert d.save()
    saved = load_letter_settings()
    assert (saved.issuer, saved.code, saved.date_style) == ("包头市科学技术局", "包科发", "chinese")
    assert saved.signature == "包头市科学技术局\n包头市财政局"
    assert saved.fonts == ("SimSun", "WenQuanYi Micro Hei")
    assert (tmp_path / "letters_settings.json").exists()


def test_settings_dialog_refuses_what_cannot_make_a_letter(settings_dialog, tmp_path):
    d = settings_dialog
    d.fields["code"].setText("包科发〔")
    d.fields["issuer"].setText("")
    d.fields["intro"].setPlainText("{{企业地址}}")
    assert "机关代字有误" in d.example.text()
    assert not d.save()
    assert "“发文机关”不能为空" in d.error.text()
    assert "不能含空格、括号" in d.error.text()
    assert "未知的占位符“{{企业地址}}”" in d.error.text()
    assert not (tmp_path / "letters_settings.json").exists()
    d.reset_button.click()
    assert d.fields["code"].text() == "×科发"


def test_settings_dialog_survives_a_broken_settings_file(qtbot, tmp_path, monkeypatch):
    from gui.letters.settings_dialog import LetterSettingsDialog

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    (tmp_path / "letters_settings.json").write_text('{"seal": 1}', encoding="utf-8")
    d = LetterSettingsDialog()
    qtbot.addWidget(d)
    assert "未知字段“seal”" in d.error.text() and "已改用出厂示例" in d.error.text()
    assert d.fields["code"].text() == "×科发"
