"""Synthetic face measures for the liveness judge's unit tests: 68 landmarks of a rough 3-D head
(or of the same face printed flat) projected at a given yaw, with a chosen eye openness.

The head's points sit on a face-like layout with depth: the nose tip in front, the jaw outline
far behind the eyes. A flat picture has every point at depth 0, so any pose of it maps to any
other by one homography.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from desk_app.vision.engines import DetectedFace
from desk_app.vision.liveness.clips import ClipFrame, read_clip
from desk_app.vision.liveness.dataset import ClipTrial
from desk_app.vision.liveness.measures import FaceMeasure


def _layout() -> np.ndarray:
    """(68, 3) points in eye distances: x right, y down, z toward the camera."""
    points = np.zeros((68, 3))
    for i in range(17):  # jaw, from the image's left ear round the chin
        angle = math.pi * (i / 16)
        points[i] = (
            -1.1 * math.cos(angle),
            0.2 + 1.2 * math.sin(angle),
            -0.9 * abs(math.cos(angle)) - 0.2,
        )
    for i in range(5):
        points[17 + i] = (-0.9 + 0.15 * i, -0.45, 0.0)
        points[22 + i] = (0.3 + 0.15 * i, -0.45, 0.0)
    for i in range(4):
        points[27 + i] = (0.0, -0.2 + 0.15 * i, 0.15 + 0.12 * i)  # the bridge, out to the tip
    for i in range(5):
        points[31 + i] = (-0.2 + 0.1 * i, 0.45, 0.25)
    for i in range(20):
        angle = 2 * math.pi * i / 20
        points[48 + i] = (0.45 * math.cos(angle), 0.8 + 0.12 * math.sin(angle), 0.05)
    return points


_LAYOUT = _layout()


def _eyes(points: np.ndarray, openness: float, right: float | None = None) -> None:
    for first, centre, eye_openness in ((36, -0.5, right if right is not None else openness),
                                        (42, 0.5, openness)):  # fmt: skip
        half = 0.2
        lid = eye_openness * 0.4 * half * 2 / 2
        points[first + 0] = (centre - half, 0.0, 0.0)
        points[first + 1] = (centre - half / 3, -lid, 0.02)
        points[first + 2] = (centre + half / 3, -lid, 0.02)
        points[first + 3] = (centre + half, 0.0, 0.0)
        points[first + 4] = (centre + half / 3, lid, 0.02)
        points[first + 5] = (centre - half / 3, lid, 0.02)


def synthetic_measure(
    yaw: float = 0.0,
    *,
    openness: float = 1.0,
    right_openness: float | None = None,
    flat: bool = False,
    centre: tuple[float, float] = (320.0, 240.0),
    scale: float = 60.0,
    faces_seen: int = 1,
) -> FaceMeasure:
    """A frame's measures: ``yaw`` degrees (positive: nose toward the image's right),
    ``openness`` relative to open eyes (1.0 open, 0 shut)."""
    points = _LAYOUT.copy()
    _eyes(points, openness, right_openness)
    if flat:
        points[:, 2] = 0.0
    angle = math.radians(yaw)
    rotation = np.array(
        [[math.cos(angle), 0, math.sin(angle)], [0, 1, 0], [-math.sin(angle), 0, math.cos(angle)]]
    )
    turned = points @ rotation.T
    distance = 8.0  # eye distances from the camera
    depth = distance - turned[:, 2]
    image = np.stack(
        [centre[0] + scale * distance * turned[:, 0] / depth,
         centre[1] + scale * distance * turned[:, 1] / depth], axis=1,
    ).astype(np.float32)  # fmt: skip
    half = scale * 1.3
    face = DetectedFace(
        box=(round(centre[0] - half), round(centre[1] - half), round(2 * half), round(2 * half)),
        score=0.9,
        right_eye=(float(image[36:42, 0].mean()), float(image[36:42, 1].mean())),
        left_eye=(float(image[42:48, 0].mean()), float(image[42:48, 1].mean())),
        landmarks=image[[36, 45, 30, 48, 54]],
    )
    right = (right_openness if right_openness is not None else openness) * 0.4
    left = openness * 0.4
    return FaceMeasure(
        face=face,
        landmarks=image,
        faces_seen=faces_seen,
        yaw=yaw,
        pitch=0.0,
        roll=0.0,
        openness=(right + left) / 2,
        openness_right=right,
        openness_left=left,
        eye_distance=scale,
        model_yaw=yaw,
    )


def frames_of(path: Path, start: int = 0, stop: int | None = None) -> list[ClipFrame]:
    """A clip's frames from ``start`` to ``stop``, timed from the first of them."""
    frames = [f for f in read_clip(path) if f.index >= start and (stop is None or f.index < stop)]
    return [ClipFrame(f.index, f.timestamp - frames[0].timestamp, f.rgb) for f in frames]


def read_trial_frames(data_dir: Path, trial: ClipTrial) -> list[ClipFrame]:
    return frames_of(trial.file(data_dir), trial.start, trial.stop)
