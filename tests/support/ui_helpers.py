"""Helpers for the UI tests: the counter's test operators' password and unit, ID numbers and
cards for the simulated reader, e-photos, the file camera and signing in."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from desk_app.bootstrap import Application
from desk_app.camera.sources import FileCamera
from desk_app.idcard.protocol import CardText, CardType
from desk_app.idcard.rules import compose_citizen_id
from desk_app.persistence.models import Photo
from desk_app.persistence.repositories import CandidateRepository

PASSWORD = "counter-pass-1"
UNIT = "Unit A"


def citizen_number(sequence: int) -> str:
    return compose_citizen_id("320102", date(1990, 1, 1), sequence)


def card_for(number: str, name: str, *, valid_to: date = date(2040, 1, 1)) -> CardText:
    return CardText(
        card_type=CardType.RESIDENT,
        name=name,
        sex_code="1",
        birth_date=date(1990, 1, 1),
        id_number=number,
        valid_from=date(2020, 1, 1),
        valid_to=valid_to,
        long_term=False,
        ethnicity_code="01",
        address="江苏省南京市玄武区中山路1号",
        issuing_authority="南京市公安局玄武分局",
    )


def add_ephoto(application: Application, registration_id: str, data: bytes) -> None:
    with application.database.unit_of_work() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        assert candidate is not None
        uow.session.add(
            Photo(
                candidate_id=candidate.id,
                purpose="registered",
                media_type="image/jpeg",
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )
        uow.commit()


def sign_in(qtbot: Any, window: Any, operator_id: str, password: str = PASSWORD) -> None:
    page = window.sign_in_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=5000)
    page.operator_id.setText(operator_id)
    page.password.setText(password)
    page.submit()
    qtbot.waitUntil(lambda: window.operator is not None, timeout=10_000)
    assert window.operator.operator_id == operator_id


def file_camera(paths: list[Path]) -> FileCamera:
    return FileCamera(paths, fps=25, hold_frames=5)


def tick_checklist(counter: Any) -> None:
    """The clerk ticks every box of the case's evidence checklist on the counter screen."""
    for box in counter.visit_panel.checks.values():
        if not box.isChecked():
            box.click()


def card_placed(
    qtbot: Any,
    make_window: Any,
    application: Application,
    card: CardText,
    *,
    camera_files: list[Path] | None = None,
) -> tuple[Any, Any]:
    """A clerk signed in at the counter places ``card`` on the simulated reader; with
    ``camera_files`` the file camera shows them and the face worker runs. Returns the window and
    its counter screen as soon as the card is placed (each test waits for what it needs next)."""
    if camera_files is None:
        window, simulator = make_window(application, cards=[card])
    else:
        window, simulator = make_window(
            application, camera=file_camera(camera_files), faces=True, cards=[card]
        )
    sign_in(qtbot, window, "clerk")
    qtbot.waitUntil(lambda: window.hardware.reader == "connected", timeout=10_000)
    simulator.place_card(0)
    return window, window.counter
