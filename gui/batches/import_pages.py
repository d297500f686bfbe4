"""The import wizard's pages, built: 选择文件, 检查 (progress), 发现问题, 确认导入 (with the notices of claims
paid before and of one subject on several rows, and the payee changes), 导入, 完成. A mixin of ImportWizard."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.earlier import earlier_short, earlier_text, outcome
from gui.models.base import Column, ListTableModel

WORKBOOK_FILTER = "Excel 工作簿 (*.xlsx)"
CHOOSE, CHECKING, PROBLEMS, CONFIRM, IMPORTING, DONE = range(6)
STEP_TITLES = ("1 选择文件", "2 检查", "3 发现问题", "3 确认导入", "4 导入", "5 完成")
WRAPPED_ROWS = 200  # the confirm page's list fits rows to their text up to this many rows


class Notice:
    """A row of the confirm page's list: rows counted together (ImportNote) or a claim paid before (PaidBefore)."""

    def __init__(self, kind: str, company: str, rows: str, what: str, before: str, text: str, detail: str):
        self.kind, self.company, self.rows, self.what = kind, company, rows, what
        self.before, self.text, self.detail = before, text, detail


def notices(checked, found) -> list[Notice]:
    """The confirm page's list: each claim paid before, then each subject entered on several rows.

    ``checked`` is a gui.importworker.Checked."""
    names = checked.note_names
    out = [
        Notice(
            "此前已兑现",
            p.company_name,
            "、".join(p.claim_ids),
            p.subject_text,
            earlier_short(p.earlier),
            f"{p.summary}：{outcome(p.amount)}",
            f"{p.summary}，{p.basis}\n{earlier_text(p.earlier)}\n{p.reason or outcome(p.amount)}",
        )
        for p in found
    ]
    out += [
        Notice("合并计算", names.get(n.uscc, n.uscc), n.where, "", "", n.text, f"{n.where}：{n.text}")
        for n in checked.notes
    ]
    return out


def problem_detail(p) -> str:
    """One problem as the clerk reads it in a message: where, what was written, why."""
    lines = []
    if p.sheet:
        lines.append(f"工作表：{p.sheet}")
    if p.cell:
        lines.append(f"单元格：{p.cell}（第{p.row}行，{p.column}列）")
    elif p.row:
        lines.append(f"行：第{p.row}行")
    if p.header:
        lines.append(f"列标题：{p.header}")
    lines.append(f"填写内容：{p.value}" if p.value else "填写内容：（空）")
    lines.append(f"问题：{p.reason}")
    return "\n".join(lines)


