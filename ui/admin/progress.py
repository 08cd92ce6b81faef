"""The core's plain progress and cancel callables (``domain.progress``) as Qt signals."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class ProgressRelay(QObject):
    """Made on the GUI thread; ``report`` is called on a worker and reaches the GUI as a queued
    ``progressed`` signal. ``cancel()`` (GUI) makes ``cancelled()`` (worker) true."""

    progressed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def reset(self) -> None:
        self._cancel.clear()
