"""Presentation attacks made from a still face photo, in code: the frames a webcam would see
when someone holds up a print or a phone instead of their face.

Public data holds no bent print, no turned print and no phone at a counter, so these are
rendered. The photo is a surface in front of a pinhole camera (640x480, focal length 600 px);
it is cut into vertical strips, each strip projected with its own homography, so a bent
print (a cylinder) is drawn as well as a flat one. Motion follows a seeded schedule.

- ``print``: a flat print held in a hand: drifting, shaking, rolling and tipping back and forth.
- ``bent_print``: a print bent round a vertical axis (radius 7-15 cm: a hand bending paper, not
  a rolled tube), flexing while it moves and turns.
- ``turned_print``: a flat print swung about its vertical axis to about ±45 deg and back, as if
  answering "turn left" and "turn right".
- ``screen``: a phone showing the photo (bezel, screen gamma and colour, moiré of the pixel grid
  against the camera's, glare), moved and turned.

Every attack starts with half a second of a still, frontal picture, so a judge that waits for a
steady face sees one.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from desk_app.vision.images import RGBImage

FRAME_SIZE = (640, 480)
_FOCAL = 600.0
_STRIPS = 24


class AttackKind(enum.StrEnum):
    PRINT = "print"
    BENT_PRINT = "bent_print"
    TURNED_PRINT = "turned_print"
    SCREEN = "screen"


@dataclass(frozen=True)
class Pose:
    """The picture's pose in centimetres and degrees; ``bend_radius`` 0 means flat."""

    x: float = 0.0
    y: float = 0.0
    distance: float = 32.0
    yaw: float = 0.0  # about the vertical axis; positive turns the picture's right edge away
    pitch: float = 0.0  # about the horizontal axis; positive tips the top away
    roll: float = 0.0
    bend_radius: float = 0.0


def _rotation(yaw: float, pitch: float, roll: float) -> npt.NDArray[np.float64]:
    a, b, c = (math.radians(v) for v in (yaw, pitch, roll))
    about_y = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    about_x = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    about_z = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return np.asarray(about_z @ about_x @ about_y, dtype=np.float64)


def _surface(u: float, v: float, width: float, height: float, radius: float) -> list[float]:
    """The 3-D point (cm, picture-centred) of the picture's point (u, v) in [0, 1]."""
    along = (u - 0.5) * width
    if radius > 0:  # wrapped round a cylinder, its middle toward the camera
        return [radius * math.sin(along / radius), (v - 0.5) * height,
                radius * (1 - math.cos(along / radius))]  # fmt: skip
    return [along, (v - 0.5) * height, 0.0]


def render(
    picture: RGBImage,
    pose: Pose,
    background: RGBImage,
    width_cm: float,
) -> RGBImage:
    """``picture`` (of physical width ``width_cm``) seen by the camera at ``pose``."""
    frame = background.copy()
    rows, columns = picture.shape[:2]
    height_cm = width_cm * rows / columns
    rotation = _rotation(pose.yaw, pose.pitch, pose.roll)
    offset = np.array([pose.x, pose.y, pose.distance])
    centre = np.array([FRAME_SIZE[0] / 2, FRAME_SIZE[1] / 2])

    def project(u: float, v: float) -> npt.NDArray[np.float64]:
        point = rotation @ np.array(_surface(u, v, width_cm, height_cm, pose.bend_radius)) + offset
        return np.asarray(centre + _FOCAL * point[:2] / point[2], dtype=np.float64)

    strips = _STRIPS if pose.bend_radius > 0 or abs(pose.yaw) > 1 else 1
    for strip in range(strips):
        u0, u1 = strip / strips, (strip + 1) / strips
        left, right = round(u0 * columns), round(u1 * columns)
        source = np.array([[left, 0], [right, 0], [right, rows], [left, rows]], dtype=np.float32)
        target = np.array(
            [project(u0, 0), project(u1, 0), project(u1, 1), project(u0, 1)], dtype=np.float32
        )
        x0, y0 = np.floor(target.min(axis=0)).astype(int)
        x1, y1 = np.ceil(target.max(axis=0)).astype(int) + 1
        x0, y0 = max(int(x0), 0), max(int(y0), 0)
        x1, y1 = min(int(x1), FRAME_SIZE[0]), min(int(y1), FRAME_SIZE[1])
        if x1 <= x0 or y1 <= y0:
            continue
        # Warp only into the strip's bounding box: the cost follows the picture's area.
        homography = cv2.getPerspectiveTransform(
            source, target - np.array([x0, y0], dtype=np.float32)
        )
        box = (x1 - x0, y1 - y0)
        # One pixel of overlap hides seams between strips.
        lo, hi = max(left - 1, 0), min(right + 1, columns)
        shifted = homography @ np.array([[1, 0, lo], [0, 1, 0], [0, 0, 1]], dtype=np.float64)
        piece = np.ascontiguousarray(picture[:, lo:hi])
        warped = cv2.warpPerspective(piece, shifted, box, flags=cv2.INTER_LINEAR)
        mask = np.full(piece.shape[:2], 255, dtype=np.uint8)
        covered = cv2.warpPerspective(mask, shifted, box, flags=cv2.INTER_NEAREST) > 0
        region = frame[y0:y1, x0:x1]
        region[covered] = warped[covered]
    return frame


