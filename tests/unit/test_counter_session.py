"""The counter's case and rules without Qt: what the clerk is offered, and which results count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.decisions import FACES_COMPARED_KEY
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.matching import Band, Thresholds
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.visits import CapturedPage, VisitReason
from desk_app.domain.workflow import Action, CandidateState, Method, ReasonCode, Role
from desk_app.idcard.protocol import CardRead, CardText, CardType
from desk_app.idcard.rules import compose_citizen_id, validate_document
from desk_app.idcard.wlt import WltError
from desk_app.services.counter import CandidateView, SignedIn
from desk_app.services.counter_session import MAX_CHALLENGES, CounterSession
from desk_app.services.faces import LiveCapture, LookAlike
from desk_app.services.workflow import ChangeSet, Workstation
from desk_app.vision.ephoto import EPhoto
from desk_app.vision.verification import Comparison, Reason, Reference, Score, Verification

TODAY = date(2026, 11, 28)
NUMBER = compose_citizen_id("320102", date(1990, 1, 1), 31)
OTHER_NUMBER = compose_citizen_id("320102", date(1990, 1, 1), 33)
CLERK = SignedIn("clerk", "窗口一", Role.CLERK)
LIMITS = Thresholds(passing=0.4, review=0.6)


def _card(number: str = NUMBER, **changes: Any) -> CardText:
    values: dict[str, Any] = {
        "card_type": CardType.RESIDENT,
        "name": "李明",
        "sex_code": "1",
        "birth_date": date(1990, 1, 1),
        "id_number": number,
        "valid_from": date(2020, 1, 1),
        "valid_to": date(2040, 1, 1),
        "long_term": False,
    }
    values.update(changes)
    return CardText(**values)


def _candidate(registration_id: str = "R1", **changes: Any) -> CandidateView:
    values: dict[str, Any] = {
        "id": 1, "registration_id": registration_id, "kind": CandidateKind.NEW, "name": "李明",
        "sex": "1",
        "birth_date": date(1990, 1, 1), "document_type": DocumentType.RESIDENT_ID,
        "document_number": NUMBER, "phone": "", "exam_area": "0101", "programme_code": "120202",
        "programme_name": "工商管理", "tutoring_unit": None, "class_name": None,
        "ticket_number": None, "prior_diploma_status": PriorDiplomaStatus.NOT_APPLICABLE,
        "state": CandidateState.PRE_REGISTERED, "version": 3, "ephoto": b"ephoto",
    }  # fmt: skip
    values.update(changes)
    return CandidateView(**values)


def _verification(
    decision: Band = Band.PASS,
    reasons: tuple[Reason, ...] = (),
    live_ephoto: Band | None = Band.PASS,
) -> Verification:
    scores = (
        Score(Comparison.LIVE_CARD, None, None, LIMITS),
        Score(Comparison.LIVE_EPHOTO, 0.3, live_ephoto, LIMITS),
        Score(Comparison.CARD_EPHOTO, None, None, LIMITS),
    )
    return Verification(decision, reasons, scores, "fake", "1")


def _card_missing(live_ephoto: Band = Band.PASS) -> Verification:
    """No card portrait (no vendor decoder): review, however well the e-photo matches."""
    return _verification(Band.REVIEW, (Reason.CARD_MISSING,), live_ephoto)


def _capture(image: bytes = b"live-jpeg") -> LiveCapture:
    return LiveCapture(image, np.zeros(2, dtype=np.float32), "fake", "1")


def _change(action: Action = Action.CONFIRM, ticket: str | None = "320127100001") -> ChangeSet:
    new_state = {
        Action.CONFIRM: CandidateState.CONFIRMED,
        Action.REFER: CandidateState.REFERRED,
        Action.REJECT: CandidateState.REJECTED,
    }[action]
    return ChangeSet(1, "R1", action, CandidateState.PRE_REGISTERED, new_state, ticket, 7, 4)


def _session(*, decoder: Callable[[bytes], bytes] | None = None) -> CounterSession:
    return CounterSession(today=lambda: TODAY, find_decoder=lambda: decoder)


def _matched(
    card: CardText | None = None,
    candidate: CandidateView | None = None,
    verification: Verification | None = None,
) -> CounterSession:
    """A card placed, its record found, a shot taken and matched: ready to confirm."""
    session = _session()
    session.card_placed(card or _card(), portrait=b"portrait")
    session.lookup_answered([candidate or _candidate()])
    session.consent_recorded(True)  # the candidate agreed to the processing notice
    capture = _capture()
    assert session.captured(capture, capture.image)
    assert session.matched(session.candidate, capture, verification or _verification())
    complete_checklist(session)
    return session


def complete_checklist(session: CounterSession) -> None:
    """The clerk ticks every item of the case's evidence checklist (no page items here)."""
    for item in session.checklist():
        session.tick(item.key, True)


