"""The one decision rule, cell by cell: scope, state machine, chip rule, four-eyes, evidence."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from desk_app.domain.decisions import (
    Actor,
    Case,
    CounterEvidence,
    FaceResult,
    RecordedEvidence,
    Scope,
    check_decision,
    check_recorded_evidence,
    face_allows_confirmation,
    face_result_from_record,
    refusal,
)
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError, TransitionError
from desk_app.domain.matching import Band
from desk_app.domain.workflow import TRANSITIONS, Action, CandidateState, ReasonCode, Role

NUMBER = "11010519491231002X"
CASE = Case(
    registration_id="R1",
    state=CandidateState.PRE_REGISTERED,
    document_type=DocumentType.RESIDENT_ID,
    exam_area="A",
    tutoring_unit="U1",
    document_number=NUMBER,
)
CLERK = Actor("clerk01", Role.CLERK)
SUPERVISOR = Actor("super01", Role.SUPERVISOR)
EVERYWHERE = Scope()
GOOD_EVIDENCE = CounterEvidence(card_number=NUMBER, face=FaceResult(Band.PASS))


def code_of(
    action: Action,
    case: Case,
    actor: Actor,
    scope: Scope = EVERYWHERE,
    *,
    reason: ReasonCode | None = None,
    evidence: CounterEvidence | None = None,
) -> str:
    error = refusal(action, case, actor, scope, reason=reason, evidence=evidence)
    return "allowed" if error is None else error.code


@pytest.mark.parametrize(
    ("state", "action", "role"),
    list(itertools.product(CandidateState, Action, Role)),
)
def test_every_cell_of_the_state_table(state: CandidateState, action: Action, role: Role) -> None:
    case = dataclasses.replace(CASE, state=state, tutoring_unit=None)
    actor = Actor("someone", role)
    rule = TRANSITIONS.get((state, action))
    if rule is None:
        expected = "state.illegal_transition"
    elif role not in rule.roles:
        expected = "permission.role"
    else:
        expected = "allowed"
    assert code_of(action, case, actor, reason=ReasonCode.OTHER) == expected
    if expected == "allowed":
        target = check_decision(action, case, actor, EVERYWHERE, reason=ReasonCode.OTHER)
        assert target is rule.target  # type: ignore[union-attr]


def test_a_reason_is_required_where_the_table_says() -> None:
    assert code_of(Action.REFER, CASE, CLERK) == "state.reason_required"
    assert code_of(Action.REFER, CASE, CLERK, reason=ReasonCode.FACE_SCORE_LOW) == "allowed"


def test_scope_exam_areas() -> None:
    assert code_of(Action.CONFIRM, CASE, CLERK, Scope(("A", "B"))) == "allowed"
    assert code_of(Action.CONFIRM, CASE, CLERK, Scope(("B",))) == "permission.out_of_scope"


def test_scope_tutoring_unit_station_and_staff() -> None:
    assert code_of(Action.CONFIRM, CASE, CLERK, Scope((), "U1")) == "allowed"
    assert code_of(Action.CONFIRM, CASE, CLERK, Scope((), "U2")) == "permission.other_tutoring_unit"
    own_staff = Actor("unit01", Role.TUTORING_UNIT_STAFF, "U1")
    other_staff = Actor("unit02", Role.TUTORING_UNIT_STAFF, "U2")
    assert code_of(Action.CONFIRM, CASE, own_staff) == "allowed"
    assert code_of(Action.CONFIRM, CASE, other_staff) == "permission.other_tutoring_unit"
    # A clerk's own unit field means nothing: only tutoring-unit staff are bound to a unit.
    assert (
        code_of(Action.CONFIRM, CASE, dataclasses.replace(CLERK, tutoring_unit="U9")) == "allowed"
    )


def test_an_inactive_operator_may_do_nothing() -> None:
    inactive = dataclasses.replace(SUPERVISOR, active=False)
    referred = dataclasses.replace(CASE, state=CandidateState.REFERRED)
    assert code_of(Action.APPROVE, referred, inactive) == "permission.unknown_operator"


@pytest.mark.parametrize("document_type", list(DocumentType))
def test_a_document_without_a_chip_is_referred_never_confirmed(
    document_type: DocumentType,
) -> None:
    case = dataclasses.replace(CASE, document_type=document_type)
    expected = "allowed" if document_type.has_chip else "state.supervisor_required"
    assert code_of(Action.CONFIRM, case, CLERK) == expected
    assert code_of(Action.REFER, case, CLERK, reason=ReasonCode.DOCUMENT_WITHOUT_CHIP) == "allowed"
    referred = dataclasses.replace(case, state=CandidateState.REFERRED, referred_by="clerk01")
    assert code_of(Action.APPROVE, referred, SUPERVISOR) == "allowed"


def test_four_eyes() -> None:
    referred = dataclasses.replace(CASE, state=CandidateState.REFERRED, referred_by="super01")
    assert code_of(Action.APPROVE, referred, SUPERVISOR) == "permission.four_eyes"
    assert code_of(Action.APPROVE, referred, Actor("super02", Role.SUPERVISOR)) == "allowed"
    # Rejecting a case one referred is not an approval: allowed.
    assert code_of(Action.REJECT, referred, SUPERVISOR, reason=ReasonCode.OTHER) == "allowed"


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (GOOD_EVIDENCE, "allowed"),
        (dataclasses.replace(GOOD_EVIDENCE, card_number=None), "evidence.no_card"),
        (
            dataclasses.replace(GOOD_EVIDENCE, card_number="110105194912310021"),
            "evidence.card_of_another",
        ),
        (
            dataclasses.replace(GOOD_EVIDENCE, card_problems=("card.expired",)),
            "evidence.card_problem",
        ),
        (
            dataclasses.replace(GOOD_EVIDENCE, record_mismatches=("name",)),
            "evidence.record_mismatch",
        ),
        (dataclasses.replace(GOOD_EVIDENCE, face=None), "evidence.no_face_match"),
        (
            dataclasses.replace(GOOD_EVIDENCE, face=FaceResult(Band.REVIEW)),
            "evidence.face_not_passed",
        ),
        (
            dataclasses.replace(GOOD_EVIDENCE, face=FaceResult(Band.FAIL)),
            "evidence.face_not_passed",
        ),
        # A pass just under its limit: only once the clerk compared the faces side by side.
        (
            dataclasses.replace(GOOD_EVIDENCE, face=FaceResult(Band.PASS, near_miss=True)),
            "evidence.faces_not_compared",
        ),
        (
            dataclasses.replace(
                GOOD_EVIDENCE, face=FaceResult(Band.PASS, near_miss=True), faces_compared=True
            ),
            "allowed",
        ),
    ],
)
def test_a_confirmation_at_the_counter_needs_its_evidence(
    evidence: CounterEvidence, expected: str
) -> None:
    assert code_of(Action.CONFIRM, CASE, CLERK, evidence=evidence) == expected


def test_evidence_is_only_asked_of_confirmations() -> None:
    no_card = CounterEvidence(card_number=None)
    assert (
        code_of(Action.REFER, CASE, CLERK, reason=ReasonCode.OTHER, evidence=no_card) == "allowed"
    )


def test_the_record_rules_come_before_the_evidence() -> None:
    confirmed = dataclasses.replace(CASE, state=CandidateState.CONFIRMED)
    no_card = CounterEvidence(card_number=None)
    assert code_of(Action.CONFIRM, confirmed, CLERK, evidence=no_card) == "state.illegal_transition"


@pytest.mark.parametrize(
    ("face", "checked", "allowed"),
    [
        (FaceResult(Band.PASS), False, True),
        (FaceResult(Band.FAIL), True, False),
        (FaceResult(Band.REVIEW), True, False),
        # Only the card portrait is missing: the clerk's own comparison of the printed photo
        # and a passing live face against the e-photo are both needed.
        (FaceResult(Band.REVIEW, True, Band.PASS), True, True),
        (FaceResult(Band.REVIEW, True, Band.PASS), False, False),
        (FaceResult(Band.REVIEW, True, Band.REVIEW), True, False),
        (FaceResult(Band.REVIEW, False, Band.PASS), True, False),
        (FaceResult(Band.FAIL, True, Band.PASS), True, False),
    ],
)
def test_when_the_face_match_lets_a_clerk_confirm(
    face: FaceResult, checked: bool, allowed: bool
) -> None:
    assert face_allows_confirmation(face, card_photo_checked_by_eye=checked) is allowed


def test_refusals_are_coded_errors() -> None:
    with pytest.raises(DeskError) as raised:
        check_decision(Action.CONFIRM, CASE, CLERK, Scope(("Z",)))
    assert raised.value.code == "permission.out_of_scope"


def test_a_recorded_near_miss_needs_the_side_by_side_look() -> None:
    """What leaves the counter (and what the centre judges) carries the same rule."""
    record = {"decision": "pass", "reasons": [], "near_miss": True, "scores": {}}
    face = face_result_from_record(record)
    assert face is not None and face.near_miss
    unlooked = RecordedEvidence(live_photo_sha256="ab" * 32, face=face)
    with pytest.raises(TransitionError) as refused:
        check_recorded_evidence(Action.CONFIRM, unlooked)
    assert refused.value.code == "evidence.faces_not_compared"
    check_recorded_evidence(Action.CONFIRM, dataclasses.replace(unlooked, faces_compared=True))
    check_recorded_evidence(Action.REFER, unlooked)  # only confirmations need it
