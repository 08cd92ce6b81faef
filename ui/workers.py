"""Long-lived producers on their own threads: the camera, the face analysis, the card reader.

Each stops cooperatively (a flag, then ``wait()``; never ``terminate``) and talks to the GUI only
through signals, which Qt queues onto the GUI thread. The face worker takes the newest camera
frame when it is free and drops the rest, so a slow analysis never slows the preview.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from desk_app.bootstrap import load_face_engine
from desk_app.camera.sources import CameraError, CameraLostError, CameraSource
from desk_app.config import QualitySettings
from desk_app.domain.errors import DeskError
from desk_app.idcard.reader import ChipReader, ReaderEvent
from desk_app.services.faces import LiveCapture
from desk_app.vision.engines import FaceEngine, best_face
from desk_app.vision.images import RGBImage
from desk_app.vision.liveness.judge import (
    Action,
    ChallengeJudge,
    LivenessResult,
    LivenessSettings,
)
from desk_app.vision.liveness.measures import FaceMeasurer
from desk_app.vision.liveness.runner import LiveChallenge
from desk_app.vision.quality import BestShot, LandmarkModel, QualityIssue, assess

RECONNECT_SECONDS = 1.0


def to_qimage(rgb: RGBImage) -> QImage:
    """A QImage that owns its pixels (one over the numpy buffer would share its memory)."""
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


def encode_jpeg(rgb: RGBImage, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise DeskError("the live picture could not be encoded", code="image.encode_failed")
    return bytes(data.tobytes())


class CameraWorker(QThread):
    """Reads frames from a source at its own pace; reconnects when the source is lost."""

    frame_ready = Signal(QImage)
    state_changed = Signal(str, str)  # "running" | "lost" | "unavailable", description or error
    fps_measured = Signal(float, float)  # frames per second, mean brightness 0-255

    def __init__(self, source: CameraSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._tasks: collections.deque[Callable[[CameraSource], None]] = collections.deque()
        self._consumers: list[Callable[[RGBImage], None]] = []
        self.frames = 0

    @property
    def description(self) -> str:
        return self._source.description

    def add_consumer(self, consumer: Callable[[RGBImage], None]) -> None:
        """Called on the camera thread with every frame (the face worker's ``offer_frame``)."""
        with self._lock:
            self._consumers.append(consumer)

    def in_camera_thread(self, task: Callable[[CameraSource], None]) -> None:
        """Run ``task(source)`` on the camera thread between two frames (sources are not
        thread-safe: the demo switches its pictures this way)."""
        with self._lock:
            self._tasks.append(task)

    def stop(self) -> None:
        self._stop.set()
        self.wait()

    def run(self) -> None:
        source, opened, state = self._source, False, ""
        window_start, window_frames = time.monotonic(), 0
        while not self._stop.is_set():
            with self._lock:
                tasks, consumers = list(self._tasks), list(self._consumers)
                self._tasks.clear()
            for task in tasks:
                task(source)
            if not opened:
                try:
                    source.open()
                except CameraError as error:
                    if state != "unavailable" and state != "lost":
                        state = "unavailable"
                        self.state_changed.emit(state, error.message)
                    self._stop.wait(RECONNECT_SECONDS)
                    continue
                opened, state = True, "running"
                self.state_changed.emit(state, source.description)
            try:
                rgb = source.read()
            except CameraError as error:
                source.close()
                opened = False
                state = "lost" if isinstance(error, CameraLostError) else "unavailable"
                self.state_changed.emit(state, error.message)
                continue
            self.frames += 1
            window_frames += 1
            self.frame_ready.emit(to_qimage(rgb))
            for consumer in consumers:
                consumer(rgb)
            now = time.monotonic()
            if now - window_start >= 1.0:
                brightness = float(rgb[::8, ::8].mean())
                self.fps_measured.emit(window_frames / (now - window_start), brightness)
                window_start, window_frames = now, 0
        source.close()


@dataclass(frozen=True)
class FrameAnalysis:
    box: tuple[int, int, int, int] | None
    issues: tuple[QualityIssue, ...]
    frame_size: tuple[int, int]  # width, height
    good_frames: int  # good frames collected for the capture so far
    armed: bool


@dataclass(frozen=True)
class ChallengeRequest:
    """A liveness challenge to run on the frames after a best shot (``FaceWorker.challenge``)."""

    capture: LiveCapture  # the shot it belongs to; its template is the same-person reference
    actions: tuple[Action, ...]
    settings: LivenessSettings
    same_person_limit: float


@dataclass(frozen=True)
class ChallengeEnded:
    """The judged challenge and its evidence frames as JPEG (``FaceWorker.challenge_ended``)."""

    request: ChallengeRequest
    result: LivenessResult
    frames: tuple[bytes, ...]
    ms_per_frame: float


class FaceWorker(QThread):
    """Owns the face engine (engines are not thread-safe): analyses frames, collects the best
    shot while armed, judges a liveness challenge frame by frame, and runs jobs that need the
    engine (reference templates, matching)."""

    engine_state = Signal(str, str)  # "loading" | "ready" | "failed", message
    analysed = Signal(object)  # FrameAnalysis
    captured = Signal(object, bytes)  # LiveCapture, JPEG of the best frame
    challenge_prompt = Signal(object, object)  # ChallengeRequest, Prompt (each judged frame)
    challenge_ended = Signal(object)  # ChallengeEnded
    _job_finished = Signal(object, object, object)  # callback, result, error

    def __init__(
        self,
        engine_name: str,
        quality: QualitySettings,
        *,
        # As many good frames as the shot keeps: a fourth only delayed the shot by an analysis
        # (0.1 s) without changing which three are averaged most of the time.
        frames_needed: int = 3,
        keep: int = 3,
        min_interval: float = 0.1,
        # While armed (a consenting candidate, a shot being collected: a fraction of a second),
        # every camera frame at 25 fps is analysed; the slower pace above is for the hints.
        armed_interval: float = 0.04,
        loader: Callable[[str], FaceEngine] = load_face_engine,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine_name = engine_name
        self._quality = quality
        self._frames_needed = frames_needed
        self._keep = keep
        self._min_interval = min_interval
        self._armed_interval = armed_interval
        self._loader = loader
        self._stop = False
        self._condition = threading.Condition()
        # The newest frame with its number and the monotonic time it arrived: the liveness judge
        # needs one continuous capture's timestamps, not the time it got round to a frame.
        self._latest: tuple[int, float, RGBImage] | None = None
        self._frames_offered = 0
        self._challenge: ChallengeRequest | None = None
        self._running: _RunningChallenge | None = None
        self._jobs: collections.deque[tuple[Callable[[FaceEngine], Any], Callable[..., None]]]
        self._jobs = collections.deque()
        self._armed = False
        self._capture_now = False
        self._good = 0
        self._best = BestShot(keep)
        self.ready = False
        self.landmarks: LandmarkModel | None = None
        self._job_finished.connect(self._deliver)

    # --- GUI thread ----------------------------------------------------------------------

    def offer_frame(self, rgb: RGBImage) -> None:
        """Any thread: the newest frame replaces one not yet analysed (frames are dropped)."""
        with self._condition:
            self._frames_offered += 1
            self._latest = (self._frames_offered, time.monotonic(), rgb)
            self._condition.notify()

    def arm(self) -> None:
        """Start collecting a new best shot (a candidate who consented is at the counter; or
        Retake). No frame seen before is kept: faces are taken only after consent."""
        with self._condition:
            self._good = 0
            self._best = BestShot(self._keep)
            self._armed, self._capture_now = True, False
            self._challenge = None  # a new shot: a challenge on the old one is moot
            self._condition.notify()  # the armed pace starts now, not after the idle pause

    def disarm(self) -> None:
        """Stop collecting a shot and drop any challenge in progress."""
        with self._condition:
            self._armed, self._capture_now = False, False
            self._challenge = None

    def end_challenge(self) -> None:
        with self._condition:
            self._challenge = None

    def challenge(self, request: ChallengeRequest) -> None:
        """Judge a liveness challenge on the frames from now on (replacing one in progress);
        ``challenge_prompt`` reports each frame's prompt, ``challenge_ended`` the result."""
        with self._condition:
            self._challenge = request
            self._condition.notify()

    def capture_now(self) -> None:
        """The manual capture key: take the best frame so far, or the next one with a face."""
        with self._condition:
            self._armed, self._capture_now = True, True

    def submit(self, job: Callable[[FaceEngine], Any], callback: Callable[..., None]) -> None:
        """Run ``job(engine)`` here; ``callback(result, error)`` runs on the GUI thread."""
        with self._condition:
            self._jobs.append((job, callback))
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._stop = True
            self._condition.notify()
        self.wait()

    @Slot(object, object, object)
    def _deliver(self, callback: Callable[..., None], result: Any, error: Any) -> None:
        callback(result, error)

    # --- the worker thread ---------------------------------------------------------------

    def run(self) -> None:
        self.engine_state.emit("loading", self._engine_name)
        try:
            engine = self._loader(self._engine_name)
            landmarks = LandmarkModel()
        except DeskError as error:
            self.engine_state.emit("failed", error.message)
            self._fail_jobs(error)
            return
        self.landmarks = landmarks  # for jobs, which run on this thread too
        self.ready = True
        self.engine_state.emit("ready", engine.name)
        last_analysis = float("-inf")
        while True:
            with self._condition:
                while not self._stop and not self._jobs:
                    if self._latest is None:
                        self._condition.wait()
                        continue
                    # At most one analysis per ``min_interval``: on a shared 2-core machine the
                    # detector and dlib's landmarks (which hold the GIL) would otherwise take
                    # the CPU and the GIL from the preview and the GUI thread.
                    busy = self._armed or self._challenge is not None
                    interval = self._armed_interval if busy else self._min_interval
                    pause = interval - (time.monotonic() - last_analysis)
                    if pause <= 0:
                        break
                    self._condition.wait(pause)
                if self._stop:
                    return
                job = self._jobs.popleft() if self._jobs else None
                frame = None if job else self._latest
                if frame is not None:
                    self._latest = None
                request = self._challenge
            if job is not None:
                work, callback = job
                try:
                    self._job_finished.emit(callback, work(engine), None)
                except Exception as error:
                    self._job_finished.emit(callback, None, error)
            elif frame is not None:
                last_analysis = time.monotonic()
                if request is not None:
                    self._judge_frame(engine, landmarks, request, *frame)
                else:
                    self._running = None
                    self._analyse(engine, landmarks, frame[2])

    def _fail_jobs(self, error: Exception) -> None:
        while True:
            with self._condition:
                if self._stop:
                    return
                while not self._stop and not self._jobs:
                    self._condition.wait(0.5)
                if self._stop:
                    return
                _, callback = self._jobs.popleft()
            self._job_finished.emit(callback, None, error)

    def _judge_frame(
        self,
        engine: FaceEngine,
        landmarks: LandmarkModel,
        request: ChallengeRequest,
        index: int,
        timestamp: float,
        rgb: RGBImage,
    ) -> None:
        """One frame of the challenge: measured and judged here, the prompt to the screen."""
        running = self._running
        if running is None or running.request is not request:
            judge = ChallengeJudge(
                request.actions,
                settings=request.settings,
                distance=engine.distance,
                same_person_limit=request.same_person_limit,
                reference=np.asarray(request.capture.template, dtype=np.float32),
            )
            running = self._running = _RunningChallenge(
                request, LiveChallenge(judge, FaceMeasurer(engine, landmarks))
            )
        prompt = running.live.feed(index, timestamp, rgb)
        self.challenge_prompt.emit(request, prompt)
        if not prompt.finished:
            return
        with self._condition:
            if self._challenge is request:
                self._challenge = None
        self._running = None
        live = running.live
        # The frames the judge names; when it ended before naming any (at once, on a cut or a
        # lost face), the frame it ended on, so the supervisor sees what the camera saw.
        images = [image for _, image in live.evidence_images()] or [rgb]
        frames = tuple(encode_jpeg(image) for image in images)
        per_frame = 1000 * live.seconds_measuring / max(live.frames_measured, 1)
        self.challenge_ended.emit(ChallengeEnded(request, live.judge.result(), frames, per_frame))

    def _analyse(self, engine: FaceEngine, landmarks: LandmarkModel, rgb: RGBImage) -> None:
        faces = engine.detect(rgb)
        quality = assess(rgb, faces, landmarks, self._quality)
        with self._condition:
            armed, manual = self._armed, self._capture_now
            if armed and quality.ok:
                self._best.offer(rgb, quality)
                self._good += 1
            good, best = self._good, self._best
        self.analysed.emit(
            FrameAnalysis(
                quality.face.box if quality.face else None,
                quality.issues,
                (rgb.shape[1], rgb.shape[0]),
                good,
                armed,
            )
        )
        if not armed:
            return
        if quality.ok and good < self._frames_needed and not manual:
            # Encode this frame now, while waiting for the next one: the shot's template is
            # then ready when the last good frame arrives.
            best.encode_kept(engine)
            return
        if good >= self._frames_needed or (manual and len(best)):
            template = best.template(engine)
            frame = best.best_frame()
        elif manual and faces:
            face = best_face(faces)
            template, frame = engine.encode(rgb, face), rgb
        else:
            return
        if template is None or frame is None:
            return
        with self._condition:
            self._armed = self._capture_now = False
        jpeg = encode_jpeg(frame)
        capture = LiveCapture(
            jpeg, np.asarray(template, dtype=np.float32), engine.name, engine.model_version
        )
        self.captured.emit(capture, jpeg)


@dataclass
class _RunningChallenge:
    request: ChallengeRequest
    live: LiveChallenge


class ReaderWorker(QThread):
    """Polls the chip reader; each card, error and (dis)connection arrives as ``event``."""

    reader_event = Signal(object)  # ReaderEvent

    def __init__(self, port: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        self.wait()

    def run(self) -> None:
        reader = ChipReader(self.port)
        event: ReaderEvent
        for event in reader.events(self._stop.is_set):
            self.reader_event.emit(event)