# --- confirm_allowed ---------------------------------------------------------------------------


def test_a_clean_case_with_a_passing_match_may_be_confirmed() -> None:
    assert _matched().confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    supervisor = SignedIn("super", "审核员", Role.SUPERVISOR)
    assert _matched().confirm_allowed(supervisor, card_photo_checked_by_eye=False)
    unit = SignedIn("unit", "助学", Role.TUTORING_UNIT_STAFF, "Unit A")
    own = _candidate(tutoring_unit="Unit A")
    # Unit staff need the liveness challenge whatever the counter's setting (see below).
    assert _passed_liveness(_matched(candidate=own)).confirm_allowed(
        unit, card_photo_checked_by_eye=False
    )
    # The same rule as the services': unit staff confirm only their own unit's candidates.
    other = _candidate(tutoring_unit="Unit B")
    assert not _matched(candidate=other).confirm_allowed(unit, card_photo_checked_by_eye=False)


def test_nobody_signed_in_or_an_administrator_may_not_confirm() -> None:
    session = _matched()
    assert not session.confirm_allowed(None, card_photo_checked_by_eye=True)
    admin = SignedIn("admin", "管理员", Role.ADMINISTRATOR)
    assert not session.confirm_allowed(admin, card_photo_checked_by_eye=True)


def test_nothing_to_confirm_without_a_record_a_match_or_after_the_decision() -> None:
    no_record = _session()
    no_record.card_placed(_card(), None)
    no_record.lookup_answered([])
    assert not no_record.confirm_allowed(CLERK, card_photo_checked_by_eye=True)

    unmatched = _session()
    unmatched.card_placed(_card(), None)
    unmatched.lookup_answered([_candidate()])
    unmatched.captured(_capture(), b"live")
    assert not unmatched.confirm_allowed(CLERK, card_photo_checked_by_eye=True)

    decided = _matched()
    decided.decided(_change())
    assert not decided.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


@pytest.mark.parametrize(
    "state", [CandidateState.CONFIRMED, CandidateState.REFERRED, CandidateState.REJECTED]
)
def test_only_a_pre_registered_record_may_be_confirmed(state: CandidateState) -> None:
    session = _matched(candidate=_candidate(state=state))
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


@pytest.mark.parametrize(
    "verification",
    [replace(_verification(), near_miss=True), replace(_card_missing(), near_miss=True)],
    ids=["pass", "card portrait missing"],
)
def test_a_near_miss_is_confirmed_after_the_faces_were_compared(
    verification: Verification,
) -> None:
    """Confirm stays offered (it opens the side-by-side look), but the rule waits for the look;
    the look is recorded with the decision, and a new match asks for its own."""
    session = _matched(verification=verification)
    assert session.second_look_wanted()
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)
    refused = session.confirm_refusal(CLERK, card_photo_checked_by_eye=True)
    assert refused is not None and refused.code == "evidence.faces_not_compared"
    assert session.decision(card_photo_checked_by_eye=True).evidence[FACES_COMPARED_KEY] is False

    session.compared_side_by_side()
    assert not session.second_look_wanted()
    assert session.confirm_refusal(CLERK, card_photo_checked_by_eye=True) is None
    assert session.decision(card_photo_checked_by_eye=True).evidence[FACES_COMPARED_KEY] is True

    assert session.candidate is not None and session.capture is not None
    session.matched(session.candidate, session.capture, verification)
    assert session.second_look_wanted()


