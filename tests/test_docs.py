"""docs/coverage.md is generated from the policy files and lists every numbered clause."""

import re
from pathlib import Path

from core.coverage import coverage_markdown
from core.policy.cite import squash

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]", re.M)


def test_coverage_md_is_up_to_date(policies):
    text = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert text == coverage_markdown(policies), "run: python main.py coverage -o docs/coverage.md"


def test_every_numbered_clause_of_the_award_documents_is_covered(policies):
    for doc_id in ("hlb-2025-draft", "nmg-2020-kjxm", "bt-2021-24"):
        if doc_id not in policies.documents:
            continue
        doc = policies.documents[doc_id]
        labels = {f"（{m}）" for m in LABEL.findall(doc.text)}
        covered = {squash(node["clause"]) for node in policies.coverage[doc_id]}
        missing = sorted(l for l in labels if squash(l) not in covered)
        assert not missing, f"{doc_id}: clauses without a coverage entry: {missing}"


def test_every_numbered_item_of_the_rd_plan_is_covered(policies):
    doc = policies.documents["nmg-2021-35"]
    numbers = set(re.findall(r"^\s*(\d{1,2})\.", doc.text, re.M))
    covered = {node["clause"].rstrip(".") for node in policies.coverage["nmg-2021-35"]}
    assert numbers - covered == set()
