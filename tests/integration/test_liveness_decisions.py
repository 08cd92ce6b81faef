"""A confirmation carries its liveness challenge (issue 14): the counter's service refuses one
without a passed (or, at a counter, a supervisor-accepted) challenge; the evidence frames are kept
with the case as face media and purged with them; and the central side refuses a tutoring unit's
confirmation without a passed challenge whatever the counter claims."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from desk_app.bootstrap import Application
from desk_app.domain.errors import TransitionError
from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.time import china_today
from desk_app.domain.workflow import CandidateState
from desk_app.persistence.models import Candidate, OutboxEvent, Photo, PurgedMedia, Transition
from desk_app.services.retention import purge_face_data
from desk_app.services.workflow import Decision
from desk_app.sync.central import CentralDatabase
from tests.support.factories import add_candidate, add_staff, candidate_values, make_application
from tests.support.sync_service import RunningService
from tests.support.sync_world import PASSED_LIVENESS, confirmation, make_counter

FAILED = LivenessEvidence(("left", "blink"), passed=False, code="liveness.flat_picture")
FRAMES = (b"\xff\xd8frame-1", b"\xff\xd8frame-2")


@pytest.fixture
def strict_counter(database_url: str) -> Iterator[Application]:
    """A counter with the product's default: the challenge on."""
    app = make_application(database_url, DESK_APP_LIVENESS_AT_COUNTERS="true")
    add_staff(app.database)
    for index in range(4):
        add_candidate(app.database, f"R{index}")
    add_candidate(app.database, "U0", tutoring_unit="Unit A")
    yield app
    app.close()


def _confirm(app: Application, registration_id: str, liveness: LivenessEvidence | None,
             operator: str = "clerk") -> str | None:  # fmt: skip
    decision = dataclasses.replace(
        confirmation(registration_id), liveness=liveness, liveness_frames=FRAMES
    )
    try:
        app.workflow.confirm(registration_id, operator, decision)
    except TransitionError as error:
        return error.code
    return None


def test_the_service_refuses_a_confirmation_without_a_passed_challenge(
    strict_counter: Application,
) -> None:
    app = strict_counter
    assert _confirm(app, "R0", None) == "evidence.no_liveness"
    assert _confirm(app, "R0", FAILED) == "evidence.liveness_failed"
    by_clerk = dataclasses.replace(FAILED, overridden_by="clerk", override_reason="trust me")
    assert _confirm(app, "R0", by_clerk) == "evidence.liveness_override_not_supervisor"
    by_ghost = dataclasses.replace(FAILED, overridden_by="nobody", override_reason="trust me")
    assert _confirm(app, "R0", by_ghost) == "evidence.liveness_override_not_supervisor"
    by_supervisor = dataclasses.replace(FAILED, overridden_by="super1", override_reason="burns")
    assert _confirm(app, "R0", by_supervisor) is None
    assert _confirm(app, "R1", PASSED_LIVENESS) is None
    with app.database.reading() as uow:
        rows = uow.session.execute(select(Candidate.registration_id, Candidate.state)).all()
        states = dict(rows)
        assert states["R0"] == states["R1"] == CandidateState.CONFIRMED.value
        transition = uow.session.execute(
            select(Transition).join(Candidate).where(Candidate.registration_id == "R0")
        ).scalar_one()
        record = transition.evidence["liveness"]
        assert record["override"] == {"by": "super1", "reason": "burns"}
        frames = [uow.session.get(Photo, photo_id) for photo_id in record["frames"]]
        assert [(f.purpose, f.data) for f in frames if f] == [("liveness", d) for d in FRAMES]


def test_tutoring_unit_staff_need_a_passed_challenge_even_where_it_is_off(
    database_url: str,
) -> None:
    app = make_application(database_url)  # the administrator turned it off at this counter
    add_staff(app.database)
    add_candidate(app.database, "U0", tutoring_unit="Unit A")
    add_candidate(app.database, "R0")
    try:
        assert _confirm(app, "R0", None) is None  # off for the counter's clerks
        assert _confirm(app, "U0", None, "unitstaff") == "evidence.no_liveness"
        accepted = dataclasses.replace(FAILED, overridden_by="super1", override_reason="ok")
        assert _confirm(app, "U0", accepted, "unitstaff") == (
            "evidence.liveness_override_not_allowed"
        )
        assert _confirm(app, "U0", PASSED_LIVENESS, "unitstaff") is None
    finally:
        app.close()


