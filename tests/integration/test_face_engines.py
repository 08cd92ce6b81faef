"""Both face engines on real photographs from the shared data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from desk_app.config import Settings
from desk_app.domain.matching import Band
from desk_app.vision.engines import (
    FaceEngine,
    NoFaceError,
    best_face,
    load_engine,
    load_engine_in_background,
    template_of,
)
from desk_app.vision.images import ImageError, decode_rgb, load_rgb

GENUINE = [
    ("Naoto_Kan/Naoto_Kan_0001.jpg", "Naoto_Kan/Naoto_Kan_0003.jpg"),
    ("Yoriko_Kawaguchi/Yoriko_Kawaguchi_0001.jpg", "Yoriko_Kawaguchi/Yoriko_Kawaguchi_0005.jpg"),
    ("Sachiko_Yamada/Sachiko_Yamada_0001.jpg", "Sachiko_Yamada/Sachiko_Yamada_0002.jpg"),
]
IMPOSTOR = [
    ("Naoto_Kan/Naoto_Kan_0001.jpg", "Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg"),
    ("Yoriko_Kawaguchi/Yoriko_Kawaguchi_0001.jpg", "Sachiko_Yamada/Sachiko_Yamada_0001.jpg"),
    ("Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0001.jpg"),
]


@pytest.fixture(scope="module", params=["sface", "dlib"])
def engine(request: pytest.FixtureRequest) -> Iterator[FaceEngine]:
    yield load_engine(request.param)


@pytest.fixture(scope="module")
def lfw(data_dir: Path) -> Path:
    return data_dir / "faces" / "lfw" / "images"


def _distance(engine: FaceEngine, lfw: Path, one: str, other: str) -> float:
    first, _ = template_of(engine, load_rgb(lfw / one))
    second, _ = template_of(engine, load_rgb(lfw / other))
    return engine.distance(first, second)


def test_genuine_pairs_pass_and_impostors_fail(engine: FaceEngine, lfw: Path) -> None:
    thresholds = Settings().thresholds_for(engine.name).live_ephoto
    for one, other in GENUINE:
        assert thresholds.band(_distance(engine, lfw, one, other)) is Band.PASS, (one, other)
    for one, other in IMPOSTOR:
        assert thresholds.band(_distance(engine, lfw, one, other)) is Band.FAIL, (one, other)


def test_templates_are_float32_of_the_declared_size(engine: FaceEngine, lfw: Path) -> None:
    template, face = template_of(engine, load_rgb(lfw / GENUINE[0][0]))
    assert template.dtype == np.float32 and template.shape == (engine.dimensions,)
    assert face.eye_distance > 20
    assert face.right_eye[0] < face.left_eye[0]  # the subject's right eye is on the image's left


def test_no_face_is_a_coded_error_not_a_pass(engine: FaceEngine) -> None:
    blank = np.full((480, 640, 3), 128, dtype=np.uint8)
    with pytest.raises(NoFaceError) as raised:
        template_of(engine, blank)
    assert raised.value.code == "face.not_found"


def test_the_subject_is_the_largest_confident_face(engine: FaceEngine, lfw: Path) -> None:
    big = load_rgb(lfw / GENUINE[0][0])
    small = cv2.resize(load_rgb(lfw / IMPOSTOR[0][1]), (125, 125))
    canvas = np.zeros((300, 500, 3), dtype=np.uint8)
    canvas[10:135, 10:135] = small  # a smaller face first, top left
    canvas[25:275, 220:470] = big
    faces = engine.detect(np.ascontiguousarray(canvas))
    assert len(faces) >= 2
    assert best_face(faces).box[0] > 200


def test_a_card_sized_portrait_is_enlarged_and_still_matches(engine: FaceEngine, lfw: Path) -> None:
    """Chip and card portraits are ~102x126 px: they must still give a usable template."""
    portrait = cv2.resize(load_rgb(lfw / GENUINE[0][0])[40:210, 55:195], (102, 126))
    card_template, card_face = template_of(engine, np.ascontiguousarray(portrait))
    assert card_face.box[2] <= 102  # reported in the portrait's own coordinates
    live_template, _ = template_of(engine, load_rgb(lfw / GENUINE[0][1]))
    other_template, _ = template_of(engine, load_rgb(lfw / IMPOSTOR[0][1]))
    assert engine.distance(card_template, live_template) < engine.distance(
        card_template, other_template
    )


def test_unreadable_images() -> None:
    with pytest.raises(ImageError) as raised:
        decode_rgb(b"not an image at all", source="upload")
    assert raised.value.code == "image.unreadable"
    with pytest.raises(ImageError):
        decode_rgb(b"")
    with pytest.raises(ImageError):
        load_rgb(Path("/nonexistent/photo.jpg"))


def test_unknown_engine() -> None:
    with pytest.raises(Exception) as raised:
        load_engine("magic")
    assert getattr(raised.value, "code", "") == "engine.unknown"


def test_models_load_in_the_background() -> None:
    future = load_engine_in_background("sface")
    assert future.result(timeout=120).name == "sface"
