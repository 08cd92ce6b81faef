"""What the counter checks on a card read and when it lets a clerk confirm."""

from __future__ import annotations

from datetime import date

import numpy as np

from desk_app.config import SFACE_THRESHOLDS
from desk_app.domain.documents import DocumentType
from desk_app.domain.matching import Band
from desk_app.domain.workflow import CandidateState
from desk_app.idcard.protocol import CardText, CardType
from desk_app.idcard.rules import compose_citizen_id
from desk_app.services.counter import (
    CandidateView,
    card_problems,
    mask_document_number,
    may_confirm,
    record_mismatches,
)
from desk_app.vision.verification import Reference, verify_three_way

TODAY = date(2026, 11, 28)
NUMBER = compose_citizen_id("320102", date(1990, 1, 1), 31)


def _card(number: str = NUMBER, **changes: object) -> CardText:
    values: dict[str, object] = {
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
    return CardText(**values)  # type: ignore[arg-type]


def _candidate(**changes: object) -> CandidateView:
    values: dict[str, object] = {
        "id": 1, "registration_id": "R1", "kind": "new", "name": "李明", "sex": "1",
        "birth_date": date(1990, 1, 1), "document_type": DocumentType.RESIDENT_ID,
        "document_number": NUMBER, "phone": "", "exam_area": "0101", "programme_code": "x",
        "programme_name": "x", "tutoring_unit": None, "class_name": None, "ticket_number": None,
        "prior_diploma_status": "not_applicable", "state": CandidateState.PRE_REGISTERED,
        "version": 1,
    }  # fmt: skip
    values.update(changes)
    return CandidateView(**values)  # type: ignore[arg-type]


def test_a_good_card_has_no_problems() -> None:
    assert card_problems(_card(), TODAY) == []
    assert card_problems(_card(valid_to=None, long_term=True), TODAY) == []


def test_card_problems_are_coded() -> None:
    wrong_check = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    assert [p.code for p in card_problems(_card(wrong_check), TODAY)] == [
        "document.check_character"
    ]
    assert [p.code for p in card_problems(_card(valid_to=date(2025, 1, 1)), TODAY)] == [
        "card.expired"
    ]
    assert [p.code for p in card_problems(_card(birth_date=date(1991, 1, 1)), TODAY)] == [
        "card.birth_date_mismatch"
    ]


def test_card_and_record_differences() -> None:
    assert record_mismatches(_card(), _candidate()) == []
    assert record_mismatches(_card(name="李 明"), _candidate()) == []
    assert record_mismatches(_card(name="王芳", sex_code="2"), _candidate()) == ["name", "sex"]


def test_masking_keeps_first_three_and_last_four() -> None:
    assert mask_document_number("11010519491231002X") == "110***********002X"
    assert mask_document_number("E123456") == "*******"  # too short to show any part


class _Engine:
    name = "fake"
    model_version = "1"

    def distance(self, first: np.ndarray, second: np.ndarray) -> float:  # type: ignore[type-arg]
        return float(np.abs(first - second).sum())


def _verification(live_to_ephoto: float, card: bool) -> object:
    live = np.zeros(2, dtype=np.float32)
    ephoto = Reference(np.array([live_to_ephoto, 0], dtype=np.float32))
    card_reference = Reference(np.zeros(2, dtype=np.float32)) if card else Reference(None, "x")
    return verify_three_way(_Engine(), live, card_reference, ephoto, SFACE_THRESHOLDS)  # type: ignore[arg-type]


def test_may_confirm_a_pass() -> None:
    verification = _verification(0.1, card=True)
    assert verification.decision is Band.PASS  # type: ignore[attr-defined]
    assert may_confirm(verification, card_photo_checked_by_eye=False)  # type: ignore[arg-type]


def test_missing_card_portrait_needs_the_clerks_own_check() -> None:
    verification = _verification(0.1, card=False)
    assert not may_confirm(verification, card_photo_checked_by_eye=False)  # type: ignore[arg-type]
    assert may_confirm(verification, card_photo_checked_by_eye=True)  # type: ignore[arg-type]


def test_a_weak_or_failed_score_is_never_confirmed_at_the_counter() -> None:
    for distance in (1.0, 1.5):  # fused review band, fused fail band
        for card in (True, False):
            verification = _verification(distance, card=card)
            assert not may_confirm(verification, card_photo_checked_by_eye=True)  # type: ignore[arg-type]


def test_a_close_card_lifts_a_borderline_e_photo_score_through_the_fused_rule() -> None:
    # Live-e-photo 0.65 is in its own review band; the card agrees exactly: fused 0.7 * 0.65.
    verification = _verification(0.65, card=True)
    assert verification.decision is Band.PASS  # type: ignore[attr-defined]
    # Without the card there is nothing to fuse: the e-photo's own band decides.
    assert _verification(0.65, card=False).decision is Band.REVIEW  # type: ignore[attr-defined]
