"""Ways to separate look-alike impostors from honest candidates (bench/faces_accuracy.py).

Each is a pure function of templates (or of a picture and its face), so the bench can try it on
cached templates and the product can use the same code:

- ``mirrored_template``: test-time augmentation, the template of a face averaged with its mirror
  image's. The mirror's landmarks are the original's reflected, so no second detection is needed.
  Measured and off (``load_engine(..., mirror_averaged=True)`` turns it on): on both sides
  its gain lies inside the confidence intervals and a live frame's analysis goes over budget;
  on the references only (card portrait, e-photo: no cost per live frame) the gain is one pair
  of 339 (docs/face-matching.md).
- ``CohortNormalisation``: symmetric score normalisation (S-norm) against an impostor cohort.
  Some faces lie close to many others (a "lamb"): every impostor comes near them. Measuring
  each template's mean and spread of distances to a cohort of strangers and standardising the
  pair's distance by both removes that per-face offset. The result is mapped back to the
  engine's distance scale (the cohort's own mean and spread), so limits read as before.
  Measured and off: with the 149 pictures whose templates could ship (81 identities, mostly not
  East Asian) it let an impostor through where raw scores let none at the same FNMR.
- ``fused_distance``: the two engines' distances, each standardised by its impostor
  statistics, averaged and mapped back to the first engine's scale. Measured and off.
- ``wilson_interval`` and ``impostor_pairs_needed``: what a measured rate can claim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desk_app.vision.engines import DetectedFace, FaceEngine, Template
from desk_app.vision.images import RGBImage

Templates = npt.NDArray[np.float32]  # (n, dimensions)

# How five-point landmarks swap sides in a mirror image, per engine: SFace's order is right eye,
# left eye, nose tip, right and left mouth corners (the subject's); dlib's 5-point model gives one
# eye's two corners, the other's, then below the nose.
_MIRROR_ORDER = {"sface": (1, 0, 2, 4, 3), "dlib": (2, 3, 0, 1, 4)}


def mirrored_face(face: DetectedFace, width: int, engine_name: str) -> DetectedFace:
    """``face`` as it lies in the picture mirrored left to right (``width`` pixels wide)."""
    x, y, box_width, box_height = face.box
    points = face.landmarks.copy()
    points[:, 0] = width - 1 - points[:, 0]
    order = _MIRROR_ORDER.get(engine_name)
    if order is not None and len(points) == len(order):
        points = points[list(order)]
    return DetectedFace(
        box=(width - x - box_width, y, box_width, box_height),
        score=face.score,
        # The subject's right eye is now the one on the image's left: the mirrored left eye.
        right_eye=(width - 1 - face.left_eye[0], face.left_eye[1]),
        left_eye=(width - 1 - face.right_eye[0], face.right_eye[1]),
        landmarks=points,
    )


def mean_template(one: Template, other: Template) -> Template:
    """The mean direction of two templates, at the first one's length (SFace's cosine ignores
    length; dlib's templates are of unit length already)."""
    mean = one / np.linalg.norm(one) + other / np.linalg.norm(other)
    return np.asarray(mean / np.linalg.norm(mean) * float(np.linalg.norm(one)), dtype=np.float32)


def mirrored_template(
    engine: FaceEngine, rgb: RGBImage, face: DetectedFace, template: Template | None = None
) -> Template:
    """The template of ``face`` averaged with its mirror image's (``template`` when the plain one
    is already known: one encoding saved)."""
    plain = engine.encode(rgb, face) if template is None else template
    mirror = np.ascontiguousarray(rgb[:, ::-1])
    other = engine.encode(mirror, mirrored_face(face, int(rgb.shape[1]), engine.name))
    return mean_template(plain, other)


