"""What a counter and the central side say to each other: scopes, ticket block grants, answers
to events, candidate snapshots, and the errors of synchronisation.

Plain values with no database behind them; the event itself is ``domain.sync_events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desk_app.domain.decisions import Scope
from desk_app.domain.errors import DeskError
from desk_app.domain.sync_events import EventOutcome
from desk_app.persistence.models import Candidate

# Columns a counter pulls: everything of the candidate but the central row id.
PULLED_COLUMNS = tuple(
    column.name for column in Candidate.__table__.columns if column.name not in ("id",)
)


class SyncError(DeskError):
    code = "sync.failed"


class CentralUnavailableError(SyncError):
    """The central database cannot be reached (or the connection broke): try again later."""

    code = "sync.offline"


@dataclass(frozen=True)
class CounterScope:
    """The candidates a counter serves: its exam areas, or its tutoring unit's candidates."""

    exam_areas: tuple[str, ...] = ()
    tutoring_unit: str | None = None

    def __post_init__(self) -> None:
        if bool(self.exam_areas) == bool(self.tutoring_unit):
            raise SyncError(
                "a counter serves either exam areas or one tutoring unit",
                code="sync.bad_scope",
            )

    @classmethod
    def parse(cls, exam_areas: str, tutoring_unit: str | None) -> CounterScope:
        areas = tuple(area.strip() for area in exam_areas.split(",") if area.strip())
        return cls(areas, tutoring_unit or None)

    def as_rule_scope(self) -> Scope:
        """The scope as the decision rule takes it."""
        return Scope(self.exam_areas, self.tutoring_unit)

    @property
    def areas_text(self) -> str:
        return ",".join(self.exam_areas)

    def contains(self, candidate: Candidate) -> bool:
        if self.tutoring_unit:
            return candidate.tutoring_unit == self.tutoring_unit
        return candidate.exam_area in self.exam_areas


@dataclass(frozen=True)
class BlockGrant:
    series: str
    first_sequence: int
    last_sequence: int


@dataclass(frozen=True)
class EventAnswer:
    """The central answer to one event (see ``EventOutcome``)."""

    event_id: str
    outcome: EventOutcome
    reason_code: str | None = None
    message: str = ""
    central_version: dict[str, Any] | None = None


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def candidate_snapshot(candidate: Candidate) -> dict[str, Any]:
    """The pulled columns of a candidate as JSON-ready values."""
    return {name: json_value(getattr(candidate, name)) for name in PULLED_COLUMNS}


class RefusedEventError(SyncError):
    """An event the central rules refuse (its ``code`` says which rule)."""

    code = "sync.refused"
