"""The liveness challenge's case logic at the counter: when it is required, which challenge to
ask, the judge's limits from the settings, and a supervisor's override of a failed challenge.

Policy (issue 14): always required in tutoring-unit mode (the unit's own staff confirm their own
candidates); at counters on by default, and administrators may turn it off (``[liveness]
at_counters``, through ``settings_policy.save_counter_settings``). A failed challenge may be
overridden by a supervisor with a written reason; the override and every judged challenge go
into the audit chain with the challenge asked and each action's coded result (no image, name or
ID number).
"""

from __future__ import annotations

import dataclasses
import random

from desk_app.config import Settings
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.liveness import LivenessEvidence, liveness_required
from desk_app.domain.workflow import Method, Role
from desk_app.persistence.database import Database
from desk_app.security import audit
from desk_app.services.settings_policy import role_now
from desk_app.vision.liveness.judge import (
    Action,
    LivenessResult,
    LivenessSettings,
    random_challenge,
)

_REASON_LIMIT = 500


def evidence_of(result: LivenessResult) -> LivenessEvidence:
    """What the decision and the audit keep of one judged challenge."""
    return LivenessEvidence(
        challenge=tuple(action.value for action in result.challenge),
        passed=result.passed,
        code=result.reason.value,
        actions=tuple((item.action.value, item.reason.value) for item in result.actions),
        seconds_to_pass=result.seconds_to_pass,
    )


def challenge_required(settings: Settings) -> bool:
    """Required in tutoring-unit mode whatever the settings say; at counters as configured."""
    return liveness_required(
        Method(settings.counter.method), at_counters=settings.liveness.at_counters
    )


def judge_settings(settings: Settings) -> LivenessSettings:
    return LivenessSettings(action_seconds=settings.liveness.action_seconds)


def new_challenge(rng: random.Random | None = None) -> tuple[Action, ...]:
    """Two different actions in a random order, from the system's random source by default (a
    recording cannot anticipate it)."""
    return random_challenge(rng)


def record_challenge(
    database: Database, operator_id: str, registration_id: str, record: LivenessEvidence
) -> None:
    """Audit a judged challenge (pass or fail) for the record at the counter."""
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=operator_id,
            action="liveness.passed" if record.passed else "liveness.failed",
            subject=registration_id[:100],
            details=record.as_record(),
        )
        uow.commit()


def override_failed_challenge(
    database: Database,
    supervisor_id: str,
    registration_id: str,
    judged: LivenessEvidence,
    reason: str,
) -> LivenessEvidence:
    """A supervisor accepts a failed challenge with a written reason (audited). The role is
    read again from the database; a passed challenge needs no override. The returned evidence
    names the supervisor: the decision carries it, and the central side checks the role again."""
    if judged.passed:
        raise DeskError("the challenge passed: nothing to override", code="liveness.not_failed")
    if not reason.strip():
        raise DeskError(
            "overriding a failed liveness challenge needs a written reason",
            code="liveness.override_reason_required",
        )
    if role_now(database, supervisor_id) is not Role.SUPERVISOR:
        raise PermissionDeniedError(
            "only a supervisor overrides a failed liveness challenge", code="permission.role"
        )
    record = dataclasses.replace(
        judged,
        overridden_by=supervisor_id,
        override_reason=reason.strip()[:_REASON_LIMIT],
    )
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=supervisor_id,
            action="liveness.overridden",
            subject=registration_id[:100],
            details=record.as_record(),
        )
        uow.commit()
    return record
