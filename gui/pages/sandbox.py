"""政策沙盘: three tabs — 沙盘 (a scenario beside the policy as it stands), 预算测算 (committed and expected
outlays) and 政策效益 (funded companies against the rest). The work runs off the GUI thread
(gui.operations) with progress and cancel; tables are model/view; charts are QtCharts.

QtCharts is imported when this page is first shown, not at start-up. 预算测算 and 政策效益 are built when
their tab is first chosen (or asked for): the page's first showing builds only what it shows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from gui.sandbox.effect import EffectTab
from gui.sandbox.forecast import ForecastTab
from gui.sandbox.scenario import ScenarioTab


class SandboxPage(QWidget):
    def __init__(self, ctx, window):
        super().__init__()
        self.ctx, self.window = ctx, window
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sandbox-tabs")
        self.scenario = ScenarioTab(ctx)
        self.tabs.addTab(self.scenario, "沙盘")
        self._later = {}  # tab index -> (holder, build): the tabs not built yet
        for title, build in (("预算测算", ForecastTab), ("政策效益", EffectTab)):
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._later[self.tabs.addTab(holder, title)] = (holder, build)
        self._built: dict[int, QWidget] = {}
        self.tabs.currentChanged.connect(self._tab)
        note = QLabel("测算只读取数据，不修改参数调整、批次和兑现通知书；金额为测算值，不作为拨付依据。")
        note.setStyleSheet("color: #555555;")
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.tabs, 1)

    def _tab(self, index: int) -> QWidget | None:
        """The widget of tab ``index``, built into its place the first time."""
        if index == 0:
            return self.scenario
        if index not in self._built and index in self._later:
            holder, build = self._later.pop(index)
            self._built[index] = build(self.ctx)
            holder.layout().addWidget(self._built[index])
        return self._built.get(index)

    @property
    def forecast(self) -> ForecastTab:
        return self._tab(1)

    @property
    def effect(self) -> EffectTab:
        return self._tab(2)

    def activated(self) -> None:
        self.scenario.refresh_batches()
