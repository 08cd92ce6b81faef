"""The one rule that says whether an operator may take an action on a candidate's record.

Three places judge a decision and must never disagree: the counter's workflow service (before it
writes), the central side (before it accepts a counter's event) and the counter screen (before it
enables Confirm). Each gathers the facts it holds (the record, the operator as it knows them,
the scope it serves and, at the counter, the evidence in hand) and asks this module, which needs
no database and no Qt. A refusal is a coded ``DeskError``; the UI words the code.

The checks, in the order a refusal is reported:
1. the operator is active, and the record is within the scope served (exam areas, tutoring unit)
   and, for tutoring-unit staff, of their own unit;
2. the state machine allows the action from the record's state for the operator's role, with a
   reason where one is required (``workflow.next_state``);
3. a document without a chip is never confirmed directly: it is referred (domain.md section 3);
4. four-eyes: a supervisor never approves a case they referred themselves;
5. at the counter screen, a confirmation needs its evidence: a card read without problems that
   names this candidate and agrees with the record, and a face match that lets a clerk confirm;
6. a confirmation leaving an enrolled counter, and arriving centrally, carries its live photo
   and a recorded face match that lets a clerk confirm (``check_recorded_evidence``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError, PermissionDeniedError, TransitionError
from desk_app.domain.matching import Band
from desk_app.domain.workflow import Action, CandidateState, ReasonCode, Role, next_state

# The coded reason of a verification record whose only shortfall is the card portrait
# (``vision.verification.Reason.CARD_MISSING``; the domain reads records, it does not make them).
_CARD_PORTRAIT_MISSING = "card_portrait_missing"
# Why a near-miss pass may not be confirmed yet: the UI opens the side-by-side look on it.
SECOND_LOOK_CODE = "evidence.faces_not_compared"
# The decision evidence's word that the clerk took that look.
FACES_COMPARED_KEY = "faces_compared_side_by_side"


@dataclass(frozen=True)
class Case:
    """The record being decided, as the judge's own database has it."""

    registration_id: str
    state: CandidateState
    document_type: DocumentType
    exam_area: str
    tutoring_unit: str | None = None
    document_number: str = ""
    referred_by: str | None = None  # the operator of the latest referral, for four-eyes


@dataclass(frozen=True)
class Actor:
    """The operator taking the action, as the judge knows them (never as a counter claims)."""

    operator_id: str
    role: Role
    tutoring_unit: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Scope:
    """The candidates a counter serves: its exam areas (empty: every area) and, for a tutoring
    unit's station, that unit's candidates only."""

    exam_areas: tuple[str, ...] = ()
    tutoring_unit: str | None = None


@dataclass(frozen=True)
class FaceResult:
    """What the three-way face match concluded, reduced to what the rule needs."""

    decision: Band
    # The only shortfall is the missing card portrait (no vendor WLT decoder, or no face in it).
    only_card_portrait_missing: bool = False
    live_ephoto: Band | None = None  # the live face against the registered e-photo
    # A confirmable match just under its limit: where a look-alike lands (matching.NEAR_MISS_CODE).
    near_miss: bool = False


@dataclass(frozen=True)
class CounterEvidence:
    """What the clerk has in hand when confirming at the counter."""

    card_number: str | None  # the number read from the card; None when no card was read
    card_problems: tuple[str, ...] = ()  # coded problems of the card read (expired, ...)
    record_mismatches: tuple[str, ...] = ()  # fields where card and registration differ
    face: FaceResult | None = None  # None until the face has been matched
    card_photo_checked_by_eye: bool = False  # the clerk compared the printed card photo
    faces_compared: bool = False  # the clerk looked at a near miss's faces side by side


@dataclass(frozen=True)
class RecordedEvidence:
    """What a decision carries as its evidence when it leaves the counter: the checksum of the
    live photo it was decided on and the face match as recorded."""

    live_photo_sha256: str | None
    face: FaceResult | None
    card_photo_checked_by_eye: bool = False
    faces_compared: bool = False


def face_result_from_record(record: Mapping[str, Any]) -> FaceResult | None:
    """The face match as the decision rule takes it, from the verification record a decision
    keeps (``Verification.as_record``); None when the record holds no match."""
    try:
        decision = Band(record["decision"])
        reasons = {str(reason) for reason in record.get("reasons", [])}
        live_ephoto = record.get("scores", {}).get("live_ephoto", {}).get("band")
        return FaceResult(
            decision=decision,
            only_card_portrait_missing=reasons == {_CARD_PORTRAIT_MISSING},
            live_ephoto=Band(live_ephoto) if live_ephoto else None,
            near_miss=bool(record.get("near_miss")),
        )
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def check_scope(case: Case, actor: Actor, scope: Scope) -> None:
    """Raise unless the operator is active and the record is one this station and this operator
    serve."""
    if not actor.active:
        raise PermissionDeniedError(
            f"operator {actor.operator_id} is not active",
            code="permission.unknown_operator",
            operator_id=actor.operator_id,
        )
    if scope.exam_areas and case.exam_area not in scope.exam_areas:
        raise PermissionDeniedError(
            f"{case.registration_id} belongs to exam area {case.exam_area}, "
            "which this counter does not serve",
            code="permission.out_of_scope",
        )
    staff_unit = actor.tutoring_unit if actor.role is Role.TUTORING_UNIT_STAFF else None
    for required in (staff_unit, scope.tutoring_unit):
        if required is not None and case.tutoring_unit != required:
            raise PermissionDeniedError(
                f"{case.registration_id} is not a candidate of {required}",
                code="permission.other_tutoring_unit",
            )