class WizardPages:
    def _page(self, title: str, note: str = ""):
        page = QWidget()
        lay = QVBoxLayout(page)
        head = QLabel(f"<h3>{escape(title)}</h3>")
        lay.addWidget(head)
        if note:
            text = QLabel(note)
            text.setWordWrap(True)
            lay.addWidget(text)
        return page, lay

    def _buttons(self, lay, *buttons) -> None:
        row = QHBoxLayout()
        row.addStretch()
        for b in buttons:
            row.addWidget(b)
        lay.addLayout(row)

    def _choose_page(self):
        page, lay = self._page(
            "选择申报工作簿",
            "请选择按本程序“申报模板”填好的工作簿（.xlsx）。导入前会逐个单元格检查，"
            "有问题时不会导入任何数据，并列出每处问题的位置和原因。",
        )
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("file")
        self.file_edit.setPlaceholderText("工作簿路径")
        self.file_edit.textChanged.connect(self._file_changed)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("工作簿", row)
        self.year_check = QCheckBox("另行指定兑现年度")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.setEnabled(False)
        self.year_check.toggled.connect(self.year.setEnabled)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_check)
        year_row.addWidget(self.year)
        year_row.addStretch()
        form.addRow("兑现年度", year_row)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("batch-name")
        self.name_edit.setPlaceholderText("不填则取工作簿“批次信息”表中的批次名称")
        form.addRow("批次名称", self.name_edit)
        lay.addLayout(form)
        self.choose_note = QLabel()
        self.choose_note.setWordWrap(True)
        self.choose_note.setStyleSheet("color: #c62828;")
        lay.addWidget(self.choose_note)
        lay.addStretch()
        template = QPushButton("生成空白申报模板…")
        template.clicked.connect(self.save_template)
        self.check_button = QPushButton("检查(&N)")
        self.check_button.setObjectName("check")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.start_check)
        close = QPushButton("取消")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(template)
        row.addStretch()
        row.addWidget(self.check_button)
        row.addWidget(close)
        lay.addLayout(row)
        return page

    def _checking_page(self):
        page, lay = self._page("正在检查")
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.check_bar = QProgressBar()
        self.check_bar.setObjectName("check-progress")
        lay.addWidget(self.check_label)
        lay.addWidget(self.check_bar)
        lay.addStretch()
        self.cancel_check_button = QPushButton("取消")
        self.cancel_check_button.clicked.connect(self.cancel_check)
        self._buttons(lay, self.cancel_check_button)
        return page

    def _problems_page(self):
        page, lay = self._page("发现问题")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        lay.addWidget(self.problems_label)
        self.problem_model = ListTableModel(
            [
                Column("序号", lambda ip: ip[0] + 1),
                Column("工作表", lambda ip: ip[1].sheet or "（整个文件）"),
                Column("单元格", lambda ip: ip[1].cell or (f"第{ip[1].row}行" if ip[1].row else "")),
                Column("列标题", lambda ip: ip[1].header),
                Column("填写内容", lambda ip: ip[1].value, tooltip=lambda ip: ip[1].value or None),
                Column("问题说明", lambda ip: ip[1].reason, tooltip=lambda ip: ip[1].reason),
            ],
            (),
            self,
        )
        self.problem_view = QTableView()
        self.problem_view.setObjectName("problems")
        self.problem_view.setModel(self.problem_model)
        self.problem_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problem_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problem_view.setAlternatingRowColors(True)
        self.problem_view.verticalHeader().setVisible(False)
        self.problem_view.setWordWrap(False)
        h = self.problem_view.horizontalHeader()
        for col, width in enumerate((44, 170, 70, 150, 150)):
            h.resizeSection(col, width)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.problem_view.doubleClicked.connect(lambda index: self.show_problem(index.row()))
        lay.addWidget(self.problem_view, 1)
        hint = QLabel("双击一行查看该单元格的详细说明。")
        hint.setStyleSheet("color: #666666;")
        lay.addWidget(hint)
        self.save_errors_button = QPushButton("保存错误清单…")
        self.save_errors_button.setObjectName("save-errors")
        self.save_errors_button.clicked.connect(self.save_error_workbook)
        again = QPushButton("重新检查")
        again.clicked.connect(self.start_check)
        other = QPushButton("选择其他文件")
        other.clicked.connect(lambda: self.go(CHOOSE))
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        self._buttons(lay, self.save_errors_button, again, other, close)
        return page

    def _confirm_page(self):
        page, lay = self._page("确认导入")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.payee_label = QLabel()
        self.payee_label.setObjectName("payee-changes-note")
        self.payee_label.setWordWrap(True)
        self.payee_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.payee_label)
        self.payee_model = ListTableModel(
            [
                Column("统一社会信用代码", lambda c: c.uscc),
                Column("单位", lambda c: c.company_name, tooltip=lambda c: c.company_name),
                Column("项目", lambda c: c.label),
                Column("数据库中", lambda c: c.old or "（空）", tooltip=lambda c: c.old or None),
                Column("工作簿中（导入后）", lambda c: c.new, tooltip=lambda c: c.new),
            ],
            (),
            self,
        )
        self.payee_view = QTableView()
        self.payee_view.setObjectName("payee-changes")
        self.payee_view.setModel(self.payee_model)
        self.payee_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.payee_view.setAlternatingRowColors(True)
        self.payee_view.verticalHeader().setVisible(False)
        self.payee_view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((170, 200, 70, 250)):
            self.payee_view.horizontalHeader().resizeSection(col, width)
        lay.addWidget(self.payee_view, 1)
        self.payee_confirm = QCheckBox("已与申报单位核实以上收款信息变更，确认按工作簿导入")
        self.payee_confirm.setObjectName("payee-confirm")
        self.payee_confirm.toggled.connect(self._payee_confirmed)
        lay.addWidget(self.payee_confirm)
        self.notice_model = ListTableModel(
            [
                Column("类别", lambda n: n.kind),
                Column("企业", lambda n: n.company, tooltip=lambda n: n.company),
                Column("申报行", lambda n: n.rows, tooltip=lambda n: n.rows),
                Column("事项", lambda n: n.what, tooltip=lambda n: n.what or None),
                Column("此前已兑现", lambda n: n.before),
                Column("说明", lambda n: n.text, tooltip=lambda n: n.detail),
            ],
            (),
            self,
        )
        self.notice_view = QTableView()
        self.notice_view.setObjectName("notices")
        self.notice_view.setModel(self.notice_model)
        self.notice_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.notice_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notice_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notice_view.setAlternatingRowColors(True)
        self.notice_view.verticalHeader().setVisible(False)
        self.notice_view.setWordWrap(True)
        h = self.notice_view.horizontalHeader()
        for col, width in enumerate((72, 150, 170, 130, 170)):
            h.resizeSection(col, width)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.notice_view.doubleClicked.connect(lambda index: self.show_notice(index.row()))
        lay.addWidget(self.notice_view, 1)
        self.notice_view.hide()
        self.confirm_stretch = QWidget()
        lay.addWidget(self.confirm_stretch, 1)
        back = QPushButton("返回")
        back.clicked.connect(lambda: self.go(CHOOSE))
        self.import_button = QPushButton("导入(&I)")
        self.import_button.setObjectName("import")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        close = QPushButton("取消")
        close.clicked.connect(self.reject)
        self._buttons(lay, back, self.import_button, close)
        return page

    def _importing_page(self):
        page, lay = self._page("正在导入")
        self.import_label = QLabel("正在写入数据库（导入前已自动备份数据库）…")
        self.import_bar = QProgressBar()
        self.import_bar.setRange(0, 0)
        lay.addWidget(self.import_label)
        lay.addWidget(self.import_bar)
        lay.addStretch()
        self.cancel_import_button = QPushButton("取消")
        self.cancel_import_button.clicked.connect(self.cancel_import)
        self._buttons(lay, self.cancel_import_button)
        return page

    def _done_page(self):
        page, lay = self._page("完成")
        self.done_label = QLabel()
        self.done_label.setObjectName("done")
        self.done_label.setWordWrap(True)
        lay.addWidget(self.done_label)
        lay.addStretch()
        self.calculate_button = QPushButton("立即计算")
        self.calculate_button.setObjectName("calculate")
        self.calculate_button.clicked.connect(self._calculate_now)
        finish = QPushButton("完成")
        finish.setDefault(True)
        finish.clicked.connect(self.accept)
        self._buttons(lay, self.calculate_button, finish)
        return page
