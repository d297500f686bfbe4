import pytest

from core.uscc import check_character, is_valid_uscc, normalize_uscc, uscc_problem


def test_known_valid_code():
    # GB 32100-2015 worked example quoted in issue 3
    assert is_valid_uscc("91110000600037341L")
    assert check_character("91110000600037341") == "L"


def test_first_eight_need_not_be_digits():
    code17 = "91150100MA0N2XYW7"
    assert is_valid_uscc(code17 + check_character(code17))


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("91110000600037341A", "校验位"),
        ("9111000060003734", "18位"),
        ("91110000600037341I", "不允许的字符"),
        ("91110000O00037341L", "不允许的字符"),
    ],
)
def test_invalid_codes_say_why(code, fragment):
    assert fragment in uscc_problem(code)


def test_normalize_fullwidth_and_case():
    assert normalize_uscc(" ９１110000600037341l ") == "91110000600037341L"
