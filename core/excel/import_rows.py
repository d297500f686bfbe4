"""Checked rows of a batch workbook, and the ImportData they become.

:mod:`core.excel.reader` finds the sheets, headers and rows and checks each
cell; each row it yields, typed, goes to :class:`_Records` here, which holds
the checks across rows and builds the :class:`~core.records.ImportData`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from core.excel.layout import COMPANIES_SHEET, SheetLayout, normalize_header, split_unit
from core.excel.problems import Problem
from core.model import Claim, RdYear, Recognition
from core.platform_names import name_problem
from core.records import CompanyProfile, ImportData, ImportNote
from core.subjects import claim_identity, claim_subject, describe, normalize
from core.vocabulary import Vocabulary

KnownUscc = Callable[[str], bool]
IN_REGION = {"内蒙古", "内蒙古自治区", "区内", "本区", "自治区内"}
# What two claims of one subject are called in the note that they are counted together, by the subject's kind.
SUBJECT_NOUNS = {
    "contract": "合同",
    "transfer_service": "项目",
    "investment": "项目",
    "tech_purchase": "成果",
    "person": "人才",
    "recognition": "认定事项",
}


@dataclass(slots=True)
class _Row:
    sheet: SheetLayout
    number: int
    values: dict = field(default_factory=dict)  # key -> typed value (None when blank)
    letters: dict = field(default_factory=dict)  # key -> column letter (the sheet's, shared by its rows)
    headers: dict = field(default_factory=dict)  # key -> the header as written in the file (shared too)
    cells: list | None = None  # the row's values as read, from column A; kept only for a row with a problem
    failed: bool = False  # any problem in the row, or its sheet lacks a required column

    @property
    def uscc(self):
        return self.values.get("uscc")

    def raw(self, key: str):
        """The value of ``key``'s cell as read, or as converted once the cells are dropped."""
        letter = self.letters.get(key)
        if self.cells is None or not letter:
            return self.values.get(key)
        i = _column_index(letter) - 1
        return self.cells[i] if i < len(self.cells) else None


class _WorkbookReader(Protocol):
    """What the rows are checked against and where their problems go (core.excel.reader._WorkbookReader)."""

    vocab: Vocabulary
    known: KnownUscc | None
    problems: list[Problem]

    def problem(self, sheet: str, row: int | None, col: int | None, header: str, value, reason: str) -> None: ...

    def at(self, row: _Row, key: str, reason: str, shown=None) -> None: ...


