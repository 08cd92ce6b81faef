"""What the liveness judge reads in one frame: the subject's face, its 68 landmarks, head pose
and eye openness.

Landmarks come from dlib's 68-point shape predictor (``quality.LandmarkModel``) on the box of the
configured engine's detector: five points cannot tell a closed eye from an open one. Pose comes
from two estimates that fail differently: ``solvePnP`` on a generic 3-D face model (6 points) and
the nose's position between the jaw corners (``quality.head_pose``). The judge uses the second for
yaw, the direction and size of a turn (it was steadier on the frontal clips: within ±5 deg where
the 6-point model wandered to ±20 deg on a still face); the 3-D fit is a second opinion that a
face is frontal: on near-profile frames the landmarks collapse and the first estimate can read
"frontal" while the 3-D fit reads 50 deg.

Eye openness is the eye aspect ratio divided by the face's own vertical proportion (eye corners to
the base of the nose over the eye distance). A flat picture tilted back squeezes every vertical
distance alike, which lowers the plain aspect ratio like a blink does; the ratio of the two does
not move. A real blink moves the lids only.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from desk_app.vision.engines import DetectedFace, FaceEngine
from desk_app.vision.images import RGBImage, upscale_small
from desk_app.vision.quality import LandmarkModel, eye_openness, head_pose

Points = npt.NDArray[np.float32]

# Frames smaller than this (face crops) are enlarged before detection; detectors miss small faces.
_MIN_SHORT_SIDE = 320
# A generic head (arbitrary units, x to the image's right, y down, z away from the camera):
# nose tip, chin, the outer eye corners, the mouth corners (dlib points 30, 8, 36, 45, 48, 54).
_MODEL_3D = np.array(
    [(0, 0, 0), (0, 330, 65), (-225, -170, 135), (225, -170, 135), (-150, 150, 125),
     (150, 150, 125)],
    dtype=np.float64,
)  # fmt: skip
_MODEL_POINTS = [30, 8, 36, 45, 48, 54]
_OTHER_FACE_SHARE = 0.2


@dataclass(frozen=True)
class FaceMeasure:
    """The subject's face in one frame, in the frame's own pixel coordinates."""

    face: DetectedFace
    landmarks: Points  # (68, 2)
    faces_seen: int  # every face the detector found (a second large face is another person)
    yaw: float  # degrees; positive: the nose toward the image's right (the subject's left)
    pitch: float  # degrees; positive: chin down
    roll: float
    openness: float  # mean normalised eye openness of both eyes (see the module's docstring)
    openness_right: float  # the subject's right eye (on the image's left)
    openness_left: float
    eye_distance: float  # between the eye centres, pixels
    model_yaw: float = 0.0  # yaw of the generic 3-D head (solvePnP); a second opinion
    model_error: float = 0.0  # its reprojection error over the eye distance
    # The scene around the person: a small grey thumbnail of the frame, NaN over the head and
    # body (``scene_thumbnail``); None when not measured (synthetic measures in tests).
    scene: npt.NDArray[np.float32] | None = None

    @property
    def centre(self) -> tuple[float, float]:
        x, y, width, height = self.face.box
        return x + width / 2, y + height / 2


def face_proportion(points: Points) -> float:
    """Eye corners' midpoint to the base of the nose, over the distance of the eye centres."""
    corners = points[[36, 39, 42, 45]].mean(axis=0)
    right_eye, left_eye = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    across = float(np.linalg.norm(left_eye - right_eye))
    down = float(np.linalg.norm(points[33] - corners))
    return down / across if across else 0.0


def normalised_openness(points: Points) -> tuple[float, float]:
    """(right, left) eye openness over the face's vertical proportion."""
    proportion = face_proportion(points)
    if proportion <= 0:
        return 0.0, 0.0
    return (
        eye_openness(points[36:42]) / proportion,
        eye_openness(points[42:48]) / proportion,
    )