def check_decision(
    action: Action,
    case: Case,
    actor: Actor,
    scope: Scope,
    *,
    reason: ReasonCode | None = None,
    evidence: CounterEvidence | None = None,
) -> CandidateState:
    """The state ``action`` takes the record to, or a coded error naming the rule it breaks.

    ``evidence`` is what the counter screen holds; after the decision it travels as a record,
    which an enrolled counter's services and the central side check with
    ``check_recorded_evidence``.
    """
    check_scope(case, actor, scope)
    target = next_state(case.state, action, actor.role, reason)
    if action is Action.CONFIRM and not case.document_type.has_chip:
        raise TransitionError(
            "a document without a chip must be approved by a supervisor: refer it",
            code="state.supervisor_required",
            document_type=case.document_type.value,
        )
    if action is Action.APPROVE and case.referred_by == actor.operator_id:
        raise PermissionDeniedError(
            "a supervisor cannot approve a case they referred themselves",
            code="permission.four_eyes",
        )
    if action is Action.CONFIRM and evidence is not None:
        _check_counter_evidence(case, evidence)
    return target


def refusal(
    action: Action,
    case: Case,
    actor: Actor,
    scope: Scope,
    *,
    reason: ReasonCode | None = None,
    evidence: CounterEvidence | None = None,
) -> DeskError | None:
    """Why ``action`` is not allowed, or None when it is (for enabling buttons)."""
    try:
        check_decision(action, case, actor, scope, reason=reason, evidence=evidence)
    except DeskError as error:
        return error
    return None


def face_allows_confirmation(face: FaceResult, *, card_photo_checked_by_eye: bool) -> bool:
    """Whether a clerk may confirm on this face match (else a supervisor decides).

    A pass may be confirmed. Without a vendor WLT decoder the chip portrait is never available,
    so a result whose only shortfall is the missing card portrait may be confirmed when the live
    face passes against the registered e-photo AND the clerk has compared the printed card photo
    with the person: a person's judgement, never the face score alone (domain.md section 7).
    """
    if face.decision is Band.PASS:
        return True
    return (
        face.decision is Band.REVIEW
        and face.only_card_portrait_missing
        and face.live_ephoto is Band.PASS
        and card_photo_checked_by_eye
    )


def check_second_look(face: FaceResult, *, faces_compared: bool) -> None:
    """A pass just under its limit is confirmed only after the clerk has compared the live face
    with the photos side by side: that is where a look-alike stand-in passes (issue 17)."""
    if face.near_miss and not faces_compared:
        raise TransitionError(
            "the faces match only just: compare them side by side before confirming",
            code=SECOND_LOOK_CODE,
        )


def check_recorded_evidence(action: Action, evidence: RecordedEvidence) -> None:
    """A confirmation leaving an enrolled counter, and arriving centrally, must carry the live
    photo it was decided on and a face match that lets a clerk confirm."""
    if action is not Action.CONFIRM:
        return
    if not evidence.live_photo_sha256:
        raise TransitionError(
            "a confirmation carries the live photo it was decided on",
            code="evidence.no_live_photo",
        )
    if evidence.face is None:
        raise TransitionError(
            "a confirmation carries its face match", code="evidence.no_face_match"
        )
    if not face_allows_confirmation(
        evidence.face, card_photo_checked_by_eye=evidence.card_photo_checked_by_eye
    ):
        raise TransitionError(
            "the recorded face match does not allow a confirmation",
            code="evidence.face_not_passed",
        )
    check_second_look(evidence.face, faces_compared=evidence.faces_compared)


def _check_counter_evidence(case: Case, evidence: CounterEvidence) -> None:
    if evidence.card_number is None:
        raise TransitionError("read the candidate's ID card first", code="evidence.no_card")
    if evidence.card_number != case.document_number:
        raise TransitionError(
            f"the card read is not {case.registration_id}'s document",
            code="evidence.card_of_another",
        )
    if evidence.card_problems:
        raise TransitionError(
            "the card read has problems: refer or reject",
            code="evidence.card_problem",
            problems=",".join(evidence.card_problems),
        )
    if evidence.record_mismatches:
        raise TransitionError(
            "the card and the registration differ: refer or reject",
            code="evidence.record_mismatch",
            fields=",".join(evidence.record_mismatches),
        )
    if evidence.face is None:
        raise TransitionError("the face has not been matched yet", code="evidence.no_face_match")
    if not face_allows_confirmation(
        evidence.face, card_photo_checked_by_eye=evidence.card_photo_checked_by_eye
    ):
        raise TransitionError(
            "the face match does not allow a confirmation: refer to a supervisor",
            code="evidence.face_not_passed",
        )
    check_second_look(evidence.face, faces_compared=evidence.faces_compared)
