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

import random
from dataclasses import dataclass

from desk_app.config import Settings
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
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


@dataclass(frozen=True)
class ChallengeRecord:
    """What the audit keeps of one judged challenge."""

    challenge: tuple[str, ...]
    passed: bool
    code: str
    actions: tuple[tuple[str, str], ...]  # (action, its coded result)
    seconds_to_pass: float | None

    @classmethod
    def of(cls, result: LivenessResult) -> ChallengeRecord:
        return cls(
            challenge=tuple(action.value for action in result.challenge),
            passed=result.passed,
            code=result.reason.value,
            actions=tuple((item.action.value, item.reason.value) for item in result.actions),
            seconds_to_pass=result.seconds_to_pass,
        )

    def details(self) -> dict[str, object]:
        return {
            "challenge": list(self.challenge),
            "passed": self.passed,
            "code": self.code,
            "actions": [{"action": a, "code": c} for a, c in self.actions],
            "seconds_to_pass": (
                round(self.seconds_to_pass, 2) if self.seconds_to_pass is not None else None
            ),
        }


def challenge_required(settings: Settings) -> bool:
    """Required in tutoring-unit mode whatever the settings say; at counters as configured."""
    if settings.counter.method == "tutoring_unit":
        return True
    return settings.liveness.at_counters


def judge_settings(settings: Settings) -> LivenessSettings:
    return LivenessSettings(action_seconds=settings.liveness.action_seconds)


def new_challenge(rng: random.Random | None = None) -> tuple[Action, ...]:
    """Two different actions in a random order, from the system's random source by default (a
    recording cannot anticipate it)."""
    return random_challenge(rng)


def record_challenge(
    database: Database, operator_id: str, registration_id: str, result: LivenessResult
) -> ChallengeRecord:
    """Audit a judged challenge (pass or fail) for the record at the counter."""
    record = ChallengeRecord.of(result)
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=operator_id,
            action="liveness.passed" if record.passed else "liveness.failed",
            subject=registration_id[:100],
            details=record.details(),
        )
        uow.commit()
    return record


def override_failed_challenge(
    database: Database,
    supervisor_id: str,
    registration_id: str,
    result: LivenessResult,
    reason: str,
) -> ChallengeRecord:
    """A supervisor accepts a failed challenge with a written reason (audited). The role is
    read again from the database; a passed challenge needs no override."""
    if result.passed:
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
    record = ChallengeRecord.of(result)
    details = record.details() | {"reason": reason.strip()[:_REASON_LIMIT]}
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=supervisor_id,
            action="liveness.overridden",
            subject=registration_id[:100],
            details=details,
        )
        uow.commit()
    return record
