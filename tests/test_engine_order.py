"""The engine takes claims in one fixed order whatever order they came in; working out identities only for ties
(issue 14) keeps exactly the order of the full key (date, type, subject, identity, id)."""

from __future__ import annotations

import datetime as dt
import sys

from hypothesis import given
from hypothesis import strategies as st

from core.model import Claim

import core.engine.evaluate  # noqa: F401

E = sys.modules["core.engine.evaluate"]  # the package's name 'evaluate' is the function


def _full_key(claim: Claim):
    return (claim.date or dt.date.min, claim.type, claim.subject, claim.identity, claim.id)


CLAIMS = st.lists(
    st.builds(
        lambda ctype, number, amount, day, cid: Claim(ctype, cid, {"number": number, "amount": amount}, day),
        st.sampled_from(["tech_contract", "zz_other"]),
        st.sampled_from(["HT-1", "ht-1", "ＨＴ－１", "HT-2"]),
        st.sampled_from([None, 1, 2, 10]),
        st.sampled_from([None, dt.date(2026, 1, 1), dt.date(2026, 2, 1)]),
        st.sampled_from(["a", "b", "c", "b"]),
    ),
    max_size=8,
)


@given(CLAIMS)
def test_claims_are_taken_in_the_order_of_the_full_key(claims):
    fresh = [Claim(c.type, c.id, c.fields, c.date) for c in claims]
    assert [c.id for c in E._sorted_claims(claims)] == [c.id for c in sorted(fresh, key=_full_key)]
    assert [(c.type, c.fields, c.date) for c in E._sorted_claims(claims)] == [
        (c.type, c.fields, c.date) for c in sorted(fresh, key=_full_key)
    ]
