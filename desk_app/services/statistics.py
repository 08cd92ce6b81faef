"""How a day went: decisions per hour, counter, operator, outcome, reason, method and exam area;
throughput, median handling time, referral rate and the face distances of every comparison.

One query over the day's transitions (joined to the candidate for the exam area), figures
computed in Python: 10^4 decisions take well under a second (``bench/report.py``). The same
function reads a counter database and the central one (they share the mappings), so
``desk-app report daily`` and ``desk-app central report`` give the same figures. Nothing here
names a candidate: the figures are counts, times and distances.

Definitions (the report and the screen print them too):
- a *decision* is one transition (confirm, refer, approve, reject, revoke);
- a *first-line decision* is one taken on a pre-registered record (confirm, refer or reject at
  the counter or by a tutoring unit); the *referral rate* is referrals over first-line
  decisions;
- *throughput* is first-line decisions per hour in which the counter decided at all (a counter
  open from 9 to 12 with a one-hour lunch is judged on its open hours);
- *handling time* runs from the card placed (or the document typed in) to the decision, as the
  counter records it in the decision's evidence (``case_started_at``); decisions without it
  (typed at the command line, older versions) are left out of the median and counted apart.
"""

from __future__ import annotations

import statistics as pystatistics
import time as time_module
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.errors import PermissionDeniedError
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Action, CandidateState, Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Operator, Transition

# Who may see the figures: they name operators and counters, not candidates.
STATISTICS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
# The evidence key the counter writes when a case starts (card placed or document typed in).
CASE_STARTED_KEY = "case_started_at"
# A handling time longer than this is a case left open over a break, not handling.
LONGEST_HANDLING = timedelta(hours=2)
# Histogram bins for face distances (both engines' distances lie in [0, 1.2]).
DISTANCE_BIN_WIDTH = 0.05
DISTANCE_RANGE = (0.0, 1.2)
COMPARISONS = ("live_card", "live_ephoto", "card_ephoto")
_BATCH = 200  # rows fetched at a time (see decision_records)


@dataclass(frozen=True)
class DecisionRecord:
    """One transition as the statistics see it (no names, no numbers)."""

    occurred_at: datetime  # China time
    site_id: str
    counter_id: str
    operator_id: str
    action: str
    from_state: str
    to_state: str
    reason_code: str | None
    method: str
    exam_area: str
    handling_seconds: float | None
    distances: dict[str, float]  # comparison -> distance, only those computed
    visit_reason: str | None = None  # why the candidate came (VisitReason), when recorded


@dataclass(frozen=True)
class Histogram:
    """Counts per bin of width ``width`` from ``start``; values beyond the range go to the
    first or last bin."""

    start: float
    width: float
    counts: tuple[int, ...]

    def edges(self) -> list[float]:
        return [round(self.start + index * self.width, 4) for index in range(len(self.counts) + 1)]


@dataclass(frozen=True)
class DistanceSummary:
    comparison: str
    count: int
    median: float | None
    p90: float | None
    histogram: Histogram


@dataclass(frozen=True)
class DailyStatistics:
    day: date
    scope: str  # "counter" or "central"
    decisions: int
    first_line: int
    referrals: int
    by_hour: dict[int, int]
    by_counter: dict[str, int]
    by_operator: dict[str, int]
    by_outcome: dict[str, int]  # action -> count
    by_reason: dict[str, int]
    by_method: dict[str, int]
    by_exam_area: dict[str, int]
    active_hours: int
    handling_seconds: tuple[float, ...]  # sorted
    without_handling_time: int
    distances: tuple[DistanceSummary, ...]
    # Per counter: first-line decisions, referrals, median handling time (central report).
    counters: tuple[CounterFigures, ...] = field(default_factory=tuple)
    # First-line decisions per reason of visit (VisitReason values; "" where none was recorded).
    by_visit_reason: dict[str, int] = field(default_factory=dict)

    @property
    def referral_rate(self) -> float | None:
        return self.referrals / self.first_line if self.first_line else None

    @property
    def throughput_per_hour(self) -> float | None:
        return self.first_line / self.active_hours if self.active_hours else None

    @property
    def median_handling_seconds(self) -> float | None:
        return pystatistics.median(self.handling_seconds) if self.handling_seconds else None


