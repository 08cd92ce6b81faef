"""Images in, as contiguous 8-bit RGB arrays; coded errors for anything that is not one.

dlib silently finds nothing in a non-contiguous or BGR array, so every engine receives what
``load_rgb`` / ``decode_rgb`` return and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from desk_app.domain.errors import DeskError
from desk_app.domain.image_limits import DEFAULT_MAX_PIXELS, check_image_size, image_size

RGBImage = npt.NDArray[np.uint8]

# Chip and card portraits are about 102x126 px; detectors miss faces that small.
MIN_SHORT_SIDE = 400


class ImageError(DeskError):
    code = "image.unreadable"


class _Limits:
    max_pixels = DEFAULT_MAX_PIXELS


def configure_image_limits(max_pixels: int) -> None:
    """The pixel cap for every decode in this process (``[privacy] max_image_pixels``), also
    given to Pillow (which openpyxl uses for pictures in workbooks). Called by the composition
    root; OpenCV's own cap is set when ``desk_app`` is imported."""
    import warnings

    _Limits.max_pixels = max_pixels
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def max_image_pixels() -> int:
    return _Limits.max_pixels


def decode_bgr(data: bytes, *, source: str = "image") -> npt.NDArray[np.uint8]:
    """Decode image bytes to OpenCV's BGR after checking the header's pixel dimensions:
    ImageSizeError (``image.too_large``) for a bomb, ImageError (``image.unreadable``) for
    bytes that are no image of a known format, or that the decoder refuses."""
    if not data or image_size(data) is None:
        raise ImageError(f"{source} is not a readable image", source=source)
    check_image_size(data, _Limits.max_pixels, source=source)
    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ImageError(f"{source} is not a readable image", source=source)
    return np.ascontiguousarray(bgr)


def read_bgr(path: Path) -> npt.NDArray[np.uint8]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImageError(f"{path} cannot be read: {error.strerror}", source=str(path)) from error
    return decode_bgr(data, source=str(path))


def decode_rgb(data: bytes, *, source: str = "image") -> RGBImage:
    """Decode JPEG/PNG/... bytes to RGB; ImageError(code ``image.unreadable``) otherwise,
    ImageSizeError for a header over the pixel cap or of an unknown format."""
    bgr = decode_bgr(data, source=source)
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def load_rgb(path: Path) -> RGBImage:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImageError(f"{path} cannot be read: {error.strerror}", source=str(path)) from error
    return decode_rgb(data, source=str(path))


def upscale_small(rgb: RGBImage, min_short_side: int = MIN_SHORT_SIDE) -> tuple[RGBImage, float]:
    """The image enlarged so its short side is at least ``min_short_side``, and the factor."""
    short_side = min(rgb.shape[:2])
    if short_side >= min_short_side:
        return rgb, 1.0
    factor = min_short_side / short_side
    size = (round(rgb.shape[1] * factor), round(rgb.shape[0] * factor))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)), factor
