"""政策沙盘: three tabs — 沙盘 (a scenario beside the policy as it stands), 预算测算 (committed and expected
outlays) and 政策效益 (funded companies against the rest). The work runs off the GUI thread
(gui.operations) with progress and cancel; tables are model/view; charts are QtCharts.

QtCharts is imported when this page is first shown, not at start-up.
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
        self.forecast = ForecastTab(ctx)
        self.effect = EffectTab(ctx)
        self.tabs.addTab(self.scenario, "沙盘")
        self.tabs.addTab(self.forecast, "预算测算")
        self.tabs.addTab(self.effect, "政策效益")
        note = QLabel("测算只读取数据，不修改参数调整、批次和兑现通知书；金额为测算值，不作为拨付依据。")
        note.setStyleSheet("color: #555555;")
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.tabs, 1)

    def activated(self) -> None:
        self.scenario.refresh_batches()
