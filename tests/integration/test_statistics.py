"""The day's figures against a generated database whose counts are known from its plan."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import date

import pytest

from desk_app.bootstrap import Application
from desk_app.domain.errors import PermissionDeniedError
from desk_app.services.statistics import daily_statistics, histogram
from tests.support.decision_days import PlannedDay, plan_day, write_day
from tests.support.factories import add_staff, make_application

DAY = date(2026, 11, 20)


@pytest.fixture
def day_app(database_url: str) -> Iterator[tuple[Application, PlannedDay]]:
    app = make_application(database_url)
    add_staff(app.database)
    plan = plan_day(DAY, 400)
    write_day(app.database, plan)
    yield app, plan
    app.close()


def test_figures_match_the_plan(day_app: tuple[Application, PlannedDay]) -> None:
    app, plan = day_app
    figures = daily_statistics(app.database, DAY, operator_id="super1")

    assert figures.decisions == len(plan.decisions)
    assert figures.first_line == len(plan.first_line()) == 400
    assert figures.referrals == plan.referrals()
    assert figures.referral_rate == pytest.approx(plan.referrals() / 400)
    assert figures.by_hour == plan.by_hour()
    assert sum(figures.by_hour.values()) == len(plan.decisions)
    assert figures.by_counter == {
        f"{site}/{counter}": n
        for (site, counter), n in _pairs(plan).items()  # site/counter labels
    }
    assert figures.by_operator == plan.count_by("operator_id")
    assert figures.by_outcome == plan.count_by("action")
    assert figures.by_method == plan.count_by("method")
    assert figures.by_exam_area == plan.count_by("exam_area")
    reasons = {k: v for k, v in plan.count_by("reason_code").items() if k != "None"}
    assert figures.by_reason == reasons
    assert figures.active_hours == plan.active_hours() == 10
    assert figures.throughput_per_hour == pytest.approx(400 / 10)
    assert figures.median_handling_seconds == pytest.approx(plan.median_handling())
    assert figures.without_handling_time == 40  # one in ten has no case start recorded
    by_comparison = {summary.comparison: summary for summary in figures.distances}
    for comparison in ("live_card", "live_ephoto", "card_ephoto"):
        values = plan.distances(comparison)
        summary = by_comparison[comparison]
        assert summary.count == len(values)
        assert summary.median == pytest.approx(statistics.median(values))
        assert sum(summary.histogram.counts) == len(values)
    assert by_comparison["card_ephoto"].count == 100  # one decision in four compared those


def _pairs(plan: PlannedDay) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for decision in plan.decisions:
        key = (decision.site_id, decision.counter_id)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_per_counter_figures(day_app: tuple[Application, PlannedDay]) -> None:
    app, plan = day_app
    figures = daily_statistics(app.database, DAY, operator_id="admin")
    by_counter = {figure.counter_id: figure for figure in figures.counters}
    assert set(by_counter) == {"C1", "C2", "C7"}
    for counter_id, figure in by_counter.items():
        mine = [d for d in plan.first_line() if d.counter_id == counter_id]
        assert figure.first_line == len(mine)
        assert figure.referrals == sum(d.action == "refer" for d in mine)
        assert figure.median_handling_seconds == pytest.approx(
            statistics.median(d.handling_seconds for d in mine if d.handling_seconds is not None)
        )


def test_a_day_without_decisions_has_no_rates(day_app: tuple[Application, PlannedDay]) -> None:
    app, _ = day_app
    figures = daily_statistics(app.database, date(2026, 11, 25), operator_id="super1")
    assert figures.decisions == 0
    assert figures.referral_rate is None
    assert figures.throughput_per_hour is None
    assert figures.median_handling_seconds is None


def test_clerks_do_not_see_the_statistics(day_app: tuple[Application, PlannedDay]) -> None:
    app, _ = day_app
    with pytest.raises(PermissionDeniedError):
        daily_statistics(app.database, DAY, operator_id="clerk")


def test_histogram_bins_and_clamps() -> None:
    counts = histogram([0.0, 0.049, 0.05, 1.19, 5.0, -1.0]).counts
    assert counts[0] == 3  # 0.0, 0.049 and the negative value
    assert counts[1] == 1
    assert counts[-1] == 2  # 1.19 and the value beyond the range
    assert sum(counts) == 6