def test_a_clear_pass_records_no_side_by_side_look() -> None:
    session = _matched()
    assert not session.second_look_wanted()
    assert FACES_COMPARED_KEY not in session.decision(card_photo_checked_by_eye=False).evidence


def test_a_record_on_a_document_without_chip_is_never_confirmed_at_the_counter() -> None:
    session = _matched(candidate=_candidate(document_type=DocumentType.PASSPORT))
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


def test_a_record_found_by_search_without_a_card_may_not_be_confirmed() -> None:
    session = _session()
    session.lookup_answered([_candidate()])
    session.consent_recorded(True)
    capture = _capture()
    session.captured(capture, b"live")
    session.matched(session.candidate, capture, _verification())
    assert session.verification is not None
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


@pytest.mark.parametrize(
    ("card", "candidate"),
    [
        (_card(valid_to=date(2025, 1, 1)), _candidate()),  # expired
        # The printed birth date differs from the number's (the record agrees with the card).
        (_card(birth_date=date(1991, 1, 1)), _candidate(birth_date=date(1991, 1, 1))),
    ],
)
def test_a_card_with_problems_may_not_be_confirmed(
    card: CardText, candidate: CandidateView
) -> None:
    session = _matched(card=card, candidate=candidate)
    assert session.card_issues
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


def test_the_card_must_be_the_records_document_and_agree_with_it() -> None:
    other_number = _matched(candidate=_candidate(document_number=OTHER_NUMBER))
    assert not other_number.confirm_allowed(CLERK, card_photo_checked_by_eye=True)
    other_name = _matched(candidate=_candidate(name="王芳"))
    assert not other_name.confirm_allowed(CLERK, card_photo_checked_by_eye=True)
    other_sex = _matched(candidate=_candidate(sex="2"))
    assert not other_sex.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


def test_a_missing_card_portrait_is_confirmed_only_after_the_clerks_own_check() -> None:
    session = _matched(verification=_card_missing())
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)
    weak = _matched(verification=_card_missing(Band.REVIEW))
    assert not weak.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


@pytest.mark.parametrize(
    ("decision", "reasons"),
    [
        (Band.REVIEW, (Reason.BORDERLINE,)),
        (Band.REVIEW, (Reason.CARD_MISSING, Reason.BORDERLINE)),
        (Band.FAIL, (Reason.LIVE_MISMATCH,)),
    ],
)
def test_a_weak_or_failed_match_is_never_confirmed(
    decision: Band, reasons: tuple[Reason, ...]
) -> None:
    session = _matched(verification=_verification(decision, reasons))
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=True)


# --- may_refer_or_reject -----------------------------------------------------------------------


def test_an_undecided_pre_registered_record_may_be_referred_or_rejected() -> None:
    session = _session()
    session.document_typed(validate_document(DocumentType.PASSPORT, "E12345678"))
    session.lookup_answered([_candidate(document_type=DocumentType.PASSPORT)])
    assert session.may_refer_or_reject(CLERK)
    # No face needed, and the role is the service's to check.
    assert session.may_refer_or_reject(SignedIn("admin", "管理员", Role.ADMINISTRATOR))


def test_refer_or_reject_needs_an_operator_a_record_and_no_decision_yet() -> None:
    assert not _session().may_refer_or_reject(CLERK)
    session = _matched()
    assert not session.may_refer_or_reject(None)
    session.decided(_change(Action.REFER, None))
    assert not session.may_refer_or_reject(CLERK)
    confirmed = _matched(candidate=_candidate(state=CandidateState.CONFIRMED))
    assert not confirmed.may_refer_or_reject(CLERK)


# --- suggested reasons -------------------------------------------------------------------------


