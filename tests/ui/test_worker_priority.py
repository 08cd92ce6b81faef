"""Workers run below the GUI thread's CPU priority, so that hashing a password, writing a PDF or
analysing faces on a 2-core PC cannot take the GUI thread's core (Linux: per-thread nice)."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import pytest

from desk_app.config import QualitySettings
from ui.operations import WORKER_NICENESS, Operations
from ui.workers import FACE_WORKER_NICENESS, FaceWorker

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's"
)


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_operations_workers_run_below_the_gui_thread(qtbot: Any) -> None:
    operations = Operations()
    gui = _niceness()
    seen: dict[str, int] = {}
    try:
        for worker in ("database", "documents"):
            with qtbot.waitSignal(operations.idle, timeout=10_000):
                operations.run(
                    _niceness,
                    on_success=lambda value, worker=worker: seen.__setitem__(worker, value),
                    worker=worker,
                )
    finally:
        operations.shutdown()
    assert seen == {"database": max(gui, WORKER_NICENESS), "documents": max(gui, WORKER_NICENESS)}
    assert _niceness() == gui  # the GUI thread itself is untouched


def test_the_face_worker_runs_below_the_gui_thread(qtbot: Any, sface_engine: Any) -> None:
    worker = FaceWorker("sface", QualitySettings(), loader=lambda _name: sface_engine)
    worker.start()
    seen: list[int] = []
    try:
        qtbot.waitUntil(lambda: worker.ready, timeout=30_000)
        worker.submit(lambda _engine: _niceness(), lambda value, _error: seen.append(value))
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    finally:
        worker.stop()
    assert seen == [max(_niceness(), FACE_WORKER_NICENESS)] and _niceness() < seen[0]
