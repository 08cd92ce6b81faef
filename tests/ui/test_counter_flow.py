"""The counter path with the product's own workers: file camera, face engine, simulated reader."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.visits import VisitReason
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.models import AuditEntry, Candidate, Photo, Transition
from desk_app.persistence.repositories import CandidateRepository
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from desk_app.vision.engines import load_engine, template_of
from desk_app.vision.images import decode_rgb, load_rgb
from tests.support.card_images import (
    cjk_font_available,
    random_identity,
    render_back,
    render_front,
)
from tests.support.ui_helpers import (
    card_for,
    card_placed,
    citizen_number,
    sign_in,
    tick_checklist,
)
from ui.widgets import PictureBox

FACE_TIMEOUT = 60_000  # first frames, engine load and matching on a busy 2-core machine


def _candidate(application: Application, registration_id: str) -> Candidate:
    with application.database.reading() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        assert candidate is not None
        return candidate


def test_counter_confirms_a_candidate_end_to_end(
    qtbot: Any, counter_app: Application, koizumi: list[Path], make_window: Any, tmp_path: Path
) -> None:
    window, counter = card_placed(
        qtbot, make_window, counter_app, card_for(citizen_number(1), "考生0"), camera_files=koizumi
    )
    assert window.tabs.count() == 1  # a clerk has the counter only
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert counter.session.candidate.registration_id == "R0"
    assert counter.session.card_issues == []
    # The processing notice comes before any capture; nothing is taken until consent.
    assert counter.consent_bar.isVisible() and not counter.capture_button.isEnabled()
    assert not counter.confirm_allowed()
    counter.consent_bar.agree_button.click()
    assert not counter.consent_bar.isVisible()
    qtbot.waitUntil(lambda: counter.session.verification is not None, timeout=FACE_TIMEOUT)
    assert counter.match_panel.live_picture.has_picture
    assert counter.match_panel.ephoto_picture.has_picture
    # The registration photo made from the shot is shown before confirming (issue 15).
    qtbot.waitUntil(lambda: counter.session.standard_photo_done, timeout=FACE_TIMEOUT)
    standard = counter.session.standard_photo
    assert standard is not None and counter.match_panel.standard_picture.has_picture
    assert decode_rgb(standard.jpeg).shape == (640, 480, 3)

    # No vendor WLT decoder: the chip portrait is missing, so the clerk compares it by eye.
    assert not counter.confirm_allowed()
    counter.match_panel.card_checked.setChecked(True)
    # The reason of visit's checklist comes first: Confirm stays off until every box is ticked.
    assert counter.visit_panel.isVisible()
    assert counter.session.visit_reason is VisitReason.ONLINE_CHECK_FAILED
    assert len(counter.visit_panel.checks) == 2
    assert not counter.confirm_allowed() and not counter.confirm_button.isEnabled()
    first = next(iter(counter.visit_panel.checks.values()))
    first.click()
    assert not counter.confirm_button.isEnabled()
    assert counter.refer_button.isEnabled()  # an incomplete checklist can still be referred
    tick_checklist(counter)
    assert counter.confirm_allowed(), counter.match_panel.match_summary.text()
    assert counter.confirm_button.isEnabled()

    window.activateWindow()
    qtbot.keyClick(counter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    change = counter.session.last_change
    assert change.new_state is CandidateState.CONFIRMED
    assert change.ticket_number and change.ticket_number in counter.outcome.ticket.text()

    stored = _candidate(counter_app, "R0")
    assert stored.state == "confirmed"
    assert stored.ticket_number == change.ticket_number
    with counter_app.database.reading() as uow:
        transition = uow.session.execute(
            select(Transition).where(Transition.candidate_id == stored.id)
        ).scalar_one()
        live = uow.session.get(Photo, transition.evidence["live_photo"])
        assert live is not None and live.purpose == "live"
        assert transition.operator_id == "clerk"
        assert transition.scores["scores"]["live_ephoto"]["band"] == "pass"
        assert transition.evidence["card_photo_checked_by_eye"] is True

    counter.save_slip(tmp_path / "slip.pdf")
    qtbot.waitUntil(lambda: counter.session.slip_path is not None, timeout=10_000)
    data = counter.session.slip_path.read_bytes()
    assert data.startswith(b"%PDF")
    assert counter.session.slip_path.stat().st_mode & 0o077 == 0  # it carries the live face
    assert len(data) > 2000

    counter.next_candidate()
    assert counter.session.candidate is None and counter.outcome.ticket.text() == ""


def test_a_card_nobody_registered_is_a_clear_state(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    _window, counter = card_placed(
        qtbot, make_window, counter_app, card_for(citizen_number(77), "路人")
    )
    qtbot.waitUntil(lambda: counter.session.lookup_done, timeout=10_000)
    assert counter.session.candidate is None
    assert "Not pre-registered" in counter.candidate_panel.candidate_fields.text()
    assert not counter.confirm_button.isEnabled()
    assert not counter.refer_button.isEnabled()


def test_an_expired_card_is_worded_and_cannot_be_confirmed(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    from datetime import date

    expired = card_for(citizen_number(2), "考生1", valid_to=date(2021, 1, 1))
    _window, counter = card_placed(qtbot, make_window, counter_app, expired)
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert [issue.code for issue in counter.session.card_issues] == ["card.expired"]
    assert "card.expired" in counter.card_panel.card_fields.text()
    assert not counter.confirm_allowed()


def _look_up(qtbot: Any, counter: Any, text: str) -> None:
    counter.candidate_panel.search_field.setText(text)
    counter.candidate_panel.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)


def test_reject_records_the_coded_reason(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    _look_up(qtbot, counter, "R2")
    counter.reject(ReasonCode.IMPERSONATION, "不是本人")
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    assert _candidate(counter_app, "R2").state == "rejected"
    assert counter.outcome.notice.text() == "Rejected."
    with counter_app.database.reading() as uow:
        transition = CandidateRepository(uow.session).last_transition(
            _candidate(counter_app, "R2").id, "reject"
        )
        assert transition is not None
        assert (transition.reason_code, transition.note) == ("impersonation", "不是本人")


def test_refer_then_four_eyes_then_another_supervisor_approves(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Review queue",
        "Counter",
        "Statistics",
        "Blocklist",
    ]
    counter = window.counter
    _look_up(qtbot, counter, "R3")
    counter.refer(ReasonCode.FACE_SCORE_LOW, "灯光差")
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    assert _candidate(counter_app, "R3").state == "referred"

    review = window.review
    review.refresh()
    qtbot.waitUntil(lambda: len(review.cases) == 1, timeout=10_000)
    assert review.current is not None and review.current.note == "灯光差"
    assert not review.approve_button.isEnabled()  # four-eyes, shown before the click...
    review.approve()  # ...and enforced by the service when asked anyway
    qtbot.waitUntil(lambda: "permission.four_eyes" in review.notice.text(), timeout=10_000)
    assert _candidate(counter_app, "R3").state == "referred"

    window.sign_out()
    sign_in(qtbot, window, "super2")
    qtbot.waitUntil(lambda: len(review.cases) == 1, timeout=10_000)
    assert review.current.referred_by == "super1"
    assert review.approve_button.isEnabled()
    review.approve()
    qtbot.waitUntil(lambda: _candidate(counter_app, "R3").state == "confirmed", timeout=10_000)
    qtbot.waitUntil(lambda: review.cases == [], timeout=10_000)
    assert _candidate(counter_app, "R3").ticket_number is not None


def test_document_without_chip_is_only_referred(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    from desk_app.domain.documents import DocumentType
    from desk_app.idcard.rules import validate_document

    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    counter.use_manual_document(validate_document(DocumentType.PASSPORT, "e1234 5678"))
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert counter.session.candidate.registration_id == "P0"
    assert not counter.confirm_allowed()
    assert not counter.reject_button.isEnabled()
    assert counter.refer_button.isEnabled()
    assert counter.session.suggested_reason() is ReasonCode.DOCUMENT_WITHOUT_CHIP
    counter.refer(ReasonCode.DOCUMENT_WITHOUT_CHIP)
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    assert _candidate(counter_app, "P0").state == "referred"


def test_a_supervisor_revokes_a_confirmation_with_a_reason(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    counter_app.workflow.confirm("R1", "clerk")
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    window.review.revoke("R1", ReasonCode.CLERK_ERROR, "wrong person")
    qtbot.waitUntil(lambda: "R1" in window.review.notice.text(), timeout=10_000)
    assert _candidate(counter_app, "R1").state == "revoked"


def _counter_seeing(card: Any, qtbot: Any, app: Application, make_window: Any, folder: Path) -> Any:
    """A clerk's counter whose (file-backed) camera shows ``card`` held up in a 1280×720 frame."""
    import cv2

    from desk_app.camera.sources import FileCamera
    from tests.support.card_images import CLEAN_CONDITIONS, camera_scene

    cv2.imwrite(str(folder / "card.png"), camera_scene(card, CLEAN_CONDITIONS)[0])
    window, _ = make_window(app, camera=FileCamera(folder, size=(1280, 720), fps=10))
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    qtbot.waitUntil(lambda: counter.latest_frame() is not None, timeout=10_000)
    return counter