def pose_from_model(points: Points, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """(yaw, pitch, roll, reprojection error over the eye distance) of the generic 3-D head
    fitted with ``solvePnP``; the focal length is taken as the image width."""
    width, height = size
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = points[_MODEL_POINTS].astype(np.float64)
    ok, rotation_vector, translation = cv2.solvePnP(
        _MODEL_3D, image_points, camera, None, flags=cv2.SOLVEPNP_ITERATIVE
    )
    if not ok:
        return 0.0, 0.0, 0.0, math.inf
    rotation, _ = cv2.Rodrigues(rotation_vector)
    projected, _ = cv2.projectPoints(_MODEL_3D, rotation_vector, translation, camera, None)
    error = float(np.sqrt(np.mean(np.sum((projected.reshape(-1, 2) - image_points) ** 2, axis=1))))
    across = float(np.linalg.norm(points[36:42].mean(axis=0) - points[42:48].mean(axis=0)))
    sideways = math.hypot(rotation[0, 0], rotation[1, 0])
    yaw = -math.degrees(math.atan2(-rotation[2, 0], sideways))
    pitch = math.degrees(math.atan2(rotation[2, 1], rotation[2, 2]))
    roll = math.degrees(math.atan2(rotation[1, 0], rotation[0, 0]))
    return yaw, pitch, roll, error / across if across else math.inf


class FaceMeasurer:
    """Finds the subject in a frame and measures it; one per thread (engines are not
    thread-safe)."""

    def __init__(self, engine: FaceEngine, landmarks: LandmarkModel | None = None) -> None:
        self.engine = engine
        self.landmarks = landmarks or LandmarkModel()

    def detect(self, rgb: RGBImage) -> tuple[RGBImage, float, list[DetectedFace]]:
        """The image the faces were found in (enlarged when small), its factor, the faces."""
        enlarged, factor = upscale_small(rgb, _MIN_SHORT_SIDE)
        return enlarged, factor, self.engine.detect(enlarged)

    def measure(self, rgb: RGBImage) -> FaceMeasure | None:
        """The largest confident face's measures, or None when there is no face."""
        enlarged, factor, faces = self.detect(rgb)
        if not faces:
            return None
        face = max(faces, key=lambda f: f.area * max(f.score, 0.0))
        points = self.landmarks.points(enlarged, face)
        # Another face counts when it is large (as quality.assess counts one): not a poster far
        # behind, nor a false detection.
        large = sum(1 for f in faces if f.area >= _OTHER_FACE_SHARE * face.area)
        size = (rgb.shape[1], rgb.shape[0])
        subject = face.scaled(1 / factor)
        measure = measure_points(points / factor, subject, large, size)
        return dataclasses.replace(measure, scene=scene_thumbnail(rgb, subject.box))

    def encode(self, rgb: RGBImage, measure: FaceMeasure) -> npt.NDArray[np.float32]:
        """The engine's template of the measured face (for the same-person check)."""
        enlarged, factor = upscale_small(rgb, _MIN_SHORT_SIDE)
        return self.engine.encode(enlarged, measure.face.scaled(factor))


# The thumbnail's size, and how much of the frame around the face box counts as the person (the
# head turns and the shoulders move with it; what is left is the room behind them).
_SCENE_SIZE = (32, 24)
_PERSON_WIDTHS = 0.6  # face widths either side of the face box


def scene_thumbnail(rgb: RGBImage, box: tuple[int, int, int, int]) -> npt.NDArray[np.float32]:
    """The frame as a 32x24 grey thumbnail with its mean taken out (an exposure change is not a
    scene change), NaN over the person: the face box widened by its width on each side, from
    above the head down to the bottom of the frame."""
    height, width = rgb.shape[:2]
    grey = cv2.cvtColor(
        cv2.resize(rgb, _SCENE_SIZE, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY
    )
    thumbnail = grey.astype(np.float32)
    x, y, box_width, box_height = box
    scale_x, scale_y = _SCENE_SIZE[0] / width, _SCENE_SIZE[1] / height
    left = int((x - _PERSON_WIDTHS * box_width) * scale_x)
    right = math.ceil((x + (1 + _PERSON_WIDTHS) * box_width) * scale_x)
    top = int((y - 0.5 * box_height) * scale_y)
    thumbnail[max(top, 0) :, max(left, 0) : max(right, 0)] = np.nan
    if np.isnan(thumbnail).all():
        return thumbnail
    return thumbnail - np.float32(np.nanmean(thumbnail))


def scene_change(before: npt.NDArray[np.float32], after: npt.NDArray[np.float32]) -> float | None:
    """Mean absolute difference (grey levels) of two scenes where both show the room; None when
    too little of it is seen in both (a face filling the frame)."""
    both = ~(np.isnan(before) | np.isnan(after))
    if both.sum() < 0.15 * both.size:
        return None
    return float(np.mean(np.abs(before[both] - after[both])))


def measure_points(
    points: Points, face: DetectedFace, faces_seen: int = 1, size: tuple[int, int] = (640, 480)
) -> FaceMeasure:
    yaw, pitch, roll = head_pose(points)
    model_yaw, _, _, model_error = pose_from_model(points, size)
    right, left = normalised_openness(points)
    across = float(np.linalg.norm(points[36:42].mean(axis=0) - points[42:48].mean(axis=0)))
    return FaceMeasure(
        face=face,
        landmarks=points.astype(np.float32),
        faces_seen=faces_seen,
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        openness=(right + left) / 2,
        openness_right=right,
        openness_left=left,
        eye_distance=across,
        model_yaw=model_yaw,
        model_error=model_error,
    )
