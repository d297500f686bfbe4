"""The list actions the screens and commands outside core.lists call, gathered in one place (``service.prepare``,
``service.make_claims`` ...). Each lives in the module of its concern:

- core.lists.records: the lists and their rows as shown, and the words for a match and an answer;
- core.lists.importing: reading, mapping and importing a list;
- core.lists.matches: matching rows to companies (automatically, confirmed, or a company created from a row);
- core.lists.batchclaims: matched rows made into claims of a draft batch;
- core.lists.answers: the companies' answers (意愿确认) and the claims they keep off the disbursement sheet.

Each action is one transaction of the store (core.store.Store), by the logged-in user holding the preparer's role,
written to the audit log; the rows it writes are sealed like every other row that decides a payment.
"""

from __future__ import annotations

from core.lists.answers import set_consent, withheld
from core.lists.batchclaims import make_claims
from core.lists.importing import Prepared, find_list, import_list, prepare, remap
from core.lists.matches import confirm_match, create_company, match_again, proposals, region_city
from core.lists.records import (
    CONFIRMED,
    CONSENT_LABELS,
    DECLINED,
    MATCH_LABELS,
    PENDING,
    EntryRecord,
    ListRecord,
    entries,
    lists,
)

__all__ = [
    "CONFIRMED",
    "CONSENT_LABELS",
    "DECLINED",
    "MATCH_LABELS",
    "PENDING",
    "EntryRecord",
    "ListRecord",
    "Prepared",
    "confirm_match",
    "create_company",
    "entries",
    "find_list",
    "import_list",
    "lists",
    "make_claims",
    "match_again",
    "prepare",
    "proposals",
    "region_city",
    "remap",
    "set_consent",
    "withheld",
]
