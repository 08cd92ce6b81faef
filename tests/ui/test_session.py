"""Signing in, roles and their screens, the idle lock, the first administrator, the camera."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget

from desk_app.bootstrap import Application
from desk_app.camera.sources import FileCamera
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.services.counter import CounterQueries, SignedIn
from tests.support.factories import make_application
from tests.support.ui_helpers import PASSWORD, UNIT, sign_in


def test_wrong_password_is_refused_in_words(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    page = window.sign_in_page
    page.operator_id.setText("clerk")
    page.password.setText("not-the-password")
    page.submit()
    qtbot.waitUntil(lambda: "permission.sign_in" in page.problem.text(), timeout=10_000)
    assert window.operator is None
    assert window.pages.currentWidget() is page


def test_a_lockout_is_shown_in_words_and_the_right_password_does_not_pass(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    page = window.sign_in_page
    for attempt in range(5):
        page.operator_id.setText("clerk")
        page.password.setText(f"guess-number-{attempt}")
        page.submit()
        qtbot.waitUntil(page.isEnabled, timeout=10_000)
    assert "permission.locked" in page.problem.text()
    assert "15 min" in page.problem.text()
    page.password.setText(PASSWORD)
    page.submit()
    qtbot.waitUntil(page.isEnabled, timeout=10_000)
    assert "permission.locked" in page.problem.text()
    assert window.operator is None


def test_idle_lock_needs_the_password(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app, idle_ms=300)
    sign_in(qtbot, window, "clerk")
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    lock = window.lock_page
    lock.password.setText("wrong-password")
    lock.submit()
    qtbot.waitUntil(lambda: "permission.sign_in" in lock.problem.text(), timeout=10_000)
    assert window.locked
    window.idle_timer.setInterval(60_000)  # stay unlocked while the test looks
    lock.password.setText(PASSWORD)
    lock.submit()
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.pages.currentWidget() is window.work_page


def test_input_in_any_of_the_windows_keeps_the_session_open(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    """The idle lock runs from the last mouse move, click or key in any of the application's
    windows, as the window system delivers them (to the window first, then the widget)."""
    window, _ = make_window(counter_app, idle_ms=1_000)
    sign_in(qtbot, window, "clerk")

    def keep_moving_in(target: QWidget, seconds: float) -> None:
        target.activateWindow()
        qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is target.windowHandle())
        end = time.monotonic() + seconds
        step = 0
        while time.monotonic() < end:
            step += 1
            QTest.mouseMove(target.windowHandle(), QPoint(20 + step % 40, 20))
            qtbot.wait(50)
            assert not window.locked

    keep_moving_in(window, 2.5)
    dialog = QDialog(window)  # a dialog is a window of its own
    dialog.resize(200, 100)
    dialog.show()
    keep_moving_in(dialog, 2.5)
    dialog.close()
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)  # no more input: it locks
    window.close()  # and the fixture closes it again: harmless


def test_first_start_creates_the_administrator(
    qtbot: Any, tmp_path: Path, make_window: Any
) -> None:
    application = make_application(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        window, _ = make_window(application)
        page = window.first_admin_page
        qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=10_000)
        page.operator_id.setText("boss")
        page.display_name.setText("管理员")
        page.password.setText("boss-pass-123")
        page.repeat.setText("boss-pass-123")
        page.submit()
        qtbot.waitUntil(lambda: window.operator is not None, timeout=10_000)
        assert window.operator.role is Role.ADMINISTRATOR
        assert window.tabs.tabText(0) == "Administration"
        queries = CounterQueries(application.database, application.workstation)
        with pytest.raises(PermissionDeniedError):
            queries.create_first_administrator("second", "x", "another-pass-1")
    finally:
        application.close()


def test_tutoring_unit_staff_see_only_their_unit(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "unitstaff")
    counter = window.counter
    assert counter.roster_panel.isVisible()
    qtbot.waitUntil(lambda: counter.roster_panel.roster.count() == 3, timeout=10_000)
    names = [counter.roster_panel.roster.item(i).text() for i in range(3)]
    assert all(name.startswith("学员") for name in names)
    assert "0 / remaining 3 / total 3" in counter.roster_panel.progress.text()
    counter.roster_panel.step_roster(1)
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    assert counter.session.candidate.tutoring_unit == UNIT

    # A counter candidate is out of scope, whatever the screen shows: the query filters it.
    counter.next_candidate()
    counter.candidate_panel.search_field.setText("R1")
    counter.candidate_panel.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: counter.session.lookup_done, timeout=10_000)
    assert counter.session.candidates_found == []
    assert "Not pre-registered" in counter.candidate_panel.candidate_fields.text()
    staff = SignedIn("unitstaff", "x", Role.TUTORING_UNIT_STAFF, UNIT)
    queries = CounterQueries(counter_app.database, counter_app.workstation)
    assert queries.search(staff, "R1") == []
    with pytest.raises(PermissionDeniedError):
        queries.review_queue(staff)


def test_a_clerk_gets_no_review_queue_even_by_asking(counter_app: Application) -> None:
    clerk = SignedIn("clerk", "x", Role.CLERK)
    queries = CounterQueries(counter_app.database, counter_app.workstation)
    with pytest.raises(PermissionDeniedError):
        queries.review_queue(clerk)
    with pytest.raises(PermissionDeniedError):
        queries.unit_roster(clerk)


def test_only_an_administrator_adds_operators(counter_app: Application) -> None:
    from desk_app.services.counter import add_operator_as

    pretender = SignedIn("clerk", "x", Role.ADMINISTRATOR)  # a forged role is read again
    with pytest.raises(PermissionDeniedError):
        add_operator_as(
            counter_app.database,
            pretender,
            operator_id="new",
            display_name="n",
            role=Role.CLERK,
            password="new-pass-123",
        )
    admin = SignedIn("admin", "x", Role.ADMINISTRATOR)
    added = add_operator_as(
        counter_app.database,
        admin,
        operator_id="new",
        display_name="n",
        role=Role.CLERK,
        password="new-pass-123",
    )
    assert added.role is Role.CLERK


def test_camera_unplugged_shows_a_state_and_recovers(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "camera"
    folder.mkdir()
    for index in range(2):
        cv2.imwrite(str(folder / f"{index}.png"), np.full((48, 64, 3), 90, dtype=np.uint8))
    window, _ = make_window(counter_app, camera=FileCamera(folder, size=(64, 48), fps=25))
    qtbot.waitUntil(lambda: window.preview.frames_shown > 3, timeout=10_000)
    assert window.hardware.camera == "running"
    unplugged = tmp_path / "unplugged"
    folder.rename(unplugged)
    qtbot.waitUntil(lambda: window.hardware.camera in ("lost", "unavailable"), timeout=10_000)
    assert "disconnected" in window.camera_status.text() or "unavailable" in (
        window.camera_status.text()
    )
    assert window.preview._overlay
    unplugged.rename(folder)
    qtbot.waitUntil(lambda: window.hardware.camera == "running", timeout=10_000)
    shown = window.preview.frames_shown
    qtbot.waitUntil(lambda: window.preview.frames_shown > shown + 3, timeout=10_000)
    assert window.preview._overlay == ""


def test_self_test_says_what_is_wrong(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    text = window.self_test_banner.text()
    assert "Camera: not working" in text
    assert "Card reader: not connected" in text


def test_settings_are_administrators_except_the_language_and_persist(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from ui.preferences import Preferences
    from ui.settings import SettingsDialog

    window, _ = make_window(counter_app)
    services = window.services
    clerk = SignedIn("clerk", "x", Role.CLERK)
    supervisor = SignedIn("super1", "x", Role.SUPERVISOR)
    administrator = SignedIn("admin", "x", Role.ADMINISTRATOR)
    for_clerk = SettingsDialog(services, Preferences(), clerk)
    for_supervisor = SettingsDialog(services, Preferences(), supervisor)
    for_administrator = SettingsDialog(services, Preferences(), administrator)
    for dialog in (for_clerk, for_supervisor, for_administrator):
        qtbot.addWidget(dialog)
    assert for_clerk.thresholds_box.isHidden() and for_supervisor.thresholds_box.isHidden()
    assert not for_administrator.thresholds_box.isHidden()
    assert not for_clerk.idle_minutes.isEnabled() and not for_supervisor.reader_port.isEnabled()

    # A clerk's change of camera does not take: only the language is theirs.
    for_clerk.camera_kind.setCurrentIndex(for_clerk.camera_kind.findData("files"))
    for_clerk.language.setCurrentIndex(for_clerk.language.findData("en"))
    assert for_clerk.chosen().camera == Preferences().camera
    assert for_clerk.chosen().language == "en"

    for_administrator.camera_kind.setCurrentIndex(for_administrator.camera_kind.findData("files"))
    for_administrator.camera_path.setText("/srv/camera-clips")
    chosen = for_administrator.chosen()
    store = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    chosen.save(store)
    loaded = Preferences.load(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    assert loaded == chosen
    assert (loaded.camera.kind, loaded.camera.path) == ("files", "/srv/camera-clips")


def test_identity_and_thresholds_are_written_by_administrators_with_the_floor(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    import tomllib

    from sqlalchemy import select

    from desk_app.config import load_settings
    from desk_app.persistence.models import AuditEntry
    from desk_app.services.settings_policy import save_counter_settings
    from ui.preferences import Preferences
    from ui.settings import SettingsDialog

    window, _ = make_window(counter_app)
    services = window.services
    config = tmp_path / "config.toml"
    administrator = SettingsDialog(
        services, Preferences(), SignedIn("admin", "x", Role.ADMINISTRATOR)
    )
    clerk = SettingsDialog(services, Preferences(), SignedIn("clerk", "x", Role.CLERK))
    for dialog in (administrator, clerk):
        qtbot.addWidget(dialog)
        dialog.config_path = config
    assert clerk.site_id.isReadOnly()
    assert clerk.changed_config() == {} and clerk.config_changes() == {}
    assert administrator.changed_config() == {}  # nothing written when nothing changed

    def save(operator_id: str, changes: Any, reason: str = "") -> None:
        save_counter_settings(config, operator_id, changes, database=counter_app.database,
                              current=counter_app.settings, reason=reason)  # fmt: skip

    administrator.counter_id.setText("C-07")
    save("admin", administrator.changed_config())
    administrator.limits["live_ephoto"][0].setValue(0.5)  # stricter: no reason needed
    changes = administrator.changed_config()
    section = f"thresholds_{services.application.settings.faces.engine}"
    assert section in changes
    save("admin", changes)
    settings = load_settings(config, environ={})
    assert settings.counter.counter_id == "C-07"
    assert settings.thresholds_for(settings.faces.engine).live_ephoto_pass == 0.5

    # Looser than the calibrated review limit: only with a written reason.
    looser = {section: {"live_card_pass": 2.0}}
    with pytest.raises(DeskError) as caught:
        save("admin", looser)
    assert caught.value.code == "settings.threshold_reason_required"
    save("admin", looser, reason="site calibration 2026-11, report #14")

    # The service refuses other roles (read again from the database), and bad values.
    for operator_id in ("clerk", "super1", "nobody"):
        with pytest.raises(PermissionDeniedError):
            save(operator_id, changes)
    before = config.read_text(encoding="utf-8")
    with pytest.raises(DeskError):
        save("admin", {section: {"live_card_pass": "high"}})
    assert config.read_text(encoding="utf-8") == before
    assert tomllib.loads(before)["counter"]["counter_id"] == "C-07"

    with counter_app.database.reading() as uow:
        changed = [
            (e.subject, e.details)
            for e in uow.session.scalars(select(AuditEntry))
            if e.action == "settings.changed"
        ]
    assert any(
        subject == "[counter] counter_id" and details["new"] == "C-07"
        for subject, details in changed
    )
    shipped = counter_app.settings.thresholds_for(section.removeprefix("thresholds_"))
    assert (
        f"[{section}] live_card_pass",
        {"old": shipped.live_card.passing, "new": 2.0,
         "reason": "site calibration 2026-11, report #14"},
    ) in changed  # fmt: skip


def test_quality_hints_are_worded_on_the_preview(qtbot: Any) -> None:
    from desk_app.vision.quality import QualityIssue
    from ui.widgets import CameraPreview
    from ui.workers import FrameAnalysis

    preview = CameraPreview()
    qtbot.addWidget(preview)
    assert preview.hint() == ""
    preview.show_analysis(
        FrameAnalysis((10, 10, 50, 60), (QualityIssue.TOO_SMALL,), (640, 480), 0, True)
    )
    assert preview.hint() == "Move closer"
    preview.show_analysis(FrameAnalysis(None, (QualityIssue.NO_FACE,), (640, 480), 0, True))
    assert preview.hint() == "Look at the camera"
    preview.show_analysis(FrameAnalysis((10, 10, 50, 60), (), (640, 480), 2, True))
    assert preview.hint() == ""
    not_capturing = FrameAnalysis(None, (QualityIssue.NO_FACE,), (640, 480), 0, False)
    preview.show_analysis(not_capturing)
    assert preview.hint() == ""


def test_the_review_screen_masks_the_id_number(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    from desk_app.domain.masking import mask_document_number
    from desk_app.domain.workflow import ReasonCode
    from desk_app.services.workflow import Decision
    from tests.support.ui_helpers import citizen_number

    counter_app.workflow.refer(
        "R0", "clerk", Decision(reason=ReasonCode.FACE_SCORE_LOW, note="lighting")
    )
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    review = window.review
    qtbot.waitUntil(lambda: "R0" in review.details.text(), timeout=10_000)
    assert citizen_number(1) not in review.details.text()
    assert mask_document_number(citizen_number(1)) in review.details.text()


def test_a_recorded_camera_outside_the_demo_shows_a_red_banner(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    live, _ = make_window(counter_app)
    assert live.counter.test_camera_banner.isHidden()
    frame = tmp_path / "frame.png"
    cv2.imwrite(str(frame), np.zeros((480, 640, 3), dtype=np.uint8))
    recorded, _ = make_window(counter_app, camera=FileCamera([frame], fps=5))
    sign_in(qtbot, recorded, "clerk")
    assert not recorded.counter.test_camera_banner.isHidden()
    assert "TEST CAMERA" in recorded.counter.test_camera_banner.text()


def test_a_supervisor_shows_full_numbers_with_a_reason_and_it_is_audited(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    from sqlalchemy import select

    from desk_app.domain.workflow import ReasonCode
    from desk_app.persistence.models import AuditEntry
    from desk_app.services.workflow import Decision
    from tests.support.ui_helpers import citizen_number

    counter_app.workflow.refer("R0", "clerk", Decision(reason=ReasonCode.FACE_SCORE_LOW))
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    review = window.review
    qtbot.waitUntil(lambda: "R0" in review.details.text(), timeout=10_000)
    review.reveal("the card number is disputed")
    qtbot.waitUntil(lambda: citizen_number(1) in review.notice.text(), timeout=10_000)
    with counter_app.database.reading() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.unmask")
        ).one()
    assert (entry.actor, entry.subject) == ("super1", "R0")
    assert entry.details["reason"] == "the card number is disputed"
