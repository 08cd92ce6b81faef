"""dlib's binary serialisation of integers and floats (``dlib/serialize.h``), written out
independently of the converter in ``desk_app.vision.shape_model`` so that a test can check the
converter reads exactly what dlib writes."""

from __future__ import annotations

import math

FLOAT_DIGITS = 24  # std::numeric_limits<float>::digits


def dlib_integer(value: int) -> bytes:
    """``pack_int``: a control byte (byte count, 0x80 when negative), then the magnitude's bytes,
    least significant first, as few as needed (at least one)."""
    magnitude = abs(value)
    body = magnitude.to_bytes(max(1, (magnitude.bit_length() + 7) // 8), "little")
    return bytes([len(body) | (0x80 if value < 0 else 0)]) + body


def dlib_float(value: float) -> bytes:
    """``float_details`` of a float: an integer mantissa of 24 bits and a power of two, with the
    mantissa's zero low bytes shifted off (at most eight times), each serialised as an integer."""
    fraction, exponent = math.frexp(value)
    mantissa = int(fraction * (1 << FLOAT_DIGITS))
    exponent -= FLOAT_DIGITS
    for _ in range(8):
        if mantissa & 0xFF:
            break
        mantissa >>= 8
        exponent += 8
    return dlib_integer(mantissa) + dlib_integer(exponent)
