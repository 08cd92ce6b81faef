"""A central PostgreSQL database and simulated counters (each a SQLite file) for sync tests."""

from __future__ import annotations

import random
import uuid
import zlib
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from desk_app.bootstrap import Application, connect_central, syncer_for
from desk_app.domain.errors import DeskError
from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    Candidate,
    CentralEvent,
    Operator,
    OutboxEvent,
    SyncConflict,
    TicketNumber,
)
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.sync.central import CentralDatabase
from desk_app.sync.client import CentralClient
from desk_app.sync.enrolment import enrol_counter
from desk_app.sync.protocol import CentralUnavailableError
from desk_app.sync.signing import load_private_key
from desk_app.sync.syncer import PushTransport, Syncer, SyncOptions, direct_push
from desk_app.sync.tls import client_context
from desk_app.vision.engines import ENGINES
from tests.support.factories import STAFF, add_staff, candidate_values, make_application
from tests.support.sync_service import RunningService

PERIOD = "271"


def open_central(url: str, *, media_key: bytes | None = None) -> CentralDatabase:
    central = CentralDatabase.connect(url, media_key=media_key)
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
        decision = confirmation(registration_id) if action == "confirm" else Decision(reason=reason)
        decide = getattr(self.app.workflow, action)
        result: ChangeSet = decide(registration_id, operator, decision)
        return result

    def sync(self) -> None:
        self.syncer.sync_once()

    def reconnect(self, server_url: str, options: SyncOptions, *, timeout_s: float = 5.0) -> None:
        """Talk to the service at another address (a fault proxy, another instance) with the
        same key and pinned certificate: what a counter behind a reverse proxy does."""
        binding = self.app.binding
        assert binding is not None and binding.key_file is not None
        self.syncer.close()
        client = CentralClient(
            server_url,
            binding.counter_id,
            load_private_key(Path(binding.key_file).read_bytes()),
            client_context(pinned_certificate=binding.server_certificate, ca_file=None),
            timeout_s=timeout_s,
        )
        self.syncer = syncer_for(self.app, client, options=options)

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
        self.syncer.close()
        self.app.close()


PASSED_LIVENESS = LivenessEvidence(("blink", "left"), passed=True, code="liveness.passed")


def confirmation(registration_id: str) -> Decision:
    """A confirmation as the counter screen makes one: a live photo (a real, small JPEG), its
    template (a random direction per candidate, so no two candidates look alike to the 1:N
    check), a passing three-way match record and a passed liveness challenge."""
    rng = np.random.default_rng(zlib.crc32(registration_id.encode()))
    template = rng.standard_normal(128).astype(np.float32)
    template /= np.linalg.norm(template)
    ok, jpeg = cv2.imencode(".jpg", rng.integers(0, 255, (48, 40, 3), dtype=np.uint8))
    assert ok
    engine = ENGINES["sface"]
    capture = LiveCapture(jpeg.tobytes(), template, "sface", engine.model_version)
    record = {
        "decision": "pass",
        "reasons": [],
        "engine": "sface",
        "model_version": engine.model_version,
        "scores": {"live_ephoto": {"distance": 0.31, "band": "pass", "pass": 0.58, "review": 0.7}},
    }
    return Decision(scores=record, live_capture=capture, liveness=PASSED_LIVENESS)


def make_counter(
    folder: Path,
    service: RunningService,
    counter_id: str,
    *,
    site_id: str = "S1",
    areas: tuple[str, ...] = ("A",),
    tutoring_unit: str | None = None,
    block_size: int = 5,
    low_water_mark: int = 2,
    transport: PushTransport = direct_push,
    options: SyncOptions | None = None,
    via: str | None = None,
) -> SimulatedCounter:
    """A fresh counter database enrolled with the sync service through the product's own code
    (added centrally, enrolled with its one-time code and the certificate's fingerprint), with
    a syncer over HTTPS; ``via`` is another address of the service (a fault proxy)."""
    environment = {
        "DESK_APP_TICKETS_BLOCK_SIZE": str(block_size),
        "DESK_APP_TICKETS_LOW_WATER_MARK": str(low_water_mark),
        "DESK_APP_TICKETS_PERIOD": PERIOD,
    }
    url = f"sqlite:///{folder / f'{counter_id}.db'}"
    add_central_staff(service.central)
    code = service.add_counter(
        counter_id, site_id=site_id, areas=areas, tutoring_unit=tutoring_unit
    )
    standalone = make_application(url, **environment)
    add_staff(standalone.database)
    enrol_counter(
        standalone.database,
        server_url=via or service.url,
        code=code,
        key_file=folder / f"{counter_id}.counter-key",
        expected_fingerprint=service.fingerprint,
    )
    standalone.close()
    app = make_application(url, **environment)
    options = options or SyncOptions(low_water_mark=low_water_mark, push_batch=50)
    syncer = syncer_for(app, connect_central(app), options=options, push_transport=transport)
    return SimulatedCounter(counter_id, app, service.central, syncer)


