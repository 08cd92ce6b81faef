"""A central PostgreSQL database and simulated counters (each a SQLite file) for sync tests."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from desk_app.bootstrap import Application
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    Candidate,
    CentralEvent,
    OutboxEvent,
    SyncConflict,
    TicketNumber,
)
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.sync.binding import register_counter
from desk_app.sync.central import CentralDatabase, CounterScope
from desk_app.sync.syncer import PushTransport, Syncer, SyncOptions, direct_push, syncer_for
from tests.support.factories import add_staff, candidate_values, make_application

PERIOD = "271"


def open_central(url: str) -> CentralDatabase:
    central = CentralDatabase.connect(url)
    central.upgrade()
    return central


def seed_roster(
    central: CentralDatabase, count: int, *, areas: tuple[str, ...] = ("A", "B", "C")
) -> list[str]:
    """``count`` pre-registrations spread over ``areas``, written as the roster loader would."""
    database = central.writer_database()
    registration_ids = [f"R{index:06d}" for index in range(count)]
    try:
        with database.unit_of_work() as uow:
            uow.session.execute(
                insert(Candidate),
                [
                    candidate_values(r, exam_area=areas[index % len(areas)])
                    for index, r in enumerate(registration_ids)
                ],
            )
            uow.commit()
    finally:
        database.close()
    return registration_ids


@dataclass
class SimulatedCounter:
    counter_id: str
    app: Application
    central: CentralDatabase
    syncer: Syncer

    def decide(self, action: str, registration_id: str, operator: str = "clerk") -> ChangeSet:
        reason = None if action in ("confirm", "approve") else ReasonCode.OTHER
        decide = getattr(self.app.workflow, action)
        result: ChangeSet = decide(registration_id, operator, Decision(reason=reason))
        return result

    def sync(self) -> None:
        self.syncer.sync_once()

    def states(self) -> dict[str, tuple[str, str | None]]:
        with self.app.database.reading() as uow:
            rows = uow.session.execute(
                select(Candidate.registration_id, Candidate.state, Candidate.ticket_number)
            ).all()
        return {r: (state, ticket) for r, state, ticket in rows}

    def outbox(self) -> Tally[str]:
        with self.app.database.reading() as uow:
            return Tally(uow.session.execute(select(OutboxEvent.status)).scalars())

    def conflicts(self) -> list[SyncConflict]:
        with self.app.database.reading() as uow:
            return list(uow.session.execute(select(SyncConflict)).scalars())

    def issued_numbers(self) -> list[str]:
        with self.app.database.reading() as uow:
            return list(
                uow.session.execute(
                    select(TicketNumber.number).where(TicketNumber.block_id.is_not(None))
                ).scalars()
            )

    def close(self) -> None:
        self.app.close()


def make_counter(
    folder: Path,
    central_url: str,
    counter_id: str,
    *,
    site_id: str = "S1",
    areas: tuple[str, ...] = ("A",),
    tutoring_unit: str | None = None,
    block_size: int = 5,
    low_water_mark: int = 2,
    central: CentralDatabase | None = None,
    transport: PushTransport = direct_push,
    options: SyncOptions | None = None,
) -> SimulatedCounter:
    """A fresh counter database bound to the central one (registered through the real code)."""
    environment = {
        "DESK_APP_TICKETS_BLOCK_SIZE": str(block_size),
        "DESK_APP_TICKETS_LOW_WATER_MARK": str(low_water_mark),
        "DESK_APP_TICKETS_PERIOD": PERIOD,
    }
    url = f"sqlite:///{folder / f'{counter_id}.db'}"
    central = central or open_central(central_url)
    standalone = make_application(url, **environment)
    add_staff(standalone.database)
    register_counter(
        standalone.database,
        central,
        central_url=central_url,
        site_id=site_id,
        counter_id=counter_id,
        scope=CounterScope(areas if tutoring_unit is None else (), tutoring_unit),
    )
    standalone.close()
    app = make_application(url, **environment)
    options = options or SyncOptions(low_water_mark=low_water_mark, push_batch=50)
    syncer = syncer_for(app, central, options=options, push_transport=transport)
    return SimulatedCounter(counter_id, app, central, syncer)


def central_states(central: CentralDatabase) -> dict[str, tuple[str, str | None]]:
    database = Database(central.engine)
    with database.reading() as uow:
        rows = uow.session.execute(
            select(Candidate.registration_id, Candidate.state, Candidate.ticket_number)
        ).all()
    return {r: (state, ticket) for r, state, ticket in rows}


def central_snapshot(central: CentralDatabase) -> dict[str, Any]:
    """Everything a push can change centrally, in a comparable form."""
    database = Database(central.engine)
    with database.reading() as uow:
        session = uow.session
        return {
            "candidates": session.execute(
                select(
                    Candidate.registration_id,
                    Candidate.state,
                    Candidate.ticket_number,
                    Candidate.version,
                    Candidate.change_number,
                ).order_by(Candidate.registration_id)
            ).all(),
            "events": session.execute(
                select(
                    CentralEvent.event_id, CentralEvent.outcome, CentralEvent.reason_code
                ).order_by(CentralEvent.event_id)
            ).all(),
            "numbers": session.execute(
                select(TicketNumber.number, TicketNumber.status).order_by(TicketNumber.number)
            ).all(),
        }


def central_events(central: CentralDatabase) -> list[CentralEvent]:
    database = Database(central.engine)
    with database.reading() as uow:
        return list(uow.session.execute(select(CentralEvent)).scalars())
