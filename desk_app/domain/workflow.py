"""Record states, the actions that move between them, and who may take each (domain.md section 2).

The table below is the whole state machine: anything not in it raises a coded TransitionError.
Roles are checked here, in the domain, so a service cannot be called around them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from desk_app.domain.errors import PermissionDeniedError, TransitionError


class CandidateState(enum.StrEnum):
    PRE_REGISTERED = "pre_registered"
    REFERRED = "referred"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    REVOKED = "revoked"


class Action(enum.StrEnum):
    CONFIRM = "confirm"  # a clerk or tutoring-unit staff confirms on the spot
    REFER = "refer"  # sent to a supervisor (low score, document without chip, mismatch...)
    APPROVE = "approve"  # a supervisor confirms a referred case
    REJECT = "reject"  # identity not confirmed, with a coded reason
    REVOKE = "revoke"  # a supervisor withdraws a confirmation; its ticket number is retired


class Role(enum.StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    TUTORING_UNIT_STAFF = "tutoring_unit_staff"
    ADMINISTRATOR = "administrator"


class Method(enum.StrEnum):
    """Where the identity was confirmed."""

    COUNTER = "counter"
    TUTORING_UNIT = "tutoring_unit"


_FRONT_DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.TUTORING_UNIT_STAFF})
_SUPERVISORS = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class _Rule:
    target: CandidateState
    roles: frozenset[Role]
    reason_required: bool


TRANSITIONS: dict[tuple[CandidateState, Action], _Rule] = {
    (CandidateState.PRE_REGISTERED, Action.CONFIRM): _Rule(
        CandidateState.CONFIRMED, _FRONT_DESK, reason_required=False
    ),
    (CandidateState.PRE_REGISTERED, Action.REFER): _Rule(
        CandidateState.REFERRED, _FRONT_DESK, reason_required=True
    ),
    (CandidateState.PRE_REGISTERED, Action.REJECT): _Rule(
        CandidateState.REJECTED, _FRONT_DESK, reason_required=True
    ),
    (CandidateState.REFERRED, Action.APPROVE): _Rule(
        CandidateState.CONFIRMED, _SUPERVISORS, reason_required=False
    ),
    (CandidateState.REFERRED, Action.REJECT): _Rule(
        CandidateState.REJECTED, _SUPERVISORS, reason_required=True
    ),
    (CandidateState.CONFIRMED, Action.REVOKE): _Rule(
        CandidateState.REVOKED, _SUPERVISORS, reason_required=True
    ),
}


class ReasonCode(enum.StrEnum):
    """Coded reasons for refer, reject and revoke; the UI words them, ``note`` adds free text."""

    FACE_SCORE_LOW = "face_score_low"
    FACE_MISMATCH = "face_mismatch"
    DOCUMENT_WITHOUT_CHIP = "document_without_chip"
    DOCUMENT_INVALID = "document_invalid"
    DOCUMENT_EXPIRED = "document_expired"
    DATA_MISMATCH = "data_mismatch"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    PRIOR_DIPLOMA = "prior_diploma"
    IMPERSONATION = "impersonation"
    DUPLICATE_REGISTRATION = "duplicate_registration"
    DUPLICATE_FACE = "duplicate_face"  # the live face matches another confirmed candidate
    CANDIDATE_REQUEST = "candidate_request"
    # The active liveness challenge failed (a photo or a screen, or a candidate who could not
    # perform it): a supervisor looks at the evidence frames.
    LIVENESS_FAILED = "liveness_failed"
    # The candidate refused consent to face processing (PIPL art. 29): a supervisor compares
    # the documents by hand, and no face data of the candidate is kept.
    CONSENT_REFUSED = "consent_refused"
    CLERK_ERROR = "clerk_error"
    OTHER = "other"


def next_state(
    current: CandidateState, action: Action, role: Role, reason: ReasonCode | None
) -> CandidateState:
    """The state ``action`` leads to, or a coded error naming the rule it breaks."""
    rule = TRANSITIONS.get((current, action))
    if rule is None:
        raise TransitionError(
            f"cannot {action.value} a record that is {current.value}",
            code="state.illegal_transition",
            state=current.value,
            action=action.value,
        )
    if role not in rule.roles:
        raise PermissionDeniedError(
            f"a {role.value} may not {action.value} a record that is {current.value}",
            code="permission.role",
            role=role.value,
            action=action.value,
        )
    if rule.reason_required and reason is None:
        raise TransitionError(
            f"{action.value} needs a reason code", code="state.reason_required", action=action.value
        )
    return rule.target


def allowed_actions(current: CandidateState, role: Role) -> list[Action]:
    """What a person in ``role`` may do to a record in ``current`` (for enabling buttons)."""
    return [
        action
        for (state, action), rule in TRANSITIONS.items()
        if state is current and role in rule.roles
    ]