def test_the_evidence_frames_are_purged_with_the_other_face_media(
    strict_counter: Application,
) -> None:
    app = strict_counter
    assert _confirm(app, "R0", PASSED_LIVENESS) is None
    retention = app.settings.privacy.retention_days
    report = purge_face_data(
        app.database,
        "super1",
        china_today() + timedelta(days=1),
        retention_days=retention,
        today=china_today() + timedelta(days=retention + 1),
    )
    assert report.photos >= 3  # the live shot and both frames
    with app.database.reading() as uow:
        kept = uow.session.execute(select(Photo.purpose)).scalars().all()
        assert "liveness" not in kept and "live" not in kept
        purged = uow.session.execute(select(PurgedMedia.kind)).scalars().all()
        assert purged.count("liveness") == len(FRAMES)


def test_the_centre_refuses_a_tutoring_units_confirmation_without_a_passed_challenge(
    tmp_path: Path, central: CentralDatabase, service: RunningService
) -> None:
    """A counter whose own check is removed (its outbox edited) still cannot get a tutoring
    unit's confirmation past the centre: no challenge, a failed one, or one 'accepted' there."""
    database = central.writer_database()
    with database.unit_of_work() as uow:
        uow.session.execute(
            insert(Candidate),
            [candidate_values(f"U{index}", tutoring_unit="Unit A") for index in range(5)],
        )
        uow.commit()
    database.close()
    counter = make_counter(tmp_path, service, "T1", tutoring_unit="Unit A")
    try:
        counter.sync()
        counter.decide("confirm", "U0", operator="unitstaff")
        with counter.app.database.reading() as uow:
            honest = dict(uow.session.execute(select(OutboxEvent)).scalar_one().payload)
        assert honest["evidence"]["liveness"]["passed"] is True
        accepted = dataclasses.replace(FAILED, overridden_by="super1", override_reason="ok")
        variants = {
            "U1": {k: v for k, v in honest["evidence"].items() if k != "liveness"},
            "U2": {**honest["evidence"], "liveness": FAILED.as_record()},
            "U3": {**honest["evidence"], "liveness": accepted.as_record()},
            # A counter claiming to be an exam-authority desk is still the unit's station.
            "U4": {k: v for k, v in honest["evidence"].items() if k != "liveness"},
        }
        events = [
            {
                **honest,
                "event_id": f"forged-{registration_id}",
                "registration_id": registration_id,
                "evidence": evidence,
                "method": "counter" if registration_id == "U4" else honest["method"],
            }
            for registration_id, evidence in variants.items()
        ]
        answers = central.apply_events("T1", events)  # type: ignore[arg-type]
        assert [(a.outcome, a.reason_code) for a in answers] == [
            ("rejected", "evidence.no_liveness"),
            ("rejected", "evidence.liveness_failed"),
            ("rejected", "evidence.liveness_override_not_allowed"),
            ("rejected", "evidence.no_liveness"),
        ]
        counter.sync()  # the honest confirmation goes through
        assert counter.outbox() == {"accepted": 1}
    finally:
        counter.close()


def test_a_decision_without_consent_keeps_no_frames(strict_counter: Application) -> None:
    from desk_app.domain.consent import consent_evidence
    from desk_app.domain.workflow import ReasonCode

    app = strict_counter
    refusal = Decision(
        reason=ReasonCode.CONSENT_REFUSED,
        evidence={"consent": consent_evidence(False)},
        liveness=FAILED,
        liveness_frames=FRAMES,
    )
    app.workflow.refer("R2", "clerk", refusal)
    with app.database.reading() as uow:
        assert uow.session.execute(select(Photo).where(Photo.purpose == "liveness")).all() == []
