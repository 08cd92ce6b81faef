"""Counters (SQLite files) against a real central PostgreSQL: outbox, push, pull, blocks."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert, select, update

from desk_app.domain.errors import TicketNumberError
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    Candidate,
    CentralCounter,
    CentralEvent,
    FaceTemplate,
    Operator,
    OutboxEvent,
    Photo,
    SyncBinding,
    TicketBlock,
    TicketNumber,
    Transition,
)
from desk_app.persistence.repositories import CandidateRepository
from desk_app.persistence.sealing import MediaSealer, photo_label, template_label
from desk_app.security import audit
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from desk_app.sync.binding import open_conflicts, parked_events, sync_status
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CounterScope, SyncError
from desk_app.sync.syncer import SyncOptions
from tests.support.factories import candidate_values, make_application
from tests.support.sync_service import RunningService
from tests.support.sync_world import (
    central_events,
    central_states,
    confirmation,
    make_counter,
    seed_roster,
)

pytestmark = pytest.mark.postgres


def test_the_outbox_row_is_written_with_the_change_and_only_when_bound(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6)
    counter = make_counter(tmp_path, service, "C1", areas=("A", "B"))
    counter.sync()
    change = counter.decide("confirm", "R000000")

    with counter.app.database.reading() as uow:
        events = uow.session.execute(select(OutboxEvent)).scalars().all()
        transition = uow.session.get(Transition, change.transition_id)
    assert [e.registration_id for e in events] == ["R000000"]
    payload = events[0].payload
    assert payload["action"] == "confirm" and payload["to_state"] == "confirmed"
    assert payload["ticket_number"] == change.ticket_number
    assert payload["ticket_kind"] == "issued"
    assert payload["ticket_series"] == counter.app.tickets.layout.series
    assert transition is not None and payload["counter_id"] == "C1"

    standalone = make_application(f"sqlite:///{tmp_path / 'alone.db'}")
    try:
        assert standalone.binding is None
        assert standalone.tickets.grant_locally
    finally:
        standalone.close()
    counter.close()


def test_a_refused_decision_writes_no_outbox_row(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 3)
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()
    with pytest.raises(Exception, match="cannot"):
        counter.decide("approve", "R000000", operator="super1")  # not referred
    assert counter.outbox().total() == 0
    counter.close()


def test_pull_brings_only_the_scope_and_push_is_accepted_centrally(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 30)  # areas A, B, C in turn
    counter = make_counter(tmp_path, service, "C1", areas=("B",))
    counter.sync()
    local = counter.states()
    assert sorted(local) == sorted(
        r for r, _ in central_states(central).items() if int(r[1:]) % 3 == 1
    )

    first = counter.decide("confirm", "R000001")
    counter.decide("refer", "R000004")
    counter.decide("approve", "R000004", operator="super1")
    assert counter.outbox()["pending"] == 3
    counter.sync()

    assert counter.outbox() == {"accepted": 3}
    assert central_states(central) == {**central_states(central), **counter.states()}
    assert central_states(central)["R000001"] == ("confirmed", first.ticket_number)
    assert central_states(central)["R000004"][0] == "confirmed"
    status = sync_status(counter.app.database, counter.app.tickets.layout.series)
    assert status is not None and status.online and status.pending == 0 and status.conflicts == 0
    counter.close()


def test_central_refuses_what_the_counter_may_not_do(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    """Scope and ticket leases are checked centrally, not trusted from the counter."""
    seed_roster(central, 9)
    counter = make_counter(tmp_path, service, "C1", areas=("A", "B"))
    counter.sync()
    counter.decide("confirm", "R000000")  # area A
    counter.decide("confirm", "R000001")  # area B
    # The central administrator narrows the counter's scope to A before the push arrives.
    service.registry.set_scope("C1", CounterScope(("A",)))
    # And a forged event claims a ticket number from a block never leased to this counter.
    with counter.app.database.unit_of_work() as uow:
        uow.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.registration_id == "R000000")
            .values(payload=_with_ticket(uow.session, "R000000", "010127199999"))
        )
        uow.commit()
    counter.sync()

    answers = {e.registration_id: e.reason_code for e in central_events(central)}
    assert answers == {"R000000": "ticket.not_leased", "R000001": "permission.out_of_scope"}
    assert central_states(central)["R000000"] == ("pre_registered", None)
    conflicts = open_conflicts(counter.app.database)
    assert {c.registration_id for c in conflicts} == {"R000000", "R000001"}
    # The central version replaced the refused local one; the local one is in the conflict.
    assert counter.states()["R000000"] == ("pre_registered", None)
    assert all(c.local_version["event"]["action"] == "confirm" for c in conflicts)
    counter.close()


def _with_ticket(session: object, registration_id: str, number: str) -> dict[str, object]:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    row = session.execute(
        select(OutboxEvent).where(OutboxEvent.registration_id == registration_id)
    ).scalar_one()
    return {**row.payload, "ticket_number": number}


def test_blocks_are_leased_centrally_and_a_used_up_counter_refuses(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 12, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",), block_size=4, low_water_mark=2)
    counter.sync()
    assert sync_status(counter.app.database, counter.app.tickets.layout.series).tickets_left == 4  # type: ignore[union-attr]
    numbers = [counter.decide("confirm", f"R{i:06d}").ticket_number for i in range(3)]
    counter.sync()  # 1 left < low-water 2: a second block
    with counter.app.database.reading() as uow:
        blocks = uow.session.execute(select(TicketBlock)).scalars().all()
    assert [(b.first_sequence, b.last_sequence, b.granted_by) for b in blocks] == [
        (1, 4, "central"),
        (5, 8, "central"),
    ]
    # Offline now: the counter continues until its blocks are used up, then refuses clearly.
    for index in range(3, 8):
        numbers.append(counter.decide("confirm", f"R{index:06d}").ticket_number)
    with pytest.raises(TicketNumberError) as refusal:
        counter.decide("confirm", "R000008")
    assert refusal.value.code == "ticket.block_used_up"
    assert len(set(numbers)) == 8
    counter.close()


def test_a_lost_lease_answer_is_found_instead_of_leasing_twice(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 3, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    series = counter.app.tickets.layout.series
    central.lease_block("S1", "C1", series, 5, 99999)  # committed, but the counter never heard
    counter.sync()
    with counter.app.database.reading() as uow:
        blocks = uow.session.execute(select(TicketBlock)).scalars().all()
    assert [(b.first_sequence, b.last_sequence) for b in blocks] == [(1, 5)]
    counter.close()


def test_replayed_and_duplicated_events_are_applied_once(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 3, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()
    counter.decide("confirm", "R000000")
    with counter.app.database.reading() as uow:
        row = uow.session.execute(select(OutboxEvent)).scalar_one()
        event = {**row.payload, "sequence": row.sequence}
    first = central.apply_events("C1", [event, event])
    again = central.apply_events("C1", [event])
    assert [a.outcome for a in first] == ["accepted", "accepted"]
    assert again[0].outcome == "accepted"
    assert again[0].central_version == first[0].central_version
    assert len(central_events(central)) == 1
    assert central_states(central)["R000000"][0] == "confirmed"
    counter.close()


def _without_occurred_at(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != "occurred_at"}


def _site_too_long_for_its_column(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "site_id": "S" * 60}  # passes the rules, fails the write


@pytest.mark.parametrize("poison", [_without_occurred_at, _site_too_long_for_its_column])
def test_a_poison_event_is_parked_and_does_not_block_the_others(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    poison: Callable[[dict[str, Any]], dict[str, Any]],
    service: RunningService,
) -> None:
    seed_roster(central, 6, areas=("A",))
    counter = make_counter(
        tmp_path,
        service,
        "C1",
        areas=("A",),
        options=SyncOptions(low_water_mark=2, max_attempts=3),
    )
    counter.sync()
    counter.decide("confirm", "R000000")
    counter.decide("confirm", "R000001")
    with counter.app.database.unit_of_work() as uow:
        row = uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.registration_id == "R000000")
        ).scalar_one()
        row.payload = poison(row.payload)
        uow.commit()
    attempts = []
    for _ in range(3):  # one attempt per sync, never a burst of retries within one
        counter.sync()
        with counter.app.database.reading() as uow:
            poisoned = uow.session.execute(
                select(OutboxEvent).where(OutboxEvent.registration_id == "R000000")
            ).scalar_one()
        attempts.append((poisoned.attempts, poisoned.status))
    assert attempts == [(1, "pending"), (2, "pending"), (3, "parked")]
    assert counter.outbox() == {"accepted": 1, "parked": 1}
    assert [e.registration_id for e in parked_events(counter.app.database)] == ["R000000"]
    assert central_states(central)["R000001"][0] == "confirmed"
    status = sync_status(counter.app.database, counter.app.tickets.layout.series)
    assert status is not None and status.parked == 1
    # The parked change is not accepted: pulls never overwrite it.
    assert counter.states()["R000000"][0] == "confirmed"
    counter.close()


def test_enrolling_refuses_a_database_that_issued_numbers_on_its_own(
    tmp_path: Path, service: RunningService
) -> None:
    from desk_app.sync.enrolment import enrol_counter
    from tests.support.factories import add_candidate, add_staff

    app = make_application(f"sqlite:///{tmp_path / 'c.db'}")
    add_staff(app.database)
    add_candidate(app.database, "L1")
    app.workflow.confirm("L1", "clerk")
    code = service.add_counter("C9")
    with pytest.raises(SyncError) as refusal:
        enrol_counter(
            app.database,
            server_url=service.url,
            code=code,
            key_file=tmp_path / "c.key",
            expected_fingerprint=service.fingerprint,
        )
    assert refusal.value.code == "sync.local_tickets"
    with app.database.reading() as uow:
        assert uow.session.get(SyncBinding, 1) is None
    app.close()


def test_a_rebuilt_audit_chain_is_flagged_centrally(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()
    counter.decide("confirm", "R000000")
    counter.sync()
    # Rebuild the chain: wipe it and write fewer entries than the central side has seen.
    from desk_app.persistence.models import AuditEntry, AuditHead

    with counter.app.database.unit_of_work() as uow:
        uow.session.query(AuditEntry).delete()
        uow.session.query(AuditHead).delete()
        audit.append(uow.session, actor="x", action="rebuilt")
        uow.commit()
    counter.decide("confirm", "R000001")
    with pytest.raises(SyncError) as held:  # flagged, and held: its events wait
        counter.sync()
    assert held.value.code == "audit.held"
    with central.engine.connect() as connection:
        problem = connection.execute(
            select(CentralCounter.audit_problem).where(CentralCounter.id == "C1")
        ).scalar_one()
    assert "rebuilt" in problem
    assert central_states(central)["R000001"] == ("pre_registered", None)
    counter.close()


def test_a_pull_never_overwrites_a_local_change_not_yet_accepted(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6, areas=("A",))
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",))
    first.sync()
    second.sync()
    mine = second.decide("refer", "R000000")  # waits in C2's outbox
    first.decide("confirm", "R000000")
    first.decide("confirm", "R000001")
    first.sync()

    assert second.syncer.pull() == 2
    assert second.states()["R000000"] == ("referred", None)  # kept: not yet answered
    assert second.states()["R000001"][0] == "confirmed"  # pulled
    assert mine.new_state.value == "referred"
    second.sync()  # refused centrally: now the central version, and a visible conflict
    assert second.states()["R000000"] == central_states(central)["R000000"]
    assert [c.registration_id for c in second.conflicts()] == ["R000000"]
    first.close()
    second.close()


class _InterruptedError(Exception):
    pass


def test_a_pull_reports_progress_and_resumes_where_it_was_cut(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 25, areas=("A",))
    counter = make_counter(
        tmp_path,
        service,
        "C1",
        areas=("A",),
        options=SyncOptions(pull_batch=10, low_water_mark=2),
    )
    seen: list[tuple[int, int]] = []

    def cut_after_first_batch(done: int, total: int) -> None:
        seen.append((done, total))
        raise _InterruptedError

    with pytest.raises(_InterruptedError):
        counter.syncer.pull(cut_after_first_batch)
    assert seen == [(10, 25)]
    assert len(counter.states()) == 10  # the first batch and its cursor were stored together

    seen.clear()
    assert counter.syncer.pull(lambda done, total: seen.append((done, total))) == 15
    assert seen == [(10, 15), (15, 15)]
    assert counter.states() == central_states(central)
    with counter.app.database.reading() as uow:
        binding = uow.session.get(SyncBinding, 1)
    assert binding is not None and binding.pulled_through == max(
        c.change_number or 0 for c in _central_candidates(central)
    )
    assert counter.syncer.pull() == 0
    counter.close()


def _central_candidates(central: CentralDatabase) -> list[Any]:
    from desk_app.persistence.models import Candidate

    with central.engine.connect() as connection:
        return list(connection.execute(select(Candidate.change_number)).all())


def test_a_tutoring_unit_counter_pulls_and_decides_only_for_its_unit(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    database = central.writer_database()
    with database.unit_of_work() as uow:
        uow.session.execute(
            insert(Candidate),
            [
                candidate_values(f"U{index}", tutoring_unit="Unit A" if index < 3 else "Unit B")
                for index in range(6)
            ]
            + [candidate_values("P1", document_type="passport", tutoring_unit="Unit A")],
        )
        uow.commit()
    database.close()
    counter = make_counter(tmp_path, service, "T1", tutoring_unit="Unit A")
    counter.sync()
    assert sorted(counter.states()) == ["P1", "U0", "U1", "U2"]
    counter.decide("confirm", "U0", operator="unitstaff")
    counter.decide("refer", "P1", operator="unitstaff")
    counter.sync()
    assert counter.outbox() == {"accepted": 2}

    # Forged events: another unit's staff (known centrally as such), unit staff claiming to be a
    # supervisor, and an operator the counter made up.
    with Database(central.engine).unit_of_work() as uow:
        uow.session.add(Operator(id="otherstaff", display_name="o", role="tutoring_unit_staff",
                                 tutoring_unit="Unit B"))  # fmt: skip
        uow.commit()
    events = []
    for registration_id, operator, from_state in (
        ("U1", "otherstaff", "pre_registered"),
        ("P1", "unitstaff", "referred"),
        ("U2", "ghost", "pre_registered"),
    ):
        events.append(
            {
                "event_id": f"forged-{registration_id}",
                "kind": "transition",
                "registration_id": registration_id,
                "counter_id": "T1",
                "site_id": "S1",
                "method": "tutoring_unit",
                "action": "confirm" if from_state == "pre_registered" else "approve",
                "from_state": from_state,
                "to_state": "confirmed",
                # unitstaff claims to be a supervisor now: the central record says otherwise
                "operator": {"id": operator,
                             "role": "tutoring_unit_staff" if operator == "otherstaff"
                             else "supervisor",
                             "tutoring_unit": "Unit B" if operator == "otherstaff" else "Unit A"},
                "occurred_at": "2026-11-28T10:00:00+00:00",
                "ticket_number": "010127100099",
                "ticket_kind": "issued",
                "ticket_series": counter.app.tickets.layout.series,
            }
        )  # fmt: skip
    answers = central.apply_events("T1", events)
    assert [(a.outcome, a.reason_code) for a in answers] == [
        ("rejected", "permission.other_tutoring_unit"),
        ("rejected", "permission.operator_mismatch"),  # still unit staff centrally
        ("rejected", "permission.unknown_operator"),  # operators are created centrally only
    ]
    counter.close()


def test_the_central_scope_is_the_one_pulled(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 9)
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()
    assert len(counter.states()) == 3
    service.registry.set_scope("C1", CounterScope(("A", "C")))  # widened centrally
    counter.sync()
    assert sorted(counter.states()) == [f"R{i:06d}" for i in (0, 2, 3, 5, 6, 8)]
    assert counter.states() == {r: v for r, v in central_states(central).items() if r in
                                counter.states()}  # fmt: skip
    with counter.app.database.reading() as uow:
        binding = uow.session.get(SyncBinding, 1)
    assert binding is not None and binding.exam_areas == "A,C"
    counter.close()


def test_the_live_photo_and_its_template_travel_with_the_confirmation(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()
    template = np.linspace(-1, 1, 128, dtype=np.float32)
    screen = confirmation("R000000")  # a real JPEG and a passing three-way match record
    assert screen.live_capture is not None
    image, match = screen.live_capture.image, screen.scores
    capture = LiveCapture(image=image, template=template, engine="sface", model_version="m1")
    counter.app.workflow.confirm("R000000", "clerk", Decision(scores=match, live_capture=capture))
    counter.app.workflow.confirm("R000001", "clerk", Decision(scores=match, live_capture=capture))
    with counter.app.database.unit_of_work() as uow:  # a photo altered after the decision
        row = uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.registration_id == "R000001")
        ).scalar_one()
        attachment = {**row.payload["attachments"][0], "data": base64.b64encode(b"x").decode()}
        row.payload = {**row.payload, "attachments": [attachment]}
        uow.commit()
    counter.sync()

    answers = {e.registration_id: (e.outcome, e.reason_code) for e in central_events(central)}
    assert answers == {
        "R000000": ("accepted", None),
        "R000001": ("rejected", "sync.bad_attachment"),
    }
    database = Database(central.engine)
    with database.reading() as uow:
        photo = uow.session.execute(select(Photo)).scalar_one()
        stored = uow.session.execute(select(FaceTemplate)).scalar_one()
        transition = uow.session.execute(select(Transition)).scalar_one()
        logged = uow.session.execute(select(CentralEvent)).scalars().first()
    # Stored sealed with the service's media key: the database alone does not give them away.
    sealer = MediaSealer((service.state_dir / "media.key").read_bytes())
    assert image[:64] not in photo.data and template.tobytes()[:64] not in stored.vector
    assert sealer.open(photo.data, photo_label(photo.sha256)) == image
    assert photo.purpose == "live"
    vector = sealer.open(stored.vector, template_label("sface", "m1"))
    assert np.array_equal(np.frombuffer(vector, dtype="<f4"), template)
    assert (stored.photo_id, stored.engine, stored.model_version) == (photo.id, "sface", "m1")
    assert transition.evidence["live_photo"] == photo.id
    assert logged is not None and "data" not in logged.payload["attachments"][0]
    # The counter's outbox keeps no copy of an accepted picture, only its checksum; the refused
    # event keeps its attachment for the conflict's review.
    with counter.app.database.reading() as uow:
        outbox = {
            row.registration_id: row.payload["attachments"][0]
            for row in uow.session.execute(select(OutboxEvent)).scalars()
        }
    assert "data" not in outbox["R000000"] and "templates" not in outbox["R000000"]
    assert outbox["R000000"]["sha256"] == photo.sha256
    assert "data" in outbox["R000001"]
    counter.close()


def _add_registered_photo(central: CentralDatabase, registration_id: str, data: bytes) -> None:
    database = central.writer_database()
    with database.unit_of_work() as uow:
        candidate = uow.session.execute(
            select(Candidate).where(Candidate.registration_id == registration_id)
        ).scalar_one()
        uow.session.add(
            Photo(
                candidate_id=candidate.id,
                purpose="registered",
                media_type="image/jpeg",
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )
        candidate.programme_name = candidate.programme_name + " "  # the row changes too
        uow.commit()
    database.close()


def test_registered_e_photos_come_with_the_pull_once(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6)
    _add_registered_photo(central, "R000000", b"photo-0")
    _add_registered_photo(central, "R000001", b"photo-1")  # area B: not this counter's
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.sync()

    def held() -> list[tuple[str, bytes]]:
        with counter.app.database.reading() as uow:
            rows = uow.session.execute(
                select(Candidate.registration_id, Photo.data)
                .join(Photo, Photo.candidate_id == Candidate.id)
                .where(Photo.purpose == "registered")
                .order_by(Photo.id)
            ).all()
        return [(r, bytes(data)) for r, data in rows]

    assert held() == [("R000000", b"photo-0")]
    _add_registered_photo(central, "R000003", b"photo-3")
    _add_registered_photo(central, "R000000", b"photo-0 retaken")
    counter.sync()
    assert held() == [
        ("R000000", b"photo-0"),
        ("R000003", b"photo-3"),
        ("R000000", b"photo-0 retaken"),
    ]
    with counter.app.database.reading() as uow:
        newest = CandidateRepository(uow.session).registered_photo(
            uow.session.execute(
                select(Candidate.id).where(Candidate.registration_id == "R000000")
            ).scalar_one()
        )
    assert newest is not None and newest.data == b"photo-0 retaken"
    counter.close()


def test_an_enrolled_candidate_keeps_the_number_chosen_at_registration(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    database = central.writer_database()
    with database.unit_of_work() as uow:
        uow.session.execute(
            insert(Candidate),
            [
                candidate_values("E1", kind="enrolled", ticket_number="010125100007"),
                candidate_values("E2", kind="enrolled", ticket_number="010125100008"),
            ],
        )
        uow.commit()
    database.close()
    counter = make_counter(tmp_path, service, "C1", areas=("0101",))
    counter.sync()
    kept = counter.decide("confirm", "E1")
    assert kept.ticket_number == "010125100007"
    counter.decide("confirm", "E2")
    with counter.app.database.unit_of_work() as uow:  # claims another candidate's number
        row = uow.session.execute(
            select(OutboxEvent).where(OutboxEvent.registration_id == "E2")
        ).scalar_one()
        row.payload = {**row.payload, "ticket_number": "010125100007"}
        uow.commit()
    counter.sync()
    answers = {e.registration_id: (e.outcome, e.reason_code) for e in central_events(central)}
    assert answers == {"E1": ("accepted", None), "E2": ("rejected", "ticket.mismatch")}
    assert counter.outbox()["accepted"] == 1
    with central.engine.connect() as connection:
        numbers = connection.execute(select(TicketNumber.number, TicketNumber.status)).all()
    assert [tuple(n) for n in numbers] == [("010125100007", "kept")]
    counter.close()
