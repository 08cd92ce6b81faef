"""The first-run wizard on a fresh counter database: standalone with its first administrator, or
enrolled with a real central sync service; the devices page tries the camera and the reader."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWizard

from desk_app.bootstrap import Application
from desk_app.security.operators import sign_in
from desk_app.services.counter import CounterQueries
from tests.support.factories import make_application
from tests.support.sync_service import RunningService
from ui.first_run import DEVICES_PAGE, FirstRunWizard, needs_first_run
from ui.operations import Operations
from ui.preferences import Preferences

ADMIN_PASSWORD = "Kaowu-Admin-2026!"
SHOTS = os.environ.get("DESK_APP_SCREENSHOTS")  # a folder: keep each page's picture there


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Application]:
    application = make_application(f"sqlite:///{tmp_path / 'counter.db'}")
    yield application
    application.close()


@pytest.fixture
def wizard(qtbot: Any, fresh: Application, tmp_path: Path) -> Iterator[FirstRunWizard]:
    operations = Operations()
    store = QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    shown = FirstRunWizard(fresh, operations, Preferences(), store)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    operations.shutdown()


def shot(wizard: FirstRunWizard, name: str) -> None:
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / f"first_run_{name}.png"))


def count_operators(application: Application) -> int:
    return CounterQueries(
        application.database, application.workstation, application.sign_in_policy
    ).operator_count()


def test_a_fresh_counter_needs_the_wizard_and_a_set_up_one_does_not(fresh: Application) -> None:
    assert needs_first_run(count_operators(fresh), fresh.binding is not None)
    assert not needs_first_run(1, False) and not needs_first_run(0, True)


def test_standalone_creates_the_first_administrator_and_saves_the_devices(
    qtbot: Any, wizard: FirstRunWizard, fresh: Application, tmp_path: Path
) -> None:
    shot(wizard, "1_mode")
    wizard.mode_page.standalone.setChecked(True)
    wizard.next()
    page = wizard.admin_page
    assert wizard.currentPage() is page and not page.isComplete()
    page.display_name.setText("王老师")
    page.password.setText(ADMIN_PASSWORD)
    page.repeat.setText("something else")
    page.create_button.click()
    assert "differ" in page.status.text() and count_operators(fresh) == 0
    page.repeat.setText(ADMIN_PASSWORD)
    page.password.setText("123456")  # the password rules of operators add apply
    page.repeat.setText("123456")
    page.create_button.click()
    qtbot.waitUntil(lambda: page.create_button.isEnabled() and page.status.text() != "")
    assert not page.isComplete() and count_operators(fresh) == 0
    page.password.setText(ADMIN_PASSWORD)
    page.repeat.setText(ADMIN_PASSWORD)
    page.create_button.click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    shot(wizard, "2_admin")
    signed_in = sign_in(fresh.database, "admin", ADMIN_PASSWORD, policy=fresh.sign_in_policy)
    assert signed_in.role == "administrator"

    wizard.next()
    devices = wizard.devices_page
    assert wizard.currentId() == DEVICES_PAGE
    devices.camera_kind.setCurrentIndex(devices.camera_kind.findData("files"))
    devices.camera_path.setText(str(tmp_path / "no-such-folder"))
    devices.camera_button.click()
    qtbot.waitUntil(lambda: devices.camera_button.isEnabled(), timeout=10_000)
    assert "camera." in devices.camera_status.text() and devices.preview.pixmap().isNull()
    devices.camera_kind.setCurrentIndex(devices.camera_kind.findData("generated"))
    devices.camera_button.click()
    qtbot.waitUntil(lambda: not devices.preview.pixmap().isNull(), timeout=10_000)
    assert "640×480" in devices.camera_status.text()
    devices.reader_port.setCurrentText(str(tmp_path / "no-such-port"))
    devices.reader_button.click()
    qtbot.waitUntil(lambda: devices.reader_button.isEnabled(), timeout=10_000)
    assert "reader.unreachable" in devices.reader_status.text()
    shot(wizard, "3_devices")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    saved = Preferences.load(
        QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)
    )
    assert saved.camera.kind == "generated"
    assert saved.reader_port == str(tmp_path / "no-such-port")


@pytest.mark.postgres
def test_enrolment_needs_the_right_fingerprint_then_binds_the_counter(
    qtbot: Any, wizard: FirstRunWizard, fresh: Application, service: RunningService
) -> None:
    code = service.add_counter("C7", site_id="S3")
    wizard.next()  # enrolled is the default mode
    page = wizard.enrol_page
    assert wizard.currentPage() is page
    page.server.setText(service.url)
    page.code.setText(code)
    page.fingerprint.setText("AB:" * 31 + "AB")
    page.enrol_button.click()
    qtbot.waitUntil(lambda: page.enrol_button.isEnabled(), timeout=20_000)
    assert "enrol.fingerprint_mismatch" in page.status.text() and not page.isComplete()
    page.fingerprint.setText(service.fingerprint)
    page.enrol_button.click()
    qtbot.waitUntil(page.isComplete, timeout=20_000)
    shot(wizard, "2_enrol")
    assert "S3 / C7" in page.status.text() and page.code.text() == ""
    reopened = make_application(fresh.settings.database_url)
    try:
        assert reopened.binding is not None and reopened.binding.counter_id == "C7"
    finally:
        reopened.close()
    wizard.next()
    assert wizard.currentId() == DEVICES_PAGE
