"""The composition root: the one place that turns settings into a database and services.

The command line and the GUI both start here, so a counter behaves the same whichever way it is
driven. Nothing else constructs engines or services from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk_app.config import Settings
from desk_app.domain.tickets import TicketLayout
from desk_app.domain.workflow import Method
from desk_app.persistence.database import Database
from desk_app.services.faces import FaceRegistry
from desk_app.services.tickets import TicketPolicy
from desk_app.services.workflow import WorkflowService, Workstation
from desk_app.vision.engines import ENGINES


@dataclass
class Application:
    settings: Settings
    database: Database
    workstation: Workstation
    tickets: TicketPolicy
    workflow: WorkflowService
    faces: FaceRegistry

    @property
    def ticket_layout(self) -> TicketLayout:
        return self.tickets.layout

    def close(self) -> None:
        self.database.close()


def workstation_from(settings: Settings) -> Workstation:
    counter = settings.counter
    return Workstation(
        site_id=counter.site_id,
        counter_id=counter.counter_id,
        method=Method(counter.method),
        exam_areas=counter.exam_areas,
        tutoring_unit=counter.tutoring_unit or None,
    )


def build_application(
    settings: Settings, *, upgrade: bool = True, today: date | None = None
) -> Application:
    """Open (and by default upgrade) the database and wire the services to it."""
    database = Database.open(
        settings.database_url,
        busy_timeout_ms=settings.database.busy_timeout_ms,
        upgrade=upgrade,
    )
    workstation = workstation_from(settings)
    tickets = TicketPolicy(
        layout=settings.tickets.layout(today),
        site_id=workstation.site_id,
        counter_id=workstation.counter_id,
        block_size=settings.tickets.block_size,
    )
    engine = settings.faces.engine
    engine_class = ENGINES[engine]
    faces = FaceRegistry(
        database,
        engine,
        engine_class.model_version,
        settings.thresholds_for(engine).live_ephoto,
        engine_class.metric,
    )
    return Application(
        settings=settings,
        database=database,
        workstation=workstation,
        tickets=tickets,
        workflow=WorkflowService(database, workstation, tickets, faces),
        faces=faces,
    )
