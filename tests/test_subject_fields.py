"""core.subjects.SUBJECT_FIELDS names exactly the fields claim_subject reads, for every claim type."""

import datetime as dt
from decimal import Decimal

import pytest

from core.subjects import SUBJECT_FIELDS, claim_subject


def _value(spec, vocab, variant: int):
    if spec.enum:
        return list(vocab.enums[spec.enum])[variant]
    return {
        "text": ["甲", "乙"][variant],
        "date": [dt.date(2026, 3, 1), dt.date(2027, 4, 2)][variant],
        "year": [2025, 2026][variant],
        "int": [1, 2][variant],
        "money": [Decimal("1"), Decimal("2")][variant],
        "bool": [True, False][variant],
    }[spec.type]


@pytest.mark.parametrize("ctype", sorted(SUBJECT_FIELDS))
def test_the_subject_changes_with_its_fields_and_no_others(vocab, ctype):
    fields = vocab.claim_types[ctype].fields
    assert set(SUBJECT_FIELDS[ctype]) <= set(fields)
    full = {name: _value(spec, vocab, 0) for name, spec in fields.items()}
    for name, spec in fields.items():
        # a field may count only when another is blank (a platform's certificate number, when it has no name)
        bases = [full, {k: ("" if k != name and fields[k].type == "text" else v) for k, v in full.items()}]
        changed = any(
            claim_subject(ctype, {**b, name: _value(spec, vocab, 1)}, b.get("date"))
            != claim_subject(ctype, b, b.get("date"))
            for b in bases
        )
        assert changed == (name in SUBJECT_FIELDS[ctype]), (ctype, name)


def test_every_claim_type_is_listed(vocab):
    assert set(SUBJECT_FIELDS) == set(vocab.claim_types)
