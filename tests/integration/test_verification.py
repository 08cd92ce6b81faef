"""Three-way verification on real photographs (YuNet + SFace, the default engine)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np
import pytest

from desk_app.config import Settings
from desk_app.domain.matching import Band
from desk_app.vision.engines import FaceEngine, template_of
from desk_app.vision.images import load_rgb
from desk_app.vision.verification import Comparison, Reason, Reference, verify_three_way

KAN = "Naoto_Kan/Naoto_Kan_000{}.jpg"
KOIZUMI = "Junichiro_Koizumi/Junichiro_Koizumi_000{}.jpg"


@pytest.fixture(scope="module")
def engine(sface_engine: FaceEngine) -> FaceEngine:
    return sface_engine


@pytest.fixture(scope="module")
def picture(data_dir: Path, engine: FaceEngine):
    root = data_dir / "faces" / "lfw" / "images"

    def reference(name: str, *, age_years: float | None = None) -> Reference:
        template, face = template_of(engine, load_rgb(root / name))
        return Reference(template, eye_distance=face.eye_distance, age_years=age_years)

    return reference


def _verify(engine: FaceEngine, live: Reference, card: Reference, ephoto: Reference):
    assert live.template is not None
    return verify_three_way(
        engine, live.template, card, ephoto, Settings().thresholds_for(engine.name)
    )


def test_all_three_agree(engine: FaceEngine, picture) -> None:
    result = _verify(engine, picture(KAN.format(1)), picture(KAN.format(3)), picture(KAN.format(2)))
    assert result.decision is Band.PASS and result.reasons == ()
    assert {s.comparison for s in result.scores} == set(Comparison)
    record = result.as_record()
    assert record["engine"] == "sface" and "live_card" in record["scores"]


def test_someone_else_in_front_of_the_camera_fails(engine: FaceEngine, picture) -> None:
    result = _verify(
        engine, picture(KOIZUMI.format(1)), picture(KAN.format(3)), picture(KAN.format(2))
    )
    assert result.decision is Band.FAIL
    assert result.reasons[0] is Reason.LIVE_MISMATCH


def test_a_missing_reference_goes_to_review(engine: FaceEngine, picture) -> None:
    missing = Reference(None, missing_reason="face.not_found")
    result = _verify(engine, picture(KAN.format(1)), missing, picture(KAN.format(2)))
    assert result.decision is Band.REVIEW
    assert result.reasons == (Reason.CARD_MISSING,)
    live_card = next(s for s in result.scores if s.comparison is Comparison.LIVE_CARD)
    assert live_card.distance is None and live_card.band is None


def test_no_reference_at_all_is_never_a_pass(engine: FaceEngine, picture) -> None:
    result = _verify(engine, picture(KAN.format(1)), Reference(None), Reference(None))
    assert result.decision is Band.REVIEW
    assert set(result.reasons) == {Reason.CARD_MISSING, Reason.EPHOTO_MISSING}


def test_borderline_with_a_small_old_card_portrait_says_why(
    engine: FaceEngine, data_dir: Path
) -> None:
    root = data_dir / "faces" / "lfw" / "images"
    live, _ = template_of(engine, load_rgb(root / KAN.format(1)))
    ephoto, _ = template_of(engine, load_rgb(root / KAN.format(2)))
    small = cv2.resize(load_rgb(root / KAN.format(4)), (102, 102))  # a card-sized picture
    card_template, face = template_of(engine, np.ascontiguousarray(small))
    distance = engine.distance(live, card_template)
    # Thresholds put exactly this live-card score in the review band.
    thresholds = dataclasses.replace(
        Settings().thresholds_for("sface"),
        live_card_pass=distance - 0.01,
        live_card_review=distance + 0.01,
    )
    result = verify_three_way(
        engine,
        live,
        Reference(card_template, eye_distance=face.eye_distance, age_years=15),
        Reference(ephoto),
        thresholds,
        small_portrait_eye_distance=30,
    )
    assert result.decision is Band.REVIEW
    assert result.reasons == (Reason.BORDERLINE, Reason.CARD_PORTRAIT_SMALL, Reason.AGE_GAP)