class MirrorAveragedEngine:
    """``engine`` with mirror test-time augmentation: every template is the mean of the face's
    and its mirror image's (``mirrored_template``); detection and distances are the engine's.

    Measured on the dev East Asian set (bench/faces_accuracy.py --lookalike): 282 of 339 honest
    pairs come closer (mean -0.011) while the closest 1 % of impostors do not (+0.002); FNMR at
    the shipped limit 1.77 % -> 1.18 % at the same FMR (0 of 12,381), inside the intervals.
    Costs one more encoding per template (no second detection). Off by default
    (``load_engine(..., mirror_averaged=True)``); the card pipeline keeps its own mirroring,
    measured on chip-sized portraits (``plain_engine``).
    """

    def __init__(self, engine: FaceEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.model_version = engine.model_version
        self.dimensions = engine.dimensions
        self.metric = engine.metric

    def detect(self, rgb: RGBImage) -> list[DetectedFace]:
        return self.engine.detect(rgb)

    def encode(self, rgb: RGBImage, face: DetectedFace) -> Template:
        return mirrored_template(self.engine, rgb, face)

    def distance(self, first: Template, second: Template) -> float:
        return self.engine.distance(first, second)


def plain_engine(engine: FaceEngine) -> FaceEngine:
    """The engine without mirror averaging (itself when it has none)."""
    return engine.engine if isinstance(engine, MirrorAveragedEngine) else engine


def pairwise_distances(
    metric: str, first: npt.ArrayLike, second: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Every distance between the rows of ``first`` and of ``second``, as the engines measure
    them (``cosine``: 1 - cosine similarity; ``euclidean``)."""
    a, b = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    if metric == "cosine":
        a = a / np.linalg.norm(a, axis=1, keepdims=True)
        b = b / np.linalg.norm(b, axis=1, keepdims=True)
        return np.asarray(1.0 - a @ b.T)
    if metric == "euclidean":
        squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
        return np.asarray(np.sqrt(np.maximum(squared, 0.0)))
    raise ValueError(f"unknown metric {metric!r}")


@dataclass(frozen=True)
class CohortStatistics:
    """A template's mean and spread of distances to the cohort's strangers."""

    mean: float
    spread: float


@dataclass(frozen=True)
class CohortNormalisation:
    """Symmetric normalisation (S-norm) against a cohort of impostor templates.

    ``centre`` and ``scale`` are the mean and spread of the cohort's distances among itself: the
    normalised score is mapped back to the engine's distance scale with them.
    """

    metric: str
    cohort: Templates
    centre: float
    scale: float

    @classmethod
    def of(cls, metric: str, cohort: Templates, identities: list[str]) -> CohortNormalisation:
        """The normalisation with ``cohort`` (one row per picture, ``identities`` naming whose),
        its centre and scale measured on the cohort's own cross-identity distances."""
        if len(cohort) != len(identities) or len(set(identities)) < 2:
            raise ValueError("a cohort needs at least two identities, one name per template")
        distances = pairwise_distances(metric, cohort, cohort)
        names = np.asarray(identities)
        strangers = names[:, None] != names[None, :]
        values = distances[np.triu(strangers, 1)]
        return cls(
            metric, np.asarray(cohort, np.float32), float(values.mean()), float(values.std())
        )

    def statistics(self, template: Template) -> CohortStatistics:
        distances = pairwise_distances(self.metric, template[None, :], self.cohort)[0]
        return CohortStatistics(float(distances.mean()), max(float(distances.std()), 1e-6))

    def normalise(self, distance: float, one: CohortStatistics, other: CohortStatistics) -> float:
        standard = 0.5 * (
            (distance - one.mean) / one.spread + (distance - other.mean) / other.spread
        )
        return self.centre + self.scale * standard


@dataclass(frozen=True)
class EngineStatistics:
    """An engine's impostor distances: their mean and spread (to standardise for fusion)."""

    mean: float
    spread: float

    def standardise(self, distance: float) -> float:
        return (distance - self.mean) / self.spread


def fused_distance(
    first: float,
    second: float,
    first_statistics: EngineStatistics,
    second_statistics: EngineStatistics,
    second_weight: float = 0.5,
) -> float:
    """Both engines' distances, standardised, averaged with ``second_weight`` on the second, on
    the first engine's scale."""
    standard = (1 - second_weight) * first_statistics.standardise(first) + (
        second_weight * second_statistics.standardise(second)
    )
    return first_statistics.mean + first_statistics.spread * standard


def wilson_interval(errors: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial rate (``errors`` out of ``trials``): unlike the normal
    approximation it stays inside [0, 1] and is not empty at zero errors."""
    if trials <= 0:
        return 0.0, 1.0
    z = _normal_quantile(0.5 + confidence / 2)
    rate = errors / trials
    denominator = 1 + z * z / trials
    centre = (rate + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def impostor_pairs_needed(rate: float, confidence: float = 0.95) -> int:
    """Impostor pairs needed to show FMR below ``rate`` when none of them is falsely matched (the
    "rule of three" at 95 %: n = -ln(1 - confidence) / rate). Independent pairs assumed: pairs
    sharing a face or a person are not, so real data needs more."""
    return math.ceil(-math.log(1 - confidence) / rate)


def _normal_quantile(probability: float) -> float:
    """The standard normal quantile, by bisection on erf (no scipy here)."""
    low, high = -10.0, 10.0
    for _ in range(100):
        middle = (low + high) / 2
        if 0.5 * (1 + math.erf(middle / math.sqrt(2))) < probability:
            low = middle
        else:
            high = middle
    return (low + high) / 2
