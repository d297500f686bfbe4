"""Issue 15: the 落款 and 成文日期 never fall alone onto page 2, nor apart from each other.

Letters of 1 to 15 award lines move the end of the text down page 1 and onto page 2; with the shipped
template, 5 to 7 lines used to put the 落款 or its date on a page of their own.
"""

import shutil
import subprocess

import pytest

from core.letters.document import build_letter
from core.letters.numbering import LetterNumber
from core.letters.samples import demo_batch, demo_line, hulunbuir_settings
from core.letters.template import load_template


def letter_of(n: int):
    lines = [demo_line(1, k, 1, 100000 + k, summary=f"测试项目{k}号奖补资金") for k in range(1, n + 1)]
    return build_letter(demo_batch(1), lines, LetterNumber(2025, 1), hulunbuir_settings(), load_template())


@pytest.fixture
def font(qapp):
    from gui.printing.fonts import resolve_font

    return resolve_font(hulunbuir_settings().fonts)


@pytest.mark.parametrize("n", range(1, 16))
def test_the_signature_stays_with_the_text(font, n):
    from gui.printing.layout import LetterLayout

    layout = LetterLayout(letter_of(n), font)
    text_ends, signature, date = layout._signature_pages()
    assert text_ends == signature == date
    assert layout.page_count == date + 1  # no page left holding only blank lines


def test_room_is_found_on_page_one_before_anything_moves(font):
    from gui.printing.layout import LetterLayout

    six = LetterLayout(letter_of(6), font)  # used to put the 落款 and date alone on page 2
    assert six.page_count == 1 and "keep_with_text" not in six.signature_moves
    assert six.signature_moves[0] == "fewer_blank_lines"
    seven = LetterLayout(letter_of(7), font)  # no room on page 1: the last paragraph goes along
    assert seven.page_count == 2 and seven.signature_moves == ["keep_with_text"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_pdf_of_six_lines_is_one_page_with_its_signature(font, tmp_path):
    from gui.printing.output import write_pdf

    path = tmp_path / "six.pdf"
    assert write_pdf([letter_of(6)], path, font) == 1
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    signature = letter_of(6).text_values()["signature"].strip()
    assert signature == "呼伦贝尔市科学技术局"
    assert text.rstrip().endswith(f"{signature}\n2025年11月25日")
