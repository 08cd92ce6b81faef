"""A counter's binding to the central sync service as the status bar and the supervisor see it:
its status, the conflicts waiting for a supervisor, and the events parked aside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from desk_app.domain.errors import NotFoundError, PermissionDeniedError
from desk_app.domain.sync_events import UNACCEPTED, OutboxStatus
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    OutboxEvent,
    SyncBinding,
    SyncConflict,
    utc_now,
)
from desk_app.persistence.repositories import OperatorRepository, TicketRepository
from desk_app.security import audit
from desk_app.sync.protocol import SyncError, masked_url


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: online or not, last success, what waits, what went wrong."""

    counter_id: str
    central: str
    online: bool
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    pending: int
    parked: int
    conflicts: int
    pulled_through: int
    tickets_left: int


def sync_status(database: Database, ticket_series: str) -> SyncStatus | None:
    """The binding's status, or None for a standalone counter."""
    with database.reading() as uow:
        session = uow.session
        binding = session.get(SyncBinding, 1)
        if binding is None:
            return None
        counts: dict[str, int] = dict(
            session.execute(
                select(OutboxEvent.status, func.count())
                .where(OutboxEvent.status.in_(UNACCEPTED))
                .group_by(OutboxEvent.status)
            ).all()
        )
        conflicts = session.execute(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        ).scalar_one()
        tickets_left = TicketRepository(session).remaining(ticket_series, binding.counter_id)
        return SyncStatus(
            counter_id=binding.counter_id,
            central=masked_url(binding.server_url or binding.central_url or ""),
            online=binding.last_attempt_at is not None and not binding.last_error,
            last_attempt_at=binding.last_attempt_at,
            last_success_at=binding.last_success_at,
            last_error=binding.last_error,
            pending=int(counts.get(OutboxStatus.PENDING, 0)),
            parked=int(counts.get(OutboxStatus.PARKED, 0)),
            conflicts=int(conflicts),
            pulled_through=binding.pulled_through,
            tickets_left=tickets_left,
        )


@dataclass(frozen=True)
class ConflictView:
    """A local change the central database refused, with both versions: what the supervisor
    sees (a plain value, safe to hand to another thread)."""

    id: int
    registration_id: str
    event_id: str
    reason_code: str
    message: str
    local_version: dict[str, Any]  # {"event": the refused event}
    central_version: dict[str, Any]  # the record as the central side has it
    detected_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None

    @classmethod
    def of(cls, row: SyncConflict) -> ConflictView:
        return cls(
            id=row.id,
            registration_id=row.registration_id,
            event_id=row.event_id,
            reason_code=row.reason_code,
            message=row.message,
            local_version=dict(row.local_version),
            central_version=dict(row.central_version),
            detected_at=row.detected_at,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by,
        )


def open_conflicts(database: Database) -> list[ConflictView]:
    """Refused local changes with both versions, for the supervisor queue."""
    with database.reading() as uow:
        rows = uow.session.execute(
            select(SyncConflict).where(SyncConflict.resolved_at.is_(None)).order_by(SyncConflict.id)
        ).scalars()
        return [ConflictView.of(row) for row in rows]


def resolve_conflict(
    database: Database, conflict_id: int, supervisor_id: str, note: str = ""
) -> ConflictView:
    """A supervisor has looked at both versions and settled the case (recorded and audited).

    The central decision stands either way; what follows (a revocation, a new decision) is an
    ordinary decision of its own.
    """
    with database.unit_of_work() as uow:
        operator = OperatorRepository(uow.session).get(supervisor_id)
        if operator is None or not operator.active or operator.role != Role.SUPERVISOR:
            raise PermissionDeniedError(
                "only a supervisor settles a sync conflict", code="permission.role"
            )
        conflict = uow.session.get(SyncConflict, conflict_id, with_for_update=True)
        if conflict is None:
            raise NotFoundError(f"no sync conflict {conflict_id}", code="sync.no_conflict")
        if conflict.resolved_at is not None:
            raise SyncError(
                f"sync conflict {conflict_id} was settled by {conflict.resolved_by}",
                code="sync.conflict_settled",
            )
        conflict.resolved_at = utc_now()
        conflict.resolved_by = operator.id
        audit.append(
            uow.session,
            actor=operator.id,
            action="sync.conflict_settled",
            subject=conflict.registration_id,
            details={"conflict": conflict.id, "event_id": conflict.event_id, "note": note},
        )
        settled = ConflictView.of(conflict)
        uow.commit()
    return settled


def parked_events(database: Database) -> Sequence[OutboxEvent]:
    with database.reading() as uow:
        return (
            uow.session.execute(
                select(OutboxEvent)
                .where(OutboxEvent.status == OutboxStatus.PARKED)
                .order_by(OutboxEvent.sequence)
            )
            .scalars()
            .all()
        )
