"""The statistics screen: one day's figures for supervisors and administrators.

The figures are computed on the database worker (``services.statistics``); the GUI thread only
fills labels, two small tables and two charts, which stays far under the 50 ms a frame may take
(``bench/report.py`` measures it with 10^4 decisions).

Charts use pyqtgraph: pure Python on the QtWidgets the app already ships (about 1.5 MB), it
draws bars and step histograms of a few hundred points in well under a millisecond and redraws
on resize without re-computing. QtCharts would need PySide6-Addons (over 150 MB more in the
bundle); matplotlib (about 10 MB plus its font cache) renders through Agg into a pixmap and is
noticeably slower to redraw. The look is plain: flat bars and lines on white, the app's colours.
"""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QDate, QTimer
from PySide6.QtGui import QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.time import china_today
from desk_app.services.counter import SignedIn
from desk_app.services.statistics import DailyStatistics, daily_statistics
from ui.context import Services
from ui.texts import error_text, reason_text, visit_reason_text
from ui.widgets import heading_font

BAR_COLOUR = "#3b6ea5"
COMPARISON_COLOURS = {"live_card": "#3b6ea5", "live_ephoto": "#1e8e3e", "card_ephoto": "#e37400"}

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")


def _number(value: float | None, digits: int = 1, *, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f} %" if percent else f"{value:.{digits}f}"


class Charts:
    """The screen's two charts: decisions per hour, and face distances per comparison. Each is
    built in an event-loop turn of its own (``build_next``): a plot takes 15-30 ms to build,
    twice that while the face worker competes for the GIL."""

    def __init__(self, row: QHBoxLayout, titles: tuple[str, str], axis_width: int) -> None:
        self._row, self._titles, self._axis_width = row, titles, axis_width
        self.hours_bars: pg.BarGraphItem | None = None
        self.distance_curves: dict[str, pg.PlotDataItem] = {}
        self.figures_shown: DailyStatistics | None = None

    @property
    def complete(self) -> bool:
        return self.hours_bars is not None and bool(self.distance_curves)

    def build_next(self) -> None:
        if self.hours_bars is None:
            plot = self._plot(self._titles[0])
            plot.getAxis("bottom").setTicks([[(h, f"{h:02d}") for h in range(0, 24, 2)]])
            self.hours_bars = pg.BarGraphItem(x=list(range(24)), height=[0] * 24, width=0.8,
                                              brush=BAR_COLOUR, pen=None)  # fmt: skip
            plot.addItem(self.hours_bars)
        elif not self.distance_curves:
            plot = self._plot(self._titles[1])
            plot.addLegend(offset=(-10, 10))
            for comparison, colour in COMPARISON_COLOURS.items():
                self.distance_curves[comparison] = plot.plot(
                    [0.0, 1.0], [0], stepMode="center", pen=pg.mkPen(colour, width=2),
                    name=comparison,
                )  # fmt: skip

    def _plot(self, title: str) -> pg.PlotWidget:
        # Without menus: a plot's context menus are built with it otherwise, a third of its cost.
        plot = pg.PlotWidget(title=title, enableMenu=False)
        plot.setMouseEnabled(x=False, y=False)
        plot.getAxis("left").setWidth(self._axis_width)
        self._row.addWidget(plot, 1)
        return plot

    def show_figures(self, figures: DailyStatistics) -> None:
        """Both charts' data (once both are built)."""
        assert self.hours_bars is not None and self.complete
        self.figures_shown = figures
        self.hours_bars.setOpts(height=[figures.by_hour[hour] for hour in range(24)])
        for summary in figures.distances:
            curve = self.distance_curves.get(summary.comparison)
            if curve is not None:
                curve.setData(summary.histogram.edges(), list(summary.histogram.counts))


