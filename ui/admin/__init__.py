"""The administrator's workspace (roster import, export, the counter's enrolment and sync state,
operators) and the statistics screen that supervisors and administrators share."""

from ui.admin.statistics import StatisticsScreen
from ui.admin.workspace import AdminWorkspace

__all__ = ["AdminWorkspace", "StatisticsScreen"]
