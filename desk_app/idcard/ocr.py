"""Text lines read from an image by an offline OCR engine (rapidocr: PP-OCR models in ONNX,
shipped inside the installed package; nothing is downloaded).

The engine is created on first use, because loading its three models takes about a second and
most counter sessions read every card with the chip reader.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from desk_app.domain.errors import DeskError


@dataclass(frozen=True)
class TextLine:
    """One line of text found in an image: its quadrilateral (4×2, pixels), text and score."""

    box: np.ndarray
    text: str
    score: float


class OcrUnavailableError(DeskError):
    """The OCR engine is not installed or its models do not load."""


class TextReader:
    """Finds and reads text lines. Thread-safe: calls are serialised (the ONNX sessions already
    use every core, so parallel calls would only compete)."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as error:  # pragma: no cover - a broken install
                raise OcrUnavailableError(
                    f"the OCR engine is not installed ({error})", code="card.ocr_unavailable"
                ) from error
            self._engine = RapidOCR(params={"Global.log_level": "error"})
        return self._engine

    def warm_up(self) -> None:
        """Load the models now (e.g. in the background at start-up)."""
        with self._lock:
            self._loaded()

    def lines(self, image: np.ndarray) -> list[TextLine]:
        """Every text line in a BGR image, in any orientation."""
        with self._lock:
            # Explicit flags: the engine remembers the last call's flags (rapidocr 3.x).
            result = self._loaded()(image, use_det=True, use_cls=True, use_rec=True)
        if result.boxes is None or result.txts is None or result.scores is None:
            return []
        return [
            TextLine(np.asarray(box, dtype=np.float32), str(text), float(score))
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
        ]

    def character_probabilities(
        self, images: list[np.ndarray]
    ) -> tuple[list[np.ndarray], list[str]]:
        """The recogniser's raw output for images that each hold one upright line (no detection
        step): per image, a (time steps × classes) array of probabilities, and the class names
        (class 0 is the CTC blank). Lets a caller decode against its own alphabet and see how
        sure the model was of each character, which the engine's text and line score hide."""
        with self._lock:
            recogniser = self._loaded()._load_rec_model()
            channels, height, _width = recogniser.rec_image_shape
            results = []
            for image in images:
                bgr = image if image.ndim == 3 else np.dstack([image] * channels)
                ratio = max(bgr.shape[1] / bgr.shape[0], 320 / height)
                batch = recogniser.resize_norm_img(bgr, ratio)[np.newaxis].astype(np.float32)
                results.append(np.asarray(recogniser.session(batch))[0])
            classes = list(recogniser.postprocess_op.character)
        return results, classes

    def read_line(self, image: np.ndarray) -> TextLine | None:
        """The text of an image that holds exactly one upright line (no detection step)."""
        with self._lock:
            result = self._loaded()(image, use_det=False, use_cls=False, use_rec=True)
        texts = getattr(result, "txts", None)
        scores = getattr(result, "scores", None)
        if not texts or not scores:
            return None
        height, width = image.shape[:2]
        box = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        return TextLine(box, str(texts[0]), float(scores[0]))
