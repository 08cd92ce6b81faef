"""Live-frame quality on crafted versions of real photographs, and the best-shot selector."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desk_app.vision.engines import FaceEngine
from desk_app.vision.images import RGBImage, load_rgb
from desk_app.vision.quality import (
    BestShot,
    LandmarkModel,
    QualityIssue,
    assess,
    eye_openness,
)

GOOD = "Yoriko_Kawaguchi/Yoriko_Kawaguchi_0001.jpg"


@pytest.fixture(scope="module")
def engine(sface_engine: FaceEngine) -> FaceEngine:
    return sface_engine


@pytest.fixture(scope="module")
def landmarks() -> LandmarkModel:
    return LandmarkModel()


@pytest.fixture(scope="module")
def frame(data_dir: Path) -> RGBImage:
    """A frontal face at webcam-like size (eyes ~85 px apart)."""
    image = load_rgb(data_dir / "faces" / "lfw" / "images" / GOOD)
    return np.ascontiguousarray(cv2.resize(image, (500, 500), interpolation=cv2.INTER_CUBIC))


def _issues(engine: FaceEngine, landmarks: LandmarkModel, image: np.ndarray) -> set[QualityIssue]:
    image = np.ascontiguousarray(image)
    return set(assess(image, engine.detect(image), landmarks).issues)


def test_a_good_frame_has_no_issue(engine: FaceEngine, landmarks: LandmarkModel, frame) -> None:
    quality = assess(frame, engine.detect(frame), landmarks)
    assert quality.ok and quality.score > 0
    assert quality.measures["eye_distance"] > 60


@pytest.mark.parametrize(
    ("craft", "expected"),
    [
        (lambda f: (f * 0.15).astype(np.uint8), QualityIssue.TOO_DARK),
        (lambda f: cv2.GaussianBlur(f, (0, 0), 6), QualityIssue.BLURRED),
        (lambda f: cv2.resize(f, (160, 160)), QualityIssue.TOO_SMALL),
        (lambda f: np.hstack([f, f]), QualityIssue.MULTIPLE_FACES),
        (
            lambda f: cv2.warpAffine(f, cv2.getRotationMatrix2D((250, 250), 30, 1), (500, 500)),
            QualityIssue.HEAD_TILTED,
        ),
        (
            lambda f: np.clip(f.astype(np.int32) + 110, 0, 255).astype(np.uint8),
            QualityIssue.OVEREXPOSED,
        ),
        (lambda f: np.full_like(f, 128), QualityIssue.NO_FACE),
    ],
    ids=["dark", "blurred", "far", "two-people", "tilted", "overexposed", "no-face"],
)
def test_crafted_frames_name_their_problem(
    engine: FaceEngine, landmarks: LandmarkModel, frame, craft, expected: QualityIssue
) -> None:
    assert expected in _issues(engine, landmarks, craft(frame))


def test_a_turned_head(engine: FaceEngine, landmarks: LandmarkModel, data_dir: Path) -> None:
    turned = load_rgb(data_dir / "faces" / "lfw" / "images" / "Abel_Pacheco/Abel_Pacheco_0001.jpg")
    turned = cv2.resize(turned, (500, 500), interpolation=cv2.INTER_CUBIC)
    assert QualityIssue.HEAD_TURNED in _issues(engine, landmarks, turned)


def test_eye_openness_of_open_and_closed_eyes() -> None:
    open_eye = np.array([[0, 0], [3, -2], [7, -2], [10, 0], [7, 2], [3, 2]], dtype=np.float32)
    closed_eye = np.array(
        [[0, 0], [3, -0.4], [7, -0.4], [10, 0], [7, 0.4], [3, 0.4]], dtype=np.float32
    )
    assert eye_openness(open_eye) == pytest.approx(0.4)
    assert eye_openness(closed_eye) < 0.18


def test_best_shot_keeps_the_best_good_frames(
    engine: FaceEngine, landmarks: LandmarkModel, frame
) -> None:
    selector = BestShot(keep=2)
    blurred = np.ascontiguousarray(cv2.GaussianBlur(frame, (0, 0), 6))
    assert not selector.offer(blurred, assess(blurred, engine.detect(blurred), landmarks))
    assert selector.template(engine) is None
    softer = np.ascontiguousarray(cv2.convertScaleAbs(frame, alpha=0.95))  # less contrast
    for image in (softer, frame, softer):
        selector.offer(image, assess(image, engine.detect(image), landmarks))
    assert len(selector) == 2
    best = selector.best_frame()
    assert best is not None and np.array_equal(best, frame)  # the sharpest one leads
    template = selector.template(engine)
    assert template is not None and template.shape == (engine.dimensions,)
    single = engine.encode(frame, assess(frame, engine.detect(frame), landmarks).face)
    assert engine.distance(template, single) < 0.1
