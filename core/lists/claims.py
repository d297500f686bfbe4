"""The claim a matched list row stands for.

- 高新技术企业 list: a ``recognition`` of kind high_tech at national level
  (高新技术企业 are 国家高新技术企业, recognized by the region's office) dated
  the row's or the list's date, with the certificate number. The list does not
  say whether the company moved in (整体迁入): the claim says it did not
  (``moved_in: none``); a company that moved in is claimed through a workbook.
- 科技型中小企业 list: a ``tech_sme_registration`` of the row's year with its
  入库编号, undated, as a workbook's row is.
- platform list: a ``recognition`` of the row's kind and level, named by the
  platform's name (required for a platform kind: core.platform_names) and
  numbered by the row.

Its id names the list and row (名单3第5行), so a clerk finds it again; fields the
vocabulary gives defaults for take them, as a workbook row would.
"""

from __future__ import annotations

import datetime as dt

from core.lists.kinds import HIGH_TECH, PLATFORMS, TECH_SME
from core.model import Claim
from core.vocabulary import Vocabulary


def claim_key(list_id: int, row_no: int) -> str:
    return f"名单{list_id}第{row_no}行"


def _with_defaults(vocab: Vocabulary, ctype: str, fields: dict) -> dict:
    out = {n: f.default for n, f in vocab.claim_types[ctype].fields.items() if f.default is not None}
    out.update({k: v for k, v in fields.items() if v not in (None, "")})
    return out


def entry_claim(
    vocab: Vocabulary,
    kind: str,
    list_id: int,
    row_no: int,
    *,
    date: dt.date | None,
    year: int | None,
    number: str = "",
    platform_name: str = "",
    platform_kind: str = "",
    level: str = "",
) -> Claim:
    key = claim_key(list_id, row_no)
    if kind == HIGH_TECH:
        fields = _with_defaults(
            vocab,
            "recognition",
            {"kind": "high_tech", "level": "national", "date": date, "number": number, "moved_in": "none"},
        )
        return Claim("recognition", key, fields, date)
    if kind == TECH_SME:
        fields = _with_defaults(
            vocab, "tech_sme_registration", {"year": year or (date.year if date else None), "number": number}
        )
        return Claim("tech_sme_registration", key, fields, None)  # dated like a workbook's: by its year
    if kind == PLATFORMS:
        fields = _with_defaults(
            vocab,
            "recognition",
            {"kind": platform_kind, "level": level, "date": date, "number": number, "name": platform_name},
        )
        return Claim("recognition", key, fields, date)
    raise KeyError(kind)
