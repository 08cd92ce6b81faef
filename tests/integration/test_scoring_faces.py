"""Mirror test-time augmentation on real photographs (vision.scoring)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desk_app.vision.engines import best_face, load_engine
from desk_app.vision.images import load_rgb
from desk_app.vision.scoring import MirrorAveragedEngine, mirrored_face, mirrored_template

PICTURES = ["Naoto_Kan/Naoto_Kan_0001.jpg", "Yoriko_Kawaguchi/Yoriko_Kawaguchi_0001.jpg"]


@pytest.fixture(scope="module")
def plain_sface() -> Any:
    return load_engine("sface", mirror_averaged=False)


@pytest.mark.parametrize("picture", PICTURES)
def test_reflected_landmarks_are_where_the_detector_finds_them(
    data_dir: Path, plain_sface: Any, picture: str
) -> None:
    sface_engine = plain_sface
    rgb = load_rgb(data_dir / "faces" / "lfw" / "images" / picture)
    face = best_face(sface_engine.detect(rgb))
    found = best_face(sface_engine.detect(np.ascontiguousarray(rgb[:, ::-1])))
    reflected = mirrored_face(face, rgb.shape[1], "sface")
    # Each point, in SFace's order (right eye, left eye, nose, right and left mouth corners),
    # within a few pixels of the detector's own on the mirror image (the detector itself moves
    # by up to ~5 px between a picture and its mirror; swapped sides would be ~40 px off).
    assert np.abs(reflected.landmarks - found.landmarks).max() < 8.0
    assert np.hypot(*np.subtract(reflected.right_eye, found.right_eye)) < 8.0
    assert face.eye_distance > 30.0


def test_the_mirror_averaged_template_stays_the_same_person(
    data_dir: Path, plain_sface: Any
) -> None:
    sface_engine = plain_sface
    images = data_dir / "faces" / "lfw" / "images"
    rgb = load_rgb(images / PICTURES[0])
    face = best_face(sface_engine.detect(rgb))
    plain = sface_engine.encode(rgb, face)
    averaged = mirrored_template(sface_engine, rgb, face, plain)
    assert 0.0 < sface_engine.distance(plain, averaged) < 0.15
    stranger = load_rgb(images / PICTURES[1])
    other = sface_engine.encode(stranger, best_face(sface_engine.detect(stranger)))
    assert sface_engine.distance(averaged, other) > 0.5


def test_a_mirror_averaged_engine_is_one_flag_away(data_dir: Path, plain_sface: Any) -> None:
    """Off by default (its cost is over the live frame's budget), one flag gives mirror-averaged
    templates with the plain engine's name and model."""
    assert not isinstance(load_engine("sface"), MirrorAveragedEngine)
    default = load_engine("sface", mirror_averaged=True)
    assert isinstance(default, MirrorAveragedEngine)
    assert default.name == "sface" and default.model_version == plain_sface.model_version
    rgb = load_rgb(data_dir / "faces" / "lfw" / "images" / PICTURES[0])
    face = best_face(default.detect(rgb))
    expected = mirrored_template(plain_sface, rgb, face)
    np.testing.assert_allclose(default.encode(rgb, face), expected, rtol=1e-5, atol=1e-6)
    assert plain_sface.distance(default.encode(rgb, face), plain_sface.encode(rgb, face)) > 1e-4


def test_the_card_pipeline_keeps_its_own_mirroring(data_dir: Path, plain_sface: Any) -> None:
    """Chip-sized portraits were measured with the card pipeline's mirroring (the face detected
    again in the mirror image): a mirror-averaged engine gives exactly those templates."""
    from desk_app.vision.card import CARD_PIPELINE, portrait_template
    from desk_app.vision.chiplike import LFW_FRAMING, chiplike

    rgb = load_rgb(data_dir / "faces" / "lfw" / "images" / PICTURES[1])
    portrait = chiplike(rgb, LFW_FRAMING)
    expected = portrait_template(plain_sface, portrait, CARD_PIPELINE).template
    actual = portrait_template(
        load_engine("sface", mirror_averaged=True), portrait, CARD_PIPELINE
    ).template
    np.testing.assert_array_equal(actual, expected)
