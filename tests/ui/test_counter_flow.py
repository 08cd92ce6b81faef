"""The counter path with the product's own workers: file camera, face engine, simulated reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.models import Candidate, Photo, Transition
from desk_app.persistence.repositories import CandidateRepository
from tests.ui.conftest import card_for, citizen_number, file_camera, sign_in

FACE_TIMEOUT = 60_000  # first frames, engine load and matching on a busy 2-core machine


def _candidate(application: Application, registration_id: str) -> Candidate:
    with application.database.reading() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        assert candidate is not None
        return candidate


def test_counter_confirms_a_candidate_end_to_end(
    qtbot: Any, counter_app: Application, koizumi: list[Path], make_window: Any, tmp_path: Path
) -> None:
    window, simulator = make_window(
        counter_app,
        camera=file_camera(koizumi),
        faces=True,
        cards=[card_for(citizen_number(1), "考生0")],
    )
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    assert window.tabs.count() == 1  # a clerk has the counter only
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=10_000)

    simulator.place_card(0)
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)
    assert counter.candidate.registration_id == "R0"
    assert counter.card_issues == []
    qtbot.waitUntil(lambda: counter.verification is not None, timeout=FACE_TIMEOUT)
    assert counter.live_picture.has_picture
    assert counter.ephoto_picture.has_picture

    # No vendor WLT decoder: the chip portrait is missing, so the clerk compares it by eye.
    assert not counter.confirm_allowed()
    counter.card_checked.setChecked(True)
    assert counter.confirm_allowed(), counter.match_summary.text()

    window.activateWindow()
    qtbot.keyClick(counter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.last_change is not None, timeout=10_000)
    change = counter.last_change
    assert change.new_state is CandidateState.CONFIRMED
    assert change.ticket_number and change.ticket_number in counter.ticket.text()

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
    qtbot.waitUntil(lambda: counter.slip_path is not None, timeout=10_000)
    data = counter.slip_path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 2000

    counter.next_candidate()
    assert counter.candidate is None and counter.ticket.text() == ""


def test_a_card_nobody_registered_is_a_clear_state(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, simulator = make_window(counter_app, cards=[card_for(citizen_number(77), "路人")])
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=10_000)
    simulator.place_card(0)
    qtbot.waitUntil(lambda: counter.lookup_done, timeout=10_000)
    assert counter.candidate is None
    assert "Not pre-registered" in counter.candidate_fields.text()
    assert not counter.confirm_button.isEnabled()
    assert not counter.refer_button.isEnabled()


def test_an_expired_card_is_worded_and_cannot_be_confirmed(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    from datetime import date

    expired = card_for(citizen_number(2), "考生1", valid_to=date(2021, 1, 1))
    window, simulator = make_window(counter_app, cards=[expired])
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=10_000)
    simulator.place_card(0)
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)
    assert [issue.code for issue in counter.card_issues] == ["card.expired"]
    assert "card.expired" in counter.card_fields.text()
    assert not counter.confirm_allowed()


def _look_up(qtbot: Any, counter: Any, text: str) -> None:
    counter.search_field.setText(text)
    counter.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)


def test_reject_records_the_coded_reason(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    _look_up(qtbot, counter, "R2")
    counter.reject(ReasonCode.IMPERSONATION, "不是本人")
    qtbot.waitUntil(lambda: counter.last_change is not None, timeout=10_000)
    assert _candidate(counter_app, "R2").state == "rejected"
    assert counter.notice.text() == "Rejected."
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
    ]
    counter = window.counter
    _look_up(qtbot, counter, "R3")
    counter.refer(ReasonCode.FACE_SCORE_LOW, "灯光差")
    qtbot.waitUntil(lambda: counter.last_change is not None, timeout=10_000)
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
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)
    assert counter.candidate.registration_id == "P0"
    assert not counter.confirm_allowed()
    assert not counter.reject_button.isEnabled()
    assert counter.refer_button.isEnabled()
    assert counter._suggested_reason() is ReasonCode.DOCUMENT_WITHOUT_CHIP
    counter.refer(ReasonCode.DOCUMENT_WITHOUT_CHIP)
    qtbot.waitUntil(lambda: counter.last_change is not None, timeout=10_000)
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


def test_read_card_with_camera_is_pending_and_its_hook_feeds_the_counter(
    qtbot: Any, counter_app: Application, make_window: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    import cv2
    import numpy as np

    import ui.counter
    from desk_app.camera.sources import FileCamera

    cv2.imwrite(str(tmp_path / "card.png"), np.full((48, 64, 3), 120, dtype=np.uint8))
    window, _ = make_window(counter_app, camera=FileCamera(tmp_path, size=(64, 48), fps=25))
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    assert not counter.camera_card_button.isEnabled()  # pending: not shown as working
    assert "pending" in counter.camera_card_button.text()

    frames: list[Any] = []

    class StandIn:
        def read_card(self, rgb: Any) -> tuple[Any, bytes | None]:
            frames.append(rgb)
            return card_for(citizen_number(3), "考生2"), None

    monkeypatch.setattr(ui.counter, "camera_card_reader", lambda: StandIn())
    qtbot.waitUntil(lambda: counter.latest_frame() is not None, timeout=10_000)
    counter.read_card_with_camera()
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)
    assert counter.candidate.registration_id == "R2"
    assert frames and frames[0].shape == (48, 64, 3)
    assert counter.camera_card_button.isEnabled()


def test_enter_in_the_search_field_searches(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    window.activateWindow()
    counter.search_field.setFocus()
    qtbot.keyClicks(counter.search_field, citizen_number(4)[-6:])
    qtbot.keyClick(counter.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.candidate is not None, timeout=10_000)
    assert counter.candidate.registration_id == "R3"