def test_the_suggested_reason_names_what_is_wrong_first() -> None:
    manual = _session()
    manual.document_typed(validate_document(DocumentType.PASSPORT, "E12345678"))
    assert manual.suggested_reason() is ReasonCode.DOCUMENT_WITHOUT_CHIP

    expired = _matched(card=_card(valid_to=date(2025, 1, 1)), candidate=_candidate(name="王芳"))
    assert expired.suggested_reason() is ReasonCode.DOCUMENT_EXPIRED
    invalid = _matched(card=_card(birth_date=date(1991, 1, 1)))
    assert invalid.suggested_reason() is ReasonCode.DOCUMENT_INVALID

    differing = _matched(
        candidate=_candidate(name="王芳"), verification=_verification(Band.FAIL, ())
    )
    assert differing.suggested_reason() is ReasonCode.DATA_MISMATCH

    failed = _matched(verification=_verification(Band.FAIL, (Reason.LIVE_MISMATCH,)))
    assert failed.suggested_reason() is ReasonCode.FACE_MISMATCH
    borderline = _matched(verification=_verification(Band.REVIEW, (Reason.BORDERLINE,)))
    assert borderline.suggested_reason() is ReasonCode.FACE_SCORE_LOW
    assert _session().suggested_reason() is ReasonCode.FACE_SCORE_LOW


# --- the card and the look-up ------------------------------------------------------------------


def test_a_chip_portrait_needs_a_decoder_that_works() -> None:
    read = CardRead(_card(), b"wlt")
    decoded = _session(decoder=lambda photo: b"bmp:" + photo)
    decoded.card_read(read)
    assert decoded.card == read.text and decoded.card_portrait == b"bmp:wlt"

    def broken(photo: bytes) -> bytes:
        raise ValueError("vendor library failed")

    for session in (_session(), _session(decoder=broken)):
        session.card_read(read)
        assert session.card == read.text and session.card_portrait is None
    assert session.portrait_error is not None and session.portrait_error.code == "wlt.failed"


def test_a_decoder_that_cannot_even_be_found_means_no_portrait_not_a_stuck_case() -> None:
    def unloadable() -> Callable[[bytes], bytes]:
        raise ImportError("a vendor plug-in that does not import")

    session = CounterSession(today=lambda: TODAY, find_decoder=unloadable)
    read = CardRead(_card(), b"wlt")
    session.card_arrived(read.text)
    assert session.portrait_decoded(read.text, session.decode_portrait(read.photo))
    assert session.portrait_error is not None and session.portrait_error.code == "wlt.failed"
    assert session.card_reference_for_match() == Reference(None, "wlt.failed")


def test_a_crashed_decoder_is_remembered_with_its_code() -> None:
    def crashing(photo: bytes) -> bytes:
        raise WltError("the WLT decoder crashed (status -11)", code="wlt.decoder_crashed")

    session = _session(decoder=crashing)
    session.card_read(CardRead(_card(), b"wlt"))
    assert session.card_portrait is None and session.card is not None
    assert session.portrait_error is not None
    assert session.portrait_error.code == "wlt.decoder_crashed"
    session.next_candidate()
    assert session.portrait_error is None


def test_the_portrait_is_decoded_apart_and_a_late_answer_for_another_card_is_ignored() -> None:
    session = _session(decoder=lambda photo: b"png:" + photo)
    first = CardRead(_card(), b"wlt-1")
    session.card_arrived(first.text)
    assert session.card is first.text and session.portrait_pending
    decoded = session.decode_portrait(first.photo)  # on a worker in the screen
    assert decoded.portrait == b"png:wlt-1" and decoded.error is None

    second = CardRead(_card(), b"wlt-2")
    session.card_arrived(second.text)  # another card before the first one's answer
    assert not session.portrait_decoded(first.text, decoded)
    assert session.card_portrait is None and session.portrait_pending
    assert session.portrait_decoded(second.text, session.decode_portrait(second.photo))
    assert session.card_portrait == b"png:wlt-2" and not session.portrait_pending
    assert not session.portrait_decoded(second.text, decoded)  # answered once only


