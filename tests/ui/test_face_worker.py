"""The face worker: quality hints per frame, automatic best shot, the manual capture key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from desk_app.camera.sources import FileCamera
from desk_app.config import QualitySettings
from desk_app.vision.quality import QualityIssue
from ui.workers import FaceWorker


def _frames(paths: list[Path]) -> list[Any]:
    camera = FileCamera(paths, fps=0)
    camera.open()
    return [camera.read().copy() for _ in paths]


def _worker(qtbot: Any, sface_engine: Any, **options: Any) -> FaceWorker:
    worker = FaceWorker("sface", QualitySettings(), loader=lambda _name: sface_engine, **options)
    worker.start()
    qtbot.waitUntil(lambda: worker.ready, timeout=30_000)
    return worker


def test_an_empty_scene_gets_a_hint_and_no_capture(
    qtbot: Any, sface_engine: Any, data_dir: Path
) -> None:
    worker = _worker(qtbot, sface_engine, min_interval=0)
    try:
        worker.arm()
        with (
            qtbot.assertNotEmitted(worker.captured, wait=300),
            qtbot.waitSignal(worker.analysed, timeout=10_000) as analysed,
        ):
            worker.offer_frame(np.full((480, 640, 3), 128, dtype=np.uint8))
        assert analysed.args[0].issues == (QualityIssue.NO_FACE,)
        assert analysed.args[0].armed
    finally:
        worker.stop()


def test_good_frames_are_captured_automatically(
    qtbot: Any, sface_engine: Any, koizumi: list[Path]
) -> None:
    worker = _worker(qtbot, sface_engine, min_interval=0, frames_needed=2)
    good = _frames(koizumi)
    try:
        worker.arm()
        with qtbot.waitSignal(worker.captured, timeout=30_000) as captured:
            for _ in range(6):
                for frame in good:
                    worker.offer_frame(frame)
                    qtbot.wait(60)
        capture, jpeg = captured.args
        assert jpeg.startswith(b"\xff\xd8")
        assert capture.template.shape == (sface_engine.dimensions,)
        assert capture.engine == "sface"
    finally:
        worker.stop()


def test_the_capture_key_takes_a_face_even_when_the_gate_has_not_passed(
    qtbot: Any, sface_engine: Any, koizumi: list[Path]
) -> None:
    worker = _worker(qtbot, sface_engine, min_interval=0, frames_needed=10_000)
    frame = _frames(koizumi[:1])[0]
    try:
        worker.arm()
        worker.capture_now()
        with qtbot.waitSignal(worker.captured, timeout=30_000):
            worker.offer_frame(frame)
    finally:
        worker.stop()


class _CountingEngine:
    """The real engine, counting its encodings (to see when the shot's templates are made)."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.encoded = 0
        self.name, self.model_version = engine.name, engine.model_version
        self.dimensions = engine.dimensions

    def detect(self, rgb: Any) -> Any:
        return self._engine.detect(rgb)

    def encode(self, rgb: Any, face: Any) -> Any:
        self.encoded += 1
        return self._engine.encode(rgb, face)


def test_armed_the_worker_analyses_at_the_armed_pace_not_the_hint_pace(
    qtbot: Any, sface_engine: Any, koizumi: list[Path]
) -> None:
    # At the hint pace (one analysis every 30 s here) three good frames would take a minute.
    worker = _worker(qtbot, sface_engine, min_interval=30, armed_interval=0, frames_needed=3)
    good = _frames(koizumi)
    try:
        with qtbot.waitSignal(worker.analysed, timeout=10_000):
            worker.offer_frame(good[0])  # one analysis for the hints: the slow pace starts
        worker.arm()
        with qtbot.waitSignal(worker.captured, timeout=10_000):
            for _ in range(10):
                for frame in good:
                    worker.offer_frame(frame)
                    qtbot.wait(60)
    finally:
        worker.stop()


def test_each_good_frame_is_encoded_while_the_next_is_awaited(
    qtbot: Any, sface_engine: Any, koizumi: list[Path]
) -> None:
    engine = _CountingEngine(sface_engine)
    worker = FaceWorker(
        "sface", QualitySettings(), loader=lambda _name: engine, min_interval=0, frames_needed=3
    )
    worker.start()
    qtbot.waitUntil(lambda: worker.ready, timeout=30_000)
    good = _frames(koizumi)
    encoded_at_good: list[tuple[int, int]] = []
    worker.analysed.connect(
        lambda analysis: encoded_at_good.append((analysis.good_frames, engine.encoded))
    )
    try:
        worker.arm()
        with qtbot.waitSignal(worker.captured, timeout=30_000):
            for _ in range(10):
                for frame in good:
                    worker.offer_frame(frame)
                    qtbot.wait(80)
        # Three frames kept, three encodings in all: none is encoded twice, and the first two
        # were encoded before the third frame was analysed.
        assert engine.encoded == 3
        assert any(good == 2 and encoded >= 1 for good, encoded in encoded_at_good)
    finally:
        worker.stop()
