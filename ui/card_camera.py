"""PENDING: reading the ID card held up to the camera (OCR), being finished in ``desk_app.idcard``.

The counter offers the action but disables it until ``camera_card_reader`` returns a reader.
To wire it: return an object whose ``read_card(rgb)`` gives ``CardText`` (and the portrait crop)
from the lead's OCR module. Nothing here pretends to read a card.
"""

from __future__ import annotations

from typing import Protocol

from desk_app.idcard.protocol import CardText
from desk_app.vision.images import RGBImage


class CameraCardReader(Protocol):
    def read_card(self, rgb: RGBImage) -> tuple[CardText, bytes | None]:
        """The card's text and its printed portrait (JPEG), from one camera frame."""
        ...


def camera_card_reader() -> CameraCardReader | None:
    """The OCR reader when it is available; None while it is pending (the action is disabled)."""
    return None