needs_cjk_font = pytest.mark.skipif(
    not cjk_font_available(), reason="no CJK font to draw cards with (apt install fonts-noto-cjk)"
)


@needs_cjk_font
def test_a_card_held_up_to_the_camera_finds_the_candidate(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    # R2's card, printed with a birth date that disagrees with its number.
    identity = replace(
        random_identity(random.Random(4)),
        id_number=citizen_number(3),
        name="李考生",
        birth_date=date(1991, 2, 2),
    )
    card = render_front(identity, None, random.Random(1))
    counter = _counter_seeing(card, qtbot, counter_app, make_window, tmp_path)
    assert counter.card_panel.camera_card_button.isEnabled()
    counter.read_card_with_camera()
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=60_000)
    assert counter.session.candidate.registration_id == "R2"
    assert counter.session.card is not None and counter.session.card.name == "李考生"
    assert counter.session.card_portrait is not None  # cropped from the printed card
    assert "card.birth_date_mismatch" in [issue.code for issue in counter.session.card_issues]
    assert not counter.confirm_button.isEnabled()  # a card with problems is referred, not confirmed


@needs_cjk_font
def test_the_back_of_the_card_is_refused_in_words(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    card = render_back(random_identity(random.Random(4)), random.Random(1))
    counter = _counter_seeing(card, qtbot, counter_app, make_window, tmp_path)
    errors: list[str] = []
    counter.message.connect(errors.append)
    counter.read_card_with_camera()
    qtbot.waitUntil(lambda: bool(errors), timeout=60_000)
    assert "card.back_side" in errors[0]
    assert counter.session.candidate is None


def test_enter_in_the_search_field_searches(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    window.activateWindow()
    counter.candidate_panel.search_field.setFocus()
    qtbot.keyClicks(counter.candidate_panel.search_field, citizen_number(4)[-6:])
    qtbot.keyClick(counter.candidate_panel.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert counter.session.candidate.registration_id == "R3"


def test_a_refused_consent_refers_the_case_and_takes_no_face(
    qtbot: Any, counter_app: Application, koizumi: list[Path], make_window: Any
) -> None:
    from sqlalchemy import select

    from desk_app.persistence.models import Photo, Transition

    _window, counter = card_placed(
        qtbot, make_window, counter_app, card_for(citizen_number(1), "考生0"), camera_files=koizumi
    )
    qtbot.waitUntil(lambda: counter.consent_bar.isVisible(), timeout=10_000)
    counter.capture_now()  # Space before the answer: nothing happens
    counter.consent_bar.refuse_button.click()
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    assert counter.session.last_change.new_state is CandidateState.REFERRED
    assert counter.session.capture is None
    with counter_app.database.reading() as uow:
        referral = uow.session.scalars(select(Transition)).one()
        live = uow.session.scalars(select(Photo).where(Photo.purpose == "live")).all()
    assert referral.reason_code == "consent_refused"
    assert referral.evidence["consent"]["given"] is False
    assert live == []


def test_a_face_already_confirmed_for_another_candidate_is_shown_side_by_side(
    qtbot: Any, counter_app: Application, koizumi: list[Path], make_window: Any
) -> None:
    """Issue 17's second look: the same person comes back for another record (a stand-in, or a
    double registration). The clerk sees the other candidate's confirmed face beside the live
    one with a worded hint before deciding; showing it is audited; a confirmation is referred."""
    engine = load_engine("sface")
    template, _ = template_of(engine, load_rgb(koizumi[0]))
    first = LiveCapture(koizumi[0].read_bytes(), template, "sface", engine.model_version)
    counter_app.workflow.confirm("R0", "clerk", Decision(live_capture=first))
    window, counter = card_placed(
        qtbot, make_window, counter_app, card_for(citizen_number(2), "考生1"), camera_files=koizumi
    )
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert counter.session.candidate.registration_id == "R1"
    counter.consent_bar.agree_button.click()
    panel = counter.match_panel
    qtbot.waitUntil(lambda: bool(counter.session.look_alikes), timeout=FACE_TIMEOUT)
    [other] = counter.session.look_alikes
    assert other.registration_id == "R0" and other.distance <= other.limit
    assert panel.look_alike_picture.isVisible() and panel.look_alike_picture.has_picture
    assert panel.look_alike_hint.isVisible() and "R0" in panel.look_alike_hint.text()
    with counter_app.database.reading() as uow:
        shown = uow.session.execute(
            select(AuditEntry).where(AuditEntry.action == "face.look_alike_shown")
        ).scalar_one()
    assert (shown.actor, shown.subject, shown.details["others"]) == ("clerk", "R1", ["R0"])
    panel.compare_button.click()
    sides = panel.side_by_side.findChildren(PictureBox)
    assert [box.has_picture for box in sides] == [True, True]
    if shots := os.environ.get("DESK_APP_SCREENSHOTS"):
        window.grab().save(str(Path(shots) / "19-counter-same-face.png"))
        panel.side_by_side.grab().save(str(Path(shots) / "19b-side-by-side.png"))
    panel.side_by_side.close()

    # Retaking the shot clears the look until the new shot is searched.
    counter.retake()
    assert not counter.session.look_alikes and not panel.look_alike_picture.isVisible()
