"""The bundle's entry point: the ``desk-app`` command line, as the console script runs it.

Two things differ from the console script, both because the program is frozen:

* On Windows, onnxruntime and OpenCV are imported before anything can import PySide6: Qt's
  folder otherwise comes first on the DLL search path and onnxruntime fails with "DLL load
  failed" (measured with PyInstaller 6.22, see ../shared/docs/stack-notes.md).
  ``tests/unit/test_packaging.py`` checks this order. Linux has no such search order, and there
  the two stay unimported until a command or the GUI's background worker needs them: they cost
  about half a second of every start, ``--version`` included.
* ``sys.executable`` is this program, not a Python: the chip-portrait helper
  (``desk_app.idcard.wlt``) starts ``sys.executable -m desk_app.idcard.wlt_helper ...``, which
  the launcher runs as Python would.
"""

from __future__ import annotations

import runpy
import sys

if sys.platform == "win32":
    # Both before anything imports PySide6 (the DLL search order on Windows).
    import cv2  # noqa: F401
    import onnxruntime  # noqa: F401

HELPER_MODULES = frozenset({"desk_app.idcard.wlt_helper"})


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "-m" and sys.argv[2] in HELPER_MODULES:
        module = sys.argv[2]
        sys.argv = [module, *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    from desk_app.cli import main as command_line

    command_line(prog_name="desk-app")


if __name__ == "__main__":
    main()
