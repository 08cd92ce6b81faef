"""The supervisors' blocklist screen (issue 15): list, block a number with a reason, block the
live faces of a revoked case; a blocked number then turns a confirmation into a referral."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import update

from desk_app.bootstrap import Application
from desk_app.domain.workflow import Action, ReasonCode
from desk_app.persistence.models import BlocklistEntry, utc_now
from desk_app.services.blocklist import add_number
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from tests.support.ui_helpers import citizen_number, sign_in


def test_a_supervisor_blocks_a_number_and_a_revoked_cases_faces(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    template = np.ones(128, np.float32) / np.sqrt(128)
    capture = LiveCapture(b"\xff\xd8live", template, "sface", "m")
    counter_app.workflow.confirm("R1", "clerk", Decision(live_capture=capture))
    counter_app.workflow.revoke("R1", "super1", Decision(reason=ReasonCode.IMPERSONATION))
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    screen = window.blocklist
    assert window.tabs.indexOf(screen) >= 0

    # A reason is required; the refusal is worded and nothing is added.
    screen.number.setText(citizen_number(3))
    screen.add_number_button.click()
    qtbot.waitUntil(lambda: "reason" in screen.notice.text(), timeout=10_000)
    screen.number_reason.setText("forged registration")
    screen.add_number_button.click()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    shown = screen.table.item(0, 1).text()
    assert shown != citizen_number(3) and shown.endswith(citizen_number(3)[-4:])  # masked

    screen.registration_id.setText("R1")
    screen.faces_reason.setText("a stand-in sat for R1")
    screen.add_faces_button.click()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2, timeout=10_000)
    assert "1" in screen.notice.text()

    # Where each entry applies: here until the central side takes it, then at every counter;
    # a refusal by the central side is worded (the entry still applies here).
    assert screen.table.item(0, 4).text() == "This counter"
    with counter_app.database.unit_of_work() as uow:
        uow.session.execute(update(BlocklistEntry).values(shared_at=utc_now()))
        uow.session.execute(
            update(BlocklistEntry)
            .where(BlocklistEntry.kind == "face")
            .values(shared_at=None, central_refusal="blocklist.face_unknown")
        )
        uow.commit()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.table.item(0, 4).text() == "Every counter", timeout=10_000)
    refused = screen.table.item(1, 4).text()
    assert "refused centrally" in refused and "no such live face" in refused
    if shots := os.environ.get("DESK_APP_SCREENSHOTS"):
        window.tabs.setCurrentWidget(screen)
        window.grab().save(str(Path(shots) / "16-blocklist.png"))

    # The blocked number: a confirmation of R2 (whose number it is) becomes a referral.
    change = counter_app.workflow.confirm("R2", "clerk", Decision())
    assert change.action is Action.REFER


def test_a_supervisor_lifts_the_selected_entry_with_a_reason(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    add_number(counter_app.database, "super1", citizen_number(1), "typed by mistake")  # R0's
    add_number(counter_app.database, "super1", citizen_number(4), "forged registration")  # R3's
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    screen = window.blocklist
    qtbot.waitUntil(lambda: screen.table.rowCount() == 2, timeout=10_000)
    assert not screen.lift_button.isEnabled()  # nothing selected
    screen.table.selectRow(0)
    assert screen.lift_button.isEnabled()
    screen.lift_button.click()  # no reason: refused in words, nothing lifted
    qtbot.waitUntil(lambda: "lifted" in screen.notice.text(), timeout=10_000)
    assert screen.table.rowCount() == 2
    screen.lift_reason.setText("wrong number typed")
    screen.lift_button.click()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    assert screen.table.item(0, 2).text() == "forged registration"
    assert screen.lift_reason.text() == "" and not screen.lift_button.isEnabled()
    if shots := os.environ.get("DESK_APP_SCREENSHOTS"):
        window.tabs.setCurrentWidget(screen)
        window.grab().save(str(Path(shots) / "16-blocklist-lifted.png"))
    # R0's number no longer stops a confirmation; R3's still does.
    assert counter_app.workflow.confirm("R0", "clerk", Decision()).action is Action.CONFIRM
    assert counter_app.workflow.confirm("R3", "clerk", Decision()).action is Action.REFER


def test_a_clerk_has_no_blocklist_tab(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    assert window.tabs.indexOf(window.blocklist) < 0
