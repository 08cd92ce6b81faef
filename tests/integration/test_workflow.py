"""Decisions through the service layer, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from desk_app.bootstrap import Application
from desk_app.domain.errors import (
    NotFoundError,
    PermissionDeniedError,
    TicketNumberError,
    TransitionError,
)
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.models import Candidate, TicketBlock, TicketNumber, Transition
from desk_app.security import audit
from desk_app.services.workflow import Decision
from tests.support.factories import add_candidate, add_staff, insert_candidates, make_application
from tests.support.sync_world import PASSED_LIVENESS

REFER = Decision(reason=ReasonCode.FACE_SCORE_LOW, note="score 0.48")
PASSED = Decision(liveness=PASSED_LIVENESS)  # tutoring-unit staff always need the challenge


def state_of(app: Application, registration_id: str) -> str:
    with app.database.reading() as uow:
        return uow.session.execute(
            select(Candidate.state).where(Candidate.registration_id == registration_id)
        ).scalar_one()


def test_confirm_issues_the_next_ticket_number_and_records_everything(
    app_with_roster: Application,
) -> None:
    app = app_with_roster
    first = app.workflow.confirm("R1", "clerk", Decision(scores={"live_card": 0.31}))
    second = app.workflow.confirm("R2", "clerk")

    assert first.new_state is CandidateState.CONFIRMED
    assert first.ticket_number == "010127100001"
    assert second.ticket_number == "010127100002"
    with app.database.reading() as uow:
        transition = uow.session.get(Transition, first.transition_id)
        assert transition is not None
        assert (transition.operator_id, transition.site_id, transition.counter_id) == (
            "clerk",
            app.workstation.site_id,
            app.workstation.counter_id,
        )
        assert transition.method == "counter"
        assert transition.scores == {"live_card": 0.31}
        assert transition.ticket_number == "010127100001"
        assert audit.verify(uow.session).intact


def test_a_second_confirmation_fails_naming_the_rule(app_with_roster: Application) -> None:
    app_with_roster.workflow.confirm("R1", "clerk")
    with pytest.raises(TransitionError) as raised:
        app_with_roster.workflow.confirm("R1", "clerk")
    assert raised.value.code == "state.illegal_transition"


def test_blocks_are_leased_as_needed_and_numbers_never_repeat(app_with_roster: Application) -> None:
    app = app_with_roster  # block size 3 in this fixture
    numbers = [app.workflow.confirm(f"R{i}", "clerk").ticket_number for i in range(1, 8)]
    assert numbers == [f"0101271{n:05d}" for n in range(1, 8)]
    with app.database.reading() as uow:
        blocks = uow.session.execute(select(TicketBlock).order_by(TicketBlock.id)).scalars().all()
        assert [(b.first_sequence, b.last_sequence) for b in blocks] == [(1, 3), (4, 6), (7, 9)]


def test_revocation_retires_the_number_for_good(app_with_roster: Application) -> None:
    app = app_with_roster
    ticket = app.workflow.confirm("R1", "clerk").ticket_number
    with pytest.raises(TransitionError, match="reason"):
        app.workflow.revoke("R1", "super1", Decision())
    app.workflow.revoke("R1", "super1", Decision(reason=ReasonCode.IMPERSONATION))
    assert app.workflow.confirm("R2", "clerk").ticket_number != ticket
    with app.database.reading() as uow:
        retired = uow.session.get(TicketNumber, ticket)
        assert retired is not None and retired.status == "retired"
    with pytest.raises(TransitionError):
        app.workflow.confirm("R1", "clerk")


def test_enrolled_candidates_keep_their_chosen_number(app_with_roster: Application) -> None:
    app = app_with_roster
    add_candidate(app.database, "E1", kind="enrolled", ticket_number="020319100042")
    assert app.workflow.confirm("E1", "clerk").ticket_number == "020319100042"
    with app.database.reading() as uow:
        kept = uow.session.get(TicketNumber, "020319100042")
        assert kept is not None and kept.status == "kept"
        assert uow.session.scalar(select(func.count()).select_from(TicketBlock)) == 0


def test_referral_needs_a_reason_and_a_second_supervisor(app_with_roster: Application) -> None:
    app = app_with_roster
    with pytest.raises(TransitionError) as raised:
        app.workflow.refer("R1", "clerk", Decision())
    assert raised.value.code == "state.reason_required"
    app.workflow.refer("R1", "super1", REFER)
    assert state_of(app, "R1") == CandidateState.REFERRED
    with pytest.raises(PermissionDeniedError) as four_eyes:
        app.workflow.approve("R1", "super1")
    assert four_eyes.value.code == "permission.four_eyes"
    with pytest.raises(PermissionDeniedError) as clerk:
        app.workflow.approve("R1", "clerk")
    assert clerk.value.code == "permission.role"
    change = app.workflow.approve("R1", "super2")
    assert change.new_state is CandidateState.CONFIRMED and change.ticket_number
    with app.database.reading() as uow:
        transition = uow.session.get(Transition, change.transition_id)
        assert transition is not None and transition.approved_by == "super2"


def test_supervisor_rejects_a_referred_case(app_with_roster: Application) -> None:
    app = app_with_roster
    app.workflow.refer("R1", "clerk", REFER)
    with pytest.raises(PermissionDeniedError):
        app.workflow.reject("R1", "clerk", Decision(reason=ReasonCode.FACE_MISMATCH))
    app.workflow.reject("R1", "super1", Decision(reason=ReasonCode.FACE_MISMATCH))
    assert state_of(app, "R1") == CandidateState.REJECTED


def test_document_without_chip_must_go_to_a_supervisor(app_with_roster: Application) -> None:
    app = app_with_roster
    add_candidate(app.database, "M1", document_type="military_card", document_number="军1234567")
    with pytest.raises(TransitionError) as raised:
        app.workflow.confirm("M1", "clerk")
    assert raised.value.code == "state.supervisor_required"
    app.workflow.refer("M1", "clerk", Decision(reason=ReasonCode.DOCUMENT_WITHOUT_CHIP))
    assert app.workflow.approve("M1", "super1").new_state is CandidateState.CONFIRMED


def test_scope_rules(app_with_roster: Application) -> None:
    app = app_with_roster
    add_candidate(app.database, "U1", tutoring_unit="Unit A")
    add_candidate(app.database, "U2", tutoring_unit="Unit B")
    with pytest.raises(PermissionDeniedError) as other_unit:
        app.workflow.confirm("U2", "unitstaff", PASSED)
    assert other_unit.value.code == "permission.other_tutoring_unit"
    assert app.workflow.confirm("U1", "unitstaff", PASSED).new_state is CandidateState.CONFIRMED
    with pytest.raises(PermissionDeniedError):
        app.workflow.confirm("R1", "admin")
    with pytest.raises(PermissionDeniedError) as unknown:
        app.workflow.confirm("R1", "nobody")
    assert unknown.value.code == "permission.unknown_operator"
    with pytest.raises(NotFoundError):
        app.workflow.confirm("NOPE", "clerk")


def test_a_stale_screen_cannot_overwrite_a_newer_decision(app_with_roster: Application) -> None:
    app = app_with_roster
    change = app.workflow.refer("R1", "clerk", REFER)
    with pytest.raises(TransitionError) as raised:
        app.workflow.approve("R1", "super1", Decision(expected_version=change.version - 1))
    assert raised.value.code == "state.stale"
    app.workflow.approve("R1", "super1", Decision(expected_version=change.version))


def test_a_failed_decision_leaves_nothing_behind(app_with_roster: Application) -> None:
    app = app_with_roster
    with app.database.reading() as uow:
        before = audit.verify(uow.session).count
    with pytest.raises(TransitionError):
        app.workflow.revoke("R1", "super1", Decision(reason=ReasonCode.OTHER))
    with app.database.reading() as uow:
        assert audit.verify(uow.session).count == before
        assert uow.session.scalar(select(func.count()).select_from(Transition)) == 0


def test_exam_area_scope_and_exhausted_series(database_url: str) -> None:
    app = make_application(
        database_url,
        DESK_APP_COUNTER_EXAM_AREAS="0102",
        DESK_APP_TICKETS_SEGMENTS="city:2,county:2,period:3,sequence:1",
        DESK_APP_TICKETS_PERIOD="271",
        DESK_APP_TICKETS_BLOCK_SIZE="5",
    )
    try:
        add_staff(app.database)
        add_candidate(app.database, "A1")
        with pytest.raises(PermissionDeniedError) as raised:
            app.workflow.confirm("A1", "clerk")
        assert raised.value.code == "permission.out_of_scope"
        for index in range(11):
            add_candidate(app.database, f"B{index}", exam_area="0102")
        numbers = [app.workflow.confirm(f"B{i}", "clerk").ticket_number for i in range(9)]
        assert numbers[-1] == "01012719"
        with pytest.raises(TicketNumberError) as exhausted:
            app.workflow.confirm("B9", "clerk")
        assert exhausted.value.code == "ticket.series_exhausted"
        assert state_of(app, "B9") == CandidateState.PRE_REGISTERED
    finally:
        app.close()


def test_concurrent_confirmations_get_distinct_numbers(database_url: str) -> None:
    """Four clerks' worth of threads at once: row locks and BEGIN IMMEDIATE serialise them."""
    app = make_application(database_url, DESK_APP_TICKETS_BLOCK_SIZE="5")
    try:
        add_staff(app.database)
        registration_ids = insert_candidates(app.database, 80)
        failures: list[BaseException] = []
        tickets: list[str | None] = []

        def confirm_every_fourth(offset: int) -> None:
            for registration_id in registration_ids[offset::4]:
                try:
                    tickets.append(app.workflow.confirm(registration_id, "clerk").ticket_number)
                except BaseException as error:
                    failures.append(error)

        workers = [threading.Thread(target=confirm_every_fourth, args=(i,)) for i in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == []
        assert len(tickets) == len(set(tickets)) == 80
        with app.database.reading() as uow:
            assert audit.verify(uow.session).count == 5 + 80
    finally:
        app.close()