def test_the_match_waits_for_the_card_side_and_uses_its_early_template() -> None:
    session = _session(decoder=lambda photo: b"png:" + photo)
    read = CardRead(_card(), b"wlt")
    session.card_arrived(read.text)
    candidate = _candidate()
    session.lookup_answered([candidate])
    session.consent_recorded(True)
    session.captured(_capture(), b"live")
    session.ephoto_ready(candidate, Reference(np.zeros(2, dtype=np.float32)))
    assert session.card_reference_for_match() is None and not session.ready_to_match()

    session.portrait_decoded(read.text, session.decode_portrait(read.photo))
    portrait = session.card_portrait
    assert portrait is not None and not session.ready_to_match()  # its template is computing
    card_template = Reference(np.ones(2, dtype=np.float32))
    assert not session.card_template_ready(b"png:wlt", card_template)  # not this card's bytes
    assert session.card_template_ready(portrait, card_template)
    assert session.card_reference_for_match() is card_template and session.ready_to_match()


def test_without_a_portrait_the_match_goes_ahead_with_the_reason() -> None:
    def crashing(photo: bytes) -> bytes:
        raise WltError("the WLT decoder crashed (status -11)", code="wlt.decoder_crashed")

    session = _session(decoder=crashing)
    read = CardRead(_card(), b"wlt")
    session.card_arrived(read.text)
    session.portrait_decoded(read.text, session.decode_portrait(read.photo))
    assert session.card_reference_for_match() == Reference(None, "wlt.decoder_crashed")
    undecodable = _session()  # no decoder at all
    undecodable.card_read(read)
    assert undecodable.card_reference_for_match() == Reference(None, "card.portrait_unavailable")
    assert _session().card_reference_for_match() == Reference(None, "card.portrait_unavailable")


def test_problems_seen_by_the_camera_join_the_card_checks_once() -> None:
    session = _session()
    seen = [
        DocumentError("glare", code="card.glare"),
        DocumentError("expired", code="card.expired"),
    ]
    session.card_placed(_card(valid_to=date(2025, 1, 1)), b"crop", seen)
    assert [issue.code for issue in session.card_issues] == ["card.expired", "card.glare"]
    assert session.card_portrait == b"crop"


def test_a_card_number_narrows_a_look_up_to_its_exact_record() -> None:
    exact, near = _candidate("R1"), _candidate("R2", document_number=OTHER_NUMBER)
    session = _session()
    session.card_placed(_card(), None)
    assert session.lookup_answered([near, exact]) == [exact]
    assert session.candidate is exact
    assert session.candidates_found == [near, exact]  # all kept for choosing by id
    assert session.lookup_done


def test_without_a_card_or_an_exact_record_the_clerk_chooses() -> None:
    first, second = _candidate("R1"), _candidate("R2", document_number=OTHER_NUMBER)
    searched = _session()
    assert searched.lookup_answered([first, second]) == [first, second]
    assert searched.candidate is None and searched.lookup_done
    assert searched.found_record("R2") is second and searched.found_record("R9") is None
    searched.choose(second)
    assert searched.candidate is second

    card = _session()
    card.card_placed(_card(compose_citizen_id("320102", date(1990, 1, 1), 35)), None)
    assert card.lookup_answered([first, second]) == [first, second]
    assert card.candidate is None

    nobody = _session()
    assert nobody.lookup_answered([]) == []
    assert nobody.candidate is None and nobody.lookup_done and nobody.candidates_found == []


def test_only_an_undecided_record_arms_the_capture() -> None:
    session = _session()
    assert not session.wants_capture()
    session.choose(_candidate())
    assert session.wants_capture()
    session.choose(_candidate(state=CandidateState.CONFIRMED))
    assert not session.wants_capture()


# --- the face, and results that come late ------------------------------------------------------


def test_a_late_e_photo_template_for_a_record_the_clerk_left_is_ignored() -> None:
    left, current = _candidate("R1"), _candidate("R2")
    session = _session()
    session.choose(left)
    session.choose(current)
    assert not session.ephoto_ready(left, Reference(np.zeros(2, dtype=np.float32)))
    assert session.ephoto_reference is None
    assert session.ephoto_ready(current, None, failed=True)
    assert session.ephoto_reference == Reference(None, "engine.failed")


