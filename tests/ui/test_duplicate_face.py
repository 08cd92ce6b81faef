"""A face already confirmed under another record: the confirmation becomes a loud referral."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desk_app.bootstrap import Application
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from desk_app.vision.engines import template_of
from desk_app.vision.images import load_rgb
from tests.support.ui_helpers import (
    add_ephoto,
    card_for,
    card_placed,
    citizen_number,
    tick_checklist,
)


def test_confirming_a_face_seen_under_another_record_is_referred_with_an_alert(
    qtbot: Any,
    counter_app: Application,
    koizumi: list[Path],
    sface_engine: Any,
    make_window: Any,
) -> None:
    # R0 was confirmed earlier today with this face.
    template, _ = template_of(sface_engine, load_rgb(koizumi[0]))
    earlier = LiveCapture(
        koizumi[0].read_bytes(), template, sface_engine.name, sface_engine.model_version
    )
    counter_app.workflow.confirm("R0", "clerk", Decision(live_capture=earlier))
    # The same person now presents R1's card, registered with their own photo.
    add_ephoto(counter_app, "R1", koizumi[1].read_bytes())

    _window, counter = card_placed(
        qtbot,
        make_window,
        counter_app,
        card_for(citizen_number(2), "考生1"),
        camera_files=koizumi[1:],
    )
    qtbot.waitUntil(lambda: counter.consent_bar.isVisible(), timeout=10_000)
    counter.record_consent(True)
    qtbot.waitUntil(lambda: counter.session.verification is not None, timeout=60_000)
    counter.match_panel.card_checked.setChecked(True)
    tick_checklist(counter)
    assert counter.confirm_allowed()
    counter.confirm()
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)

    assert counter.session.duplicate_face_alert()
    assert counter.outcome.notice.text().startswith("ALERT")
    assert counter.outcome.ticket.text() == ""
    with counter_app.database.reading() as uow:
        from desk_app.persistence.repositories import CandidateRepository

        repository = CandidateRepository(uow.session)
        r1 = repository.by_registration_id("R1")
        assert r1 is not None and r1.state == "referred"
        referral = repository.last_transition(r1.id, "refer")
        assert referral is not None and referral.reason_code == "duplicate_face"
