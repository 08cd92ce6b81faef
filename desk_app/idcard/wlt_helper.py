"""The helper process that calls a vendor's native WLT decoder: ``python -m
desk_app.idcard.wlt_helper LIBRARY FUNCTION CONVENTION``, 1,024 WLT bytes on stdin, the decoded
BMP on stdout, exit status 0; anything else is a failure the parent reports.

It runs in its own process because vendor libraries crash (a segmentation fault would take the
counter with it) and are often 32-bit (a 64-bit Python cannot load them: a 32-bit Python runs
this file instead). Standard library only, so any Python of either bitness can run it.

Conventions (the vendors' SDKs differ):
- ``file``: ``int GetBmp(char *wlt_path, int interface)`` (``WltRS.dll``, ``termb.dll``): reads
  a .wlt file and writes the .bmp beside it; 1 means success.
- ``buffer``: ``int unpack(char *wlt, char *bmp, int flag)`` (``libwlt2bmp.so``): decodes into a
  caller's buffer of 38,862 bytes (a 102x126 24-bit BMP with its 54-byte header); 1 means success.
"""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
from pathlib import Path

BMP_SIZE = 54 + 126 * 308  # 102 px * 3 bytes padded to 308 per row
EXIT_BAD_USAGE, EXIT_LOAD_FAILED, EXIT_DECODE_FAILED = 2, 3, 4


def _load(library: str) -> ctypes.CDLL:
    if sys.platform == "win32":
        return ctypes.WinDLL(library)  # type: ignore[attr-defined,no-any-return]  # stdcall
    return ctypes.CDLL(library)


def decode(library: str, function: str, convention: str, wlt: bytes) -> bytes:
    handle = _load(library)
    native = getattr(handle, function)
    native.restype = ctypes.c_int
    if convention == "buffer":
        native.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        output = ctypes.create_string_buffer(BMP_SIZE)
        status = native(wlt, output, 1)
        if status != 1:
            raise RuntimeError(f"{function} returned {status}")
        return output.raw
    native.argtypes = [ctypes.c_char_p, ctypes.c_int]
    with tempfile.TemporaryDirectory(prefix="desk-wlt-") as folder:
        source = Path(folder) / "zp.wlt"
        source.write_bytes(wlt)
        status = native(os.fsencode(source), 2)  # 2: USB interface, what desk readers use
        if status != 1:
            raise RuntimeError(f"{function} returned {status}")
        return source.with_suffix(".bmp").read_bytes()


def main(arguments: list[str]) -> int:
    if len(arguments) != 3:
        print("usage: wlt_helper LIBRARY FUNCTION CONVENTION < wlt > bmp", file=sys.stderr)
        return EXIT_BAD_USAGE
    library, function, convention = arguments
    wlt = sys.stdin.buffer.read()
    try:
        bmp = decode(library, function, convention, wlt)
    except (OSError, AttributeError) as error:
        print(f"cannot load {function} from {library}: {error}", file=sys.stderr)
        return EXIT_LOAD_FAILED
    except RuntimeError as error:
        print(str(error), file=sys.stderr)
        return EXIT_DECODE_FAILED
    sys.stdout.buffer.write(bmp)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