def test_a_late_match_for_a_record_or_shot_the_clerk_left_is_ignored() -> None:
    session = _session()
    left = _candidate("R1")
    session.choose(left)
    session.consent_recorded(True)
    old_shot = _capture(b"old")
    session.captured(old_shot, b"old")
    session.ephoto_ready(left, Reference(np.zeros(2, dtype=np.float32)))
    assert session.ready_to_match()

    assert session.retake() and session.capture is None
    new_shot = _capture(b"new")
    session.captured(new_shot, b"new")
    assert not session.matched(left, old_shot, _verification())  # the retaken shot
    assert session.verification is None

    current = _candidate("R2")
    session.choose(current)
    assert session.capture is None and session.ephoto_reference is None
    assert not session.is_current(left, new_shot)
    assert not session.matched(left, new_shot, _verification())  # the record left
    assert session.verification is None

    assert session.consent is None  # another person: the notice is shown again
    session.consent_recorded(True)
    shot = _capture()
    session.captured(shot, b"live")
    assert session.matched(current, shot, _verification(Band.FAIL, ()))
    assert session.verification is not None and session.verification.decision is Band.FAIL


def test_shots_count_only_for_an_undecided_record() -> None:
    session = _session()
    assert not session.captured(_capture(), b"live")  # no record yet
    assert not session.retake()
    assert session.capture is None
    decided = _matched()
    decided.decided(_change())
    assert not decided.captured(_capture(b"later"), b"later")
    assert decided.live_jpeg == b"live-jpeg"
    assert not decided.retake() and decided.capture is not None


# --- the decision and after --------------------------------------------------------------------


def test_the_decision_carries_the_evidence() -> None:
    session = _matched(verification=_card_missing())
    decision = session.decision(ReasonCode.OTHER, "note", card_photo_checked_by_eye=True)
    assert decision.reason is ReasonCode.OTHER and decision.note == "note"
    assert decision.evidence == {
        "consent": {"given": True, "notice": "2026-11"},
        "card_number": NUMBER,
        "card_problems": [],
        "card_photo_checked_by_eye": True,
        "case_started_at": session.case_started_at.isoformat(),  # type: ignore[union-attr]
        "visit": {
            "reason": "online_check_failed",
            "items": [
                {"key": "card_read", "label": "身份证已读取", "page": False, "ticked": True},
                {
                    "key": "online_attempts_seen",
                    "label": "已核实网上确认三次未通过",
                    "page": False,
                    "ticked": True,
                },
            ],
        },
    }
    assert decision.visit_reason is VisitReason.ONLINE_CHECK_FAILED
    assert decision.scores["decision"] == "review"
    assert decision.expected_version == 3
    assert decision.live_capture is session.capture

    typed = _session()
    typed.document_typed(validate_document(DocumentType.PASSPORT, "E12345678"))
    decision = typed.decision(ReasonCode.DOCUMENT_WITHOUT_CHIP, card_photo_checked_by_eye=False)
    assert decision.evidence.pop("case_started_at") is not None
    assert decision.evidence.pop("visit")["reason"] == "other_document"  # a passport
    assert decision.evidence == {"manual_document": {"type": "passport", "number": "E12345678"}}
    assert decision.scores == {} and decision.expected_version is None
    assert decision.live_capture is None


def test_the_record_shows_the_decision_made() -> None:
    session = _matched()
    session.deciding(Action.CONFIRM)
    session.decided(_change())
    assert session.last_change == _change()
    assert session.candidate is not None
    assert session.candidate.state is CandidateState.CONFIRMED
    assert (session.candidate.version, session.candidate.ticket_number) == (4, "320127100001")
    assert not session.duplicate_face_alert()

    enrolled = _matched(candidate=_candidate(ticket_number="320119100007"))
    enrolled.decided(_change(Action.REFER, None))
    assert enrolled.candidate is not None
    assert enrolled.candidate.ticket_number == "320119100007"  # kept when none is issued


