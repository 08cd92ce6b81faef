"""What the screens are given in their constructors: the core's services and the workers."""

from __future__ import annotations

from dataclasses import dataclass

from desk_app.bootstrap import Application
from desk_app.config import ThresholdSettings
from desk_app.services.counter import CounterQueries
from ui.operations import Operations
from ui.workers import FaceWorker


@dataclass
class Services:
    application: Application
    queries: CounterQueries
    operations: Operations
    face_worker: FaceWorker | None  # None until a camera and engine exist (tests without faces)

    @property
    def thresholds(self) -> ThresholdSettings:
        settings = self.application.settings
        return settings.thresholds_for(settings.faces.engine)
