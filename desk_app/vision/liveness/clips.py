"""Frames of a recording for the offline judge: a video file (any format OpenCV reads, GIFs
included) or a folder of images sorted by name, with monotonic timestamps at a given rate.

Each image is decoded through ``images.read_bgr`` (pixel cap, coded errors); video frames are
checked against the same cap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from desk_app.domain.errors import DeskError
from desk_app.vision.images import RGBImage, max_image_pixels, read_bgr

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
DEFAULT_FPS = 25.0


class ClipError(DeskError):
    code = "liveness.clip_unreadable"


@dataclass(frozen=True)
class ClipFrame:
    index: int
    timestamp: float  # seconds from the first frame
    rgb: RGBImage


def clip_fps(source: Path, fps: float | None) -> float:
    """The rate to time ``source`` at: ``fps`` when given; a video's own rate; else 25."""
    if fps is not None:
        if fps <= 0:
            raise ClipError("the frame rate must be positive", code="liveness.bad_fps")
        return fps
    if source.is_dir():
        return DEFAULT_FPS
    capture = cv2.VideoCapture(str(source))
    try:
        rate = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    finally:
        capture.release()
    return rate if 0 < rate <= 240 else DEFAULT_FPS


def read_clip(source: Path, fps: float | None = None) -> Iterator[ClipFrame]:
    """The frames of ``source`` in order; ClipError when it holds none or cannot be read."""
    rate = clip_fps(source, fps)
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise ClipError(f"{source} holds no images", source=str(source))
        for index, path in enumerate(files):
            bgr = read_bgr(path)
            image = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            yield ClipFrame(index, index / rate, image)
        return
    if not source.is_file():
        raise ClipError(f"{source} is neither a video file nor a folder", source=str(source))
    capture = cv2.VideoCapture(str(source))
    try:
        if not capture.isOpened():
            raise ClipError(f"{source} is not a readable video", source=str(source))
        index = 0
        while True:
            ok, decoded = capture.read()
            if not ok or decoded is None:
                break
            bgr = np.asarray(decoded, dtype=np.uint8)
            if bgr.shape[0] * bgr.shape[1] > max_image_pixels():
                raise ClipError(f"{source} has frames over the pixel cap", code="image.too_large")
            yield ClipFrame(
                index, index / rate, np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            )
            index += 1
        if index == 0:
            raise ClipError(f"{source} holds no frames", source=str(source))
    finally:
        capture.release()
