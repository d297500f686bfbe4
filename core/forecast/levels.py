"""Which budget pays an award: the level of the document's issuer (自治区 / 盟市 / 旗县区)."""

from __future__ import annotations

from core.policy.policyset import PolicySet

LEVELS = {"region": "自治区", "city": "盟市", "county": "旗县区"}
UNKNOWN = "unknown"
LEVEL_LABELS = {**LEVELS, UNKNOWN: "未知（文件已不在政策目录中）"}


def fiscal_level(policies: PolicySet, document_id: str) -> str:
    """A document's issuing level; the whole award is taken as that level's spending (docs/forecast.md)."""
    doc = policies.documents.get(document_id)
    if doc is None:
        return UNKNOWN
    return doc.level if doc.level in LEVELS else UNKNOWN
