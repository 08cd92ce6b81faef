"""The liveness challenge as the candidate sees it: a large prompt and an arrow over the camera
preview, the seconds left, and the worded result.

"Left" is the candidate's own left. In a mirrored preview (what a candidate expects, like a
mirror) their head turning to their left moves toward the screen's left, so the arrow points
left; in an unmirrored preview it points right. The overlay draws only; the judge runs on the
face worker (desk_app.vision.liveness) and the screen hands each ``Prompt`` here.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import QWidget

from desk_app.vision.liveness.judge import Action, LivenessResult, Prompt
from ui.texts import liveness_reason_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, heading_font


def arrow_points_left(action: Action, *, mirrored: bool) -> bool | None:
    """Which way the arrow points on screen: True left, False right, None no arrow (blink)."""
    if action is Action.BLINK:
        return None
    candidates_left = action is Action.LEFT
    return candidates_left if mirrored else not candidates_left


class ChallengeOverlay(QWidget):
    """Transparent to the mouse; sized over the preview by its parent. GUI thread only."""

    def __init__(self, parent: QWidget | None = None, *, mirrored: bool = True) -> None:
        super().__init__(parent)
        self.mirrored = mirrored
        self._prompt: Prompt | None = None
        self._result: LivenessResult | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)

    def show_prompt(self, prompt: Prompt) -> None:
        self._prompt, self._result = prompt, None
        self.update()

    def show_result(self, result: LivenessResult) -> None:
        self._result = result
        self.update()

    def clear(self) -> None:
        self._prompt = self._result = None
        self.update()

    def prompt_text(self) -> str:
        if self._result is not None:
            if self._result.passed:
                return self.tr("Liveness check passed")
            return self.tr("Liveness check failed: %1").replace(
                "%1", liveness_reason_text(self._result.reason)
            )
        if self._prompt is None:
            return ""
        action = self._prompt.action
        if action is None:
            return self.tr("Look at the camera")
        return {
            Action.BLINK: self.tr("Blink your eyes"),
            Action.LEFT: self.tr("Turn your head to your left"),
            Action.RIGHT: self.tr("Turn your head to your right"),
        }[action]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        text = self.prompt_text()
        if not text:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        band = QRect(0, 0, self.width(), 90)
        painter.fillRect(band, QColor(0, 0, 0, 160))
        colour = "#ffffff"
        if self._result is not None:
            colour = PASS_COLOUR if self._result.passed else FAIL_COLOUR
        painter.setPen(QColor(colour))
        # A prompt is a few words, large; a worded result may be a sentence: smaller, wrapped.
        painter.setFont(heading_font(26 if self._result is None else 16))
        painter.drawText(
            band.adjusted(10, 0, -10, -24),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            text,
        )
        if self._result is None and self._prompt is not None and not self._prompt.finished:
            painter.setFont(heading_font(14, bold=False))
            seconds = self.tr("%1 s").replace("%1", str(math.ceil(self._prompt.seconds_left)))
            painter.drawText(band.adjusted(0, 56, 0, 0), Qt.AlignmentFlag.AlignCenter, seconds)
            if self._prompt.action is not None:
                left = arrow_points_left(self._prompt.action, mirrored=self.mirrored)
                if left is not None:
                    self._arrow(painter, left)
        painter.end()

    def _arrow(self, painter: QPainter, left: bool) -> None:
        height = self.height()
        middle = height / 2 + 30
        size = min(self.width(), height) / 5
        x = self.width() * (0.14 if left else 0.86)
        direction = -1 if left else 1
        tip = QPointF(x + direction * size / 2, middle)
        shaft = [
            QPointF(x - direction * size / 2, middle - size / 6),
            QPointF(x, middle - size / 6),
            QPointF(x, middle - size / 2.5),
            tip,
            QPointF(x, middle + size / 2.5),
            QPointF(x, middle + size / 6),
            QPointF(x - direction * size / 2, middle + size / 6),
        ]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(251, 188, 4, 230))
        painter.drawPolygon(QPolygonF(shaft))
