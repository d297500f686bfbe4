"""What a claim is about (its subject), as one normalized key, and what it says (its identity).

A subject is what "only once", "单个…最高" and "新认定" count by: a contract by
its number, a project by its name, a platform or title by kind, level and name
(or certificate number), a person by id. It never holds the date, so a
contract's supplementary agreement, a project's second instalment and a
platform's re-recognition meet their earlier claims under one subject.

Keys are built here and nowhere else. Text parts are normalized (NFKC, dashes
unified, no spaces, case folded) so that "HT-001" and "ＨＴ－００１ " meet. The
format (``kind:part:part``) is stored in the ledger; a change of it needs a
migration that rewrites stored subjects (see migrations v0005).

A claim's identity is every field it states, normalized: two claims with the
same identity are the same claim entered twice, not two parts of one subject.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.vocabulary import Vocabulary

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")

RECOGNITION = "recognition"


def normalize(text: object) -> str:
    """Text as a key: NFKC, one kind of dash, no whitespace at all, case folded."""
    s = text if type(text) is str else str(text or "")
    if s.isascii():  # NFKC and the dashes leave ASCII as it is; casefold() is lower() there
        return "".join(s.split()).lower()
    return _normalized(s)


@lru_cache(maxsize=1 << 16)
def _normalized(s: str) -> str:
    """``normalize`` of a non-ASCII text, kept: one platform's or project's name is normalized for its subject, its
    identity and every history check that compares it (bounded, as a long-running window keeps this module)."""
    t = unicodedata.normalize("NFKC", s).translate(_DASHES)
    return "".join(t.split()).casefold()


def recognition_subject(kind: str, level: str | None, name: str = "", number: str = "") -> str:
    """A platform, carrier or title: kind and level, told apart by name, else by certificate number.

    The name comes first because a platform keeps its name when it is
    re-recognized while the certificate number may change.
    """
    name, number = normalize(name), normalize(number)
    ident = f"name={name}" if name else (f"no={number}" if number else "")
    return f"{RECOGNITION}:{kind}:{level or '-'}:{ident}"


def parse_recognition_subject(subject: str) -> tuple[str, str | None, str, str] | None:
    """(kind, level, name, number) of a recognition subject, or None for any other subject."""
    parts = subject.split(":", 3)
    if len(parts) != 4 or parts[0] != RECOGNITION:
        return None
    _, kind, level, ident = parts
    name = ident[5:] if ident.startswith("name=") else ""
    number = ident[3:] if ident.startswith("no=") else ""
    return kind, (None if level == "-" else level), name, number


def _year(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return str(value.year)
    return str(value or "")[:4]


# The fields each claim type's subject is built from (claim_subject below reads these and no others; a test
# checks it). A form recording an award paid outside a batch asks for them, to name what it paid for.
SUBJECT_FIELDS = {
    "recognition": ("kind", "level", "name", "number"),
    "tech_sme_registration": ("year",),
    "rd_post_subsidy": ("rd_year",),
    "tech_contract": ("number",),
    "transfer_service": ("project",),
    "investment": ("project",),
    "tech_purchase": ("mode", "project"),
    "contract_registration": ("year",),
    "instrument_sharing": ("role", "date"),
    "flexible_talent": ("person_id",),
    "prize": ("level", "grade", "date"),
    "listing": ("board",),
    "zone_ranking": ("date",),
    "entered": ("subject",),
}


def claim_subject(ctype: str, fields: dict, date: object = None) -> str:
    """The subject of a claim of type ``ctype`` with these fields (typed values or their text)."""
    f = fields
    if ctype == "recognition":
        return recognition_subject(f.get("kind", ""), f.get("level"), f.get("name", ""), f.get("number", ""))
    if ctype == "tech_sme_registration":
        return f"tech_sme:{f.get('year')}"
    if ctype == "rd_post_subsidy":
        return f"rd:{f.get('rd_year') or ''}"
    if ctype == "tech_contract":
        return f"contract:{normalize(f.get('number'))}"
    if ctype in ("transfer_service", "investment"):
        return f"{ctype}:{normalize(f.get('project'))}"
    if ctype == "tech_purchase":
        return f"tech_purchase:{f.get('mode')}:{normalize(f.get('project'))}"
    if ctype == "contract_registration":
        return f"contract_registration:{f.get('year')}"
    if ctype == "instrument_sharing":
        return f"instrument_sharing:{f.get('role')}:{_year(f.get('date') or date)}"
    if ctype == "flexible_talent":
        return f"person:{normalize(f.get('person_id'))}"
    if ctype == "prize":
        day = f.get("date") or date
        return f"prize:{f.get('level')}:{f.get('grade')}:{day.isoformat() if hasattr(day, 'isoformat') else day}"
    if ctype == "listing":
        return f"listing:{f.get('board')}"
    if ctype == "zone_ranking":
        return f"zone_ranking:{_year(f.get('date') or date)}"
    if ctype == "entered":
        # Not the rule id: the same thing entered under two rules that restate
        # each other (region 001 and 004) must meet in one stacking group.
        return f"entered:{normalize(f.get('subject'))}"
    return f"{ctype}:" + ":".join(f"{k}={_text(v)}" for k, v in sorted(f.items()))


def _text(value: object) -> str:
    kind = type(value)
    if kind is str:
        return normalize(value)
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return normalize(value)


def claim_identity(ctype: str, fields: dict) -> tuple:
    """Everything the claim states, normalized: equal identities are one claim entered twice.

    Fields that are None or "" state nothing. Only a str can be "": comparing a
    Decimal or a date with "" would cost more than normalizing it.
    """
    out: list = [ctype]
    for k in sorted(fields):
        v = fields[k]
        if isinstance(v, str):
            if v:
                out.append((k, normalize(v)))
        elif v is not None:
            out.append((k, _text(v)))
    return tuple(out)


def describe(subject: str, vocab: Vocabulary | None = None) -> str:
    """A subject as a clerk reads it (Chinese), e.g. 技术合同HT-001, 自治区级重点实验室“某某实验室”."""
    head, _, rest = subject.partition(":")

    def label(enum: str, key: str | None) -> str:
        return vocab.label(enum, key) if vocab is not None and key else (key or "")

    if head == RECOGNITION:
        parsed = parse_recognition_subject(subject)
        if parsed is None:
            return subject
        kind, level, name, number = parsed
        what = f"{label('levels', level)}{label('recognition_kinds', kind)}"
        if name:
            return f"{what}“{name}”"
        return f"{what}（证书号{number.upper()}）" if number else what
    parts = rest.split(":")
    if head == "contract":
        return f"技术合同{rest.upper()}"
    if head == "transfer_service":
        return f"技术转移服务项目“{rest}”"
    if head == "investment":
        return f"落地项目“{rest}”"
    if head == "tech_purchase" and len(parts) >= 2:
        return f"{label('purchase_modes', parts[0])}“{':'.join(parts[1:])}”"
    if head == "person":
        return f"人员{rest.upper()}"
    if head == "rd":
        return f"{rest}年度研发投入"
    if head == "tech_sme":
        return f"{rest}年度科技型中小企业入库"
    if head == "contract_registration":
        return f"{rest}年度技术合同认定登记"
    if head == "instrument_sharing" and len(parts) == 2:
        return f"{parts[1]}年度仪器设备开放共享（{label('sharing_roles', parts[0])}）"
    if head == "prize" and len(parts) == 3:
        return f"{parts[2]}{label('levels', parts[0])}科学技术奖{label('prize_grades', parts[1])}"
    if head == "listing":
        return label("boards", rest)
    if head == "zone_ranking":
        return f"{rest}年度高新区排名"
    if head == "entered":
        return f"“{rest}”"
    return subject