class _Records:
    """Checked rows become ImportData one by one, so a sheet's rows are dropped as soon as it is read.

    The cross-row checks are here: a company listed twice, history and claims
    naming a company that is neither on 企业信息 nor in the store, a name that
    contradicts the code, duplicated history and claims.

    A claim is refused as a duplicate only when it says exactly what an
    earlier row says (``Claim.identity``); rows about one subject that differ
    (a contract and its supplementary agreement) are two claims the engine
    counts together, and the import screen says so (``ImportData.notes``).
    """

    def __init__(self, reader: _WorkbookReader, data: ImportData):
        self.reader, self.data = reader, data
        self.companies: dict[str, tuple[int, str | None, str]] = {}  # uscc -> (row on 企业信息, name, uscc)
        self.known: dict[str, bool] = {}  # the store's answers, asked once per code
        # What a history or claim row is about (its digest: 100,000 companies' keys held as tuples took
        # hundreds of MB) -> its row.
        self.seen: dict[bytes, int] = {}
        self.tech_sme_history: dict[tuple, _Row] = {}  # (uscc, year) -> the row on 历史-科技型中小企业入库
        # (sheet, claim type, uscc, subject) as a digest -> (its first row, how many subjects came before);
        # the subjects claimed more than once -> (that count, the rows of its claims)
        self.subject_rows: dict[bytes, tuple[int, int]] = {}
        self.subjects: dict[tuple[str, str, str, str], tuple[int, list[int]]] = {}
        self.county_notes: list[ImportNote] = []  # 旗县区 written in an old spelling, recorded as the standard name

    def add(self, layout: SheetLayout, row: _Row) -> None:
        if layout.kind == "companies":
            self._company(row)
        elif self._company_known(row):
            getattr(self, "_" + layout.kind)(layout, row)

    def finish(self) -> ImportData:
        data, reader = self.data, self.reader
        # A registration entered both as history and as this year's claim.
        for uscc, claim in data.claims:
            if claim.type == "tech_sme_registration" and (uscc, claim.get("year")) in self.tech_sme_history:
                reader.at(
                    self.tech_sme_history[(uscc, claim.get("year"))],
                    "year",
                    "该年度入库已在“申报-科技型中小企业入库”表中申报，历史表中请删除这一行",
                )
        if not any((data.companies, data.recognitions, data.tech_sme, data.rd, data.claims)) and not reader.problems:
            reader.problem(COMPANIES_SHEET, None, None, "", None, "工作簿中没有任何企业或申报数据")
        repeated = sorted(self.subjects.items(), key=lambda item: item[1][0])  # in the order first claimed
        data.notes = [self._together(*key, rows) for key, (_, rows) in repeated]
        data.notes += self.county_notes
        return data

    def _together(self, sheet: str, ctype: str, uscc: str, subject: str, rows: list[int]) -> ImportNote:
        """The note that the claims on ``rows`` are about one subject and are counted as one."""
        vocab = self.reader.vocab
        noun = SUBJECT_NOUNS.get(subject.partition(":")[0], "事项")
        sums = [split_unit(spec.label)[0] for spec in vocab.claim_types[ctype].fields.values() if spec.sums]
        how = (
            f"{'、'.join(sums)}相加后按条款计算补贴和上限"
            if sums
            else "只支持一次的条款只计其中金额最高的一项，按次支持的条款（如再次认定、期满续签）逐次计算"
        )
        return ImportNote(
            sheet,
            tuple(rows),
            uscc,
            f"同一{noun}（{describe(subject, vocab)}）的{len(rows)}项申报合并计算：{how}，不重复支持",
        )

    def _company(self, row: _Row) -> None:
        uscc, at = row.uscc, self.reader.at
        if uscc is None:
            return
        first = self.companies.get(uscc)
        if first is not None:
            at(row, "uscc", f"统一社会信用代码与第{first[0]}行重复（同一企业只能填一行）")
            return
        v = row.values
        self.companies[uscc] = (row.number, v.get("name"), uscc)
        if v.get("bank_account") and not v.get("bank_name"):
            at(row, "bank_name", "填写了账号，开户行也必须填写")
        if v.get("bank_name") and not v.get("bank_account") and "bank_account" in row.letters:
            at(row, "bank_account", "填写了开户行，账号也必须填写")
        county = self._county(row)
        if not row.failed:
            self.data.companies.append(
                CompanyProfile(
                    uscc=uscc,
                    name=v["name"],
                    city=v["city"],
                    county=county,
                    size=v.get("size") or "medium",
                    industry=v.get("industry") or "",
                    bank_name=v.get("bank_name") or "",
                    bank_account=v.get("bank_account") or "",
                    contact=v.get("contact") or "",
                    phone=v.get("phone") or "",
                )
            )

    def _county(self, row: _Row) -> str:
        """The row's 旗县区 as the controlled list names it (core.regions); one not on it is refused at its cell."""
        from core.regions import normalize, regions

        written, city = row.values.get("county") or "", row.values.get("city")
        if not written or not city:
            return written
        standard = regions().resolve(city, written)
        if standard is None:
            self.reader.at(row, "county", regions().problem(city, written) or "")
            return written
        if standard != normalize(written):
            self.county_notes.append(
                ImportNote(row.sheet.name, (row.number,), row.uscc, f"旗县区“{written}”按标准名称记为“{standard}”")
            )
        return standard

    def _company_known(self, row: _Row) -> bool:
        """Whether the row's company is on 企业信息 or in the store, its name (if given) agreeing."""
        uscc, reader = row.uscc, self.reader
        if uscc is None:
            return False
        company = self.companies.get(uscc)
        if company is not None:
            row.values["uscc"] = company[2]  # one string per company, not one per row
        else:
            if uscc not in self.known:
                self.known[uscc] = bool(reader.known(uscc)) if reader.known else False
            if not self.known[uscc]:
                reader.at(
                    row,
                    "uscc",
                    "该统一社会信用代码不在“企业信息”表中，系统中也没有该企业；"
                    "请在“企业信息”表中补充该企业，或核对代码",
                )
                return False
        named = row.values.get("company_name")
        if named and company is not None and _same_name(named, company[1]) is False:
            reader.at(
                row, "company_name", f"企业名称与“企业信息”表中该代码的企业“{company[1]}”不一致，请核对统一社会信用代码"
            )
        return not row.failed

    def _duplicate(self, row: _Row, key: tuple, what: str, at_key: str) -> bool:
        digest = _digest(key)
        first = self.seen.get(digest)
        if first is not None:
            self.reader.at(row, at_key, f"与第{first}行重复：{what}")
            return True
        self.seen[digest] = row.number
        return False

    def _recognitions(self, layout: SheetLayout, row: _Row) -> None:
        v, uscc = row.values, row.uscc
        issued = v.get("issued_in") or ""
        rec = Recognition(
            v["kind"],
            v.get("level"),
            v["date"],
            v.get("number") or "",
            "" if issued in IN_REGION else issued,
            v.get("name") or "",
            v.get("stage") or "approved",
        )
        if (why := name_problem(rec.kind, rec.name)) is not None:
            return self.reader.at(row, "name", why)
        # What the store tells recognitions apart by (core.store.history.RecognitionIndex): two platforms of one
        # kind and level recognised on one day are two records only with their certificate numbers.
        key = (layout.name, uscc, rec.kind, rec.level, rec.date, rec.stage, normalize(rec.number))
        if self._duplicate(
            row,
            key,
            "同一企业的同一项认定只需填一行（同一天认定的不同平台、品种，请分别填写证书或文件编号加以区分）",
            "kind",
        ):
            return
        self.data.recognitions.append((uscc, rec))

    def _tech_sme(self, layout: SheetLayout, row: _Row) -> None:
        v, uscc, award_year = row.values, row.uscc, self.data.award_year
        if self._duplicate(row, (layout.name, uscc, v["year"]), "同一企业同一年度只需填一行", "year"):
            return
        if award_year and v["year"] > award_year:
            self.reader.at(row, "year", f"入库年度晚于兑现年度{award_year}")
            return
        self.tech_sme_history[(uscc, v["year"])] = row
        self.data.tech_sme.append((uscc, v["year"]))

    def _rd(self, layout: SheetLayout, row: _Row) -> None:
        v, uscc = row.values, row.uscc
        if self._duplicate(row, (layout.name, uscc, v["year"]), "同一企业同一年度的研发投入只能填一行", "year"):
            return
        if v.get("deducted") is not None and not v.get("super_deduction"):
            self.reader.at(row, "super_deduction", "填写了已加计扣除的研发费用，“享受研发费用加计扣除”应为“是”")
            return
        if v.get("deducted") is not None and v["deducted"] > v["expense"]:
            self.reader.at(row, "deducted", "已加计扣除的研发费用不能大于当年研发费用")
            return
        self.data.rd.append(
            (
                row.uscc,
                RdYear(v["year"], v["expense"], bool(v.get("super_deduction")), v.get("deducted"), v.get("revenue")),
            )
        )

    def _claim(self, layout: SheetLayout, row: _Row) -> None:
        assert layout.claim_type is not None  # a claim sheet's layout
        ctype = self.reader.vocab.claim_types[layout.claim_type]
        award_year = self.data.award_year
        fields = {}
        for name, spec in ctype.fields.items():
            value = row.values.get(name)
            if value is None and spec.default is not None:
                value = spec.default
            if value is not None:
                fields[name] = value
        if ctype.name == "rd_post_subsidy" and "rd_year" not in fields and award_year:
            fields["rd_year"] = award_year - 1
        if ctype.name == "recognition" and (why := name_problem(fields.get("kind", ""), fields.get("name"))):
            return self.reader.at(row, "name", why)
        # the id a clerk can find again: the sheet and row the claim came from
        claim = Claim(ctype.name, f"{layout.name}第{row.number}行", fields, fields.get("date"))
        if self._duplicate(
            row,
            (row.uscc, claim_identity(ctype.name, fields)),
            "同一事项重复申报（各列填写的内容完全相同），请删除其中一行；"
            "如确为不同的事项，请填写能区分它们的内容（如名称、编号、日期）",
            layout.columns[2].key if len(layout.columns) > 3 else "uscc",
        ):
            return
        about = (layout.name, ctype.name, row.uscc, claim_subject(ctype.name, fields, claim.date))
        digest = _digest(about)
        first, order = self.subject_rows.setdefault(digest, (row.number, len(self.subject_rows)))
        if first != row.number:
            self.subjects.setdefault(about, (order, [first]))[1].append(row.number)
        self.data.claims.append((row.uscc, claim))


def _digest(key: tuple) -> bytes:
    """16 bytes standing for ``key`` (its repr: the values are str, int, Decimal, date, bool and None)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


def _same_name(a, b) -> bool:
    return normalize_header(a) == normalize_header(b or "")


def _column_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index: int) -> str:
    """The letters of column number ``index`` (1 -> A, 28 -> AB), as Excel names it."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
