"""decode_claim with a memo (a batch's claims read at once) gives what it gives without one, claim by claim."""

import datetime as dt
from decimal import Decimal

from core.store.claimcodec import decode_claim

CLAIMS = [
    (
        "tech_contract",
        "C1",
        {"number": "HT-1", "date": "2026-03-01", "amount": "1200000.00", "regional_post_subsidy": True},
    ),
    (
        "tech_contract",
        "C2",
        {"number": "HT-2", "date": "2026-03-01", "amount": "1200000.00", "regional_post_subsidy": "否"},
    ),
    # the same raw values again: taken from the memo
    (
        "tech_contract",
        "C3",
        {"number": "HT-1", "date": "2026-03-01", "amount": "1200000.00", "regional_post_subsidy": True},
    ),
    # a value the vocabulary refuses is reported every time it is read, never remembered
    ("tech_contract", "C4", {"number": "HT-4", "date": "2026-13-45", "amount": "1", "regional_post_subsidy": True}),
    ("tech_contract", "C5", {"number": "HT-5", "date": "2026-13-45", "amount": "1", "regional_post_subsidy": True}),
    # 1 and True are equal in Python: a year given as True is refused, as 2026 it is a year
    ("contract_registration", "R1", {"year": 2026, "turnover": "5", "previous_turnover": "4"}),
    ("contract_registration", "R2", {"year": True, "turnover": "5", "previous_turnover": "4"}),
    ("contract_registration", "R3", {"year": 2026, "turnover": "5", "previous_turnover": "4", "gone": "x"}),
    ("no_such_type", "X1", {"a": "b"}),
]


def test_memo_gives_the_same_claims_and_problems(vocab):
    memo: dict = {}
    for ctype, key, fields in CLAIMS:
        assert decode_claim(ctype, key, fields, vocab, memo) == decode_claim(ctype, key, fields, vocab)


def test_memo_reuses_parsed_values_and_reports_refusals_each_time(vocab):
    memo: dict = {}
    decoded = {key: decode_claim(ctype, key, fields, vocab, memo) for ctype, key, fields in CLAIMS}
    c1, c3 = decoded["C1"][0], decoded["C3"][0]
    assert c1.fields["amount"] == Decimal("1200000.00") and c1.date == dt.date(2026, 3, 1)
    assert c3.fields == c1.fields and c3.date == c1.date
    assert decoded["C2"][0].fields["regional_post_subsidy"] is False
    assert len(decoded["C4"][1]) == 1 and len(decoded["C5"][1]) == 1  # the bad date, both times
    assert decoded["R1"][1] == [] and decoded["R1"][0].fields["year"] == 2026
    assert len(decoded["R2"][1]) == 1 and decoded["R2"][0].fields["year"] is True  # kept as stored, reported
    assert decoded["R3"][1] == ["事项R3的字段“gone”已不在词表中"]
    assert not any(raw is True and name == "year" for (_, name, raw, _) in memo)
