"""The company list's changes: 删除企业, 合并到…, 新增企业. A mixin of gui.pages.companies.CompaniesPage (``self`` is
the page); each searches again and tells the other screens (``_tell_others``)."""

from __future__ import annotations


class CompanyActions:
    def delete_current(self) -> bool:
        """Delete the selected company when no batch refers to it (confirmed; the store checks again)."""
        from gui.ask import ask
        from gui.errors import show_failure

        company_id = self.current_company_id()
        if company_id is None:
            return False
        store = self.ctx.store
        name = self.model.index(self.view.currentIndex().row(), 0).data()
        refs = store.company_references(company_id)
        if refs:
            ask().error(self, "删除企业", f"“{name}”有{'、'.join(refs)}，不能删除（已申报或已兑现的企业须保留）。")
            return False
        if not ask().confirm(
            self,
            "删除企业",
            f"确定删除“{name}”？\n企业的基本信息和历史记录（认定、入库、研发投入）将一并删除，删除记入审计日志。",
            ok="删除",
        ):
            return False
        try:
            store.delete_company(company_id)
        except Exception as exc:
            show_failure(self, "删除企业", exc)
            return False
        self.window.status.setText(f"已删除企业“{name}”")
        self.search()
        self._tell_others()
        return True

    def merge_current(self) -> bool:
        """Merge the selected company (a duplicate no batch refers to) into the one whose USCC the clerk types."""
        from core.uscc import normalize_uscc
        from gui.ask import ask
        from gui.errors import show_failure

        company_id = self.current_company_id()
        if company_id is None:
            return False
        store = self.ctx.store
        name = self.model.index(self.view.currentIndex().row(), 0).data()
        code = ask().text(self, "合并企业", f"把“{name}”合并到哪家企业？请输入该企业的统一社会信用代码：")
        if not code:
            return False
        into = store.company_id(normalize_uscc(code))
        if into is None:
            ask().error(self, "合并企业", f"库内没有统一社会信用代码为“{code.strip()}”的企业")
            return False
        target = store.company_detail(into).company.name
        if not ask().confirm(
            self,
            "合并企业",
            f"把“{name}”合并到“{target}”？\n\n“{name}”的认定、入库、研发投入记录移到"
            f"“{target}”名下（相同的记录只保留一份），随后删除“{name}”。记入审计日志。",
            ok="合并",
        ):
            return False
        try:
            summary = store.merge_company(company_id, into)
        except Exception as exc:
            show_failure(self, "合并企业", exc)
            return False
        self.window.status.setText(
            f"已把“{name}”合并到“{target}”：移入{summary['moved_rows']}条记录，"
            f"重复的{summary['dropped_rows']}条未重复保存"
        )
        self._pending_select = into
        self.search()
        self._tell_others()
        return True

    def add_company(self):
        from gui.companies.dialogs import CompanyDialog
        from core.records import CompanyProfile

        store = self.ctx.store

        def save(values):
            return store.add_company(CompanyProfile(**values))

        dialog = CompanyDialog(self, store.vocabulary, save)

        def added():
            self._pending_select = dialog.result_value
            self.search()
            self._tell_others()
            self.open_company(dialog.result_value)

        dialog.accepted.connect(added)
        dialog.open()
        self.dialog = dialog
        return dialog
