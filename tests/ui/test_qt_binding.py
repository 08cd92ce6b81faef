"""The Qt binding itself: a release that leaks or drops references would crash a counter that
runs all day (PySide6 6.12.0 dropped a reference to True on every signal emission)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(object)


def test_emitting_signals_keeps_python_reference_counts(qapp: Any) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.happened.connect(received.append)
    token = object()
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(token))
    for _ in range(500):
        emitter.happened.emit(token)
    received.clear()
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(token))
    assert after == before
