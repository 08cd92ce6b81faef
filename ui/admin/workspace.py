"""The administrator's workspace: one tab per job."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desk_app.services.counter import SignedIn
from ui.admin.counter_state import CounterStatePanel
from ui.admin.export import ExportPanel
from ui.admin.operators import OperatorsPanel
from ui.admin.roster_import import RosterImportPanel
from ui.admin.statistics import StatisticsScreen
from ui.context import Services


class AdminWorkspace(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roster_import = RosterImportPanel(services)
        self.export = ExportPanel(services)
        self.counter_state = CounterStatePanel(services)
        self.operators = OperatorsPanel(services)
        self.statistics = StatisticsScreen(services)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.roster_import, self.tr("Roster import"))
        self.tabs.addTab(self.export, self.tr("Export"))
        self.tabs.addTab(self.counter_state, self.tr("Counter and sync"))
        self.tabs.addTab(self.operators, self.tr("Operators"))
        self.tabs.addTab(self.statistics, self.tr("Statistics"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def panels(self) -> tuple[QWidget, ...]:
        return (self.roster_import, self.export, self.counter_state, self.operators,
                self.statistics)  # fmt: skip

    def set_operator(self, operator: SignedIn | None) -> None:
        for panel in (self.roster_import, self.export, self.counter_state, self.operators,
                      self.statistics):  # fmt: skip
            panel.set_operator(operator)
