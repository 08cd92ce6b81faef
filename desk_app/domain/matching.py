"""Face-match decisions: distance thresholds and the pass / review / fail bands."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Band(enum.StrEnum):
    PASS = "pass"
    REVIEW = "review"  # a supervisor decides
    FAIL = "fail"


@dataclass(frozen=True)
class Thresholds:
    """Distance limits of one comparison type (lower distance = more alike): at most
    ``passing`` passes, at most ``review`` goes to a supervisor, anything further fails."""

    passing: float
    review: float

    def band(self, distance: float) -> Band:
        if distance <= self.passing:
            return Band.PASS
        if distance <= self.review:
            return Band.REVIEW
        return Band.FAIL

    def near_miss(self, distance: float, margin: float) -> bool:
        """A pass within ``margin`` of the pass limit: a second look (``NEAR_MISS_HINT``)."""
        return margin > 0 and self.passing - margin < distance <= self.passing


# A pass close to the limit is where a look-alike stand-in lands: the match still passes (face
# matching never confirms on its own anyway), but the clerk is asked to compare the two faces
# side by side before confirming. The UI words it through its translations; this is the code
# and the English wording for records and the command line.
NEAR_MISS_CODE = "face.near_miss"
NEAR_MISS_HINT = (
    "The faces match, but only just: compare the live face with the photo side by side "
    "(ears, hairline, moles, teeth) before confirming."
)


@dataclass(frozen=True)
class Fusion:
    """One decision from both references: the fused distance
    ``card_weight * live-card + (1 - card_weight) * live-e-photo``, banded by ``thresholds``.

    An impostor holding a real candidate's card faces two photos of that candidate, so both
    distances come out large together, while an honest candidate's chip distance is often large
    alone (the chip portrait is small and soft). Averaging keeps what each reference knows; the
    weight and the limits are calibrated on the chip-like dev set (``bench/faces_fusion.py``).
    """

    card_weight: float
    thresholds: Thresholds

    def distance(self, live_card: float, live_ephoto: float) -> float:
        return self.card_weight * live_card + (1 - self.card_weight) * live_ephoto

    def widened(self, review_margin: float) -> Fusion:
        """The same rule with the review band reaching ``review_margin`` further (old cards)."""
        return Fusion(
            self.card_weight,
            Thresholds(self.thresholds.passing, self.thresholds.review + review_margin),
        )