@pytest.mark.parametrize(
    ("requested", "done", "alert"),
    [
        (Action.CONFIRM, Action.REFER, True),  # the service found the face on another record
        (Action.REFER, Action.REFER, False),
        (Action.CONFIRM, Action.CONFIRM, False),
        (None, Action.REFER, False),
    ],
)
def test_a_confirmation_turned_into_a_referral_raises_the_duplicate_face_alert(
    requested: Action | None, done: Action, alert: bool
) -> None:
    session = _matched()
    assert not session.duplicate_face_alert()
    if requested is not None:
        session.deciding(requested)
    session.decided(_change(done, None if done is Action.REFER else "320127100001"))
    assert session.duplicate_face_alert() is alert


def test_a_slip_only_for_a_decision_that_issued_a_ticket_number() -> None:
    station = Workstation("NJ-01", "W3")
    now = datetime(2026, 11, 28, 9, 30, tzinfo=CHINA_TIME)
    session = _matched()
    assert session.slip(CLERK, station, now) is None
    session.decided(_change(Action.REFER, None))
    assert session.slip(CLERK, station, now) is None

    confirmed = _matched()
    confirmed.decided(_change())
    assert confirmed.slip(None, station, now) is None
    slip = confirmed.slip(CLERK, station, now)
    assert slip is not None
    assert slip.masked_document_number == NUMBER[:3] + "*" * 11 + NUMBER[-4:]
    assert (slip.ticket_number, slip.site, slip.counter, slip.clerk) == (
        "320127100001",
        "NJ-01",
        "W3",
        "窗口一",
    )
    assert slip.programme == "120202 工商管理" and slip.confirmed_at == now
    assert slip.photo == b"live-jpeg"
    confirmed.live_jpeg = None
    slip = confirmed.slip(CLERK, station, now)
    assert slip is not None and slip.photo == b"ephoto"  # no live shot: the e-photo


def test_next_candidate_forgets_the_whole_case() -> None:
    session = _session()
    fresh = vars(session).copy()
    session.card_placed(_card(valid_to=date(2025, 1, 1)), b"portrait")
    session.lookup_answered([_candidate()])
    session.consent_recorded(True)
    shot = _capture()
    session.captured(shot, b"live")
    candidate = session.candidate
    assert candidate is not None
    session.ephoto_ready(candidate, Reference(None, "photo.missing"))
    session.matched(candidate, shot, _verification())
    session.compared_side_by_side()
    session.standard_photo_ready(shot, EPhoto(b"jpeg", ()))
    session.challenge_started(shot, FAILED.challenge)
    session.challenge_judged(shot, FAILED, (b"frame",))
    session.challenge_started(shot, FAILED.challenge)  # asked again, still running
    assert session.look_alikes_ready(shot, [LookAlike("R9", "张*", None, 0.2, 0.58, b"jpeg")])
    session.deciding(Action.CONFIRM)
    session.decided(_change())
    session.slip_saved(Path("/tmp/slip.pdf"))
    session.manual_document = validate_document(DocumentType.PASSPORT, "E12345678")
    session.portrait_error = WltError("crashed", code="wlt.decoder_crashed")
    session.portrait_pending = True
    session.card_reference = Reference(np.ones(2, dtype=np.float32))
    session.pick_visit_reason(VisitReason.MILITARY)
    session.tick("officer_card", True)
    session.pages.append(CapturedPage(b"page", "page"))
    changed = {key for key, value in vars(session).items() if value != fresh[key]}
    configuration = {
        "_today", "_find_decoder", "_scope", "checklists", "_method", "_liveness_at_counters"
    }  # fmt: skip
    assert changed == set(fresh) - configuration  # every field was in use

    session.next_candidate()
    assert vars(session) == fresh


def test_a_new_card_or_typed_document_starts_a_new_case() -> None:
    session = _matched()
    session.decided(_change())
    session.document_typed(validate_document(DocumentType.PASSPORT, "E12345678"))
    assert session.card is None and session.candidate is None and session.last_change is None
    assert session.manual_document is not None
    session.card_placed(_card(), None)
    assert session.manual_document is None and session.card is not None


def test_the_session_does_not_change_the_records_it_is_given() -> None:
    candidate = _candidate()
    session = _matched(candidate=candidate)
    session.decided(_change())
    assert candidate.state is CandidateState.PRE_REGISTERED  # a new view, not an edit
    assert session.candidate == replace(
        candidate, state=CandidateState.CONFIRMED, version=4, ticket_number="320127100001"
    )


