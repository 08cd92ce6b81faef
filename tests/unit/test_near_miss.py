"""A pass just under the limit is marked for a second look (domain.matching)."""

from __future__ import annotations

from desk_app.config import SFACE_THRESHOLDS
from desk_app.domain.matching import NEAR_MISS_CODE, NEAR_MISS_HINT, Band, Thresholds


def test_only_passes_within_the_margin_are_near_misses() -> None:
    limits = Thresholds(passing=0.58, review=0.70)
    assert limits.near_miss(0.56, 0.05)
    assert limits.near_miss(0.58, 0.05)  # at the limit: still a pass, and the nearest
    assert not limits.near_miss(0.52, 0.05)  # comfortably inside
    assert not limits.near_miss(0.60, 0.05)  # not a pass at all: review says so already
    assert limits.band(0.60) is Band.REVIEW
    assert not limits.near_miss(0.57, 0.0)  # a zero margin marks none


def test_the_shipped_margin_and_the_hint() -> None:
    assert SFACE_THRESHOLDS.near_miss_margin == 0.05
    assert NEAR_MISS_CODE == "face.near_miss"
    assert "side by side" in NEAR_MISS_HINT
