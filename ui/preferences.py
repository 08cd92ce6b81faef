"""This workstation's own choices (camera, reader port, language, idle lock), kept in QSettings.

Site, counter, thresholds and the database live in the shared config file (``desk_app.config``);
these are the things that differ between two PCs of the same counter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSettings

from desk_app.camera.choice import CameraChoice

SIMULATOR = "simulator"


@dataclass(frozen=True)
class Preferences:
    camera: CameraChoice = field(default_factory=CameraChoice)
    reader_port: str = SIMULATOR  # a serial port (/dev/ttyUSB0, COM3) or the simulator
    language: str = "zh_CN"  # "zh_CN" or "en"
    idle_minutes: float = 5.0

    @classmethod
    def load(cls, store: QSettings) -> Preferences:
        default = cls()
        camera = CameraChoice(
            kind=str(store.value("camera/kind", default.camera.kind)),
            device_index=int(store.value("camera/device_index", 0)),  # type: ignore[call-overload]
            path=str(store.value("camera/path", "")),
            width=int(store.value("camera/width", 640)),  # type: ignore[call-overload]
            height=int(store.value("camera/height", 480)),  # type: ignore[call-overload]
            fps=float(store.value("camera/fps", 25.0)),  # type: ignore[arg-type]
        )
        return cls(
            camera=camera,
            reader_port=str(store.value("reader/port", default.reader_port)),
            language=str(store.value("ui/language", default.language)),
            idle_minutes=float(store.value("ui/idle_minutes", default.idle_minutes)),  # type: ignore[arg-type]
        )

    def save(self, store: QSettings) -> None:
        store.setValue("camera/kind", self.camera.kind)
        store.setValue("camera/device_index", self.camera.device_index)
        store.setValue("camera/path", self.camera.path)
        store.setValue("camera/width", self.camera.width)
        store.setValue("camera/height", self.camera.height)
        store.setValue("camera/fps", self.camera.fps)
        store.setValue("reader/port", self.reader_port)
        store.setValue("ui/language", self.language)
        store.setValue("ui/idle_minutes", self.idle_minutes)
        store.sync()


def preference_values(preferences: Preferences) -> dict[str, Any]:
    """The preferences as plain values, for the audit of a change (old and new)."""
    return {
        "camera": dataclasses.asdict(preferences.camera),
        "reader_port": preferences.reader_port,
        "idle_minutes": preferences.idle_minutes,
        "language": preferences.language,
    }
