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


def test_preroll_frames_count_once_armed_and_emit_nothing_before(
    qtbot: Any, sface_engine: Any, koizumi: list[Path]
) -> None:
    """A card placed starts the pre-roll; the shot is taken as soon as the candidate is shown,
    from frames seen during the look-up, instead of waiting for new ones."""
    worker = _worker(qtbot, sface_engine, min_interval=0, frames_needed=2)
    good = _frames(koizumi)
    try:
        worker.preroll()
        collected = 0
        with qtbot.assertNotEmitted(worker.captured, wait=100):
            for frame in good * 6:  # not every photo passes the quality gate
                with qtbot.waitSignal(worker.analysed, timeout=10_000) as analysed:
                    worker.offer_frame(frame)
                assert not analysed.args[0].armed
                collected = analysed.args[0].good_frames
                if collected >= 2:
                    break
        assert collected >= 2  # kept while not armed
        worker.arm(keep_preroll=True)
        with qtbot.waitSignal(worker.captured, timeout=30_000):
            worker.offer_frame(good[0])  # one more analysed frame and the shot is out
        # A fresh arm (Retake, a new candidate) forgets what was collected.
        worker.preroll()
        worker.arm()
        with qtbot.waitSignal(worker.analysed, timeout=10_000) as analysed:
            worker.offer_frame(good[0])
        assert analysed.args[0].good_frames <= 1
    finally:
        worker.stop()
