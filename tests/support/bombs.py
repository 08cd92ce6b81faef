"""Image headers that declare far more pixels than they carry ("decompression bombs")."""

from __future__ import annotations

import struct
import zlib

SIDE = 20_000  # 400 Mpx: ~1.2 GB of RGB once decoded

FORMATS = ("png", "jpeg", "gif", "bmp", "webp", "tiff", "jp2", "j2k", "pnm")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb(kind: str, side: int = SIDE) -> bytes:
    """A small file whose header declares ``side`` × ``side`` pixels."""
    if kind == "png":
        header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
        rows = zlib.compress(b"\x00" * (side + 1) * 16, 9)  # the first rows; the rest is missing
        return (
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", rows)
            + _png_chunk(b"IEND", b"")
        )
    if kind == "jpeg":
        side = min(side, 65_535)
        sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, side, side, 1) + b"\x01\x11\x00"
        return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + bytes(9) + sof
    if kind == "gif":
        side = min(side, 65_535)
        return b"GIF89a" + struct.pack("<HH", side, side) + b"\x00\x00\x00;"
    if kind == "bmp":
        dib = struct.pack("<IiiHHIIiiII", 40, side, side, 1, 24, 0, 0, 2835, 2835, 0, 0)
        return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, 14 + len(dib)) + dib
    if kind == "webp":
        side = min(side, 16_384)
        body = b"VP8X" + struct.pack("<I", 10) + bytes(4)
        body += (side - 1).to_bytes(3, "little") + (side - 1).to_bytes(3, "little")
        return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
    if kind == "tiff":
        entries = [(256, 4, 1, side), (257, 4, 1, side), (258, 3, 1, 8), (262, 3, 1, 1)]
        ifd = struct.pack("<H", len(entries))
        for tag, kind_code, count, value in entries:
            ifd += struct.pack("<HHII", tag, kind_code, count, value)
        return b"II*\x00" + struct.pack("<I", 8) + ifd + bytes(4)
    if kind == "jp2":
        ihdr = b"ihdr" + struct.pack(">IIHBBBB", side, side, 3, 7, 7, 0, 0)
        header_box = (
            struct.pack(">I", 8 + 4 + len(ihdr)) + b"jp2h" + struct.pack(">I", 4 + len(ihdr)) + ihdr
        )
        return (
            b"\x00\x00\x00\x0cjP  \r\n\x87\n"
            + b"\x00\x00\x00\x14ftypjp2 \x00\x00\x00\x00jp2 "
            + header_box
        )
    if kind == "j2k":
        siz = struct.pack(">HIIIIIIIIH", 0, side, side, 0, 0, side, side, 0, 0, 1) + b"\x07\x01\x01"
        return b"\xff\x4f\xff\x51" + struct.pack(">H", 2 + len(siz)) + siz
    if kind == "pnm":
        return f"P5\n{side} {side}\n255\n".encode() + bytes(64)
    raise ValueError(kind)
