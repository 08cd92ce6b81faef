"""The one helper that runs core work off the GUI thread (after Anki's ``aqt.operations``).

``Operations.run(work, on_success=..., on_failure=...)`` runs ``work()`` on a worker and calls
back on the GUI thread. Database work goes to ONE worker thread (a SQLAlchemy session belongs to
one thread, and SQLite has one writer); other work may name its own worker. ``work`` must never
touch widgets: it runs on the worker.

Workers run below the GUI thread's priority (``lower_thread_priority``): on a 2-core counter PC
the sign-in's argon2 hashing (four threads of its own), the slip's PDF and the face analysis
would otherwise take the cores from the GUI thread for 50-70 ms at a time; at a lower priority
they still get every cycle the GUI thread leaves idle.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

Callback = Callable[[Any], None]

# Linux nice value of worker threads (0 is the GUI thread's; 19 the lowest). Measured with
# bench/ui_latency.py: argon2 on a worker at nice 0 stalled the GUI 49 ms, at 10 about 11 ms.
WORKER_NICENESS = 10
_WINDOWS_BELOW_NORMAL = -1  # THREAD_PRIORITY_BELOW_NORMAL


def lower_thread_priority(niceness: int = WORKER_NICENESS) -> bool:
    """Lower the calling thread's CPU priority below the GUI thread's (threads it starts, such
    as argon2's, inherit it on Linux). True when the platform allowed it; never raises."""
    try:
        if sys.platform.startswith("linux"):
            # On Linux the nice value is per thread, and a thread id names one thread.
            thread = threading.get_native_id()
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, max(current, niceness))
            return True
        if sys.platform == "win32":
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
            return bool(
                kernel32.SetThreadPriority(kernel32.GetCurrentThread(), _WINDOWS_BELOW_NORMAL)
            )
    except OSError:
        return False
    return False  # elsewhere (macOS) the nice value is the whole process's: left alone


class Operations(QObject):
    """Background work with callbacks on the GUI thread; ``idle`` is emitted when none is left."""

    _finished = Signal(object, object, object)  # future, on_success, on_failure
    failed = Signal(object)  # an exception nobody handled
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers = {"database": _executor("database")}
        self._pending = 0
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        return self._pending

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_success: Callback | None = None,
        on_failure: Callback | None = None,
        worker: str = "database",
    ) -> Future[Any]:
        executor = self._workers.get(worker)
        if executor is None:
            executor = self._workers[worker] = _executor(worker)
        self._pending += 1
        future = executor.submit(work)
        # Emitting from the worker thread queues the call onto this object's (the GUI) thread.
        future.add_done_callback(lambda done: self._finished.emit(done, on_success, on_failure))
        return future

    @Slot(object, object, object)
    def _deliver(
        self, future: Future[Any], on_success: Callback | None, on_failure: Callback | None
    ) -> None:
        self._pending -= 1
        try:
            if future.cancelled():  # dropped at shutdown: nobody is waiting for it any more
                return
            error = future.exception()
            if error is not None:
                if on_failure is not None:
                    on_failure(error)
                else:
                    self.failed.emit(error)
            elif on_success is not None:
                on_success(future.result())
        finally:
            if self._pending == 0:
                self.idle.emit()

    def shutdown(self) -> None:
        for executor in self._workers.values():
            executor.shutdown(wait=True, cancel_futures=True)


def _executor(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1, thread_name_prefix=name, initializer=lower_thread_priority)
