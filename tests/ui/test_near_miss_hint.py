"""A pass just under its limit asks the clerk for a side-by-side look (issue 17's second look)."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot

from desk_app.domain.matching import Band, Thresholds
from desk_app.services.counter_session import CounterSession
from desk_app.vision.verification import Comparison, Score, Verification
from ui.counter.match_panel import MatchPanel

LIMITS = Thresholds(passing=0.58, review=0.70)
PASSING = Verification(
    decision=Band.PASS,
    reasons=(),
    scores=tuple(
        Score(comparison, 0.56, Band.PASS, LIMITS)
        for comparison in (Comparison.LIVE_CARD, Comparison.LIVE_EPHOTO, Comparison.CARD_EPHOTO)
    ),
    engine="sface",
    model_version="test",
)


def _summary(qtbot: QtBot, verification: Verification) -> str:
    session = CounterSession(find_decoder=lambda: None)
    session.verification = verification
    panel = MatchPanel(session)
    qtbot.addWidget(panel)
    panel.refresh()
    return panel.match_summary.text()


def test_a_near_miss_pass_shows_the_second_look_hint(qtbot: QtBot) -> None:
    near = _summary(qtbot, dataclasses.replace(PASSING, near_miss=True))
    plain = _summary(qtbot, PASSING)
    assert ("side by side" in near) or ("并排" in near)  # English or the Chinese translation
    assert "side by side" not in plain and "并排" not in plain