class StatisticsScreen(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        self.figures: DailyStatistics | None = None
        self.refreshing = self._again = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Statistics"))
        title.setFont(heading_font(14))
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Day")))
        today = china_today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(self.refresh)
        top.addWidget(self.day)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.notice = QLabel()
        layout.addWidget(self.notice)

        summary_box = QGroupBox(self.tr("The day"))
        grid = QGridLayout(summary_box)
        self.values: dict[str, QLabel] = {}
        for index, (key, label) in enumerate(
            (
                ("decisions", self.tr("Decisions")),
                ("first_line", self.tr("First-line decisions")),
                ("referral_rate", self.tr("Referral rate")),
                ("throughput", self.tr("Candidates per hour")),
                ("median_handling", self.tr("Median handling time (s)")),
                ("active_hours", self.tr("Hours with decisions")),
            )
        ):
            name = QLabel(label)
            value = QLabel("—")
            value.setFont(heading_font(16))
            grid.addWidget(name, 0, index)
            grid.addWidget(value, 1, index)
            self.values[key] = value
        layout.addWidget(summary_box)

        # The charts are built when first needed (shown, or given figures), in a turn of their
        # own: building two plots takes about 30 ms that a supervisor's sign-in need not wait for.
        self.charts_row = QHBoxLayout()
        layout.addLayout(self.charts_row, 2)
        self._charts: Charts | None = None

        tables = QHBoxLayout()
        breakdown_box = QVBoxLayout()
        self.breakdown = QComboBox()
        for key, label in (
            ("by_counter", self.tr("By counter")),
            ("by_operator", self.tr("By operator")),
            ("by_outcome", self.tr("By outcome")),
            ("by_reason", self.tr("By reason")),
            ("by_visit_reason", self.tr("By reason of visit")),
            ("by_method", self.tr("By method")),
            ("by_exam_area", self.tr("By exam area")),
        ):
            self.breakdown.addItem(label, key)
        self.breakdown.currentIndexChanged.connect(self._show_breakdown)
        breakdown_box.addWidget(self.breakdown)
        self.breakdown_table = self._table([self.tr("Value"), self.tr("Decisions")])
        breakdown_box.addWidget(self.breakdown_table, 1)
        tables.addLayout(breakdown_box, 1)
        self.distance_table = self._table(
            [self.tr("Comparison"), self.tr("Count"), self.tr("Median"), self.tr("90th percentile")]
        )
        tables.addWidget(self.distance_table, 1)
        layout.addLayout(tables, 1)

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def charts(self) -> Charts:
        if self._charts is None:
            titles = (self.tr("Decisions per hour (China time)"),
                      self.tr("Face distances per comparison"))  # fmt: skip
            # The left axes get a fixed width: left to size themselves, they widen when the
            # first figures bring longer tick labels, and the relayout repaints both charts
            # once more, which doubled the first refresh's time on the GUI thread.
            axis_width = QFontMetrics(self.font()).horizontalAdvance("00000") + 16
            self._charts = Charts(self.charts_row, titles, axis_width)
        return self._charts

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.charts().complete:
            QTimer.singleShot(0, self._build_a_chart)  # after the rest of the screen is painted

    def _build_a_chart(self) -> None:
        charts = self.charts()
        if charts.complete:
            return
        charts.build_next()
        # One plot per event-loop turn, and the figures in a turn of their own after them.
        QTimer.singleShot(0, self._build_a_chart if not charts.complete else self._chart_figures)

    def _chart_figures(self) -> None:
        charts = self.charts()
        if self.figures is not None and charts.complete:
            charts.show_figures(self.figures)

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator
        if operator is not None:
            self.refresh()

    def chosen_day(self) -> date:
        chosen = self.day.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def refresh(self) -> None:
        """Compute the chosen day's figures on the database worker; a request made while one
        runs is served when it ends (the day may have changed meanwhile)."""
        if self.operator is None:
            return
        if self.refreshing:
            self._again = True
            return
        self.refreshing, self._again = True, False
        database, day = self.services.application.database, self.chosen_day()
        operator_id = self.operator.operator_id
        self.services.operations.run(
            lambda: daily_statistics(database, day, operator_id=operator_id),
            on_success=self.show_figures,
            on_failure=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.refreshing = False
        self.notice.setText(error_text(error))
        if self._again:
            self.refresh()

    def show_figures(self, figures: DailyStatistics) -> None:
        """GUI thread: labels, charts and tables from figures already computed."""
        self.refreshing = False
        self.figures = figures
        note = figures.day.isoformat()
        if figures.without_handling_time:
            note = self.tr(
                "{0}: {1} decisions without a recorded handling time are left out of the median."
            ).format(note, figures.without_handling_time)
        self.notice.setText(note)
        self.values["decisions"].setText(str(figures.decisions))
        self.values["first_line"].setText(str(figures.first_line))
        self.values["referral_rate"].setText(_number(figures.referral_rate, percent=True))
        self.values["throughput"].setText(_number(figures.throughput_per_hour))
        self.values["median_handling"].setText(_number(figures.median_handling_seconds))
        self.values["active_hours"].setText(str(figures.active_hours))
        # Before the charts are built (figures can arrive first, on sign-in), the last plot's
        # turn charts them: building both plots and charting them in this turn stalled the GUI.
        self._chart_figures()
        self.distance_table.setRowCount(len(figures.distances))
        for row, summary in enumerate(figures.distances):
            cells = (summary.comparison, str(summary.count), _number(summary.median, 3),
                     _number(summary.p90, 3))  # fmt: skip
            for column, text in enumerate(cells):
                self.distance_table.setItem(row, column, QTableWidgetItem(text))
        self._show_breakdown()
        if self._again:
            self.refresh()

    def _show_breakdown(self) -> None:
        figures = self.figures
        if figures is None:
            return
        key = str(self.breakdown.currentData())
        counts: dict[str, int] = getattr(figures, key)
        self.breakdown_table.setRowCount(len(counts))
        for row, (value, count) in enumerate(counts.items()):
            shown = reason_text(value) if key == "by_reason" else str(value)
            if key == "by_visit_reason":
                shown = visit_reason_text(value)
            self.breakdown_table.setItem(row, 0, QTableWidgetItem(shown))
            self.breakdown_table.setItem(row, 1, QTableWidgetItem(str(count)))
