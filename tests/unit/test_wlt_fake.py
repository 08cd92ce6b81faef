"""The WLT helper's ctypes calls against a fake library made of ctypes callbacks (no compiler
needed), the raw-output conversion, and the demo decoder of the simulator's cards."""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from desk_app.domain.documents import JP2_SIGNATURE
from desk_app.idcard import wlt_helper
from desk_app.idcard.wlt import (
    ConfiguredDecoder,
    NativeWltDecoder,
    WltError,
    bmp_to_png,
    demo_decode,
)

# The output buffer arrives as an address (c_void_p): a c_char_p would hand the callback a copy.
UNPACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int)
GET_BMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_int)


class FakeLibrary:
    """What ctypes.CDLL would return: functions as attributes."""

    def __init__(self, **functions: Any) -> None:
        self.__dict__.update(functions)


def _raw_bgr(colour: tuple[int, int, int]) -> bytes:
    row = bytes(colour) * 102 + bytes(2)  # 306 bytes padded to 308
    return row * 126


def test_buffer_convention_passes_the_wlt_and_reads_the_buffer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bytes] = []

    @UNPACK
    def unpack(source: bytes, target: int, flag: int) -> int:
        seen.append(ctypes.string_at(source, 4))
        ctypes.memmove(target, _raw_bgr((1, 2, 3)), 308 * 126)
        return 1

    monkeypatch.setattr(wlt_helper, "_load", lambda library: FakeLibrary(unpack=unpack))
    output = wlt_helper.decode("libwlt2bmp.so", "unpack", "buffer", b"WLT!" + bytes(1020))
    assert seen == [b"WLT!"]
    image = cv2.imdecode(np.frombuffer(bmp_to_png(output), np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (126, 102, 3) and image[5, 5].tolist() == [1, 2, 3]


def test_file_convention_reads_the_bmp_beside_the_wlt_file(monkeypatch: pytest.MonkeyPatch) -> None:
    @GET_BMP
    def get_bmp(path: bytes, interface: int) -> int:
        source = Path(path.decode())
        assert source.read_bytes()[:4] == b"WLT!" and interface == 2
        source.with_suffix(".bmp").write_bytes(b"BM-not-really")
        return 1

    monkeypatch.setattr(wlt_helper, "_load", lambda library: FakeLibrary(GetBmp=get_bmp))
    assert wlt_helper.decode("WltRS.dll", "GetBmp", "file", b"WLT!") == b"BM-not-really"


def test_a_failing_status_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    @UNPACK
    def unpack(source: bytes, target: int, flag: int) -> int:
        return -7

    monkeypatch.setattr(wlt_helper, "_load", lambda library: FakeLibrary(unpack=unpack))
    with pytest.raises(RuntimeError, match="returned -7"):
        wlt_helper.decode("lib.so", "unpack", "buffer", bytes(1024))


def test_unreadable_output_is_a_coded_error() -> None:
    with pytest.raises(WltError) as raised:
        bmp_to_png(b"short")
    assert raised.value.code == "wlt.bad_output"


def test_the_demo_decoder_reads_demo_portraits_and_refuses_wlt() -> None:
    picture = np.zeros((126, 102, 3), np.uint8)
    picture[:, :, 2] = 255
    ok, jp2 = cv2.imencode(".jp2", picture, [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, 50])
    assert ok and jp2.tobytes().startswith(JP2_SIGNATURE)
    padded = (jp2.tobytes() + bytes(1024))[:1024]  # the chip's photo field is 1,024 bytes
    decoded = cv2.imdecode(np.frombuffer(demo_decode(padded), np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (126, 102, 3) and decoded[60, 50, 2] > 200
    with pytest.raises(WltError) as raised:
        demo_decode(b"WLT" + bytes(1021))
    assert raised.value.code == "wlt.no_decoder"


def test_configured_decoder_sends_real_portraits_to_the_library(tmp_path: Path) -> None:
    decoder = ConfiguredDecoder(NativeWltDecoder(tmp_path / "absent.so"))
    with pytest.raises(WltError) as raised:
        decoder(b"WLT" + bytes(1021))
    assert raised.value.code == "wlt.library_missing"
