"""Reading a case (companies, history, claims, calculator requests) from JSON or YAML data.

The same reader serves ``main.py evaluate CASE.json``, the rule cases kept
beside the policy files, and the store. Every problem is a CaseError whose
message names where in the case it is (``companies[0].claims[2].amount``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from core.model import Claim, Company, CompanyCase, History, LedgerEntry, RdYear, Recognition
from core.money import MoneyError, parse_amount
from core.uscc import uscc_problem
from core.vocabulary import FieldError, Vocabulary, parse_bool, parse_date


class CaseError(ValueError):
    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}：{message}" if where else message)


@dataclass
class CalcRequest:
    id: str
    calculator: str
    inputs: dict


@dataclass
class Case:
    award_year: int
    as_of: dt.date | None
    include_drafts: bool
    companies: list = field(default_factory=list)  # CompanyCase
    calculators: list = field(default_factory=list)  # CalcRequest


_CASE_KEYS = {"award_year", "as_of", "include_drafts", "companies", "calculators", "note"}
_COMPANY_KEYS = {"uscc", "name", "city", "county", "size", "industry", "history", "claims", "note"}
_HISTORY_KEYS = {"recognitions", "tech_sme_years", "rd", "ledger", "claims"}
_REC_KEYS = {"kind", "level", "date", "number", "issued_in", "name", "stage"}
_RD_KEYS = {"year", "expense", "super_deduction", "deducted", "revenue"}
_LEDGER_KEYS = {"rule_id", "year", "amount", "subject", "person", "batch"}


def _keys(obj, allowed: set, required: set, where: str):
    if not isinstance(obj, dict):
        raise CaseError(where, "应为对象（{...}）")
    for k in obj:
        if k not in allowed:
            raise CaseError(where, f"未知字段“{k}”（可用：{'、'.join(sorted(allowed))}）")
    for k in sorted(required):
        if k not in obj:
            raise CaseError(where, f"缺少字段“{k}”")


def _list(obj, where: str) -> list:
    if obj is None:
        return []
    if not isinstance(obj, list):
        raise CaseError(where, "应为数组（[...]）")
    return obj


def _money(raw, where: str) -> Decimal:
    if isinstance(raw, float):
        raise CaseError(where, '金额不能写成浮点数，请写成字符串，如"1200000.50"')
    try:
        return parse_amount(raw)
    except MoneyError as exc:
        raise CaseError(where, str(exc)) from None


def _date(raw, where: str) -> dt.date:
    try:
        return parse_date(raw)
    except FieldError as exc:
        raise CaseError(where, str(exc)) from None


def _int(raw, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, str, Decimal)):
        raise CaseError(where, f"应为整数，实际为{raw!r}")
    try:
        value = int(str(raw))
    except ValueError:
        raise CaseError(where, f"应为整数，实际为{raw!r}") from None
    return value


def _enum(vocab: Vocabulary, enum: str, raw, where: str) -> str:
    key = vocab.key_for_label(enum, str(raw)) if raw is not None else None
    if key is None:
        raise CaseError(where, f"取值“{raw}”不在可选范围内（{'、'.join(vocab.enums[enum])}）")
    return key


def parse_company(data, vocab: Vocabulary, where: str, award_year: int) -> CompanyCase:
    _keys(data, _COMPANY_KEYS, {"uscc", "name", "city"}, where)
    uscc = str(data["uscc"])
    problem = uscc_problem(uscc)
    if problem:
        raise CaseError(f"{where}.uscc", problem)
    company = Company(
        uscc=uscc,
        name=str(data["name"]),
        city=_enum(vocab, "cities", data["city"], f"{where}.city"),
        county=str(data.get("county", "")),
        size=_enum(vocab, "sizes", data.get("size", "medium"), f"{where}.size"),
        industry=str(data.get("industry", "")),
    )
    history = parse_history(data.get("history") or {}, vocab, f"{where}.history", award_year)
    claims = []
    ids = set()
    for i, raw in enumerate(_list(data.get("claims"), f"{where}.claims")):
        claim = parse_claim(raw, vocab, f"{where}.claims[{i}]", award_year, default_id=f"c{i + 1}")
        if claim.id in ids:
            raise CaseError(f"{where}.claims[{i}].id", f"事项编号“{claim.id}”重复")
        ids.add(claim.id)
        claims.append(claim)
    return CompanyCase(company, history, tuple(claims))


def parse_history(data, vocab: Vocabulary, where: str, award_year: int | None = None) -> History:
    _keys(data, _HISTORY_KEYS, set(), where)
    recs = []
    for i, r in enumerate(_list(data.get("recognitions"), f"{where}.recognitions")):
        w = f"{where}.recognitions[{i}]"
        _keys(r, _REC_KEYS, {"kind", "date"}, w)
        recs.append(
            Recognition(
                kind=_enum(vocab, "recognition_kinds", r["kind"], f"{w}.kind"),
                level=_enum(vocab, "levels", r["level"], f"{w}.level") if r.get("level") is not None else None,
                date=_date(r["date"], f"{w}.date"),
                number=str(r.get("number", "")),
                issued_in=str(r.get("issued_in", "")),
                name=str(r.get("name", "")),
                stage=_enum(vocab, "stages", r["stage"], f"{w}.stage") if r.get("stage") is not None else "approved",
            )
        )
    years = frozenset(
        _int(y, f"{where}.tech_sme_years[{i}]")
        for i, y in enumerate(_list(data.get("tech_sme_years"), f"{where}.tech_sme_years"))
    )
    rd = {}
    for i, r in enumerate(_list(data.get("rd"), f"{where}.rd")):
        w = f"{where}.rd[{i}]"
        _keys(r, _RD_KEYS, {"year", "expense"}, w)
        year = _int(r["year"], f"{w}.year")
        if year in rd:
            raise CaseError(f"{w}.year", f"{year}年度研发费用重复")
        try:
            sd = parse_bool(r.get("super_deduction", False), "是否享受加计扣除")
        except FieldError as exc:
            raise CaseError(f"{w}.super_deduction", str(exc)) from None
        rd[year] = RdYear(
            year=year,
            expense=_money(r["expense"], f"{w}.expense"),
            super_deduction=sd,
            deducted=_money(r["deducted"], f"{w}.deducted") if r.get("deducted") is not None else None,
            revenue=_money(r["revenue"], f"{w}.revenue") if r.get("revenue") is not None else None,
        )
    ledger = []
    for i, e in enumerate(_list(data.get("ledger"), f"{where}.ledger")):
        w = f"{where}.ledger[{i}]"
        _keys(e, _LEDGER_KEYS, {"rule_id", "year", "amount"}, w)
        batch = _int(e["batch"], f"{w}.batch") if e.get("batch") is not None else None
        ledger.append(
            LedgerEntry(
                str(e["rule_id"]),
                _int(e["year"], f"{w}.year"),
                _money(e["amount"], f"{w}.amount"),
                str(e.get("subject", "")),
                str(e.get("person", "")),
                batch,
            )
        )
    claims = []
    for i, c in enumerate(_list(data.get("claims"), f"{where}.claims")):
        w = f"{where}.claims[{i}]"
        if not isinstance(c, dict) or "award_year" not in c:
            raise CaseError(w, "以前批次的事项应为对象并写明 award_year（审批该事项的批次的兑现年度）")
        year = _int(c["award_year"], f"{w}.award_year")
        if award_year is not None and year > award_year:
            raise CaseError(f"{w}.award_year", f"以前批次的兑现年度{year}晚于本次兑现年度{award_year}")
        body = {k: v for k, v in c.items() if k != "award_year"}
        claims.append((year, parse_claim(body, vocab, w, year, default_id=f"h{i + 1}")))
    return History(tuple(recs), years, rd, tuple(ledger), tuple(claims))


def parse_claim(data, vocab: Vocabulary, where: str, award_year: int, default_id: str) -> Claim:
    if not isinstance(data, dict) or "type" not in data:
        raise CaseError(where, "事项应为对象且写明 type")
    ctype = vocab.claim_types.get(data["type"])
    if ctype is None:
        raise CaseError(f"{where}.type", f"未知事项类型“{data['type']}”（可用：{'、'.join(vocab.claim_types)}）")
    _keys(data, set(ctype.fields) | {"type", "id"}, {n for n, f in ctype.fields.items() if f.required}, where)
    fields = {}
    for name, spec in ctype.fields.items():
        raw = data.get(name)
        if raw is None:
            if spec.default is not None:
                fields[name] = spec.default
            continue
        if spec.type == "money" and isinstance(raw, float):
            raise CaseError(f"{where}.{name}", "金额不能写成浮点数，请写成字符串")
        try:
            fields[name] = vocab.parse_field(spec, raw)
        except FieldError as exc:
            raise CaseError(f"{where}.{name}", str(exc)) from None
    if ctype.name == "rd_post_subsidy" and "rd_year" not in fields:
        fields["rd_year"] = award_year - 1
    date = fields.get("date")  # parsed by the vocabulary: a date or None
    return Claim(ctype.name, str(data.get("id", default_id)), fields, date)  # type: ignore[arg-type]


def parse_case(data, vocab: Vocabulary) -> Case:
    _keys(data, _CASE_KEYS, {"award_year", "companies"}, "")
    year = _int(data["award_year"], "award_year")
    if not 2000 <= year <= 2100:
        raise CaseError("award_year", f"年度不合理：{year}")
    as_of = _date(data["as_of"], "as_of") if data.get("as_of") is not None else None
    try:
        drafts = parse_bool(data.get("include_drafts", True), "include_drafts")
    except FieldError as exc:
        raise CaseError("include_drafts", str(exc)) from None
    case = Case(year, as_of, drafts)
    seen = set()
    for i, c in enumerate(_list(data["companies"], "companies")):
        cc = parse_company(c, vocab, f"companies[{i}]", year)
        if cc.company.uscc in seen:
            raise CaseError(f"companies[{i}].uscc", f"统一社会信用代码{cc.company.uscc}重复")
        seen.add(cc.company.uscc)
        case.companies.append(cc)
    for i, r in enumerate(_list(data.get("calculators"), "calculators")):
        w = f"calculators[{i}]"
        _keys(r, {"id", "calculator", "inputs"}, {"calculator"}, w)
        if not isinstance(r.get("inputs", {}), dict):
            raise CaseError(f"{w}.inputs", "应为对象")
        case.calculators.append(
            CalcRequest(str(r.get("id", f"calc{i + 1}")), str(r["calculator"]), r.get("inputs", {}))
        )
    return case


def load_case_json(text: str, vocab: Vocabulary) -> Case:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CaseError("", f"不是有效的JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    return parse_case(data, vocab)
