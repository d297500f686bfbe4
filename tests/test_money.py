from decimal import Decimal as D

import pytest

from core.money import MoneyError, amount_in_words, difference_in_words, parse_amount, to_fen


@pytest.mark.parametrize(
    "amount, words",
    [
        # the examples of issue 3, written by hand under 支付结算办法 附一
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("100003000", "人民币壹亿零叁仟元整"),
        ("150000", "人民币壹拾伍万元整"),
        ("10", "人民币壹拾元整"),
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角"),
        ("105000", "人民币壹拾万零伍仟元整"),
        ("1000010", "人民币壹佰万零壹拾元整"),
        ("200000000", "人民币贰亿元整"),
        ("30000000", "人民币叁仟万元整"),
        ("123456789.12", "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("2000000.08", "人民币贰佰万元零捌分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(D(amount)) == words


def test_amount_in_words_refuses_negative_and_float():
    with pytest.raises(MoneyError):
        amount_in_words(D("-1"))
    with pytest.raises(MoneyError):
        amount_in_words(1.5)


def test_an_adjustments_negative_difference_is_written_as_taken_back():
    assert difference_in_words(D("-100000.00")) == "冲减人民币壹拾万元整"
    assert difference_in_words(D("1409.5")) == "人民币壹仟肆佰零玖元伍角"


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("1,234.50", "元", "1234.50"),
        ("１２３４", "元", "1234"),
        ("12.5万", "元", "125000.0"),
        ("12.5", "万元", "125000.0"),
        ("¥1,000", "元", "1000"),
        ("人民币500元", "元", "500"),
        (1200, "元", "1200"),
        (D("3.5"), "万元", "35000.0"),
    ],
)
def test_parse_amount(text, unit, expected):
    assert parse_amount(text, unit=unit) == D(expected)


@pytest.mark.parametrize("bad", ["12a", "", "1.2.3", 1.5, None, True])
def test_parse_amount_refuses(bad):
    with pytest.raises(MoneyError):
        parse_amount(bad)


def test_to_fen_rounds_half_up():
    assert to_fen(D("0.005")) == D("0.01")
    assert to_fen(D("2.675")) == D("2.68")
