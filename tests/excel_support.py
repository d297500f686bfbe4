"""Helpers for the Excel tests: workbooks filled programmatically, and award lines from the engine.

The store (written elsewhere) turns ImportData into company cases and award
lines; these helpers do the same in memory so the exports can be tested with
real traces.
"""

from __future__ import annotations

import datetime as dt

import zipfile
from decimal import Decimal
from pathlib import Path

from core.engine import Context, evaluate
from core.engine.trace import Input, Trace
from core.excel.files import save_workbook
from core.excel.layout import normalize_header
from core.excel.template import build_template
from core.model import Company, CompanyCase, History
from core.records import BatchRecord, ImportData, LineRecord
from core.uscc import check_character


def uscc(seed: int, admin: str = "150702") -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    n = seed * 7919 + 12345
    body = "".join(alphabet[(n // 31**k) % 31] for k in range(7))
    first17 = f"91{admin}MA{body}"
    return first17 + check_character(first17)


def put(ws, values: dict, row: int | None = None) -> int:
    """Write ``values`` (header -> value) into the next row (or ``row``) of a template sheet."""
    cols = {normalize_header(c.value): c.column for c in ws[1] if c.value}
    row = row or ws.max_row + 1
    for header, value in values.items():
        ws.cell(row, cols[normalize_header(header)], value)
    return row


def template(award_year=2026):
    return build_template(award_year=award_year)


def save(wb, path) -> Path:
    return save_workbook(wb, path)


def company_cases(data: ImportData) -> list[CompanyCase]:
    out = []
    for p in data.companies:
        recs = tuple(r for u, r in data.recognitions if u == p.uscc)
        years = frozenset(y for u, y in data.tech_sme if u == p.uscc)
        rd = {r.year: r for u, r in data.rd if u == p.uscc}
        claims = tuple(c for u, c in data.claims if u == p.uscc)
        company = Company(p.uscc, p.name, p.city, p.county, p.size, p.industry)
        out.append(CompanyCase(company, History(recs, years, rd, ()), claims))
    return out


def batch_record(batch_id=7, name="2026年第一批科技创新奖补", status="approved") -> BatchRecord:
    return BatchRecord(
        batch_id,
        name,
        2026,
        status,
        dt.datetime(2026, 11, 20, 9, 30),
        "申报样例.xlsx",
        preparer="王丽",
        reviewer="张伟",
        approved_at=dt.datetime(2026, 11, 25, 16, 0),
    )


def engine_lines(data: ImportData, policies, batch_id=7) -> list[LineRecord]:
    profiles = {p.uscc: p for p in data.companies}
    ctx = Context(policies, data.award_year)
    lines = []
    for result in evaluate(company_cases(data), ctx):
        p = profiles[result.company.uscc]
        for line in result.lines:
            doc = line.rule.document
            lines.append(
                LineRecord(
                    batch_id=batch_id,
                    line_no=len(lines) + 1,
                    uscc=p.uscc,
                    company_name=p.name,
                    bank_name=p.bank_name,
                    bank_account=p.bank_account,
                    rule_id=line.rule.id,
                    document_id=doc.id,
                    document_title=doc.title,
                    doc_number=doc.doc_number,
                    clause=line.rule.clause,
                    summary=line.rule.summary,
                    sentence=line.rule.sentence,
                    amount=line.amount,
                    provisional=line.provisional,
                    trace=Trace.from_json(line.trace.to_json()),
                    schedule=line.schedule,
                )
            )
    return lines


def simple_line(
    n: int,
    amount: str,
    company: str = "甲",
    code: str | None = None,
    provisional=False,
    batch_id=7,
    doc=("d1", "测试政策文件", "测政发〔2026〕1号"),
) -> LineRecord:
    return LineRecord(
        batch_id,
        n,
        code or uscc(n),
        f"{company}科技有限公司",
        "中国工商银行测试支行",
        "0607002201201234567",
        f"rule-{n}",
        doc[0],
        doc[1],
        doc[2],
        "（一）",
        f"测试项目{n}",
        "条款原文。",
        Decimal(amount),
        provisional,
        Trace([Input("基数", "1,000.00元")], formula=f"定额 {amount}元"),
    )


def rewrite_zip(
    src: Path, dst: Path, replace: dict | None = None, add: dict | None = None, drop: set | None = None
) -> Path:
    """Copy a workbook's zip, replacing, adding or dropping parts (values are bytes)."""
    replace, add, drop = replace or {}, add or {}, drop or set()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, None)
            zout.writestr(info.filename, data if data is not None else zin.read(info))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def sheet_part(path: Path, sheet_name: str) -> str:
    """The zip part holding a sheet, found through workbook.xml and its relationships."""
    import re

    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet_name) + r'"[^>]*r:id="([^"]+)"', wb)[1]
    target = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    t = target[1]
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


def read_part(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(part)


# ---------------------------------------------------------------- formula payloads

# Text that a spreadsheet would run or read as a formula (OWASP's CSV-injection list and their full-width forms).
PAYLOADS = (
    '=HYPERLINK("http://x","点我")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1",
    " =1",
    "＝1＋1",
    "=1+1",
    "#N/A",
    "－1",
    "＠A1",
    "\n=2*3",
    "　=3",
)


def written_cells(path: Path) -> list[dict]:
    """Every cell of every worksheet in the .xlsx at ``path``, read from its XML.

    Each is a dict: part, ref, t (the cell type), text (inline or shared string, or the value),
    formula (the text of an <f> element, or None) and quote_prefix (its cell format's flag).
    """
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in root.findall("m:si", ns)]
        styles = ET.fromstring(z.read("xl/styles.xml"))
        xfs = styles.find("m:cellXfs", ns).findall("m:xf", ns)
        quoted = [xf.get("quotePrefix") in ("1", "true") for xf in xfs]
        cells = []
        for name in names:
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            for c in ET.fromstring(z.read(name)).iter(f"{{{ns['m']}}}c"):
                f, v = c.find("m:f", ns), c.find("m:v", ns)
                kind = c.get("t")
                if kind == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t"))
                elif kind == "s":
                    text = shared[int(v.text)]
                else:
                    text = v.text if v is not None else None
                cells.append(
                    {
                        "part": name,
                        "ref": c.get("r"),
                        "t": kind,
                        "text": text,
                        "formula": None if f is None else (f.text or ""),
                        "quote_prefix": quoted[int(c.get("s", 0))],
                    }
                )
    return cells


def formula_elements(path: Path) -> list[str]:
    """The <f> elements anywhere in the workbook's worksheets, as raw XML (none in anything we write)."""
    import re

    with zipfile.ZipFile(path) as z:
        return [
            m[0]
            for name in z.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.finditer(rb"<(?:\w+:)?f(?:\s[^>]*)?/?>", z.read(name))
        ]
