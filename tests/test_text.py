"""core.text: the one form stored text takes, and the characters it refuses (issue 13 item 4)."""

import dataclasses

import pytest

from core.text import TextError, clean_text, text_problem


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("91150702MA0N8XKQ26", "91150702MA0N8XKQ26"),  # plain ASCII passes untouched
        ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits are folded
        ("内蒙古　甲公司", "内蒙古 甲公司"),  # the ideographic space becomes a space
        ("内蒙古甲科技有限公司（呼伦贝尔分公司）", "内蒙古甲科技有限公司（呼伦贝尔分公司）"),  # Chinese brackets kept
        ("甲公司：研发，生产；销售！", "甲公司：研发，生产；销售！"),  # full-width punctuation kept
        ("￥1,000", "￥1,000"),
        ("①号楼", "1号楼"),  # compatibility forms folded
        ("⼭西", "山西"),  # a Kangxi radical looks like 山 and is stored as 山
        ("張三\ufa0a", "張三見"),  # a compatibility ideograph becomes the unified one
        ("张三\u200b", "张三"),  # zero-width space
        ("张\u200c三\u200d", "张三"),  # zero-width non-joiner and joiner
        ("\ufeff张三\u2060", "张三"),  # byte-order mark, word joiner
        ("软\u00ad件", "软件"),  # soft hyphen
        ("第一行\n第二行\t尾", "第一行\n第二行\t尾"),  # line breaks and tabs are ordinary
        ("ᠮᠣᠩᠭᠣᠯ\u180eᠤᠯᠤᠰ", "ᠮᠣᠩᠭᠣᠯ\u180eᠤᠯᠤᠰ"),  # the Mongolian vowel separator in Mongolian text
    ],
)
def test_clean_text_gives_one_form(typed, stored):
    assert clean_text(typed) == stored
    assert clean_text(stored) == stored  # the stored form is a fixed point


def test_a_name_and_the_same_name_with_a_zero_width_space_are_one():
    assert clean_text("张三") == clean_text("张\u200b三") == clean_text("张三\ufeff")


@pytest.mark.parametrize(
    "ch",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
    ],
)
def test_bidi_controls_are_refused(ch):
    with pytest.raises(TextError, match=f"改变文字显示方向.*U\\+{ord(ch):04X}"):
        clean_text(f"测试{ch}甲公司")
    assert "改变文字显示方向" in text_problem(f"测试{ch}甲公司")


@pytest.mark.parametrize(
    "ch", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u2061", "\ufff9", "\U000e0001", "\U000e0041", "\u180e"]
)
def test_other_control_and_format_characters_are_refused(ch):
    with pytest.raises(TextError, match=f"看不见的控制字符（U\\+{ord(ch):04X}）"):
        clean_text(f"王{ch}丽")


def test_text_problem_accepts_what_clean_text_returns():
    assert text_problem("内蒙古甲科技有限公司（呼伦贝尔）\n第二行") is None


def test_the_store_refuses_a_profile_with_a_bidi_control():
    """The store's own guard (imports and the company form) refuses what the reader refuses."""
    from core.records import CompanyProfile
    from core.store.validate import profile_problems
    from core.vocabulary import load_vocabulary

    good = CompanyProfile("91150702MA0N8XKQ26", "测试甲公司", "hulunbuir", "", "medium", "", "", "", "", "")
    vocab = load_vocabulary()
    assert profile_problems(good, vocab) == []
    bad = profile_problems(dataclasses.replace(good, name="\u202e司公甲试测"), vocab)
    assert bad and "单位名称含有改变文字显示方向的控制字符（U+202E）" in bad[0]
