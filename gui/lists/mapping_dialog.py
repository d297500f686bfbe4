"""导入名单: an official list read with a column mapping the clerk can change, then imported."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
)

from core.lists import kinds
from gui.lists.common import _change, _fit, _run, _table
from gui.models.base import Column, ListTableModel
from gui.screenfit import FitsScreen


class MappingDialog(FitsScreen, QDialog):
    """导入名单: the file's columns mapped to fields (recognised, remembered per kind, changeable), a preview of the
    rows as read and every problem (row, column, reason); 导入 writes it whole or not at all."""

    def __init__(self, ctx, path: str, parent=None, kind: str = kinds.HIGH_TECH, list_date: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle("导入名单：表头对应")
        self.resize(1000, 640)
        self.ctx, self.path, self.prepared, self.result_id = ctx, path, None, None
        self.kind = QComboBox()
        self.kind.setObjectName("list-kind")
        for key, label in kinds.KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.date = QDateEdit()
        self.date.setObjectName("list-date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        day = list_date or dt.date.today()
        self.date.setDate(QDate(day.year, day.month, day.day))
        vocab = ctx.store.vocabulary
        self.platform_kind = QComboBox()
        self.platform_kind.addItem("（按名单“类别”列）", "")
        for key, label in vocab.enums["recognition_kinds"].items():
            self.platform_kind.addItem(label, key)
        self.level = QComboBox()
        self.level.addItem("（按名单“级别”列）", "")
        for key, label in vocab.enums["levels"].items():
            self.level.addItem(label, key)
        form = QFormLayout()
        form.addRow("文件", QLabel(str(path)))
        form.addRow("名单类别", self.kind)
        form.addRow("认定（入库）日期", self.date)
        form.addRow("平台类别（整份名单）", self.platform_kind)
        form.addRow("级别（整份名单）", self.level)
        self.title = QLabel()
        self.title.setObjectName("list-title")
        self.fields = QGroupBox("表头对应（可改）")
        self.grid = QGridLayout(self.fields)
        self.combos: dict[str, QComboBox] = {}
        self.preview_model = ListTableModel(
            [
                Column("行号", lambda e: e.row_no),
                Column("企业名称", lambda e: e.company_name),
                Column("统一社会信用代码", lambda e: e.uscc),
                Column("证书/入库编号", lambda e: e.number),
                Column("日期", lambda e: e.date.isoformat() if e.date else (e.year or "")),
                Column("所在地区", lambda e: e.region),
                Column("平台名称", lambda e: e.platform_name),
                Column(
                    "平台类别", lambda e: vocab.label("recognition_kinds", e.platform_kind) if e.platform_kind else ""
                ),
                Column("级别", lambda e: vocab.label("levels", e.level) if e.level else ""),
            ],
            (),
            self,
        )
        self.preview = _table(self.preview_model, "list-preview")
        self.problems = QListWidget()
        self.problems.setObjectName("list-problems")
        self.problems.setMaximumHeight(120)
        self.summary = QLabel()
        self.summary.setObjectName("list-summary")
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("list-import")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.do_import)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.fields, 1)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addWidget(self.preview, 1)
        lay.addWidget(QLabel("问题（须全部改正后才能导入）："))
        lay.addWidget(self.problems)
        lay.addWidget(self.summary)
        lay.addWidget(buttons)
        for w in (self.kind, self.platform_kind, self.level):
            w.currentIndexChanged.connect(lambda _i: self.reload())
        self.date.dateChanged.connect(lambda _d: self.reload())
        self.reload()

    def _options(self) -> dict:
        d = self.date.date()
        return {
            "list_date": dt.date(d.year(), d.month(), d.day()),
            "platform_kind": self.platform_kind.currentData(),
            "level": self.level.currentData(),
        }

    def reload(self, mapping: dict | None = None) -> None:
        from core.lists import service

        store, path, kind, opts = self.ctx.store, self.path, self.kind.currentData(), self._options()
        _run(
            self,
            "读取名单",
            lambda: service.prepare(store, path, kind, mapping=mapping, **opts),
            self._show,
            progress=True,
        )

    def _show(self, p) -> None:
        self.prepared = p
        self.title.setText(f"名单标题：{p.title or '（无）'}　　工作表：{p.raw.sheet}　　表头在第{p.header.row}行")
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.combos = {}
        for i, name in enumerate(kinds.KIND_FIELDS[p.kind]):
            box = QComboBox()
            box.setObjectName(f"map-{name}")
            box.addItem("（无）", 0)
            for col, text in sorted(p.header.texts.items()):
                box.addItem(f"{text}（第{col}列）", col)
            box.setCurrentIndex(max(box.findData(p.mapping.get(name, 0)), 0))
            box.currentIndexChanged.connect(lambda _i: self._remap())
            self.combos[name] = box
            self.grid.addWidget(
                QLabel(kinds.field_label(name) + ("*" if name in kinds.REQUIRED[p.kind] else "")), i // 2, (i % 2) * 2
            )
            self.grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        self._show_rows()

    def _remap(self) -> None:
        from core.lists import service

        mapping = {name: box.currentData() for name, box in self.combos.items() if box.currentData()}
        service.remap(self.ctx.store, self.prepared, mapping)
        self._show_rows()

    def _show_rows(self) -> None:
        p = self.prepared
        self.preview_model.set_rows(p.entries)
        _fit(self.preview)
        self.problems.clear()
        self.problems.addItems([str(x) for x in p.problems])
        self.summary.setText(f"共读出{len(p.entries)}家企业，{len(p.problems)}处问题")
        self.import_button.setEnabled(not p.problems and bool(p.entries))

    def do_import(self) -> None:
        from core.lists import service

        store, p = self.ctx.store, self.prepared

        def done(result):
            self.result_id = result[0]
            self.accept()

        _change(self, "导入名单", lambda: service.import_list(store, p), done, progress=True)
