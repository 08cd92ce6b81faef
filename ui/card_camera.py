"""Reading the ID card held up to the camera, for the counter screen.

The OCR reader itself lives in the core (``desk_app.idcard.camera_reader``, owned by the
Application); this adapter turns one camera frame into what the chip reader would have given,
plus the problems the camera saw (a printed birth date or sex that disagrees with the number,
glare, blur …), and refuses with the first problem in words when the number and name were not
read with certainty.
"""

from __future__ import annotations

import cv2

from desk_app.domain.errors import DeskError, DocumentError
from desk_app.idcard.camera_reader import CardImageReader
from desk_app.idcard.protocol import CardText
from desk_app.vision.images import RGBImage

CameraCard = tuple[CardText, bytes | None, list[DeskError]]


class CameraCardReader:
    def __init__(self, reader: CardImageReader) -> None:
        self._reader = reader

    def read_card(self, rgb: RGBImage) -> CameraCard:
        """The card's text, its printed portrait (JPEG) and the problems seen, from one frame."""
        reading = self._reader.read(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        problems: list[DeskError] = [
            DocumentError(problem.message, code=problem.code, field=problem.field)
            for problem in reading.problems
        ]
        card = reading.card_text()
        if card is None:
            if reading.side == "back":
                raise DocumentError(
                    "this is the back of the card: show the side with the photo",
                    code="card.back_side",
                )
            raise (
                problems[0]
                if problems
                else DocumentError("the ID number could not be read", code="card.number_unreadable")
            )
        portrait = None
        if reading.portrait is not None:
            ok, encoded = cv2.imencode(".jpg", reading.portrait)
            portrait = encoded.tobytes() if ok else None
        return card, portrait, problems
