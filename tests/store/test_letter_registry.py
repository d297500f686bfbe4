"""The store as the letters' registry (core.letters.numbering.LetterRegistry): 文号 that stay.

Runs where the letters part is present (it owns the numbering rule the store follows).
"""

import datetime as dt

import pytest
from storehelp import batch_data, hte, profile, uscc

from core.store import BatchLocked, InvalidData

numbering = pytest.importorskip("core.letters.numbering")


def _approved_batch(store, published_policies, name, numbers, year=2026):
    b, _ = store.apply_import(
        batch_data(name, year, [profile(n) for n in numbers], [(uscc(n), hte(f"{year}-03-01")) for n in numbers])
    )
    store.calculate(b, published_policies)
    store.approve(b, "张三", "李四", allow_provisional=True)
    return b


def test_numbers_follow_the_line_order_stay_and_continue_across_batches(store, published_policies):
    b1 = _approved_batch(store, published_policies, "第一批", [3, 1, 2])
    assert isinstance(store, numbering.LetterRegistry)
    year = dt.date.today().year  # letters are dated the day the batch was approved
    first = store.letter_numbers(b1)
    assert first == {uscc(3): (year, 1), uscc(1): (year, 2), uscc(2): (year, 3)}
    assert store.letter_numbers(b1) == first  # asking again gives the same numbers
    b2 = _approved_batch(store, published_policies, "第二批", [4])
    assert store.letter_numbers(b2) == {uscc(4): (year, 4)}
    assert store.letter_numbers(b1) == first


def test_drafts_get_no_numbers(store, published_policies):
    b, _ = store.apply_import(batch_data("草稿", 2026, [profile(1)], [(uscc(1), hte("2026-03-01"))]))
    store.calculate(b, published_policies)
    with pytest.raises(BatchLocked, match="尚未审批，不能出具兑现通知书"):
        store.letter_numbers(b)


def test_every_issue_is_logged(store, published_policies):
    b = _approved_batch(store, published_policies, "第一批", [1])
    store.record_letter_issue(b, uscc(1), "preview", "张三")
    store.record_letter_issue(b, uscc(1), "pdf", "张三")
    store.record_letter_issue(b, uscc(1), "pdf", "李四")
    assert [(u, kind, who) for u, _, kind, who, _ in store.letter_issues(b)] == [
        (uscc(1), "preview", "张三"),
        (uscc(1), "pdf", "张三"),
        (uscc(1), "pdf", "李四"),
    ]
    with pytest.raises(InvalidData, match="未知的出具方式“fax”"):
        store.record_letter_issue(b, uscc(1), "fax", "张三")
