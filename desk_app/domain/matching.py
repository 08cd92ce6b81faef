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