def background_scene(rng: np.random.Generator) -> RGBImage:
    """A plain room behind the picture: a lit wall with a few soft shapes and sensor noise."""
    width, height = FRAME_SIZE
    base = rng.uniform(90, 200, size=3)
    gradient = (
        np.linspace(0.8, 1.1, width)[None, :, None] * np.linspace(1.1, 0.85, height)[:, None, None]
    )
    scene = np.clip(base[None, None, :] * gradient, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(3, 7))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(40, 220)), int(rng.integers(40, 220))
        colour = tuple(int(c) for c in rng.uniform(40, 230, size=3))
        cv2.rectangle(scene, (x, y), (x + w, y + h), colour, -1)
    return np.ascontiguousarray(cv2.GaussianBlur(scene, (0, 0), 3), dtype=np.uint8)


def _printed(photo: RGBImage, rng: np.random.Generator) -> RGBImage:
    """The photo on paper: a white margin, duller colours (ink on paper)."""
    margin = max(photo.shape[:2]) // 12
    paper = cv2.copyMakeBorder(photo, margin, margin, margin, margin, cv2.BORDER_CONSTANT,
                               value=(245, 243, 238))  # fmt: skip
    dull = np.asarray(paper, dtype=np.float32) * rng.uniform(0.82, 0.92) + rng.uniform(10, 25)
    return np.asarray(np.clip(dull, 0, 255), dtype=np.uint8)


def _on_screen(photo: RGBImage, rng: np.random.Generator) -> RGBImage:
    """The photo on a phone: screen gamma and colour cast, moiré, a black bezel."""
    height = 900
    width = round(photo.shape[1] * height / photo.shape[0])
    screen = cv2.resize(photo, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    screen = 255.0 * (screen / 255.0) ** rng.uniform(0.7, 0.9)  # phones show brighter mid-tones
    screen *= np.array([0.95, 1.0, 1.08])[None, None, :] * rng.uniform(0.95, 1.05)
    ys, xs = np.mgrid[0:height, 0:width]
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(3.0, 6.0)
    phase = (xs * math.cos(angle) + ys * math.sin(angle)) * 2 * math.pi / period
    screen *= (1.0 - rng.uniform(0.06, 0.12) * (0.5 + 0.5 * np.sin(phase)))[:, :, None]
    bezel = max(width, height) // 20
    lit = np.clip(screen, 0, 255).astype(np.uint8)
    phone = cv2.copyMakeBorder(
        lit, bezel, bezel * 2, bezel, bezel, cv2.BORDER_CONSTANT, value=(18, 18, 20)
    )
    return np.asarray(phone, dtype=np.uint8)


def _glare(rng: np.random.Generator, strength: float) -> npt.NDArray[np.float32]:
    """A bright reflection on the screen (a lamp), added to the frame."""
    width, height = FRAME_SIZE
    ys, xs = np.mgrid[0:height, 0:width]
    cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.2, 0.6) * height
    sigma = rng.uniform(40, 90)
    blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma**2))
    return np.asarray(strength * 255 * blob[:, :, None], dtype=np.float32)


