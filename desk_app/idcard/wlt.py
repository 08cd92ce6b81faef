"""Decoders of the chip portrait: a vendor's native library (through a helper process) and the
demo decoder of the simulator's own cards.

A vendor library is configured by path (``[faces] wlt_library``, or ``DESK_APP_FACES_WLT_LIBRARY``)
and always called in a helper process (``wlt_helper``): a crash there costs one portrait, never
the counter, and the caller gets a coded ``WltError`` that says what happened. When the library's
bitness differs from this Python's (a 32-bit DLL next to a 64-bit counter), the helper runs under
``[faces] wlt_helper_python``, a Python of the library's bitness.

Both are offered through the ``desk_app.wlt_decoders`` entry point (``configured_decoder``).
"""

from __future__ import annotations

import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from desk_app.config import FaceSettings
from desk_app.domain.documents import CHIP_PORTRAIT_HEIGHT as CHIP_HEIGHT
from desk_app.domain.documents import CHIP_PORTRAIT_WIDTH as CHIP_WIDTH
from desk_app.domain.documents import JP2_SIGNATURE
from desk_app.domain.errors import DeskError
from desk_app.idcard.wlt_helper import BMP_SIZE, EXIT_DECODE_FAILED, EXIT_LOAD_FAILED

HELPER_TIMEOUT_S = 5.0  # a vendor decoder takes milliseconds; a hung one must not hold the card


class WltError(DeskError):
    """The portrait could not be decoded; ``code`` says why (``wlt.decoder_crashed``...)."""

    code = "wlt.decode_failed"


def library_bits(path: Path) -> int | None:
    """32 or 64 from an ELF or PE header; None when the file is neither."""
    with path.open("rb") as stream:
        head = stream.read(64)
        if head[:4] == b"\x7fELF":
            return {1: 32, 2: 64}.get(head[4])
        if head[:2] == b"MZ" and len(head) >= 64:
            (offset,) = struct.unpack_from("<I", head, 0x3C)
            stream.seek(offset)
            signature = stream.read(6)
            if signature[:4] == b"PE\0\0":
                (machine,) = struct.unpack_from("<H", signature, 4)
                return {0x14C: 32, 0x8664: 64, 0xAA64: 64}.get(machine)
    return None


def python_bits() -> int:
    return struct.calcsize("P") * 8


def _png(image: np.ndarray) -> bytes:
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise WltError("the decoded portrait cannot be stored", code="wlt.bad_output")
    return bytes(png.tobytes())


def bmp_to_png(bmp: bytes) -> bytes:
    """The helper's output as PNG: a BMP file, or raw bottom-up BGR rows padded to 4 bytes."""
    if bmp[:2] == b"BM":
        image = cv2.imdecode(np.frombuffer(bmp, dtype=np.uint8), cv2.IMREAD_COLOR)
    elif len(bmp) >= BMP_SIZE - 54:
        stride = (CHIP_WIDTH * 3 + 3) // 4 * 4
        rows = np.frombuffer(bmp[: stride * CHIP_HEIGHT], dtype=np.uint8)
        image = rows.reshape(CHIP_HEIGHT, stride)[::-1, : CHIP_WIDTH * 3]
        image = np.ascontiguousarray(image.reshape(CHIP_HEIGHT, CHIP_WIDTH, 3))
    else:
        image = None
    if image is None:
        raise WltError("the decoder returned no readable picture", code="wlt.bad_output")
    return _png(image)


@dataclass(frozen=True)
class NativeWltDecoder:
    """A vendor's native decoder, called in a helper process; ``__call__`` is a WltDecoder."""

    library: Path
    function: str = "GetBmp"
    convention: str = "file"  # "file" (GetBmp) or "buffer" (unpack); see wlt_helper
    helper_python: str = ""  # a Python of the library's bitness, when it differs from ours
    timeout_s: float = HELPER_TIMEOUT_S

    def interpreter(self) -> str:
        """The Python that can load the library; WltError when none is configured."""
        if self.helper_python:
            return self.helper_python
        if not self.library.is_file():
            raise WltError(f"{self.library} does not exist", code="wlt.library_missing")
        bits = library_bits(self.library)
        if bits is not None and bits != python_bits():
            raise WltError(
                f"{self.library.name} is a {bits}-bit library and this Python is "
                f"{python_bits()}-bit: set [faces] wlt_helper_python to a {bits}-bit Python",
                code="wlt.bitness_mismatch",
            )
        return sys.executable

    def __call__(self, wlt: bytes) -> bytes:
        command = [
            self.interpreter(),
            "-m",
            "desk_app.idcard.wlt_helper",
            str(self.library),
            self.function,
            self.convention,
        ]
        try:
            finished = subprocess.run(
                command,
                input=wlt,
                capture_output=True,
                timeout=self.timeout_s,
                check=False,
                cwd=Path(__file__).resolve().parents[2],  # so "-m desk_app..." resolves
            )
        except subprocess.TimeoutExpired as error:
            raise WltError(
                f"the WLT decoder did not answer within {self.timeout_s:g} s",
                code="wlt.decoder_timeout",
            ) from error
        except OSError as error:
            raise WltError(
                f"the WLT helper cannot start: {error}", code="wlt.helper_unavailable"
            ) from error
        message = finished.stderr.decode("utf-8", "replace").strip()[-300:]
        if finished.returncode < 0 or finished.returncode > EXIT_DECODE_FAILED:
            raise WltError(
                f"the WLT decoder crashed (status {finished.returncode}); the card's text is "
                "still good, the portrait is not available",
                code="wlt.decoder_crashed",
                status=finished.returncode,
            )
        if finished.returncode == EXIT_LOAD_FAILED:
            raise WltError(message or "the library cannot be loaded", code="wlt.library_unusable")
        if finished.returncode != 0:
            raise WltError(message or "the decoder refused the portrait", code="wlt.decode_failed")
        return bmp_to_png(finished.stdout)


def demo_decode(data: bytes) -> bytes:
    """The simulator's cards carry a JPEG 2000 portrait (desk_app.vision.chiplike) where a real
    card carries WLT: decode that, as PNG. A real WLT portrait is refused with a coded error."""
    if not data.startswith(JP2_SIGNATURE):
        raise WltError(
            "not a demo card's portrait (no WLT decoder configured)", code="wlt.no_decoder"
        )
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise WltError("the demo portrait is damaged", code="wlt.bad_output")
    return _png(image)


@dataclass(frozen=True)
class ConfiguredDecoder:
    """Demo portraits by the demo decoder, everything else by the configured native library."""

    native: NativeWltDecoder | None

    def __call__(self, data: bytes) -> bytes:
        if data.startswith(JP2_SIGNATURE) or self.native is None:
            return demo_decode(data)
        return self.native(data)


def configured_decoder(faces: FaceSettings) -> ConfiguredDecoder:
    """The product's own entry in ``desk_app.wlt_decoders``: a factory of the settings."""
    native = None
    if faces.wlt_library:
        native = NativeWltDecoder(
            Path(faces.wlt_library),
            function=faces.wlt_function,
            convention=faces.wlt_convention,
            helper_python=faces.wlt_helper_python,
        )
    return ConfiguredDecoder(native)


configured_decoder.desk_app_factory = True  # type: ignore[attr-defined]
