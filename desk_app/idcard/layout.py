"""Where things are on a second-generation resident ID card (85.6 × 54 mm, ISO/IEC 7810 ID-1).

Positions are in millimetres from the top-left corner of the upright card. The camera reader
rectifies a card to ``CANONICAL_SIZE`` (10 pixels per millimetre) and then finds the portrait
and judges glare by these regions; the synthetic card renderer of the tests draws by them.
"""

from __future__ import annotations

from dataclasses import dataclass

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
PIXELS_PER_MM = 10
CANONICAL_SIZE = (round(CARD_WIDTH_MM * PIXELS_PER_MM), round(CARD_HEIGHT_MM * PIXELS_PER_MM))
"""Width and height in pixels of a rectified card image."""

CARD_ASPECT = CARD_WIDTH_MM / CARD_HEIGHT_MM


@dataclass(frozen=True)
class Region:
    """A rectangle on the card, in millimetres."""

    left: float
    top: float
    width: float
    height: float

    def pixels(self, pixels_per_mm: float = PIXELS_PER_MM) -> tuple[int, int, int, int]:
        """``(x0, y0, x1, y1)`` in a card image of the given resolution."""
        return (
            round(self.left * pixels_per_mm),
            round(self.top * pixels_per_mm),
            round((self.left + self.width) * pixels_per_mm),
            round((self.top + self.height) * pixels_per_mm),
        )


PORTRAIT = Region(55.0, 4.5, 28.0, 36.0)
"""The holder's photo on the front, with a little margin around it."""

FRONT_FIELDS: dict[str, Region] = {
    "name": Region(6.0, 5.5, 45.0, 6.5),
    "sex": Region(6.0, 12.5, 20.0, 5.5),
    "ethnicity": Region(26.0, 12.5, 25.0, 5.5),
    "birth_date": Region(6.0, 18.5, 46.0, 5.5),
    "address": Region(6.0, 24.5, 48.0, 15.5),
    "id_number": Region(6.0, 42.0, 78.0, 7.0),
}
BACK_FIELDS: dict[str, Region] = {
    "issuing_authority": Region(6.0, 36.0, 78.0, 6.0),
    "validity": Region(6.0, 43.0, 78.0, 6.0),
}
