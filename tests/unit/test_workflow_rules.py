"""The state machine of domain.md section 2, checked cell by cell."""

from __future__ import annotations

import itertools

import pytest

from desk_app.domain.errors import PermissionDeniedError, TransitionError
from desk_app.domain.workflow import (
    Action,
    CandidateState,
    ReasonCode,
    Role,
    allowed_actions,
    next_state,
)

S, A, R = CandidateState, Action, Role
FRONT_DESK = {R.CLERK, R.SUPERVISOR, R.TUTORING_UNIT_STAFF}
EXPECTED = {
    (S.PRE_REGISTERED, A.CONFIRM): (S.CONFIRMED, FRONT_DESK),
    (S.PRE_REGISTERED, A.REFER): (S.REFERRED, FRONT_DESK),
    (S.PRE_REGISTERED, A.REJECT): (S.REJECTED, FRONT_DESK),
    (S.REFERRED, A.APPROVE): (S.CONFIRMED, {R.SUPERVISOR}),
    (S.REFERRED, A.REJECT): (S.REJECTED, {R.SUPERVISOR}),
    (S.CONFIRMED, A.REVOKE): (S.REVOKED, {R.SUPERVISOR}),
}


@pytest.mark.parametrize(
    ("state", "action", "role"), list(itertools.product(S, A, R)), ids=lambda v: v.value
)
def test_every_cell_of_the_table(state: S, action: A, role: R) -> None:
    reason = ReasonCode.OTHER
    if (state, action) not in EXPECTED:
        with pytest.raises(TransitionError) as raised:
            next_state(state, action, role, reason)
        assert raised.value.code == "state.illegal_transition"
        return
    target, roles = EXPECTED[(state, action)]
    if role in roles:
        assert next_state(state, action, role, reason) is target
    else:
        with pytest.raises(PermissionDeniedError) as denied:
            next_state(state, action, role, reason)
        assert denied.value.code == "permission.role"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.PRE_REGISTERED, A.REFER),
        (S.PRE_REGISTERED, A.REJECT),
        (S.REFERRED, A.REJECT),
        (S.CONFIRMED, A.REVOKE),
    ],
)
def test_refer_reject_and_revoke_need_a_reason(state: S, action: A) -> None:
    with pytest.raises(TransitionError) as raised:
        next_state(state, action, R.SUPERVISOR, None)
    assert raised.value.code == "state.reason_required"


def test_confirm_and_approve_need_no_reason() -> None:
    assert next_state(S.PRE_REGISTERED, A.CONFIRM, R.CLERK, None) is S.CONFIRMED
    assert next_state(S.REFERRED, A.APPROVE, R.SUPERVISOR, None) is S.CONFIRMED


def test_revoked_and_rejected_are_final() -> None:
    for role in R:
        assert allowed_actions(S.REVOKED, role) == []
        assert allowed_actions(S.REJECTED, role) == []
    assert allowed_actions(S.REFERRED, R.CLERK) == []
    assert set(allowed_actions(S.REFERRED, R.SUPERVISOR)) == {A.APPROVE, A.REJECT}
