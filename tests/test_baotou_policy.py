"""The Baotou document (包党发〔2021〕24号) is encoded whole: every clause listed, every reading used."""

from core.engine.predicates import NEWLY_READINGS, PREDICATES, YEARS_READINGS
from core.policy.model import Choice

CLAUSES = [
    "（一）",
    "（二）",
    "（三）",
    "（四）",
    "（五）",
    "（六）",
    "（七）",
    "（八）",
    "（九）",
    "（十）",
    "（十一）",
    "（十二）",
    "（十三）",
    "（十四）",
    "（十五）",
    "（十六）",
    "（十七）",
    "（十八）",
    "（十九）",
    "（二十）",
    "（二十一）",
    "（二十二）",
    "（二十三）",
    "（二十四）",
    "（二十五）",
]


def test_every_numbered_clause_is_in_the_coverage_in_order(policies):
    assert [n["clause"] for n in policies.coverage["bt-2021-24"]] == CLAUSES


def test_every_reading_decides_something(policies):
    doc = policies.documents["bt-2021-24"]
    used = set()
    for rule in policies.rules.values():
        if rule.document is not doc:
            continue
        used |= {v.reading for v in (rule.once, rule.newly) if isinstance(v, Choice)}
        if rule.newly is not None:
            used |= set(NEWLY_READINGS)
        if rule.years is not None:
            used |= set(YEARS_READINGS)
        used |= {c.if_reading for c in rule.caps} | {c.unless_reading for c in rule.caps}
        for req in rule.requires:
            used.add(req.args.get("if_reading"))
            used |= set(PREDICATES[req.name].readings)
    assert set(doc.readings) <= used


def test_header(policies):
    doc = policies.documents["bt-2021-24"]
    assert (doc.doc_number, doc.level, doc.city, doc.status) == ("包党发〔2021〕24号", "city", "baotou", "in_force")
    assert str(doc.effective_from) == "2021-08-14" and doc.repeals == ("包党发〔2018〕14号",)
    assert doc.stacking_principle == "从新从高不重复"