# --- the liveness challenge ----------------------------------------------------------------------

PASSED = LivenessEvidence(("blink", "left"), passed=True, code="liveness.passed")
FAILED = LivenessEvidence(("blink", "left"), passed=False, code="liveness.flat_picture")
UNIT_STAFF = SignedIn("unit", "助学", Role.TUTORING_UNIT_STAFF, "Unit A")


def _passed_liveness(session: CounterSession) -> CounterSession:
    capture = session.capture
    assert capture is not None
    assert session.challenge_started(capture, PASSED.challenge)
    assert session.challenge_judged(capture, PASSED, (b"frame",))
    return session


def _with_liveness(*, method: Method = Method.COUNTER, candidate: Any = None) -> CounterSession:
    """A matched case at a counter where the challenge is on; the shot's challenge not run."""
    session = CounterSession(
        today=lambda: TODAY, find_decoder=lambda: None, method=method, liveness_at_counters=True
    )
    session.card_placed(_card(), portrait=b"portrait")
    session.lookup_answered([candidate or _candidate()])
    session.consent_recorded(True)
    capture = _capture()
    assert session.captured(capture, capture.image)
    assert session.matched(session.candidate, capture, _verification())
    complete_checklist(session)
    return session


def test_confirm_waits_for_a_passed_challenge_on_this_shot() -> None:
    session = _with_liveness()
    assert session.challenge_wanted(CLERK)
    refusal = session.confirm_refusal(CLERK, card_photo_checked_by_eye=False)
    assert refusal is not None and refusal.code == "evidence.no_liveness"
    capture = session.capture
    assert capture is not None
    session.challenge_started(capture, ("blink", "left"))
    assert not session.challenge_wanted(CLERK)  # one at a time
    # A judgement for another shot (a retake since) is ignored.
    assert not session.challenge_judged(_capture(b"old"), PASSED, ())
    assert session.challenge_judged(capture, PASSED, (b"f1", b"f2"))
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    decision = session.decision(card_photo_checked_by_eye=False)
    assert decision.liveness == PASSED and decision.liveness_frames == (b"f1", b"f2")
    # A retake drops the challenge with the shot.
    session.retake()
    assert session.liveness is None and session.challenges_asked == 0


def test_a_failed_challenge_is_retried_twice_then_only_referred_or_accepted() -> None:
    session = _with_liveness()
    capture = session.capture
    assert capture is not None
    for attempt in range(MAX_CHALLENGES):
        session.challenge_started(capture, FAILED.challenge)
        session.challenge_judged(capture, FAILED, ())
        assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
        assert session.may_retry_challenge() == (attempt < MAX_CHALLENGES - 1)
        session.retry_challenge()
    assert session.liveness == FAILED
    assert session.suggested_reason() is ReasonCode.LIVENESS_FAILED
    assert session.may_override_liveness(CLERK)
    accepted = replace(FAILED, overridden_by="super1", override_reason="burns; checked the card")
    assert session.liveness_overridden(accepted)
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    assert not session.may_override_liveness(CLERK)  # accepted once


def test_a_tutoring_unit_cannot_accept_a_failed_challenge() -> None:
    own = _candidate(tutoring_unit="Unit A")
    for session, operator in (
        (_with_liveness(candidate=own), UNIT_STAFF),
        (_with_liveness(method=Method.TUTORING_UNIT), CLERK),
    ):
        assert session.liveness_required(operator)
        capture = session.capture
        assert capture is not None
        session.challenge_started(capture, FAILED.challenge)
        session.challenge_judged(capture, FAILED, ())
        assert not session.may_override_liveness(operator)
        assert not session.confirm_allowed(operator, card_photo_checked_by_eye=False)


def test_the_challenge_is_off_at_counters_only_when_an_administrator_says_so() -> None:
    session = _matched()  # liveness_at_counters=False
    assert not session.liveness_required(CLERK) and not session.challenge_wanted(CLERK)
    assert session.liveness_required(UNIT_STAFF)
