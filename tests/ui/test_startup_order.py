"""The counter's window comes first: when it is shown, neither the face and OCR stacks (loaded
afterwards by the workers) nor the charts and HTTPS libraries (loaded when their screen or an
enrolment needs them) have been imported. A fresh interpreter runs ``desk-app --demo`` offscreen
and looks at ``sys.modules`` at the "window shown" milestone, then lets the workers start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.factories import PROJECT_ROOT

NOT_BEFORE_THE_WINDOW = (
    "onnxruntime",
    "face_recognition",
    "dlib",
    "rapidocr",
    "pyqtgraph",
    "httpx",
)

SCRIPT = """
import json, logging, sys
from PySide6.QtWidgets import QApplication
from desk_app.cli import main

seen = {}

class Probe(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message == "startup: window shown":
            seen["at_window"] = [m for m in MODULES if m in sys.modules]
        elif message.startswith("startup: face models") and "loading" not in message:
            seen["models"] = message
            seen["at_models"] = [m for m in MODULES if m in sys.modules]
            QApplication.instance().quit()

logging.getLogger("ui.app").addHandler(Probe())
try:
    main(["--demo", "--db", sys.argv[1]], prog_name="desk-app")
except SystemExit:
    pass
print(json.dumps(seen))
"""


def test_the_window_is_shown_before_the_heavy_stacks_are_imported(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "DESK_APP_LOG_DIR": str(tmp_path / "log"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    environment.pop("DESK_APP_CONFIG", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"MODULES = {NOT_BEFORE_THE_WINDOW!r}\n{SCRIPT}",
            str(tmp_path / "demo.db"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=PROJECT_ROOT,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["at_window"] == []
    # The probe can see them: the face worker, started once the window is up, imports the
    # face stack (dlib's landmarks at least) before its models are ready.
    assert seen["models"] == "startup: face models ready"
    assert "dlib" in seen["at_models"]
