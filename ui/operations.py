"""The one helper that runs core work off the GUI thread (after Anki's ``aqt.operations``).

``Operations.run(work, on_success=..., on_failure=...)`` runs ``work()`` on a worker and calls
back on the GUI thread. Database work goes to ONE worker thread (a SQLAlchemy session belongs to
one thread, and SQLite has one writer); other work may name its own worker. ``work`` must never
touch widgets: it runs on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

Callback = Callable[[Any], None]


class Operations(QObject):
    """Background work with callbacks on the GUI thread; ``idle`` is emitted when none is left."""

    _finished = Signal(object, object, object)  # future, on_success, on_failure
    failed = Signal(object)  # an exception nobody handled
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers = {"database": ThreadPoolExecutor(1, thread_name_prefix="database")}
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
            executor = self._workers[worker] = ThreadPoolExecutor(1, thread_name_prefix=worker)
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
