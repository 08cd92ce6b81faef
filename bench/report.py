"""The daily report and the statistics screen over a day of 10,000 decisions.

1. Building the report: the figures (``services.statistics``) and the PDF and XLSX writers, on a
   SQLite counter file holding a generated day (tests/support/decision_days.py). Target: figures
   plus either file in at most 2 s. Baseline in the same process: a first attempt that loads
   the transitions as ORM objects with their candidates and counts in Python.
2. The statistics screen's refresh: the figures are computed on the database worker while a
   5 ms timer ticks on the GUI thread; the longest gap between ticks is the worst stall a person
   could feel (target: none over 50 ms). The time ``show_figures`` takes on the GUI thread is
   printed apart.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/report.py [--decisions 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desk_app.persistence.models import Transition
from desk_app.reports.daily import daily_pdf, daily_xlsx
from desk_app.services.statistics import daily_statistics, day_bounds
from tests.support.decision_days import plan_day, write_day
from tests.support.factories import add_staff, make_application

DAY = date(2026, 11, 20)


def timed(work: object, runs: int) -> float:
    """Median seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def orm_baseline(application: object) -> dict[str, int]:
    """What a first attempt does: ORM objects, the candidate loaded for each, counts in Python."""
    database = application.database  # type: ignore[attr-defined]
    start, end = day_bounds(DAY)
    with database.reading() as uow:
        transitions = (
            uow.session.execute(
                select(Transition)
                .options(selectinload(Transition.candidate))
                .where(Transition.occurred_at >= start, Transition.occurred_at < end)
            )
            .scalars()
            .all()
        )
        by_area = Counter(t.candidate.exam_area for t in transitions)
        by_hour = Counter(t.occurred_at.hour for t in transitions)
        return {**by_area, **{str(hour): n for hour, n in by_hour.items()}}


def report_timings(application: object, runs: int) -> None:
    database = application.database  # type: ignore[attr-defined]
    figures = daily_statistics(database, DAY, operator_id="super1")
    print(f"decisions in the day: {figures.decisions} ({figures.first_line} first-line)")
    compute = timed(lambda: daily_statistics(database, DAY, operator_id="super1"), runs)
    pdf = timed(lambda: daily_pdf(figures), runs)
    xlsx = timed(lambda: daily_xlsx(figures), runs)
    baseline = timed(lambda: orm_baseline(application), runs)
    print(f"figures (query + summary): {compute * 1000:8.1f} ms")
    print(f"PDF writer:                {pdf * 1000:8.1f} ms  ({len(daily_pdf(figures)):,} bytes)")
    print(f"XLSX writer:               {xlsx * 1000:8.1f} ms  ({len(daily_xlsx(figures)):,} bytes)")
    worst = compute + max(pdf, xlsx)
    print(f"report, figures + file:    {worst * 1000:8.1f} ms  (target ≤ 2000 ms)")
    print(
        f"baseline ORM load + 2 counts: {baseline * 1000:8.1f} ms; "
        f"figures / baseline = {compute / baseline:.2f}"
    )


def screen_timings(application: object, runs: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from desk_app.domain.workflow import Role
    from desk_app.services.counter import CounterQueries, SignedIn
    from ui.admin.statistics import StatisticsScreen
    from ui.context import Services
    from ui.operations import Operations

    app = QApplication.instance() or QApplication([])
    gc.freeze()  # as the counter does once started (ui.app.warm_up)
    operations = Operations()
    queries = CounterQueries(application.database, application.workstation)  # type: ignore[attr-defined]
    services = Services(application, queries, operations, None)  # type: ignore[arg-type]
    screen = StatisticsScreen(services)
    screen.resize(1400, 900)
    screen.show()
    from PySide6.QtCore import QDate

    screen.day.blockSignals(True)
    screen.day.setDate(QDate(DAY.year, DAY.month, DAY.day))
    screen.day.blockSignals(False)
    screen.operator = SignedIn("super1", "super1", Role.SUPERVISOR)

    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(5)

    def tick() -> None:
        gaps.append(clock.restart())

    ticker.timeout.connect(tick)

    def watch(until: object) -> float:
        """The longest gap between 5 ms ticks until ``until()`` is true, then 100 ms more (the
        repaint after the update happens under the ticker too)."""
        gaps.clear()
        clock.start()
        ticker.start()
        while not until():  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.001)
        settle = time.perf_counter() + 0.1
        while time.perf_counter() < settle:
            app.processEvents()
            time.sleep(0.001)
        ticker.stop()
        return max(gaps) if gaps else 0.0

    # The screen's first showing (its charts are built in a turn of their own), then the
    # machine's own noise in the same process: the ticker with nothing else running.
    shown_until = time.perf_counter() + 0.3
    first_shown = watch(lambda: time.perf_counter() > shown_until)
    idle_until = time.perf_counter() + 1.0
    idle = watch(lambda: time.perf_counter() > idle_until)

    def refreshed() -> float:
        screen.figures = None
        screen.refresh()
        return watch(lambda: screen.figures is not None)

    cold = refreshed()
    warm = [refreshed() for _ in range(runs)]
    paint_times = []
    for _ in range(runs):
        figures = screen.figures
        start = time.perf_counter()
        screen.show_figures(figures)  # type: ignore[arg-type]
        app.processEvents()
        paint_times.append((time.perf_counter() - start) * 1000)
    print(f"statistics screen, first shown: longest GUI gap {first_shown:.0f} ms")
    print(f"GUI gap with nothing running (machine noise): {idle:.0f} ms")
    print(f"statistics screen, first refresh: longest GUI gap {cold:.0f} ms")
    print(
        f"statistics screen, refreshes: longest GUI gap {max(warm):.0f} ms, median "
        f"{statistics.median(warm):.0f} ms (target ≤ 50 ms); per run: "
        + ", ".join(f"{gap:.0f}" for gap in warm)
    )
    print(f"show_figures on the GUI thread: median {statistics.median(paint_times):.1f} ms")
    operations.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        application = make_application(f"sqlite:///{Path(folder) / 'counter.db'}")
        add_staff(application.database)
        start = time.perf_counter()
        write_day(application.database, plan_day(DAY, arguments.decisions))
        print(f"generated {arguments.decisions:,} decisions in {time.perf_counter() - start:.1f} s")
        report_timings(application, arguments.runs)
        screen_timings(application, arguments.runs)
        application.close()


if __name__ == "__main__":
    main()