def add_central_staff(central: CentralDatabase) -> None:
    """The test staff (``factories.add_staff``) created centrally for every site, once: counters
    pull them; without a password (hashing costs ~50 ms each; sign-in has its own tests)."""
    with Database(central.engine).unit_of_work() as uow:
        known = set(uow.session.execute(select(Operator.id)).scalars())
        for operator_id, role, unit in STAFF:
            if operator_id not in known:
                uow.session.add(
                    Operator(
                        id=operator_id,
                        display_name=operator_id,
                        role=role.value,
                        tutoring_unit=unit,
                        password_hash=None,
                        site_id=None,
                    )
                )
        uow.commit()


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


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Another empty database on the test server (for tests that compare two central runs)."""
    name = f"desk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


SCOPES: tuple[tuple[str, ...], ...] = (("A", "B"), ("B", "C"), ("C", "A"), ("A",), ("B",))
ACTIONS = ("confirm", "confirm", "confirm", "refer", "reject", "approve", "revoke")


def operator_for(action: str, rng: random.Random) -> str:
    if action in ("approve", "revoke"):
        return rng.choice(("super1", "super2"))
    return rng.choice(("clerk", "clerk", "super1"))


def random_operations(
    world: list[SimulatedCounter],
    roster: list[str],
    rng: random.Random,
    steps: int,
    *,
    sync_share: float = 0.12,
) -> Tally[str]:
    """Random decisions at random counters with syncs in between; returns what happened."""
    outcomes: Tally[str] = Tally()
    for _ in range(steps):
        counter = rng.choice(world)
        if rng.random() < sync_share:
            try:
                counter.sync()
            except CentralUnavailableError:
                outcomes["offline"] += 1
            else:
                outcomes["sync"] += 1
            continue
        scope = set(counter.app.workstation.exam_areas)
        in_scope = [r for index, r in enumerate(roster) if "ABC"[index % 3] in scope]
        action = rng.choice(ACTIONS)
        try:
            counter.decide(action, rng.choice(in_scope), operator_for(action, rng))
        except DeskError as error:
            outcomes[error.code] += 1
        else:
            outcomes[action] += 1
    return outcomes


def settle(world: list[SimulatedCounter], rounds: int = 2) -> None:
    """Sync every counter until each has pushed everything and pulled the others' changes."""
    for _ in range(rounds):
        for counter in world:
            counter.sync()


def assert_converged(central: CentralDatabase, world: list[SimulatedCounter]) -> None:
    """The invariants of the issue's proof, checked against the central event log."""
    events = central_events(central)
    by_id = {event.event_id: event for event in events}
    all_conflicts = 0
    issued: list[str] = []
    central_view = central_states(central)
    for counter in world:
        with counter.app.database.reading() as uow:
            outbox = uow.session.execute(select(OutboxEvent)).scalars().all()
        # Nothing lost: every local event reached the central side and got a final answer there.
        assert {row.status for row in outbox} <= {"accepted", "rejected"}, counter.counter_id
        for row in outbox:
            assert by_id[row.event_id].outcome == row.status, row.event_id
            assert by_id[row.event_id].counter_id == counter.counter_id
        # Every refusal is visible as a conflict at the counter.
        conflicts = counter.conflicts()
        assert {c.event_id for c in conflicts} == {
            row.event_id for row in outbox if row.status == "rejected"
        }
        all_conflicts += len(conflicts)
        # The counter's scope equals the central view of it.
        scope = set(counter.app.workstation.exam_areas)
        with counter.app.database.reading() as uow:
            local_areas = dict(
                uow.session.execute(select(Candidate.registration_id, Candidate.exam_area)).all()
            )
        assert set(local_areas.values()) <= scope
        expected = {r: v for r, v in central_view.items() if r in local_areas}
        assert len(expected) == len(local_areas)
        assert counter.states() == expected, counter.counter_id
        issued.extend(counter.issued_numbers())
    # Nothing duplicated: central events are exactly the counters' events, each once.
    assert len(events) == sum(c.outbox().total() for c in world)
    assert all_conflicts == sum(1 for event in events if event.outcome == "rejected")
    # No ticket number issued twice, by any counter or centrally.
    assert len(issued) == len(set(issued))
    numbers = [ticket for _, ticket in central_view.values() if ticket]
    assert len(numbers) == len(set(numbers))
    # The central state is the union of the accepted changes, replayed in change order.
    replayed: dict[str, tuple[str, str | None]] = dict.fromkeys(
        central_view, ("pre_registered", None)
    )
    accepted = sorted(
        (e for e in events if e.outcome == "accepted"),
        # A batch changes a candidate once (one change number): its events go in push order.
        key=lambda e: (int(e.central_version["change_number"]), e.counter_sequence),
    )
    for event in accepted:
        state, ticket = replayed[event.registration_id]
        assert state == event.payload["from_state"]
        if event.payload["action"] in ("confirm", "approve"):
            ticket = event.payload["ticket_number"]
        replayed[event.registration_id] = (event.payload["to_state"], ticket)
    assert replayed == central_view
