"""The syncer in the background of the counter window: every ``interval`` and on demand.

One cycle runs on the database worker (the syncer writes the local database, which has one
writer); a failed cycle is already recorded in the binding by the syncer, so the status shown is
always read back from the database rather than guessed from the exception.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desk_app.bootstrap import Application, connect_syncer
from desk_app.domain.errors import DeskError
from desk_app.sync.binding import SyncStatus, sync_status
from ui.operations import Operations

SYNC_INTERVAL_MS = 30_000


class _Syncer(Protocol):
    """What the window needs of the core's syncer (built by ``bootstrap.connect_syncer``)."""

    def sync_once(self) -> object: ...


class BackgroundSync(QObject):
    status_changed = Signal(object)  # SyncStatus, or None for a standalone counter

    def __init__(
        self,
        application: Application,
        operations: Operations,
        *,
        interval_ms: int = SYNC_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._application = application
        self._operations = operations
        self._syncer: _Syncer | None = None
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.sync_now)

    @property
    def bound(self) -> bool:
        return self._application.binding is not None

    def start(self) -> None:
        if self.bound:
            self._timer.start()
            self.sync_now()
        else:
            self.status_changed.emit(None)

    def stop(self) -> None:
        self._timer.stop()

    def sync_now(self) -> None:
        if self._running or not self.bound:
            return
        self._running = True
        self._operations.run(self._cycle, on_success=self._finished, on_failure=self._failed)

    def _cycle(self) -> SyncStatus | None:
        """Database worker: one sync cycle, then the status as stored."""
        application = self._application
        if self._syncer is None:
            self._syncer = connect_syncer(application, timeout_s=10)
        # Offline or refused: the syncer stored the error in the binding, read back below.
        with contextlib.suppress(DeskError):
            self._syncer.sync_once()
        return sync_status(application.database, application.tickets.layout.series)

    def _finished(self, status: SyncStatus | None) -> None:
        self._running = False
        self.status_changed.emit(status)

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.status_changed.emit(error)
