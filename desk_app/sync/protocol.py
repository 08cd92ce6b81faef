"""What a counter and the central side say to each other: scopes, ticket block grants, answers
to events, candidate snapshots, and the errors of synchronisation.

Plain values with no database behind them; the event itself is ``domain.sync_events``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from desk_app.domain.decisions import Scope
from desk_app.domain.errors import DeskError
from desk_app.domain.sync_events import EventOutcome, TransitionEvent
from desk_app.persistence.models import Candidate

# Columns a counter pulls: everything of the candidate but the central row id.
PULLED_COLUMNS = tuple(
    column.name for column in Candidate.__table__.columns if column.name not in ("id",)
)

# What a counter pulls of its site's operators (the hash lets them sign in offline).
PULLED_OPERATOR_COLUMNS = ("id", "display_name", "role", "tutoring_unit", "password_hash", "active")


def masked_url(url: str) -> str:
    """A URL fit for a message or a log: any password in it replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"


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

    def contains(self, candidate: Candidate) -> bool:
        if self.tutoring_unit:
            return candidate.tutoring_unit == self.tutoring_unit
        return candidate.exam_area in self.exam_areas

    def as_rule_scope(self) -> Scope:
        """The scope as the decision rule takes it."""
        return Scope(self.exam_areas, self.tutoring_unit)

    @property
    def areas_text(self) -> str:
        return ",".join(self.exam_areas)


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


def wire_entry(entry: Any) -> dict[str, Any]:
    """An audit entry (a counter's ``AuditEntry`` row) as it travels."""
    return {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


def candidate_values(central: dict[str, Any]) -> dict[str, Any]:
    """A central snapshot (JSON values) as column values for the local candidate row."""
    values = {name: central[name] for name in PULLED_COLUMNS if name in central}
    for name in ("state_changed_at", "imported_at", "updated_at"):
        if isinstance(values.get(name), str):
            values[name] = datetime.fromisoformat(values[name])
    if isinstance(values.get("birth_date"), str):
        values["birth_date"] = date.fromisoformat(values["birth_date"])
    return values


def candidate_snapshot(candidate: Candidate) -> dict[str, Any]:
    """The pulled columns of a candidate as JSON-ready values."""
    return {name: json_value(getattr(candidate, name)) for name in PULLED_COLUMNS}


class AuditHeldError(SyncError):
    """The counter's audit history was rewritten; its events wait for an administrator."""

    code = "audit.held"


class RefusedEventError(SyncError):
    """An event the central rules refuse (its ``code`` says which rule)."""

    code = "sync.refused"


class CentralPort(Protocol):
    """What a counter's syncer needs of the central side: the sync service over HTTPS
    (``sync.client``), or a stand-in in tests. ``counter_id`` is the caller's own; the service
    takes it from the request's signature and ignores the argument."""

    def blocks(self, counter_id: str, series: str) -> list[BlockGrant]: ...

    def lease_block(
        self, site_id: str, counter_id: str, series: str, size: int, max_sequence: int
    ) -> BlockGrant: ...

    def apply_events(
        self, counter_id: str, events: Sequence[TransitionEvent]
    ) -> list[EventAnswer]: ...

    def send_audit(
        self, counter_id: str, entries: Sequence[dict[str, Any]], head: tuple[int, str]
    ) -> tuple[int, str]:
        """Audit entries the central side does not hold yet, and the counter's own head (the
        central side checks the history did not go back or change); the central head after."""
        ...

    def count_changes(self, counter_id: str, after: int) -> int: ...

    def changes(
        self, counter_id: str, after: int, limit: int
    ) -> tuple[CounterScope, list[dict[str, Any]]]: ...

    def registered_photo_checksums(
        self, registration_ids: Sequence[str]
    ) -> set[tuple[str, str]]: ...

    def registered_photos(
        self, wanted: set[tuple[str, str]]
    ) -> list[tuple[str, str, str, bytes]]: ...

    def report_pulled(self, counter_id: str, through: int) -> None: ...

    def site_operators(self, counter_id: str) -> list[dict[str, Any]]:
        """The operators of the counter's site, with their password hashes."""
        ...

    def blocklist_changes(self, counter_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        """Blocklist entries added or removed centrally after change ``after`` (``sync.blocklist``
        wire form), oldest change first."""
        ...

    def share_blocklist(
        self, counter_id: str, entries: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Entries this counter's supervisors added; one answer per entry."""
        ...

    def end_cycle(self) -> None:
        """A sync cycle ended: let go of idle connections."""

    def close(self) -> None: ...
