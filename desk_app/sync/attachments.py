"""What the central side accepts as an attached picture, judged without decoding it.

A counter is untrusted: an attachment's type comes from its magic bytes, never from the media
type the counter states, and its pixel dimensions from the header (``domain.image_limits``), so a
small file that would decode to gigabytes is refused before anything decodes it.
"""

from __future__ import annotations

from desk_app.domain.image_limits import image_size

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
    found = image_size(data)
    return None if found is None else (found[1], found[2])
