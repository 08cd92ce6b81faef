"""Demo mode: a simulated chip reader with the demo candidates' cards, and a file camera that
shows the candidate whose card is on the reader (their other photos, read in place)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desk_app.camera.demo import demo_live_faces
from desk_app.camera.sources import CameraSource, FileCamera, GeneratedCamera
from desk_app.idcard.simulator import ReaderSimulator
from desk_app.services.demo_counter import DemoCard
from ui.workers import CameraWorker


class DemoStage:
    """The demo's hardware: start it before the workers, stop it after them."""

    def __init__(self, cards: list[DemoCard], data_dir: Path, fps: float = 25.0) -> None:
        self.cards = cards
        self.faces = demo_live_faces(data_dir)
        self._folder = tempfile.TemporaryDirectory(prefix="desk-demo-reader-")
        self.simulator = ReaderSimulator(
            [c.card for c in cards],
            Path(self._folder.name) / "reader",
            # Chip-like portraits the demo decoder reads, each made when its card is first read.
            photos=lambda index: cards[index].photo if index < len(cards) else b"",
        )
        self.camera_source: CameraSource
        first = self._faces_for(0)
        if first:
            # Each still is held for a while, like a person standing still at the counter.
            self.camera_source = FileCamera(first, fps=fps, hold_frames=int(fps))
            self.faces_found = True
        else:
            self.camera_source = GeneratedCamera(fps=fps)
            self.faces_found = False
        self.current = -1

    def _faces_for(self, position: int) -> list[Path]:
        if not self.cards:
            return [path for images in self.faces[:1] for path in images]
        index = self.cards[position % len(self.cards)].roster_index
        return self.faces[index] if 0 <= index < len(self.faces) else []

    def start(self) -> str:
        return str(self.simulator.start())

    def place_next(self, camera: CameraWorker | None) -> DemoCard | None:
        """The next demo candidate steps up: their face before the camera, their card placed."""
        if not self.cards:
            return None
        self.current = (self.current + 1) % len(self.cards)
        faces = self._faces_for(self.current)
        if camera is not None and faces and isinstance(self.camera_source, FileCamera):
            camera.in_camera_thread(lambda source: _use_files(source, faces))
        self.simulator.place_card(self.current)
        return self.cards[self.current]

    def lift(self) -> None:
        self.simulator.lift_card()

    def stop(self) -> None:
        self.simulator.unplug()
        self._folder.cleanup()


def _use_files(source: CameraSource, files: list[Path]) -> None:
    if isinstance(source, FileCamera):
        source.use_files(files)


class DemoPanel(QWidget):
    """Buttons standing in for the candidate: place the next card, lift it."""

    def __init__(self, stage: DemoStage, camera: CameraWorker | None) -> None:
        super().__init__()
        self.stage, self.camera = stage, camera
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        note = self.tr("Demo: simulated card reader and file camera.")
        if not stage.faces_found:
            note += " " + self.tr("No face images found: the camera shows a generated pattern.")
        self.label = QLabel(note)
        place = QPushButton(self.tr("Place next candidate's card"))
        lift = QPushButton(self.tr("Lift card"))
        place.clicked.connect(self.place_next)
        lift.clicked.connect(self.stage.lift)
        layout.addWidget(self.label, 1)
        self._buttons = (place, lift)
        layout.addWidget(place)
        layout.addWidget(lift)

    def place_next(self) -> None:
        self.stage.place_next(self.camera)
