"""One company's record: the profile (edited in place, checked as typed) and its history.

Left: the profile with 保存修改 / 撤销修改. Right: tabs with the timeline
(certificates, registrations, R&D by year, awards, earlier claims, oldest
first) and one table per kind of history with 新增 / 修改 / 删除. Rows that
the approval of a batch wrote cannot be changed here (the store refuses; the
buttons say so first). Every deletion is confirmed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.money import fmt_yuan
from core.subjects import describe
from core.vocabulary import BATCH_STATUS_LABELS as STATUS
from gui.ask import ask
from gui.companies.dialogs import (
    LedgerDialog,
    RdYearDialog,
    RecognitionDialog,
    TechSmeDialog,
    profile_fields,
    profile_values,
)
from gui.elided import ElidedLabel
from gui.tables import equip
from gui.errors import show_failure
from gui.models.base import Column, ListTableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
EVENT_KINDS = {"recognition": "认定", "tech_sme": "入库", "rd": "研发投入", "award": "奖补", "claim": "申报"}


def _event_date(e) -> str:
    return f"{e.date.year}年度" if e.kind in ("tech_sme", "rd", "award") else e.date.isoformat()


def _source(batch_id) -> str:
    return "录入或导入" if batch_id is None else f"批次{batch_id}审批写入"


def table(model, name: str, stretch: int | None = None, title: str = "企业历史记录") -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    equip(view, title)
    return view


class HistoryTab(QWidget):
    """A table of one kind of history with its buttons."""

    def __init__(self, model, name: str, stretch: int | None, buttons):
        super().__init__()
        self.model = model
        self.view = table(model, name, stretch)
        row = QHBoxLayout()
        self.buttons = {}
        for label, slot in buttons:
            b = QPushButton(label)
            b.clicked.connect(lambda checked=False, s=slot: s())
            row.addWidget(b)
            self.buttons[label] = b
        row.addStretch()
        self.note = QLabel()
        self.note.setStyleSheet("color: #666666;")
        row.addWidget(self.note)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.view)
        lay.addLayout(row)
        self.view.doubleClicked.connect(
            lambda _i: self.buttons.get("修改…", self.buttons.get("查看…", QPushButton())).click()
        )

    def current(self):
        return self.model.row_object(self.view.currentIndex().row())

    def select(self, row: int) -> None:
        self.view.selectRow(row)


class CompanyPanel(QWidget):
    changed = Signal(int)  # a company whose profile or history was changed here
    back = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.vocab = ctx.store.vocabulary
        self.company_id: int | None = None
        self.detail = None
        self.dialog = None  # the dialog opened last (tests fill it in)

        back = QPushButton("← 返回企业列表")
        back.setObjectName("back")
        back.clicked.connect(self.back)
        self.title = ElidedLabel()  # a 60-character name is shortened, never widens the window
        self.title.setObjectName("company-title")
        font = self.title.font()
        font.setPointSize(14)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("company-subtitle")
        self.subtitle.setStyleSheet("color: #555555;")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head = QHBoxLayout()
        head.addWidget(back)
        head.addSpacing(12)
        head.addWidget(self.title, 1)
        head.addWidget(self.subtitle)

        # profile
        box = QGroupBox("基本信息")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = profile_fields(self.vocab, form, form)
        self.fields.changed.connect(self._profile_edited)
        self.save_button = QPushButton("保存修改")
        self.save_button.setObjectName("save-profile")
        self.save_button.clicked.connect(self.save_profile)
        self.revert_button = QPushButton("撤销修改")
        self.revert_button.clicked.connect(self.revert_profile)
        self.profile_note = QLabel()
        self.profile_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.profile_note, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addStretch()
        lay.addLayout(buttons)

        # history
        labels = lambda enum, key: self.vocab.label(enum, key) if key else "—"  # noqa: E731
        self.timeline_model = ListTableModel(
            [
                Column("日期", _event_date),
                Column("类别", lambda e: EVENT_KINDS.get(e.kind, e.kind)),
                Column("事项", lambda e: e.text, tooltip=lambda e: e.text),
            ],
            (),
            self,
        )
        self.recognition_model = ListTableModel(
            [
                Column("认定日期", lambda i: i.recognition.date.isoformat()),
                Column("类别", lambda i: labels("recognition_kinds", i.recognition.kind)),
                Column("级别", lambda i: labels("levels", i.recognition.level)),
                Column("证书或文件编号", lambda i: i.recognition.number or "—"),
                Column("阶段", lambda i: labels("stages", i.recognition.stage)),
                Column("发证省份", lambda i: i.recognition.issued_in or "区内"),
                Column("名称", lambda i: i.recognition.name, tooltip=lambda i: i.recognition.name or None),
                Column("来源", lambda i: _source(i.batch_id)),
            ],
            (),
            self,
        )
        self.tech_sme_model = ListTableModel(
            [
                Column("入库年度", lambda i: f"{i.year}年度"),
                Column("入库登记编号", lambda i: i.number or "—"),
                Column("来源", lambda i: _source(i.batch_id)),
            ],
            (),
            self,
        )
        self.rd_model = ListTableModel(
            [
                Column("年度", lambda i: i.rd.year),
                Column("研发费用（元）", lambda i: fmt_yuan(i.rd.expense), RIGHT),
                Column("加计扣除", lambda i: "是" if i.rd.super_deduction else "否"),
                Column(
                    "已加计扣除（元）", lambda i: fmt_yuan(i.rd.deducted) if i.rd.deducted is not None else "—", RIGHT
                ),
                Column("营业收入（元）", lambda i: fmt_yuan(i.rd.revenue) if i.rd.revenue is not None else "—", RIGHT),
            ],
            (),
            self,
        )
        self.award_model = ListTableModel(
            [
                Column("兑现年度", lambda a: a.year),
                Column("政策依据", lambda a: a.basis or a.rule_id, tooltip=lambda a: a.basis or a.rule_id),
                Column(
                    "事项",
                    lambda a: describe(a.subject, self.vocab) if a.subject else "—",
                    tooltip=lambda a: describe(a.subject, self.vocab) if a.subject else None,
                ),
                Column("金额（元）", lambda a: fmt_yuan(a.amount), RIGHT),
                Column("批次", lambda a: a.batch_name or "历史台账录入"),
                Column("状态", lambda a: STATUS.get(a.status, "—") if a.batch_id else a.note),
            ],
            (),
            self,
        )

        self.tabs = QTabWidget()
        self.timeline = HistoryTab(self.timeline_model, "timeline", 2, ())
        self.timeline.view.setWordWrap(True)  # an award's basis and amount are long: the whole sentence shows
        self.recognitions = HistoryTab(
            self.recognition_model,
            "recognitions",
            6,
            (("新增…", self.add_recognition), ("修改…", self.edit_recognition), ("删除", self.delete_recognition)),
        )
        self.tech_sme = HistoryTab(
            self.tech_sme_model, "tech-sme", None, (("新增…", self.add_tech_sme), ("删除", self.delete_tech_sme))
        )
        self.rd = HistoryTab(
            self.rd_model,
            "rd",
            None,
            (("新增…", self.add_rd_year), ("修改…", self.edit_rd_year), ("删除", self.delete_rd_year)),
        )
        self.awards = HistoryTab(
            self.award_model,
            "awards",
            1,
            (("录入历史奖补…", self.add_ledger_entry), ("删除", self.delete_ledger_entry)),
        )
        self.awards.note.setText("审批批次时自动记入；此处只录入使用本程序之前已兑现的奖补")
        for tab, title in (
            (self.timeline, "时间线"),
            (self.recognitions, "认定记录"),
            (self.tech_sme, "科技型中小企业入库"),
            (self.rd, "研发投入"),
            (self.awards, "奖补记录"),
        ):
            self.tabs.addTab(tab, title)

        split = QSplitter()
        split.addWidget(box)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([430, 790])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(head)
        outer.addWidget(split, 1)

    # ------------------------------------------------------------ loading
    @property
    def store(self):
        return self.ctx.store

    def load(self, company_id: int) -> None:
        self.company_id = company_id
        self.reload()

    def reload(self) -> None:
        if self.company_id is None:
            return
        d = self.detail = self.store.company_detail(self.company_id)
        c = d.company
        where = self.vocab.label("cities", c.city) + (c.county or "")
        self.title.setText(c.name)
        self.subtitle.setText(f"{c.uscc}　{where}")
        self._fill_profile(c)
        self.timeline_model.set_rows(reversed(d.timeline))  # newest first
        self.timeline.view.resizeRowsToContents()
        self.recognition_model.set_rows(d.recognitions)
        self.tech_sme_model.set_rows(d.tech_sme)
        self.rd_model.set_rows(d.rd)
        self.award_model.set_rows(d.awards)
        total = sum((a.amount for a in d.awards), start=type(d.awards[0].amount)(0)) if d.awards else None
        self.awards.note.setText(
            f"累计{len(d.awards)}笔，{fmt_yuan(total)}元"
            if total is not None
            else "审批批次时自动记入；此处只录入使用本程序之前已兑现的奖补"
        )
        self.tabs.setTabText(1, f"认定记录（{len(d.recognitions)}）")
        self.tabs.setTabText(4, f"奖补记录（{len(d.awards)}）")

    # ------------------------------------------------------------ profile
    def _saved_profile(self) -> dict:
        c = self.detail.company
        return {
            f: getattr(c, f)
            for f in (
                "uscc",
                "name",
                "city",
                "county",
                "size",
                "industry",
                "bank_name",
                "bank_account",
                "contact",
                "phone",
            )
        }

    def _fill_profile(self, c) -> None:
        for name, value in self._saved_profile().items():
            w = self.fields[name]
            if hasattr(w, "findData"):
                w.setCurrentIndex(max(w.findData(value), 0))
            else:
                w.setText(value or "")
        self._profile_edited()

    def profile_changes(self) -> dict:
        if self.detail is None:
            return {}
        saved = self._saved_profile()
        return {k: v for k, v in profile_values(self.fields).items() if v != saved[k]}

    def _profile_edited(self) -> None:
        changes = self.profile_changes() if self.detail is not None else {}
        problems = self.fields.problems()
        self.save_button.setEnabled(bool(changes) and not problems)
        self.revert_button.setEnabled(bool(changes))
        if problems:
            self.profile_note.setStyleSheet("color: #c62828;")
            self.profile_note.setText(f"有{len(problems)}处需要改正")
        else:
            self.profile_note.setStyleSheet("color: #666666;")
            self.profile_note.setText("已修改，尚未保存" if changes else "")

    def save_profile(self) -> bool:
        changes = self.profile_changes()
        if not changes or self.fields.problems():
            return False
        if "uscc" in changes and not ask().confirm(
            self,
            "修改统一社会信用代码",
            f"确定把统一社会信用代码由 {self.detail.company.uscc} 改为 {changes['uscc']}？\n"
            "以后导入的工作簿按新代码识别该企业。",
            ok="修改",
        ):
            return False
        try:
            self.store.update_company(self.company_id, **changes)
        except Exception as exc:
            show_failure(self, "保存企业信息", exc)
            return False
        self._after_change("已保存企业信息")
        return True

    def revert_profile(self) -> None:
        if self.detail is not None:
            self._fill_profile(self.detail.company)

    def has_unsaved_changes(self) -> bool:
        return bool(self.profile_changes())

    def _after_change(self, note: str) -> None:
        self.reload()
        self.profile_note.setStyleSheet("color: #2e7d32;")
        self.profile_note.setText(note)
        self.changed.emit(self.company_id)

    # ------------------------------------------------------------ history
    def _open(self, dialog, done: str):
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after_change(done))
        dialog.open()
        return dialog

    def _confirm_delete(self, what: str) -> bool:
        return ask().confirm(
            self, "删除", f"确定删除{what}？\n删除后不能恢复；已计算的草稿批次需要重新计算。", ok="删除"
        )

    def _locked(self, item, what: str) -> bool:
        if getattr(item, "batch_id", None) is not None:
            ask().info(self, what, f"该{what}由批次{item.batch_id}审批时写入，是已审批批次的依据，不能修改或删除。")
            return True
        return False

    def _delete(self, fn, row_id: int, done: str) -> bool:
        try:
            fn(row_id)
        except Exception as exc:
            show_failure(self, "删除", exc)
            return False
        self._after_change(done)
        return True

    def add_recognition(self):
        return self._open(
            RecognitionDialog(
                self, self.vocab, lambda v: self.store.add_recognition(self.company_id, v["recognition"])
            ),
            "已新增认定记录",
        )

    def edit_recognition(self):
        item = self.recognitions.current()
        if item is None or self._locked(item, "认定记录"):
            return None
        return self._open(
            RecognitionDialog(
                self, self.vocab, lambda v: self.store.update_recognition(item.id, v["recognition"]), item.recognition
            ),
            "已修改认定记录",
        )

    def delete_recognition(self) -> bool:
        item = self.recognitions.current()
        if item is None or self._locked(item, "认定记录"):
            return False
        r = item.recognition
        what = f"{r.date.isoformat()}的{self.vocab.label('recognition_kinds', r.kind)}认定记录{r.number and '（' + r.number + '）'}"
        return self._confirm_delete(what) and self._delete(self.store.delete_recognition, item.id, "已删除认定记录")

    def add_tech_sme(self):
        return self._open(
            TechSmeDialog(self, lambda v: self.store.add_tech_sme(self.company_id, v["year"], v["number"])),
            "已新增入库记录",
        )

    def delete_tech_sme(self) -> bool:
        item = self.tech_sme.current()
        if item is None or self._locked(item, "入库记录"):
            return False
        return self._confirm_delete(f"{item.year}年度科技型中小企业入库记录") and self._delete(
            self.store.delete_tech_sme, item.id, "已删除入库记录"
        )

    def add_rd_year(self):
        years = {i.rd.year for i in self.detail.rd} if self.detail else set()

        def save(v):
            if v["rd"].year in years and not ask().confirm(
                self, "研发投入", f"已有{v['rd'].year}年度的研发投入记录，确定用新填的数字替换？", ok="替换"
            ):
                raise ValueError(f"未保存：{v['rd'].year}年度已有记录（可在表中选中后“修改”）")
            return self.store.set_rd_year(self.company_id, v["rd"])

        return self._open(RdYearDialog(self, save), "已保存研发投入")

    def edit_rd_year(self):
        item = self.rd.current()
        if item is None:
            return None
        return self._open(
            RdYearDialog(self, lambda v: self.store.set_rd_year(self.company_id, v["rd"]), item.rd), "已保存研发投入"
        )

    def delete_rd_year(self) -> bool:
        item = self.rd.current()
        if item is None:
            return False
        return self._confirm_delete(f"{item.rd.year}年度研发投入记录") and self._delete(
            self.store.delete_rd_year, item.id, "已删除研发投入记录"
        )

    def add_ledger_entry(self):
        return self._open(
            LedgerDialog(
                self,
                self.ctx.policies,
                lambda v: self.store.add_ledger_entry(
                    self.company_id, v["rule_id"], v["year"], v["amount"], v["subject"], v["person"], v["note"]
                ),
            ),
            "已录入历史奖补",
        )

    def delete_ledger_entry(self) -> bool:
        item = self.awards.current()
        if item is None:
            return False
        if item.batch_id is not None:
            ask().info(self, "奖补记录", f"该笔奖补由批次{item.batch_id}“{item.batch_name}”审批写入，不能删除。")
            return False
        return self._confirm_delete(f"{item.year}年度{fmt_yuan(item.amount)}元的历史奖补记录") and self._delete(
            self.store.delete_ledger_entry, item.id, "已删除历史奖补记录"
        )
