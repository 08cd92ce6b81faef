"""Pixel dimensions read from an image's header, before anything decodes it.

A 389 KB PNG can declare 20,000 × 20,000 pixels and take gigabytes to decode: every image the
product decodes (roster e-photos, photos pulled from the centre, card images, attachments,
pictures on screen) is measured here first and refused above a pixel cap. A format whose
header this module cannot read is refused too: the decoders would not be bounded.
"""

from __future__ import annotations

import struct

from desk_app.domain.errors import DeskError

DEFAULT_MAX_PIXELS = 40_000_000  # ~40 Mpx: far above any photo or card image a counter needs


class ImageSizeError(DeskError):
    """``image.too_large`` (too many pixels) or ``image.unknown_format`` (no readable header)."""

    code = "image.too_large"


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) from the header, or None when the format is not recognised."""
    try:
        for reader in _READERS:
            found = reader(data)
            if found is not None:
                return found
    except (struct.error, IndexError, ValueError):
        return None
    return None


def check_image_size(
    data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, *, source: str = "image"
) -> tuple[int, int]:
    """(width, height) when the header is readable and within ``max_pixels``; else
    ImageSizeError."""
    found = image_size(data)
    if found is None:
        raise ImageSizeError(
            f"{source} is not an image of a known format",
            code="image.unknown_format",
            source=source,
        )
    kind, width, height = found
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise ImageSizeError(
            f"{source} declares {width}×{height} pixels ({kind}); the limit is "
            f"{max_pixels:,} pixels",
            source=source,
            width=width,
            height=height,
        )
    return width, height


def _png(data: bytes) -> tuple[str, int, int] | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return "png", width, height


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return "jpeg", width, height
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        position += 2 + length
    return None


def _gif(data: bytes) -> tuple[str, int, int] | None:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return "gif", width, height


def _bmp(data: bytes) -> tuple[str, int, int] | None:
    if not data.startswith(b"BM"):
        return None
    (header_size,) = struct.unpack("<I", data[14:18])
    if header_size == 12:
        width, height = struct.unpack("<hh", data[18:22])
    else:
        width, height = struct.unpack("<ii", data[18:26])
    return "bmp", abs(width), abs(height)


def _webp(data: bytes) -> tuple[str, int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return "webp", width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return "webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return "webp", width, height
    return None


def _tiff(data: bytes) -> tuple[str, int, int] | None:
    if data[:4] == b"II*\x00":
        order = "<"
    elif data[:4] == b"MM\x00*":
        order = ">"
    else:
        return None
    (offset,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    found: dict[int, int] = {}
    for index in range(count):
        entry = data[offset + 2 + 12 * index : offset + 14 + 12 * index]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):
            value_format = order + ("H" if kind == 3 else "I")
            found[tag] = struct.unpack(value_format, entry[8 : 8 + struct.calcsize(value_format)])[
                0
            ]
    if 256 not in found or 257 not in found:
        return None
    return "tiff", found[256], found[257]


def _jpeg2000(data: bytes) -> tuple[str, int, int] | None:
    if data.startswith(b"\xff\x4f\xff\x51"):  # a bare codestream: the SIZ segment follows
        x_size, y_size, x_offset, y_offset = struct.unpack(">IIII", data[8:24])
        return "jpeg2000", x_size - x_offset, y_size - y_offset
    if not data.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n"):
        return None
    position = data.find(b"ihdr")
    if position < 0:
        return None
    height, width = struct.unpack(">II", data[position + 4 : position + 12])
    return "jpeg2000", width, height


def _pnm(data: bytes) -> tuple[str, int, int] | None:
    if len(data) < 2 or data[0:1] != b"P" or data[1:2] not in b"123456":
        return None
    tokens: list[bytes] = []
    for line in data[2:512].split(b"\n"):
        tokens.extend(line.split(b"#", 1)[0].split())
        if len(tokens) >= 2:
            return "pnm", int(tokens[0]), int(tokens[1])
    return None


_READERS = (_png, _jpeg, _gif, _bmp, _webp, _tiff, _jpeg2000, _pnm)
