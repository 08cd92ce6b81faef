"""The native WLT decoder adapter against a real shared library built here from
tests/support/wlt_standin.c: both vendor calling conventions, a refusal, a crash, a hang, a
library of the other bitness. The native call runs in a helper process: a crash there must leave
this process (the counter) running with a coded error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from desk_app.config import FaceSettings
from desk_app.idcard.portrait import find_wlt_decoder
from desk_app.idcard.wlt import (
    ConfiguredDecoder,
    NativeWltDecoder,
    WltError,
    library_bits,
    python_bits,
)

SOURCE = Path(__file__).resolve().parents[1] / "support" / "wlt_standin.c"
BLUE_GREEN_RED = bytes([200, 100, 50])


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or sys.platform == "win32":
        pytest.skip("no C compiler (cc) to build the stand-in WLT library; see test_wlt_fake.py")
    library = tmp_path_factory.mktemp("wlt") / "libwlt_standin.so"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(SOURCE)],
        check=True,
        capture_output=True,
    )
    return library


def _wlt(first: bytes) -> bytes:
    return (first + bytes(1024))[:1024]


def _pixels(png: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


@pytest.mark.parametrize(("function", "convention"), [("unpack", "buffer"), ("GetBmp", "file")])
def test_decodes_through_either_convention(standin: Path, function: str, convention: str) -> None:
    decoder = NativeWltDecoder(standin, function=function, convention=convention)
    image = _pixels(decoder(_wlt(BLUE_GREEN_RED)))
    assert image.shape == (126, 102, 3)
    assert image[60, 50].tolist() == [200, 100, 50]  # B, G, R as the library wrote them


def test_a_refusal_is_a_coded_error(standin: Path) -> None:
    with pytest.raises(WltError) as raised:
        NativeWltDecoder(standin, function="unpack", convention="buffer")(_wlt(b"\xee"))
    assert raised.value.code == "wlt.decode_failed"


def test_a_crashing_library_leaves_the_counter_running(standin: Path) -> None:
    decoder = NativeWltDecoder(standin, function="unpack", convention="buffer")
    with pytest.raises(WltError) as raised:
        decoder(_wlt(b"\xdd"))
    assert raised.value.code == "wlt.decoder_crashed"
    assert "crashed" in raised.value.message
    # ...and the next card decodes: nothing of the crash stayed behind.
    assert _pixels(decoder(_wlt(BLUE_GREEN_RED)))[0, 0].tolist() == [200, 100, 50]


def test_a_hanging_library_times_out(standin: Path) -> None:
    decoder = NativeWltDecoder(standin, function="unpack", convention="buffer", timeout_s=1.0)
    with pytest.raises(WltError) as raised:
        decoder(_wlt(b"\xcc"))
    assert raised.value.code == "wlt.decoder_timeout"


def test_a_missing_function_is_reported(standin: Path) -> None:
    with pytest.raises(WltError) as raised:
        NativeWltDecoder(standin, function="Decode", convention="buffer")(_wlt(b"\x01"))
    assert raised.value.code == "wlt.library_unusable"
    assert "Decode" in raised.value.message


def test_the_library_bitness_is_read_from_its_header(standin: Path, tmp_path: Path) -> None:
    assert library_bits(standin) == python_bits()
    other = tmp_path / "lib32.so"
    header = bytearray(standin.read_bytes()[:64])
    header[4] = 1 if python_bits() == 64 else 2  # EI_CLASS: the other bitness
    other.write_bytes(bytes(header))
    decoder = NativeWltDecoder(other, function="unpack", convention="buffer")
    with pytest.raises(WltError) as raised:
        decoder(_wlt(BLUE_GREEN_RED))
    assert raised.value.code == "wlt.bitness_mismatch"
    assert "wlt_helper_python" in raised.value.message
    # With a helper Python configured, that Python runs the helper (here it cannot load a
    # truncated library, which is reported as such, not as a crash).
    configured = NativeWltDecoder(
        other, function="unpack", convention="buffer", helper_python=sys.executable
    )
    with pytest.raises(WltError) as raised:
        configured(_wlt(BLUE_GREEN_RED))
    assert raised.value.code == "wlt.library_unusable"


def test_the_entry_point_builds_the_configured_decoder(standin: Path) -> None:
    faces = FaceSettings(wlt_library=str(standin), wlt_function="unpack", wlt_convention="buffer")
    decoder = find_wlt_decoder(faces)
    assert isinstance(decoder, ConfiguredDecoder)
    assert _pixels(decoder(_wlt(BLUE_GREEN_RED)))[10, 10].tolist() == [200, 100, 50]


def test_a_missing_library_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WltError) as raised:
        NativeWltDecoder(tmp_path / "absent.so")(_wlt(BLUE_GREEN_RED))
    assert raised.value.code == "wlt.library_missing"
