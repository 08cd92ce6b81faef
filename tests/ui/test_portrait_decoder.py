"""The chip portrait's decoder at the counter: decoded off the GUI thread, and a vendor library
that crashes (a real shared library built here) leaves the counter working and says so in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desk_app.bootstrap import Application
from desk_app.idcard.protocol import CardRead
from desk_app.idcard.wlt import NativeWltDecoder
from tests.support.ui_helpers import card_for, citizen_number, file_camera, sign_in, tick_checklist
from tests.support.wlt_library import CRASHING, build_standin, wlt_bytes

FACE_TIMEOUT = 60_000


def test_a_crashing_decoder_is_worded_and_the_counter_goes_on(
    qtbot: Any,
    counter_app: Application,
    koizumi: list[Path],
    make_window: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoder = NativeWltDecoder(build_standin(tmp_path), function="unpack", convention="buffer")
    window, _ = make_window(counter_app, camera=file_camera(koizumi), faces=True)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    monkeypatch.setattr(counter.session, "_find_decoder", lambda: decoder)
    card = card_for(citizen_number(1), "考生0")

    counter.on_card(CardRead(card, wlt_bytes(CRASHING)))  # as the reader worker delivers it
    qtbot.waitUntil(lambda: counter.session.portrait_error is not None, timeout=10_000)
    assert counter.session.portrait_error.code == "wlt.decoder_crashed"
    assert counter.session.card_portrait is None
    shown = counter.card_panel.card_fields.text()
    assert "The chip portrait decoder crashed" in shown  # words, with the code for support
    assert "compare the printed card photo by eye" in shown
    assert "status" not in shown  # the adapter's technical message stays out of the words

    # The counter goes on: the record, the consent, the match without the card side.
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    counter.consent_bar.agree_button.click()
    qtbot.waitUntil(lambda: counter.session.verification is not None, timeout=FACE_TIMEOUT)
    assert counter.session.verification.as_record()["card_missing"] == "wlt.decoder_crashed"
    counter.match_panel.card_checked.setChecked(True)
    tick_checklist(counter)
    assert counter.confirm_allowed(), counter.match_panel.match_summary.text()

    # ...and the next card decodes: nothing of the crash stayed behind.
    counter.on_card(CardRead(card, wlt_bytes(0x40)))
    qtbot.waitUntil(lambda: counter.session.card_portrait is not None, timeout=10_000)
    assert counter.session.portrait_error is None
    assert "crashed" not in counter.card_panel.card_fields.text()
    assert counter.match_panel.card_picture.has_picture
    # Its template is computed at once, before the candidate consents and any face is taken
    # (the stand-in's one-colour picture has no face: a reference with the reason).
    qtbot.waitUntil(lambda: counter.session.card_reference is not None, timeout=FACE_TIMEOUT)
    assert counter.session.consent is None and counter.session.capture is None
    assert counter.session.card_reference.missing_reason == "face.not_found"
