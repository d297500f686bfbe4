"""The batch page's results: the tree of companies, award lines and refusals, filtered, with the trace of the row
selected beside it. A mixin of gui.pages.batches.BatchesPage (``self`` is the page)."""

from __future__ import annotations

from gui.batches.html import company_html, line_html, refusal_html


class ResultsPane:
    def _filter(self, text: str) -> None:
        self.results.set_filter(text)
        if text.strip() and self.results.rowCount() <= 200:
            self.tree.expandAll()

    def _result_changed(self, current, _previous=None) -> None:
        index = current
        line = self.results.line_at(index)
        if line is not None:
            self.trace.setHtml(line_html(line))
            return
        refusal = self.results.refusal_at(index)
        if refusal is not None:
            self.trace.setHtml(refusal_html(refusal))
            return
        company = self.results.company_at(index)
        if company is not None:
            # by its row: list.index compared the company with every one before it, field by field
            self.trace.setHtml(company_html(company, self.results.lines_of[self.results.company_row(index)]))

    def select_refusal(self, uscc: str, rule_id: str) -> bool:
        """Select a company's refusal under ``rule_id`` in the results: the reason shows beside it."""
        company = self.results.company_index(uscc)
        if not company.isValid():
            return False
        refusals = self.results.refusals_of(company.row())
        found = next((i for i, r in enumerate(refusals) if r.data.get("rule_id") == rule_id), None)
        if found is None:
            return False
        target = self.results.index(len(self.results.lines_of[company.row()]) + found, 0, company)
        self.tree.expand(company)
        self.tree.setCurrentIndex(target)
        self.tree.scrollTo(target)
        return True

    def select_line(self, uscc: str, line_no: int | None = None) -> bool:
        """Select a company (and one of its lines) in the results: the trace shows beside it."""
        company = self.results.company_index(uscc)
        if not company.isValid():
            return False
        target = company
        if line_no is not None:
            lines = self.results.lines_of[company.row()]
            row = next((i for i, l in enumerate(lines) if l.line_no == line_no), None)
            if row is None:
                return False
            target = self.results.index(row, 0, company)
        self.tree.expand(company)
        self.tree.setCurrentIndex(target)
        self.tree.scrollTo(target)
        return True
