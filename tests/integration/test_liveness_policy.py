"""The liveness policy at the counter: required in tutoring-unit mode, on by default at
counters and settable there; a supervisor's override of a failed challenge needs a reason and
is audited with the challenge and each action's result."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.config import CounterSettings, LivenessConfig, Settings
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.persistence.models import AuditEntry
from desk_app.services.liveness import (
    challenge_required,
    evidence_of,
    judge_settings,
    new_challenge,
    override_failed_challenge,
    record_challenge,
)
from desk_app.vision.liveness.judge import Action, ChallengeJudge, LivenessResult
from tests.support.liveness_faces import synthetic_measure


def _judged(frames: int) -> LivenessResult:
    """A blink-then-left challenge where the candidate keeps still: fails on a time-out."""
    judge = ChallengeJudge([Action.BLINK, Action.LEFT])
    for index in range(frames):
        judge.observe(index, index / 25, synthetic_measure())
    return judge.result()


def test_required_in_tutoring_unit_mode_whatever_the_setting() -> None:
    off = LivenessConfig(at_counters=False)
    unit = CounterSettings(method="tutoring_unit", tutoring_unit="U1")
    assert challenge_required(Settings())  # on by default at counters
    assert not challenge_required(Settings(liveness=off))
    assert challenge_required(Settings(counter=unit, liveness=off))


def test_the_time_limit_comes_from_the_settings() -> None:
    settings = Settings(liveness=LivenessConfig(action_seconds=4.5))
    assert judge_settings(settings).action_seconds == 4.5
    assert len(set(new_challenge())) == 2


def _entries(application: Application, action: str) -> list[AuditEntry]:
    with application.database.reading() as uow:
        rows = uow.session.execute(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.scalars())


def test_a_supervisor_overrides_a_failed_challenge_with_a_reason(
    application: Application,
) -> None:
    failed = evidence_of(_judged(120))
    assert not failed.passed
    record_challenge(application.database, "clerk", "R1", failed)
    with pytest.raises(DeskError) as error:
        override_failed_challenge(application.database, "super1", "R1", failed, "  ")
    assert error.value.code == "liveness.override_reason_required"
    with pytest.raises(PermissionDeniedError):
        override_failed_challenge(application.database, "clerk", "R1", failed, "known to me")
    accepted = override_failed_challenge(
        application.database, "super1", "R1", failed, "eyelid surgery; checked the card"
    )
    assert accepted.overridden_by == "super1" and not accepted.passed
    [checked] = _entries(application, "liveness.failed")
    [overridden] = _entries(application, "liveness.overridden")
    assert overridden.actor == "super1" and overridden.subject == "R1"
    details = overridden.details
    assert details["challenge"] == ["blink", "left"]
    assert details["actions"][0] == {"action": "blink", "code": "liveness.timeout"}
    assert details["override"] == {"by": "super1", "reason": "eyelid surgery; checked the card"}
    assert checked.actor == "clerk"


def test_a_passed_challenge_needs_no_override(application: Application) -> None:
    judge = ChallengeJudge([Action.LEFT])
    frames = [synthetic_measure(y) for y in (0, 0, 10, 25, 30, 20, 5, 0)]
    for index, measure in enumerate(frames):
        judge.observe(index, index / 25, measure)
    passed = evidence_of(judge.result())
    assert passed.passed
    with pytest.raises(DeskError) as error:
        override_failed_challenge(application.database, "super1", "R1", passed, "why not")
    assert error.value.code == "liveness.not_failed"
