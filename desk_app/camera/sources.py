"""Where live frames come from: a camera device, or a file-backed source that behaves like one.

A source is opened, read frame by frame (``read`` blocks until the next frame is due, as a real
camera does) and closed. A source that loses its device (a camera unplugged, a folder removed)
raises ``CameraLostError`` from ``read``; the caller closes it and calls ``open`` again until it
works. Frames are contiguous 8-bit RGB arrays of the source's configured size.

Sources run on the camera worker's thread; none is thread-safe and none touches widgets.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from desk_app.camera.choice import CameraChoice
from desk_app.domain.errors import DeskError
from desk_app.vision.images import RGBImage, read_bgr

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm"})


class CameraError(DeskError):
    """The source cannot be opened (no such device, no images in the folder...)."""

    code = "camera.unavailable"


class CameraLostError(CameraError):
    """The source worked and stopped (unplugged, folder gone); reopen it to recover."""

    code = "camera.lost"


class CameraSource(Protocol):
    description: str  # for the status bar and the self-test ("camera 0", "folder faces/")
    size: tuple[int, int]  # width, height of the frames returned
    fps: float

    def open(self) -> None: ...

    def read(self) -> RGBImage: ...

    def close(self) -> None: ...


def fit_frame(rgb: RGBImage, size: tuple[int, int]) -> RGBImage:
    """Scale ``rgb`` to cover ``size`` (width, height) and crop the centre, like a webcam view."""
    width, height = size
    scale = max(width / rgb.shape[1], height / rgb.shape[0])
    resized = cv2.resize(
        rgb,
        (max(round(rgb.shape[1] * scale), width), max(round(rgb.shape[0] * scale), height)),
        interpolation=cv2.INTER_LINEAR,
    )
    top = (resized.shape[0] - height) // 2
    left = (resized.shape[1] - width) // 2
    return np.ascontiguousarray(resized[top : top + height, left : left + width])


def _rgb(bgr: object) -> RGBImage:
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)  # type: ignore[call-overload]


class _Pacer:
    """Hands out frames at a steady rate: ``wait`` sleeps until the next frame is due."""

    def __init__(self, fps: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / fps if fps > 0 else 0.0
        self._clock = clock
        self._next = 0.0

    def reset(self) -> None:
        self._next = self._clock()

    def wait(self) -> None:
        now = self._clock()
        if self._next > now:
            time.sleep(self._next - now)
        # A slow consumer must not make the source burst to catch up.
        self._next = max(self._next, now) + self.interval


class DeviceCamera:
    """A webcam through OpenCV (V4L2 on Linux, DirectShow/MSMF on Windows)."""

    def __init__(self, index: int = 0, size: tuple[int, int] = (640, 480), fps: float = 25.0):
        self.index = index
        self.size = size
        self.fps = fps
        self.description = f"camera {index}"
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            capture.release()
            raise CameraError(f"camera {self.index} cannot be opened", device=self.index)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture

    def read(self) -> RGBImage:
        if self._capture is None:
            raise CameraLostError(f"camera {self.index} is not open")
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            raise CameraLostError(f"camera {self.index} stopped sending frames")
        rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
        if (rgb.shape[1], rgb.shape[0]) != self.size:
            rgb = fit_frame(rgb, self.size)
        return np.ascontiguousarray(rgb)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
        self._capture = None


class FileCamera:
    """Images of a folder (or an explicit list of files) or a video file, looping at ``fps``.

    For demonstrations, tests and counters without a webcam driver. Files are read in place and
    each frame is checked again, so removing the folder behaves like unplugging a camera.
    """

    def __init__(
        self,
        source: Path | Sequence[Path],
        size: tuple[int, int] = (640, 480),
        fps: float = 25.0,
        *,
        hold_frames: int = 1,  # show each still image this many frames (a person holds still)
    ) -> None:
        self.size = size
        self.fps = fps
        self.hold_frames = max(hold_frames, 1)
        self._folder: Path | None = None
        self._files: list[Path] = []
        if isinstance(source, Path):
            self._folder = source
            self.description = (
                f"{'video' if source.suffix.lower() in VIDEO_SUFFIXES else 'folder'} {source}"
            )
        else:
            self._files = list(source)
            self.description = f"{len(self._files)} image files"
        self._pacer = _Pacer(fps)
        self._video: cv2.VideoCapture | None = None
        self._frames: list[Path] = []
        self._position = 0
        self._held: RGBImage | None = None
        self._held_count = 0
        self._open = False

    def use_files(self, files: Sequence[Path]) -> None:
        """Switch to other still images (the demo's next candidate steps up to the camera)."""
        self._files, self._folder = list(files), None
        self.description = f"{len(self._files)} image files"
        self._frames, self._position, self._held = list(self._files), 0, None

    def _list_images(self) -> list[Path]:
        if self._folder is None:
            return [path for path in self._files if path.is_file()]
        if not self._folder.is_dir():
            return []
        return sorted(p for p in self._folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)

    def open(self) -> None:
        if self._folder is not None and self._folder.suffix.lower() in VIDEO_SUFFIXES:
            video = cv2.VideoCapture(str(self._folder))
            if not video.isOpened():
                video.release()
                raise CameraError(f"video file {self._folder} cannot be opened")
            self._video = video
        else:
            self._frames = self._list_images()
            if not self._frames:
                raise CameraError(f"no images in {self.description}")
        self._position, self._held, self._held_count = 0, None, 0
        self._pacer.reset()
        self._open = True

    def read(self) -> RGBImage:
        if not self._open:
            raise CameraLostError(f"{self.description} is not open")
        self._pacer.wait()
        if self._video is not None:
            return self._read_video()
        if self._held is not None and self._held_count < self.hold_frames:
            self._held_count += 1
            return self._held
        path = self._frames[self._position % len(self._frames)]
        self._position += 1
        try:
            bgr = read_bgr(path)
        except DeskError as error:  # unreadable, or over the pixel cap
            raise CameraLostError(f"{path} is no longer readable ({error.code})") from error
        self._held = fit_frame(_rgb(bgr), self.size)
        self._held_count = 1
        return self._held

    def _read_video(self) -> RGBImage:
        assert self._video is not None
        ok, bgr = self._video.read()
        if not ok:  # the end: loop from the start
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._video.read()
            if not ok:
                raise CameraLostError(f"{self.description} can no longer be read")
        return fit_frame(_rgb(bgr), self.size)

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
        self._video = None
        self._open = False


class GeneratedCamera:
    """Synthetic frames (a moving gradient, no face): the demo's stand-in when no images exist.

    It shows that the preview and the camera worker run; face matching has nothing to match.
    """

    def __init__(self, size: tuple[int, int] = (640, 480), fps: float = 25.0) -> None:
        self.size = size
        self.fps = fps
        self.description = "generated test pattern (no face images found)"
        self._pacer = _Pacer(fps)
        self._count = 0

    def open(self) -> None:
        self._pacer.reset()

    def read(self) -> RGBImage:
        self._pacer.wait()
        self._count += 1
        width, height = self.size
        ramp = (np.arange(width, dtype=np.uint16) + self._count * 4) % 256
        frame = np.empty((height, width, 3), dtype=np.uint8)
        frame[:, :, 0] = ramp.astype(np.uint8)
        frame[:, :, 1] = np.linspace(40, 200, height, dtype=np.uint8)[:, None]
        frame[:, :, 2] = 128
        return frame

    def close(self) -> None:
        return None


def open_source(choice: CameraChoice) -> CameraSource:
    """The source the settings describe (not yet opened)."""
    size = (choice.width, choice.height)
    if choice.kind == "files":
        return FileCamera(Path(choice.path), size, choice.fps)
    if choice.kind == "generated":
        return GeneratedCamera(size, choice.fps)
    if choice.kind == "device":
        return DeviceCamera(choice.device_index, size, choice.fps)
    raise CameraError(f"unknown camera kind {choice.kind!r}", code="camera.bad_choice")


def try_camera(choice: CameraChoice) -> tuple[CameraSource, RGBImage]:
    """Open the chosen source, read one frame and close it again: the self-tests' check that a
    camera works (the source comes back for its description)."""
    source = open_source(choice)
    source.open()
    try:
        return source, source.read()
    finally:
        source.close()
