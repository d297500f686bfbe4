"""Letters as PDF: what the pages say (pdftotext), how they are laid out, the ``letters`` command."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.letters.batch import prepare_letters
from core.letters.samples import LONG, MULTI_YEAR, ORDINARY, demo_uscc, hulunbuir_settings
from core.letters.samples import demo_store as letters_store
from core.progress import Cancelled

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")


def pdf_text(path, page=None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def pdf_info(path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def batch(qapp):
    store = letters_store()
    return prepare_letters(store, 1, hulunbuir_settings())


@pytest.fixture
def font(qapp):
    from gui.printing.fonts import resolve_font

    return resolve_font(hulunbuir_settings().fonts)


def letter(batch, company):
    return next(l for l in batch.letters if l.uscc == demo_uscc(company))


def test_ordinary_letter_is_one_a4_page_with_every_figure(batch, font, tmp_path):
    from gui.printing.output import write_pdf

    path = tmp_path / "one.pdf"
    assert write_pdf([letter(batch, ORDINARY)], path, font) == 1
    info = pdf_info(path)
    assert info["Pages"].strip() == "1"
    assert "595.276 x 841.89" in info["Page size"] or "A4" in info["Page size"]
    text = squash(pdf_text(path))
    for fragment in (
        "呼伦贝尔市科学技术局",
        "呼科发〔2025〕1号",
        "科技创新奖补资金兑现通知书",
        "内蒙古示例1号科技有限公司",
        demo_uscc(ORDINARY),
        "高新技术企业首次认定奖励",
        "150,000.00",
        "科技型中小企业入库奖励",
        "52,345.67",
        "合计",
        "202,345.67",
        "人民币贰拾万零贰仟叁佰肆拾伍元陆角柒分",
        "内政办发〔2021〕35号",
        "中国工商银行呼伦贝尔海拉尔支行",
        "060900120920",
        "2025年11月25日",
        "联系人：王敏",
    ):
        assert fragment in text, fragment
    assert "第1页" not in text  # page numbers only on letters of more than one page


def test_chinese_font_is_embedded(batch, font, tmp_path):
    from gui.printing.output import write_pdf

    path = tmp_path / "one.pdf"
    write_pdf([letter(batch, ORDINARY)], path, font)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # emb column


def test_fifteen_lines_continue_on_page_two_with_the_header_repeated(batch, font, tmp_path):
    from gui.printing.layout import LetterLayout
    from gui.printing.output import write_pdf

    long = letter(batch, LONG)
    layout = LetterLayout(long, font)
    assert layout.page_count == 2
    assert len(layout.breaks) == 1  # one place where the table was cut and its header repeated
    path = tmp_path / "long.pdf"
    assert write_pdf([long], path, font) == 2
    page1, page2 = squash(pdf_text(path, 1)), squash(pdf_text(path, 2))
    for page in (page1, page2):
        assert page.count("序号") == 1 and page.count("政策依据") == 1 and page.count("金额（元）") == 1
    assert page2.startswith("序号项目政策依据金额（元）")
    assert "呼科发〔2025〕2号第1页，共2页" in page1 and "呼科发〔2025〕2号第2页，共2页" in page2
    amounts = [f"{100000 + 1000 * k:,}.00" for k in range(15)]
    both = page1 + page2
    assert all(both.count(a) == 1 for a in amounts)
    first_on_2 = next(k for k, a in enumerate(amounts) if a in page2)
    assert all(a in page1 for a in amounts[:first_on_2]) and all(a in page2 for a in amounts[first_on_2:])
    assert "1,605,000.00" in page2 and "人民币壹佰陆拾万零伍仟元整" in page2


def test_multi_year_letter_states_the_schedule(batch, font, tmp_path):
    from gui.printing.output import write_pdf

    path = tmp_path / "multi.pdf"
    write_pdf([letter(batch, MULTI_YEAR)], path, font)
    text = squash(pdf_text(path))
    assert "其中：该项连续支持5年，2026—2030年每年3,000,000.00元，本年度为第1年" in text
    assert "3,500,000.00" in text and "人民币叁佰伍拾万元整" in text


def test_one_pdf_per_company_and_a_merged_pdf(batch, font, tmp_path):
    from gui.printing.output import export_letters

    files = export_letters(batch.letters, tmp_path / "each", font)
    assert [f.name for f in files] == [
        "内蒙古示例1号科技有限公司_呼科发〔2025〕1号.pdf",
        "内蒙古示例2号科技有限公司_呼科发〔2025〕2号.pdf",
        "内蒙古示例3号科技有限公司_呼科发〔2025〕3号.pdf",
    ]
    assert sorted(p.name for p in (tmp_path / "each").iterdir()) == sorted(f.name for f in files)
    [merged] = export_letters(batch.letters, tmp_path / "all", font, merged=True)
    assert merged.name == "2026年第一批_兑现通知书.pdf"
    assert pdf_info(merged)["Pages"].strip() == "4"
    text = squash(pdf_text(merged))
    assert text.index("呼科发〔2025〕1号") < text.index("呼科发〔2025〕2号") < text.index("呼科发〔2025〕3号")
    assert "呼科发〔2025〕4号" not in text  # withheld: provisional line


def test_cancelled_export_leaves_no_file(batch, font, tmp_path):
    from gui.printing.output import export_letters

    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        export_letters(batch.letters, tmp_path, font, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []
    calls.clear()
    with pytest.raises(Cancelled):
        export_letters(batch.letters, tmp_path, font, merged=True, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the letters command
@pytest.fixture
def cli_store(monkeypatch, tmp_path):
    import gui.printing.cli as cli
    from core.letters.settings import save_letter_settings

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path / "data"))
    save_letter_settings(hulunbuir_settings())
    store = letters_store()
    monkeypatch.setattr(cli, "_open_store", lambda url: store)
    return store


def test_letters_command_writes_a_pdf_per_company_and_records_the_issue(cli_store, tmp_path, capsys, qapp):
    from core.cli import main

    out = tmp_path / "out"
    assert main(["letters", "1", "-o", str(out), "--who", "张三"]) == 0
    printed = capsys.readouterr()
    assert "已生成3份兑现通知书（呼科发〔2025〕1号至呼科发〔2025〕3号），共3个PDF文件" in printed.out
    assert "未出具 （无文号） 内蒙古示例4号科技有限公司：含按征求意见稿" in printed.err
    assert len(list(out.glob("*.pdf"))) == 3
    assert [(i[1], i[2], i[3]) for i in cli_store.issues] == [
        (demo_uscc(c), "pdf", "张三") for c in (ORDINARY, LONG, MULTI_YEAR)
    ]
    assert "呼科发〔2025〕2号" in pdf_text(out / "内蒙古示例2号科技有限公司_呼科发〔2025〕2号.pdf")


def test_letters_command_merged_and_reprint_keeps_numbers(cli_store, tmp_path, capsys, qapp):
    from core.cli import main

    assert main(["letters", "1", "-o", str(tmp_path), "--merged"]) == 0
    first = pdf_text(tmp_path / "2026年第一批_兑现通知书.pdf")
    assert main(["letters", "1", "-o", str(tmp_path), "--merged"]) == 0
    assert pdf_text(tmp_path / "2026年第一批_兑现通知书.pdf") == first
    assert len(cli_store.issues) == 6


def test_letters_command_refuses_a_draft_batch(cli_store, tmp_path, capsys, qapp):
    from core.cli import main

    assert main(["letters", "2", "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "错误：批次“2026年第二批”（编号2）尚未审批（状态：草稿），审批通过后才能出具兑现通知书" in err
    assert not (tmp_path / "x").exists()
    assert main(["letters", "9", "-o", str(tmp_path / "x")]) == 2
    assert "找不到批次9" in capsys.readouterr().err


def test_letters_command_without_a_usable_store_fails_cleanly(tmp_path):
    r = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "letters", "1", "-o", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "KJJB_DATA_DIR": str(tmp_path)},
    )
    assert r.returncode in (1, 2)
    assert r.stderr.startswith("错误：") and "Traceback" not in r.stderr
