"""The composition root: the one place that turns settings into a database and services.

The command line and the GUI both start here, so a counter behaves the same whichever way it is
driven. Nothing else constructs engines or services from settings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from desk_app.config import Settings, default_key_folder
from desk_app.domain.errors import ConfigError
from desk_app.domain.tickets import TicketLayout
from desk_app.domain.visits import Checklists
from desk_app.domain.workflow import Method
from desk_app.idcard.camera_reader import CardImageReader
from desk_app.idcard.documents import DocumentReader
from desk_app.persistence.database import Database
from desk_app.persistence.models import SyncBinding
from desk_app.security.keys import KeyStore, key_store
from desk_app.security.operators import SignInPolicy
from desk_app.services.encryption import open_database
from desk_app.services.faces import FaceRegistry
from desk_app.services.tickets import TicketPolicy
from desk_app.services.visits import checklists_or_default, default_checklists
from desk_app.services.workflow import WorkflowService, Workstation
from desk_app.sync.protocol import CentralPort, SyncError
from desk_app.sync.syncer import PushTransport, Syncer, SyncOptions, direct_push
from desk_app.vision.engines import ENGINES, FaceEngine, load_engine
from desk_app.vision.images import configure_image_limits

if TYPE_CHECKING:
    from desk_app.sync.client import CentralClient


@dataclass
class Application:
    settings: Settings
    database: Database
    workstation: Workstation
    tickets: TicketPolicy
    workflow: WorkflowService
    faces: FaceRegistry
    # Set when the database is bound to a central one (desk-app counter register): then the
    # binding decides the site, counter and scope, and ticket blocks come from the central side.
    binding: SyncBinding | None = None
    # Reads ID cards held up to the camera; its OCR models load on first use (or warm_up()).
    card_images: CardImageReader = field(default_factory=CardImageReader)
    # Straightens supporting documents' pages and reads certification reports' codes.
    document_reader: DocumentReader = field(default_factory=DocumentReader)
    # The evidence checklists per reason of visit; a broken province file leaves the shipped
    # set in place and its coded error here, for the counter to show.
    checklists: Checklists = field(default_factory=default_checklists)
    checklists_error: ConfigError | None = None

    @property
    def sign_in_policy(self) -> SignInPolicy:
        privacy = self.settings.privacy
        return SignInPolicy(
            max_failures=privacy.max_sign_in_failures,
            backoff_s=privacy.sign_in_backoff_s,
            lockout=timedelta(minutes=privacy.lockout_minutes),
        )

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
        liveness_at_counters=settings.liveness.at_counters,
    )


def build_application(
    settings: Settings, *, upgrade: bool = True, today: date | None = None
) -> Application:
    """Open (and by default upgrade) the database and wire the services to it."""
    configure_image_limits(settings.privacy.max_image_pixels)
    database = open_database(
        settings.database_url,
        key_store_for(settings),
        encrypt_new=settings.privacy.encrypt_database,
        busy_timeout_ms=settings.database.busy_timeout_ms,
        upgrade=upgrade,
    )
    binding = _binding(database)
    workstation = workstation_from(settings)
    if binding is not None:
        workstation = dataclasses.replace(
            workstation,
            site_id=binding.site_id,
            counter_id=binding.counter_id,
            exam_areas=tuple(area for area in binding.exam_areas.split(",") if area),
            tutoring_unit=binding.tutoring_unit,
        )
    tickets = TicketPolicy(
        layout=settings.tickets.layout(today),
        site_id=workstation.site_id,
        counter_id=workstation.counter_id,
        block_size=settings.tickets.block_size,
        grant_locally=binding is None,
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
    checklists, checklists_error = checklists_or_default(settings.visits.checklists_file)
    return Application(
        settings=settings,
        database=database,
        workstation=workstation,
        tickets=tickets,
        workflow=WorkflowService(database, workstation, tickets, faces, outbox=binding is not None),
        faces=faces,
        binding=binding,
        checklists=checklists,
        checklists_error=checklists_error,
    )


def key_store_for(settings: Settings) -> KeyStore:
    """Where this machine keeps database keys: ``[privacy] key_file``, else the OS keystore,
    else 0600 files in the user's config folder."""
    privacy = settings.privacy
    return key_store(
        key_file=privacy.key_file,
        use_keystore=privacy.keystore,
        key_folder=default_key_folder(),
    )


def _binding(database: Database) -> SyncBinding | None:
    """The central binding, if any (a database not yet upgraded has no table for it)."""
    try:
        with database.reading() as uow:
            return uow.session.get(SyncBinding, 1)
    except SQLAlchemyError:
        return None


def load_face_engine(name: str) -> FaceEngine:
    """A face engine by its configured name. Engines are not thread-safe: call this on the
    thread that will use the engine (each worker builds its own)."""
    return load_engine(name)


def syncer_for(
    application: Application,
    central: CentralPort,
    *,
    options: SyncOptions | None = None,
    push_transport: PushTransport = direct_push,
) -> Syncer:
    """The syncer of a bound counter, with the low-water mark from its settings."""
    binding = _require_binding(application)
    options = options or SyncOptions(low_water_mark=application.settings.tickets.low_water_mark)
    return Syncer(
        application.database,
        central,
        binding,
        application.tickets,
        options,
        push_transport=push_transport,
    )


def connect_central(application: Application, *, timeout_s: float = 30.0) -> CentralClient:
    """The signed HTTPS client of the sync service this counter is enrolled with.

    A counter bound the old way (directly to the central database) is told to enrol: counters
    never connect to the central database any more.
    """
    # Imported here: HTTPS (httpx) and its TLS set-up are for enrolled counters when they sync,
    # not for every start.
    from desk_app.sync.client import CentralClient
    from desk_app.sync.signing import load_private_key
    from desk_app.sync.tls import client_context

    binding = _require_binding(application)
    if not binding.server_url:
        raise SyncError(
            "this counter was bound directly to the central database, which is no longer "
            "allowed: enrol it with the sync service ('desk-app counter enrol'); its waiting "
            "decisions are kept and sent then",
            code="sync.enrol_required",
        )
    key_file = Path(binding.key_file or "")
    try:
        key = load_private_key(key_file.read_bytes())
    except OSError as error:
        raise SyncError(
            f"this counter's key ({key_file}) cannot be read: enrol the counter again",
            code="sync.key_missing",
        ) from error
    return CentralClient(
        binding.server_url,
        binding.counter_id,
        key,
        client_context(pinned_certificate=binding.server_certificate, ca_file=binding.ca_file),
        timeout_s=timeout_s,
    )


def connect_syncer(
    application: Application,
    *,
    options: SyncOptions | None = None,
    timeout_s: float = 30.0,
) -> Syncer:
    """The syncer of an enrolled counter, talking to its sync service."""
    return syncer_for(
        application, connect_central(application, timeout_s=timeout_s), options=options
    )


def default_key_file(database_url: str) -> Path:
    """Where an enrolling counter keeps its private key: beside its SQLite database file."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise SyncError(
            "this counter's database is not a file: give --key-file", code="enrol.key_file"
        )
    database = Path(url.database)
    return database.with_name(database.name + ".counter-key")


def _require_binding(application: Application) -> SyncBinding:
    if application.binding is None:
        raise SyncError(
            "this counter is not bound to a central database: run 'desk-app counter register'",
            code="sync.not_bound",
        )
    return application.binding
