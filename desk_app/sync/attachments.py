"""What the central side accepts as an attached picture, judged without decoding it.

A counter is untrusted: an attachment's type comes from its magic bytes, never from the media
type the counter states, and its pixel dimensions from the header (Pillow reads only the header
on open), so a small file that would decode to gigabytes is refused before anything decodes it.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024  # a live JPEG is tens of KB
MAX_ATTACHMENT_PIXELS = 4096 * 4096  # a webcam frame is at most a few megapixels

_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def picture_type(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` by the magic bytes; None for anything else."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    return None


def picture_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header, or None when the header cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return int(width), int(height)
