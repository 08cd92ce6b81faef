"""The liveness rule a confirmation meets at the counter's service and centrally
(``domain.liveness``): who needs a passed challenge, when a supervisor may accept a failed one,
and what a malformed record counts as."""

from __future__ import annotations

import pytest

from desk_app.domain.errors import TransitionError
from desk_app.domain.liveness import LivenessEvidence, check_liveness
from desk_app.domain.workflow import Action, Method, Role

PASSED = LivenessEvidence(("blink", "left"), passed=True, code="liveness.passed")
FAILED = LivenessEvidence(("left", "right"), passed=False, code="liveness.flat_picture")
ACCEPTED = LivenessEvidence(
    ("left", "right"),
    passed=False,
    code="liveness.timeout",
    overridden_by="super1",
    override_reason="neck brace; compared the card by eye",
)


def _refusal(
    liveness: LivenessEvidence | None,
    *,
    method: Method = Method.COUNTER,
    role: Role = Role.CLERK,
    at_counters: bool = True,
    overrider_role: Role | None = Role.SUPERVISOR,
    action: Action = Action.CONFIRM,
) -> str | None:
    try:
        check_liveness(
            action,
            liveness,
            method=method,
            role=role,
            at_counters=at_counters,
            overrider_role=overrider_role,
        )
    except TransitionError as error:
        return error.code
    return None


def test_a_counter_confirmation_needs_a_passed_or_accepted_challenge() -> None:
    assert _refusal(None) == "evidence.no_liveness"
    assert _refusal(FAILED) == "evidence.liveness_failed"
    assert _refusal(PASSED) is None
    assert _refusal(ACCEPTED) is None


def test_only_a_supervisor_known_to_the_judge_accepts_with_a_reason() -> None:
    assert _refusal(ACCEPTED, overrider_role=Role.CLERK) == (
        "evidence.liveness_override_not_supervisor"
    )
    assert _refusal(ACCEPTED, overrider_role=None) == "evidence.liveness_override_not_supervisor"
    silent = LivenessEvidence(
        ACCEPTED.challenge, passed=False, code="liveness.timeout", overridden_by="super1"
    )
    assert _refusal(silent) == "evidence.liveness_override_reason"


def test_administrators_may_turn_it_off_at_counters_only() -> None:
    assert _refusal(None, at_counters=False) is None
    unit = {"method": Method.TUTORING_UNIT, "at_counters": False}
    assert _refusal(None, **unit) == "evidence.no_liveness"  # type: ignore[arg-type]
    # Tutoring-unit staff need it wherever they sign in, whatever the station says it is.
    assert _refusal(None, role=Role.TUTORING_UNIT_STAFF, at_counters=False) == (
        "evidence.no_liveness"
    )


def test_a_tutoring_unit_cannot_accept_a_failed_challenge() -> None:
    assert _refusal(ACCEPTED, method=Method.TUTORING_UNIT) == (
        "evidence.liveness_override_not_allowed"
    )
    assert _refusal(ACCEPTED, role=Role.TUTORING_UNIT_STAFF) == (
        "evidence.liveness_override_not_allowed"
    )
    assert _refusal(PASSED, method=Method.TUTORING_UNIT, role=Role.TUTORING_UNIT_STAFF) is None


@pytest.mark.parametrize("action", [Action.REFER, Action.REJECT, Action.APPROVE])
def test_other_decisions_need_no_challenge(action: Action) -> None:
    assert _refusal(None, action=action) is None
    assert _refusal(FAILED, action=action, method=Method.TUTORING_UNIT) is None


def test_the_record_round_trips_and_a_malformed_one_counts_as_none() -> None:
    for evidence in (PASSED, FAILED, ACCEPTED):
        assert LivenessEvidence.from_record(evidence.as_record()) == evidence
    record = PASSED.as_record()
    for broken in (
        None,
        "passed",
        {**record, "passed": "yes"},  # a truthy string is not a pass
        {**record, "challenge": []},
        {key: value for key, value in record.items() if key != "code"},
        {**record, "override": "super1"},
        {**record, "override": {"reason": "no name"}},
    ):
        assert LivenessEvidence.from_record(broken) is None, broken