@dataclass(frozen=True)
class CounterFigures:
    site_id: str
    counter_id: str
    decisions: int
    first_line: int
    referrals: int
    active_hours: int
    median_handling_seconds: float | None

    @property
    def referral_rate(self) -> float | None:
        return self.referrals / self.first_line if self.first_line else None

    @property
    def throughput_per_hour(self) -> float | None:
        return self.first_line / self.active_hours if self.active_hours else None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A China day as aware datetimes [start, end)."""
    start = datetime.combine(day, time.min, tzinfo=CHINA_TIME)
    return start, start + timedelta(days=1)


def _parse_started(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        started = datetime.fromisoformat(value)
    except ValueError:
        return None
    return started if started.tzinfo is not None else None


def _handling_seconds(occurred_at: datetime, evidence: dict[str, Any]) -> float | None:
    started = _parse_started(evidence.get(CASE_STARTED_KEY))
    if started is None:
        return None
    elapsed = occurred_at - started
    if elapsed < timedelta(0) or elapsed > LONGEST_HANDLING:
        return None
    return elapsed.total_seconds()


def _distances(scores: dict[str, Any]) -> dict[str, float]:
    found: dict[str, float] = {}
    per_comparison = scores.get("scores")
    if not isinstance(per_comparison, dict):
        return found
    for comparison, score in per_comparison.items():
        if isinstance(score, dict):
            distance = score.get("distance")
            if isinstance(distance, int | float) and not isinstance(distance, bool):
                found[str(comparison)] = float(distance)
    return found


def decision_records(session: Session, start: datetime, end: datetime) -> Iterator[DecisionRecord]:
    """Every transition in [start, end), oldest first, fetched a batch at a time."""
    query = (
        select(
            Transition.occurred_at,
            Transition.site_id,
            Transition.counter_id,
            Transition.operator_id,
            Transition.action,
            Transition.from_state,
            Transition.to_state,
            Transition.reason_code,
            Transition.visit_reason,
            Transition.method,
            Transition.evidence,
            Transition.scores,
            Candidate.exam_area,
        )
        .join(Candidate, Candidate.id == Transition.candidate_id)
        .where(Transition.occurred_at >= start, Transition.occurred_at < end)
        .order_by(Transition.occurred_at, Transition.id)
        .execution_options(yield_per=_BATCH)
    )
    for batch in session.execute(query).partitions():
        # The driver fetches a batch without letting go of the GIL: a pause between batches lets
        # the GUI thread run while a screen's figures are computed (bench/report.py: the longest
        # GUI gap fell from ~300 ms to ~15 ms at 10^4 decisions).
        time_module.sleep(0)
        yield from (_record(row) for row in batch)


def _record(row: Any) -> DecisionRecord:
    occurred_at = row.occurred_at
    return DecisionRecord(
        occurred_at=occurred_at.astimezone(CHINA_TIME),
        site_id=row.site_id,
        counter_id=row.counter_id,
        operator_id=row.operator_id,
        action=row.action,
        from_state=row.from_state,
        to_state=row.to_state,
        reason_code=row.reason_code,
        method=row.method,
        exam_area=row.exam_area,
        handling_seconds=_handling_seconds(occurred_at, row.evidence or {}),
        distances=_distances(row.scores or {}),
        visit_reason=row.visit_reason,
    )


def histogram(
    values: Iterable[float],
    *,
    width: float = DISTANCE_BIN_WIDTH,
    value_range: tuple[float, float] = DISTANCE_RANGE,
) -> Histogram:
    low, high = value_range
    bins = round((high - low) / width)
    counts = [0] * bins
    for value in values:
        index = int((value - low) // width)
        counts[min(max(index, 0), bins - 1)] += 1
    return Histogram(low, width, tuple(counts))


def _percentile(ordered: Sequence[float], fraction: float) -> float | None:
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _is_first_line(record: DecisionRecord) -> bool:
    return record.from_state == CandidateState.PRE_REGISTERED.value and record.action in (
        Action.CONFIRM.value,
        Action.REFER.value,
        Action.REJECT.value,
    )


def _sorted_counts(counter: Counter[Any]) -> dict[Any, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))))


@dataclass
class _Tally:
    """Running counts for one group of decisions (the day, or one counter)."""

    decisions: int = 0
    first_line: int = 0
    referrals: int = 0
    active_hours: set[int] = field(default_factory=set)
    handling: list[float] = field(default_factory=list)
    without_handling_time: int = 0

    def add(self, record: DecisionRecord) -> None:
        self.decisions += 1
        if not _is_first_line(record):
            return
        self.first_line += 1
        self.referrals += record.action == Action.REFER.value
        self.active_hours.add(record.occurred_at.hour)
        if record.handling_seconds is None:
            self.without_handling_time += 1
        else:
            self.handling.append(record.handling_seconds)


def summarise(
    records: Iterable[DecisionRecord], day: date, *, scope: str = "counter"
) -> DailyStatistics:
    """The day's figures from its decisions, in one pass (see the module docstring for the
    definitions). Only counts and numbers are kept, never the records: a day of 10^4 decisions
    leaves few objects behind, so computing it does not set off long garbage collections that
    would stall the GUI thread too."""
    day_tally = _Tally()
    counters: dict[tuple[str, str], _Tally] = {}
    by_hour: Counter[int] = Counter()
    by_counter: Counter[str] = Counter()
    by_operator: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    by_method: Counter[str] = Counter()
    by_exam_area: Counter[str] = Counter()
    by_visit_reason: Counter[str] = Counter()
    distance_values: dict[str, list[float]] = {name: [] for name in COMPARISONS}
    for record in records:
        day_tally.add(record)
        key = (record.site_id, record.counter_id)
        tally = counters.get(key)
        if tally is None:
            tally = counters[key] = _Tally()
        tally.add(record)
        by_hour[record.occurred_at.hour] += 1
        by_counter[f"{record.site_id}/{record.counter_id}"] += 1
        by_operator[record.operator_id] += 1
        by_outcome[record.action] += 1
        if record.reason_code:
            by_reason[record.reason_code] += 1
        by_method[record.method] += 1
        by_exam_area[record.exam_area] += 1
        if _is_first_line(record):
            by_visit_reason[record.visit_reason or ""] += 1
        for comparison, distance in record.distances.items():
            distance_values.setdefault(comparison, []).append(distance)
    summaries = []
    for comparison, values in distance_values.items():
        values.sort()
        summaries.append(
            DistanceSummary(
                comparison=comparison,
                count=len(values),
                median=pystatistics.median(values) if values else None,
                p90=_percentile(values, 0.9),
                histogram=histogram(values),
            )
        )
    return DailyStatistics(
        day=day,
        scope=scope,
        decisions=day_tally.decisions,
        first_line=day_tally.first_line,
        referrals=day_tally.referrals,
        by_hour={hour: by_hour.get(hour, 0) for hour in range(24)},
        by_counter=_sorted_counts(by_counter),
        by_operator=_sorted_counts(by_operator),
        by_outcome=_sorted_counts(by_outcome),
        by_reason=_sorted_counts(by_reason),
        by_method=_sorted_counts(by_method),
        by_exam_area=_sorted_counts(by_exam_area),
        active_hours=len(day_tally.active_hours),
        handling_seconds=tuple(sorted(day_tally.handling)),
        without_handling_time=day_tally.without_handling_time,
        distances=tuple(summaries),
        counters=tuple(
            CounterFigures(
                site_id=site_id,
                counter_id=counter_id,
                decisions=tally.decisions,
                first_line=tally.first_line,
                referrals=tally.referrals,
                active_hours=len(tally.active_hours),
                median_handling_seconds=(
                    pystatistics.median(tally.handling) if tally.handling else None
                ),
            )
            for (site_id, counter_id), tally in sorted(counters.items())
        ),
        by_visit_reason=_sorted_counts(by_visit_reason),
    )


def daily_statistics_in(session: Session, day: date, *, scope: str = "counter") -> DailyStatistics:
    """The figures of one China day from whatever database ``session`` reads."""
    start, end = day_bounds(day)
    return summarise(decision_records(session, start, end), day, scope=scope)


def require_statistics_role(database: Database, operator_id: str) -> None:
    """PermissionDeniedError unless the operator is an active supervisor or administrator (the
    role is read from the database, not taken from a screen)."""
    with database.reading() as uow:
        operator = uow.session.get(Operator, operator_id)
        allowed = (
            operator is not None and operator.active and Role(operator.role) in STATISTICS_ROLES
        )
    if not allowed:
        raise PermissionDeniedError(
            "only supervisors and administrators see the statistics", code="permission.role"
        )


def daily_statistics(database: Database, day: date, *, operator_id: str) -> DailyStatistics:
    """The counter's figures for ``day``, for a supervisor or an administrator."""
    require_statistics_role(database, operator_id)
    with database.reading() as uow:
        return daily_statistics_in(uow.session, day)
