"""The card side of the match: templates from a 102x126 chip portrait.

Face models are trained on photos far larger than the chip's; each step here was measured on the
chip-like dev set (``bench/faces_card.py``, figures in the README's face-matching section):

- enlargement before detection (interpolation, target size): the old default, cubic to 400 px,
  loses faces (YuNet misses faces much larger than it was trained on); none is best for SFace;
- test-time augmentation: the template of the portrait and of its mirror image, averaged;
- a *chip-like probe* (measured and off): the live face framed like an ID portrait, squeezed
  through the same <= 1,024-byte codec and encoded like the card, so that both sides carry the
  same blur. It lost more than it gained: the live photo's detail helps more than matching
  quality hurts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from desk_app.domain.documents import CHIP_PORTRAIT_HEIGHT, CHIP_PORTRAIT_WIDTH
from desk_app.vision.chiplike import chip_bytes, decode_chip
from desk_app.vision.engines import DetectedFace, FaceEngine, Template, best_face, template_of
from desk_app.vision.images import RGBImage
from desk_app.vision.scoring import plain_engine

_INTERPOLATIONS = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "lanczos": cv2.INTER_LANCZOS4,
}
# Where the eyes sit in a chip portrait: the median over the chip-like dev set's East Asian
# portraits (eye midpoint at x 52, y 56; 26 px between the eyes), which matches printed ID photos.
CHIP_EYE_MIDPOINT = (52.0, 56.0)
CHIP_EYE_DISTANCE = 26.5


@dataclass(frozen=True)
class CardPipeline:
    """How a small portrait becomes a template."""

    min_short_side: int = 400  # enlarge until the short side is this long (0: never)
    retry_short_side: int = 0  # when no face is found, enlarge to this and look again (0: no)
    interpolation: str = "cubic"
    mirror: bool = False  # average the template with the mirror image's
    live_probe: bool = False  # compare the card with a chip-like copy of the live face


# What the product did before the card side was measured: every small picture enlarged (cubic)
# to 400 px before detection. Kept as the baseline of bench/faces_card.py.
SHIPPED_PIPELINE = CardPipeline()
# What it does now, measured step by step in bench/faces_card.py: YuNet finds chip-sized faces
# at their own size and misses many once they are enlarged (at 640 px a third of the portraits
# have no face); the mirror image's template averaged in lowers FNMR further; an enlargement to
# 250 px only when nothing was found. The chip-like probe (live face degraded like a chip) made
# things worse and is off.
CARD_PIPELINE = CardPipeline(min_short_side=0, mirror=True, retry_short_side=250)
# A picture whose short side is at most this is a chip-sized portrait (the chip's is 102x126)
# and goes through CARD_PIPELINE; larger ones (e-photos, the camera's 280x360 card crop, live
# frames) through ``engines.template_of``.
CHIP_SIZED_MAX_SHORT_SIDE = 160


@dataclass(frozen=True)
class PortraitQuality:
    """What the decision records about the card portrait: a supervisor judges a borderline score
    on a 20-px-eye portrait differently from one on a sharp one."""

    width: int
    height: int
    eye_distance: float  # in the portrait's own pixels
    detector_score: float
    sharpness: float  # variance of the Laplacian of the grey portrait

    def as_record(self) -> dict[str, float]:
        return {
            "width": self.width,
            "height": self.height,
            "eye_distance": round(self.eye_distance, 1),
            "detector_score": round(self.detector_score, 3),
            "sharpness": round(self.sharpness, 1),
        }


@dataclass(frozen=True)
class CardTemplate:
    template: Template
    face: DetectedFace  # in the portrait's own coordinates
    quality: PortraitQuality


def enlarge(rgb: RGBImage, pipeline: CardPipeline) -> tuple[RGBImage, float]:
    short_side = min(rgb.shape[:2])
    if not pipeline.min_short_side or short_side >= pipeline.min_short_side:
        return rgb, 1.0
    factor = pipeline.min_short_side / short_side
    size = (round(rgb.shape[1] * factor), round(rgb.shape[0] * factor))
    method = _INTERPOLATIONS[pipeline.interpolation]
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=method)), factor


def _encode_mirrored(engine: FaceEngine, rgb: RGBImage, face: DetectedFace) -> Template | None:
    mirrored = np.ascontiguousarray(rgb[:, ::-1])
    faces = engine.detect(mirrored)
    if not faces:
        return None
    return engine.encode(mirrored, best_face(faces))


def portrait_template(
    engine: FaceEngine, rgb: RGBImage, pipeline: CardPipeline = SHIPPED_PIPELINE
) -> CardTemplate:
    """The template of a small portrait (card chip or card photo). NoFaceError without a face."""
    # The pipeline mirrors by itself (detecting the face again in the mirror image), as measured
    # in bench/faces_card.py: a mirror-averaged engine (vision.scoring) works here unwrapped.
    engine = plain_engine(engine)
    enlarged, factor = enlarge(rgb, pipeline)
    faces = engine.detect(enlarged)
    if not faces and pipeline.retry_short_side:
        enlarged, factor = enlarge(rgb, replace(pipeline, min_short_side=pipeline.retry_short_side))
        faces = engine.detect(enlarged)
    face = best_face(faces)
    template = engine.encode(enlarged, face)
    if pipeline.mirror:
        other = _encode_mirrored(engine, enlarged, face)
        if other is not None:
            template = _mean_template(template, other)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    original = face.scaled(1 / factor)
    quality = PortraitQuality(
        width=int(rgb.shape[1]),
        height=int(rgb.shape[0]),
        eye_distance=original.eye_distance,
        detector_score=face.score,
        sharpness=float(cv2.Laplacian(grey, cv2.CV_64F).var()),
    )
    return CardTemplate(template, original, quality)


def _mean_template(one: Template, other: Template) -> Template:
    """Average of two templates on the unit sphere (both engines' distances ignore nothing else:
    SFace's cosine does not see the length; dlib's templates are already of unit length)."""
    mean = one / np.linalg.norm(one) + other / np.linalg.norm(other)
    scale = float(np.linalg.norm(one))
    return np.asarray(mean / np.linalg.norm(mean) * scale, dtype=np.float32)


def chiplike_probe(rgb: RGBImage, face: DetectedFace) -> RGBImage:
    """The live face framed like a chip portrait (eyes where a chip has them) at 102x126,
    compressed to ≤ 1,024 bytes and decoded: the live face at the card's quality."""
    scale = CHIP_EYE_DISTANCE / max(face.eye_distance, 1.0)
    mid_x = (face.left_eye[0] + face.right_eye[0]) / 2
    mid_y = (face.left_eye[1] + face.right_eye[1]) / 2
    # Shrink first with area averaging (as a sensor would), then move the eyes into place. No
    # rotation: a card portrait keeps whatever tilt the head had.
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    matrix = np.array(
        [
            [1.0, 0.0, CHIP_EYE_MIDPOINT[0] - mid_x * scale],
            [0.0, 1.0, CHIP_EYE_MIDPOINT[1] - mid_y * scale],
        ]
    )
    portrait = cv2.warpAffine(
        small,
        matrix,
        (CHIP_PORTRAIT_WIDTH, CHIP_PORTRAIT_HEIGHT),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return decode_chip(chip_bytes(np.ascontiguousarray(portrait)))


def reference_template(engine: FaceEngine, rgb: RGBImage) -> tuple[Template, DetectedFace]:
    """The template of any reference picture, by the pipeline its size calls for, and the face
    in the picture's own coordinates. NoFaceError without a face."""
    if min(rgb.shape[:2]) <= CHIP_SIZED_MAX_SHORT_SIDE:
        card = portrait_template(engine, rgb, CARD_PIPELINE)
        return card.template, card.face
    return template_of(engine, rgb)
