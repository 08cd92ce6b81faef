"""Mirror test-time augmentation on real photographs (vision.scoring)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desk_app.vision.engines import best_face
from desk_app.vision.images import load_rgb
from desk_app.vision.scoring import mirrored_face, mirrored_template

PICTURES = ["Naoto_Kan/Naoto_Kan_0001.jpg", "Yoriko_Kawaguchi/Yoriko_Kawaguchi_0001.jpg"]


@pytest.mark.parametrize("picture", PICTURES)
def test_reflected_landmarks_are_where_the_detector_finds_them(
    data_dir: Path, sface_engine: Any, picture: str
) -> None:
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
    data_dir: Path, sface_engine: Any
) -> None:
    images = data_dir / "faces" / "lfw" / "images"
    rgb = load_rgb(images / PICTURES[0])
    face = best_face(sface_engine.detect(rgb))
    plain = sface_engine.encode(rgb, face)
    averaged = mirrored_template(sface_engine, rgb, face, plain)
    assert 0.0 < sface_engine.distance(plain, averaged) < 0.15
    stranger = load_rgb(images / PICTURES[1])
    other = sface_engine.encode(stranger, best_face(sface_engine.detect(stranger)))
    assert sface_engine.distance(averaged, other) > 0.5
