"""Hardware and database trouble: a clear state in words, and work goes on once it is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desk_app.bootstrap import Application
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.repositories import CandidateRepository
from desk_app.vision.engines import EngineError
from tests.support.factories import counter_connection, make_application
from tests.support.ui_helpers import card_for, citizen_number, sign_in


def _state(application: Application, registration_id: str) -> str:
    with application.database.reading() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        assert candidate is not None
        return candidate.state


def test_reader_unplugged_and_plugged_back(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, simulator = make_window(counter_app, cards=[card_for(citizen_number(2), "考生1")])
    sign_in(qtbot, window, "clerk")
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=10_000)
    simulator.unplug()
    qtbot.waitUntil(lambda: window.hardware.reader == "disconnected", timeout=15_000)
    assert "disconnected" in window.reader_status.text()
    simulator.start()
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=15_000)
    simulator.place_card(0)
    qtbot.waitUntil(lambda: window.counter.session.candidate is not None, timeout=10_000)
    assert window.counter.session.candidate.registration_id == "R1"


def test_locked_database_is_worded_and_the_decision_can_be_retried(
    qtbot: Any, tmp_path: Path, counter_app: Application, make_window: Any
) -> None:
    # The same database file, opened with a short busy timeout so the test does not wait long.
    url = str(counter_app.database.engine.url)
    impatient = make_application(url, DESK_APP_DATABASE_BUSY_TIMEOUT_MS="200")
    try:
        window, _ = make_window(impatient)
        sign_in(qtbot, window, "clerk")
        counter = window.counter
        counter.candidate_panel.search_field.setText("R2")
        counter.candidate_panel.search_field.returnPressed.emit()
        qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)

        other_writer = counter_connection(url.removeprefix("sqlite:///"), isolation_level=None)
        other_writer.execute("BEGIN EXCLUSIVE")
        counter.reject(ReasonCode.OTHER, "locked")
        qtbot.waitUntil(lambda: bool(counter.outcome.notice.text()), timeout=10_000)
        assert (
            "OperationalError" in counter.outcome.notice.text()
            or "database" in counter.outcome.notice.text()
        )
        assert counter.session.last_change is None
        other_writer.execute("ROLLBACK")
        other_writer.close()
        assert _state(impatient, "R2") == "pre_registered"

        assert counter.reject_button.isEnabled()  # the clerk can simply try again
        counter.reject(ReasonCode.OTHER, "retry")
        qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
        assert _state(impatient, "R2") == "rejected"
    finally:
        impatient.close()


def test_face_engine_that_fails_to_load_is_reported_and_referral_still_works(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    def broken(_name: str) -> Any:
        raise EngineError("model file missing", code="engine.unavailable")

    window, _ = make_window(counter_app, faces=broken)
    qtbot.waitUntil(lambda: window.hardware.engine == "failed", timeout=10_000)
    assert "unavailable" in window.engine_status.text()
    sign_in(qtbot, window, "clerk")
    assert "Face engine: failed (model file missing)" in window.self_test_banner.text()
    counter = window.counter
    counter.candidate_panel.search_field.setText("R3")
    counter.candidate_panel.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    qtbot.waitUntil(lambda: counter.session.ephoto_reference is not None, timeout=10_000)
    assert not counter.confirm_allowed()
    counter.refer(ReasonCode.FACE_SCORE_LOW, "no face engine")
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    assert _state(counter_app, "R3") == "referred"


def test_a_landmark_model_never_converted_is_reported_with_the_command_that_converts_it(
    qtbot: Any,
    counter_app: Application,
    make_window: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """No converted 68-point model (a checkout without `make setup`): the face worker says so
    and names the command; it neither freezes the window converting it nor downloads it."""
    from desk_app.vision import quality

    monkeypatch.setattr(quality, "CONVERTED_FILE", tmp_path / "never-converted.npz")
    window, _ = make_window(counter_app, faces=True)
    qtbot.waitUntil(lambda: window.hardware.engine == "failed", timeout=60_000)
    assert "unavailable" in window.engine_status.text()
    assert "desk-app faces convert-landmarks" in window.hardware.engine_detail
    sign_in(qtbot, window, "clerk")
    assert "convert-landmarks" in window.self_test_banner.text()
