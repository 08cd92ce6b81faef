"""The stand-in vendor WLT library (tests/support/wlt_standin.c) built with the machine's C
compiler: first byte 0xDD crashes it, 0xEE makes it refuse, others give a one-colour picture."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent / "wlt_standin.c"
CRASHING = 0xDD


def build_standin(folder: Path) -> Path:
    """The built library; skips the test where no C compiler exists (see test_wlt_fake.py)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or sys.platform == "win32":
        pytest.skip("no C compiler (cc) to build the stand-in WLT library")
    library = folder / "libwlt_standin.so"
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(SOURCE)],
        check=True,
        capture_output=True,
    )
    return library


def wlt_bytes(first: int) -> bytes:
    """A 1,024-byte chip portrait whose first byte tells the stand-in what to do."""
    return bytes([first]) + bytes(1023)
