"""The slot for a passive liveness model: a single-frame "is this a live face?" score.

None ships: no passive anti-spoofing model with a clean licence comes as a wheel in the package
registries this project may use, and a model that has not been evaluated on our data earns no
place (issue 14). A model plugs in as an ONNX file through ``OnnxPassiveModel`` (a face crop
in, a softmax over classes out, as the MiniFASNet family does) or as any object with the
``PassiveCheck`` shape; the runner asks it about the evidence frames and fails the challenge
with ``liveness.passive`` when the mean live probability is under the model's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from desk_app.domain.errors import DeskError
from desk_app.vision.engines import DetectedFace
from desk_app.vision.images import RGBImage


class PassiveCheck(Protocol):
    name: str
    threshold: float  # the live probability under which a face is refused

    def live_probability(self, rgb: RGBImage, face: DetectedFace) -> float: ...


class PassiveModelError(DeskError):
    code = "liveness.passive_model"


@dataclass
class OnnxPassiveModel:
    """An ONNX classifier of face crops: ``input_size`` square crop of the face box enlarged
    by ``crop_scale``, BGR, 0-255 floats in NCHW; output: class scores, ``live_class`` the
    live one."""

    path: Path
    threshold: float = 0.5
    input_size: int = 80
    crop_scale: float = 2.7
    live_class: int = 1
    name: str = "onnx"

    def __post_init__(self) -> None:
        if not self.path.is_file():
            raise PassiveModelError(f"no passive model file at {self.path}")
        try:
            self._network = cv2.dnn.readNetFromONNX(str(self.path))
        except cv2.error as error:
            raise PassiveModelError(f"{self.path} is not a readable ONNX model") from error

    def live_probability(self, rgb: RGBImage, face: DetectedFace) -> float:
        x, y, width, height = face.box
        side = max(width, height) * self.crop_scale
        cx, cy = x + width / 2, y + height / 2
        x0, y0 = int(max(cx - side / 2, 0)), int(max(cy - side / 2, 0))
        x1 = int(min(cx + side / 2, rgb.shape[1]))
        y1 = int(min(cy + side / 2, rgb.shape[0]))
        crop = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2BGR)
        blob = cv2.dnn.blobFromImage(crop, 1.0, (self.input_size, self.input_size))
        self._network.setInput(blob)
        scores = np.asarray(self._network.forward(), dtype=np.float64).reshape(-1)
        exp = np.exp(scores - scores.max())
        return float(exp[self.live_class] / exp.sum())
