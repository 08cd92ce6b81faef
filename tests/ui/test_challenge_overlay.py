"""The liveness prompt over the preview: words in Chinese by default, the arrow on the side the
candidate sees in a mirrored preview, the seconds left, and the worded failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor

from desk_app.vision.liveness.judge import Action, ChallengeJudge, Prompt
from tests.support.liveness_faces import synthetic_measure
from ui.app import install_translations
from ui.counter.challenge import ChallengeOverlay, arrow_points_left


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    installed = install_translations(qapp, "zh_CN")
    yield
    for translator in installed:
        qapp.removeTranslator(translator)


def test_the_arrow_follows_the_candidates_own_side() -> None:
    assert arrow_points_left(Action.LEFT, mirrored=True) is True
    assert arrow_points_left(Action.RIGHT, mirrored=True) is False
    assert arrow_points_left(Action.LEFT, mirrored=False) is False
    assert arrow_points_left(Action.BLINK, mirrored=True) is None


def _arrow_side(overlay: ChallengeOverlay) -> str:
    image = overlay.grab().toImage()
    y = image.height() // 2 + 30
    yellow = [x for x in range(image.width()) if QColor(image.pixel(x, y)).red() > 200
              and QColor(image.pixel(x, y)).blue() < 80]  # fmt: skip
    assert yellow, "no arrow drawn"
    return "left" if max(yellow) < image.width() / 2 else "right"


def test_the_prompt_is_drawn_and_worded(qtbot: Any, chinese: None, tmp_path: Any) -> None:
    overlay = ChallengeOverlay(mirrored=True)
    qtbot.addWidget(overlay)
    overlay.resize(640, 480)
    overlay.show_prompt(Prompt(Action.LEFT, 2.6, False, False))
    assert overlay.prompt_text() == "请向左转头"
    assert _arrow_side(overlay) == "left"
    overlay.grab().save(str(tmp_path / "left.png"))
    overlay.show_prompt(Prompt(Action.RIGHT, 2.6, False, False))
    assert _arrow_side(overlay) == "right"
    overlay.show_prompt(Prompt(Action.BLINK, 1.0, False, False))
    assert overlay.prompt_text() == "请眨眨眼"

    judge = ChallengeJudge([Action.RIGHT])
    for index in range(100):
        judge.observe(index, index / 25, synthetic_measure())
    overlay.show_result(judge.result())
    assert overlay.prompt_text() == "活体检测未通过：未在规定时间内完成动作"