def _schedule(kind: AttackKind, count: int, fps: float, rng: np.random.Generator) -> list[Pose]:
    """Poses frame by frame: half a second still and frontal, then the attack's motion."""
    settle = round(fps / 2)
    phases = rng.uniform(0, 2 * math.pi, size=8)
    poses = []
    for index in range(count):
        t = max(index - settle, 0) / fps
        shake = rng.normal(0, 0.08, size=2)
        drift_x = 2.0 * math.sin(0.9 * t + phases[0]) - 2.0 * math.sin(phases[0]) + shake[0]
        drift_y = 1.5 * math.sin(1.3 * t + phases[1]) - 1.5 * math.sin(phases[1]) + shake[1]
        if kind is AttackKind.PRINT:
            closer = 4 * math.sin(0.7 * t + phases[2]) - 4 * math.sin(phases[2])
            poses.append(Pose(x=drift_x, y=drift_y, distance=32 + closer,
                              yaw=12 * math.sin(1.7 * t), pitch=25 * math.sin(2.3 * t),
                              roll=8 * math.sin(1.1 * t)))  # fmt: skip
        elif kind is AttackKind.BENT_PRINT:
            poses.append(Pose(x=drift_x, y=drift_y, yaw=35 * math.sin(1.6 * t),
                              pitch=15 * math.sin(2.1 * t), roll=5 * math.sin(0.8 * t),
                              bend_radius=11 + 4 * math.cos(2.5 * t)))  # fmt: skip
        elif kind is AttackKind.TURNED_PRINT:
            # Swing to one side and back, then the other side and back: about 1.3 s a swing.
            swing = 48 * math.sin(2 * math.pi * t / 2.6)
            poses.append(Pose(x=drift_x / 2, y=drift_y / 2, yaw=swing, pitch=6 * math.sin(1.9 * t),
                              roll=3 * math.sin(0.7 * t)))  # fmt: skip
        else:
            poses.append(Pose(x=drift_x, y=drift_y, distance=28, yaw=40 * math.sin(1.5 * t),
                              pitch=15 * math.sin(2.2 * t), roll=6 * math.sin(t)))  # fmt: skip
    return poses


def attack_frames(
    photo: RGBImage,
    kind: AttackKind,
    *,
    seed: int = 0,
    seconds: float = 7.0,
    fps: float = 25.0,
    mirror_turns: bool = False,
) -> list[RGBImage]:
    """The frames of one attack with ``photo`` (a face photo, RGB). ``mirror_turns`` swings the
    other way first, so both orders of "left, right" are covered by two seeds."""
    rng = np.random.default_rng(seed)
    background = background_scene(rng)
    count = round(seconds * fps)
    poses = _schedule(kind, count, fps, rng)
    if mirror_turns:
        poses = [Pose(p.x, p.y, p.distance, -p.yaw, p.pitch, p.roll, p.bend_radius) for p in poses]
    glare = None
    if kind is AttackKind.SCREEN:
        surface, width_cm = _on_screen(photo, rng), 9.0
        glare = _glare(rng, rng.uniform(0.25, 0.5))
    else:
        surface, width_cm = _printed(photo, rng), 17.0
    # Sensor noise: a few noise frames drawn once and cycled (drawing per frame cost more than
    # the rendering).
    shape = (FRAME_SIZE[1], FRAME_SIZE[0], 3)
    noise = [np.round(rng.normal(0, 2.0, size=shape)).astype(np.int16) for _ in range(5)]
    frames = []
    for index, pose in enumerate(poses):
        frame = render(surface, pose, background, width_cm)
        if glare is not None:
            frame = np.clip(frame.astype(np.float32) + glare, 0, 255).astype(np.uint8)
        noisy = frame.astype(np.int16) + noise[index % len(noise)]
        frames.append(np.ascontiguousarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    return frames
