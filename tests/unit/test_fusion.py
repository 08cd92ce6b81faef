"""The fused three-way rule on made-up distances (a fake engine whose distance is the L1 norm)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from desk_app.config import SFACE_THRESHOLDS
from desk_app.domain.matching import Band, Fusion, Thresholds
from desk_app.vision.verification import Reason, Reference, Verification, verify_three_way

LIMITS = dataclasses.replace(
    SFACE_THRESHOLDS,
    live_card_pass=0.6,
    live_card_review=0.8,
    live_ephoto_pass=0.6,
    live_ephoto_review=0.7,
    card_ephoto_pass=0.6,
    card_ephoto_review=0.9,  # card and e-photo sit at live-card + live-e-photo here
    fused_card_weight=0.5,
    fused_pass=0.5,
    fused_review=0.6,
    age_gap_margin=0.1,
)


class _Engine:
    name = "fake"
    model_version = "1"

    def distance(self, first: np.ndarray, second: np.ndarray) -> float:  # type: ignore[type-arg]
        return float(np.abs(first - second).sum())


def _verify(live_card: float, live_ephoto: float, **card: float) -> Verification:
    """Card and e-photo templates on two axes: the live face (the origin) is ``live_card`` and
    ``live_ephoto`` away from them, and they are the sum apart."""
    live = np.zeros(2, np.float32)
    card_template = np.array([live_card, 0], np.float32)
    ephoto = np.array([0, live_ephoto], np.float32)
    return verify_three_way(
        _Engine(),  # type: ignore[arg-type]
        live,
        Reference(card_template, eye_distance=26, **card),  # type: ignore[arg-type]
        Reference(ephoto),
        LIMITS,
    )


def test_fusion_weights_the_two_distances() -> None:
    fusion = Fusion(0.3, Thresholds(0.64, 0.73))
    assert fusion.distance(1.0, 0.0) == pytest.approx(0.3)
    assert fusion.distance(0.0, 1.0) == pytest.approx(0.7)
    widened = fusion.widened(0.05)
    assert widened.thresholds == Thresholds(0.64, 0.78) and widened.card_weight == 0.3


def test_a_soft_card_is_carried_by_a_sharp_e_photo() -> None:
    # live-card 0.7 is in the card's own review band; fused (0.7 + 0.2) / 2 = 0.45 passes.
    result = _verify(0.7, 0.2)
    assert result.decision is Band.PASS and result.reasons == ()
    assert result.fused is not None and result.fused.distance == pytest.approx(0.45)


def test_fused_review_and_fail() -> None:
    assert _verify(0.6, 0.5).decision is Band.REVIEW  # fused 0.55
    failed = _verify(0.7, 0.69)  # fused 0.695
    assert failed.decision is Band.FAIL and failed.reasons[0] is Reason.LIVE_MISMATCH


def test_a_card_failing_on_its_own_keeps_a_fused_pass_in_review() -> None:
    # Someone else's card with the impostor's own e-photo: live-card 0.85 fails on its own.
    result = _verify(0.85, 0.1)  # fused 0.475: would pass
    assert result.decision is Band.REVIEW
    assert Reason.BORDERLINE in result.reasons and Reason.REFERENCES_DISAGREE in result.reasons


def test_an_old_card_widens_only_the_review_band() -> None:
    assert _verify(0.65, 0.6).decision is Band.FAIL  # fused 0.625 > 0.6
    old = _verify(0.65, 0.6, age_years=12.0)
    assert old.decision is Band.REVIEW and Reason.AGE_GAP in old.reasons
    assert old.fused is not None and old.fused.thresholds == Thresholds(0.5, 0.7)
    assert _verify(0.55, 0.5, age_years=12.0).decision is Band.REVIEW  # 0.525: not a pass
    child = _verify(0.65, 0.6, age_years=6.0, age_at_capture=12.0)
    assert child.decision is Band.REVIEW  # a portrait taken at 12 is old after 5 years
    assert _verify(0.65, 0.6, age_years=6.0, age_at_capture=30.0).decision is Band.FAIL
