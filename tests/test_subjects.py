"""Subjects and identities: the text normal form, with its fast path for ASCII, is the one of NFKC."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.subjects import _DASHES, claim_identity, normalize


def _reference(text) -> str:
    """normalize() as written before its ASCII fast path (issue 14)."""
    s = unicodedata.normalize("NFKC", str(text or "")).translate(_DASHES)
    return "".join(s.split()).casefold()


TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=127)),
    st.text(alphabet="HT-001 ＨＴ－００１\u2014\u3000\t\x1cAbcßİ稀土"),
)


@given(TEXT)
def test_normalize_is_nfkc_dashes_no_space_casefold(text):
    assert normalize(text) == _reference(text)


def test_normalize_of_what_is_not_text():
    for value in (None, 0, 2026, "", False):
        assert normalize(value) == _reference(value)


def test_one_contract_number_written_two_ways_is_one_identity():
    a = claim_identity("tech_contract", {"number": "HT-001 ", "amount": None, "regional_post_subsidy": True})
    b = claim_identity("tech_contract", {"number": "ＨＴ－００１", "regional_post_subsidy": True})
    assert a == b == ("tech_contract", ("number", "ht-001"), ("regional_post_subsidy", "1"))
