"""``store.companies``: the company register and each company's history (recognitions, registrations, R&D, ledger)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.model import History, RdYear, Recognition
from core.records import CompanyProfile
from core.store import companies, company_detail, company_history, companydelete
from core.store.history import load_histories
from core.store.managers.base import Manager, Tx, change


class Companies(Manager):
    # ------------------------------------------------------------ reads
    def search(self, f: companies.CompanyFilter | None = None) -> list[int]:
        return self._read(companies.search, f or companies.CompanyFilter())

    def rows(self, ids: Iterable[int]) -> list[companies.CompanyRow]:
        return self._read(companies.rows, ids)

    def counties(self, city: str | None = None) -> list[str]:
        return self._read(companies.counties, city)

    def id_of(self, uscc: str) -> int | None:
        return self._read(companies.company_id_for, uscc)

    def existing_usccs(self, usccs: Iterable[str]) -> set[str]:
        """The codes among ``usccs`` that already have a company (an import screen counts new and known ones)."""
        return self._read(companies.existing_usccs, usccs)

    def known_uscc(self, uscc: str) -> bool:
        """Whether the store has a company with this USCC (the workbook reader asks)."""
        return self.id_of(uscc) is not None

    def detail(self, company_id: int) -> company_detail.CompanyDetail:
        return self._read(company_detail.detail, company_id, self.store.vocabulary)

    def history(self, company_id: int, batch_id: int | None = None) -> History:
        """The History the engine would read for the company (in ``batch_id``, or now)."""
        return self._read(lambda s: load_histories(s, [company_id], batch_id, self.store.vocabulary)[company_id])

    def references(self, company_id: int) -> list[str]:
        """What refers to a company (empty: it can be deleted), in the clerk's words."""
        return self._read(companydelete.references, company_id)

    def only_in_import(self, batch_id: int) -> list[int]:
        """Companies a draft's import created that no other batch or ledger row refers to."""
        return self._read(companydelete.only_in_import, batch_id)

    # ------------------------------------------------------------ changes
    @change("delete_company")
    def delete(self, tx: Tx, company_id: int) -> str:
        """Delete a company no batch, line, ledger row or letter refers to, with its history; returns its name."""
        return companydelete.delete_company(tx.s, company_id)

    @change("merge_company")
    def merge(self, tx: Tx, source_id: int, into_id: int) -> dict:
        """Merge a duplicate company no batch refers to into another (its history moves, it is deleted)."""
        summary = companydelete.merge_company(tx.s, source_id, into_id)
        tx.changed(companies=[source_id])  # gone: the audit entry names only the company it went into
        return summary

    @change("add_company")
    def add(self, tx: Tx, profile: CompanyProfile) -> int:
        return companies.add_company(tx.s, profile, self.store.vocabulary)

    @change("update_company")
    def update(self, tx: Tx, company_id: int, **changes: str) -> None:
        companies.update_company(tx.s, company_id, changes, self.store.vocabulary)

    @change("add_recognition")
    def add_recognition(self, tx: Tx, company_id: int, rec: Recognition) -> int:
        return company_history.add_recognition(tx.s, company_id, rec, self.store.vocabulary)

    @change("update_recognition")
    def update_recognition(self, tx: Tx, row_id: int, rec: Recognition) -> None:
        company_history.update_recognition(tx.s, row_id, rec, self.store.vocabulary)

    @change("delete_recognition")
    def delete_recognition(self, tx: Tx, row_id: int) -> None:
        company_history.delete_recognition(tx.s, row_id)

    @change("add_tech_sme")
    def add_tech_sme(self, tx: Tx, company_id: int, year: int, number: str = "") -> int:
        return company_history.add_tech_sme(tx.s, company_id, year, number)

    @change("delete_tech_sme")
    def delete_tech_sme(self, tx: Tx, row_id: int) -> None:
        company_history.delete_tech_sme(tx.s, row_id)

    @change("set_rd_year")
    def set_rd_year(self, tx: Tx, company_id: int, rd: RdYear) -> int:
        return company_history.set_rd_year(tx.s, company_id, rd)

    @change("delete_rd_year")
    def delete_rd_year(self, tx: Tx, row_id: int) -> None:
        company_history.delete_rd_year(tx.s, row_id)

    @change("add_ledger_entry")
    def add_ledger_entry(
        self,
        tx: Tx,
        company_id: int,
        rule_id: str,
        year: int,
        amount: Decimal,
        subject: str = "",
        person: str = "",
        note: str = "",
    ) -> int:
        return company_history.add_ledger_entry(tx.s, company_id, rule_id, year, amount, subject, person, note)

    @change("delete_ledger_entry")
    def delete_ledger_entry(self, tx: Tx, row_id: int) -> None:
        company_history.delete_ledger_entry(tx.s, row_id)
