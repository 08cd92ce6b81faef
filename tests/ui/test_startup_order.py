"""The counter's window comes first: when it is shown, with its sign-in form taking input, none of
the database, ORM, image, face, OCR, chart, report or HTTPS stacks has been imported. They load
afterwards on the database worker (the database, the screens' modules) and the face and OCR
workers; the window is then given its services and the sign-in button is enabled.

A fresh interpreter runs ``desk-app`` offscreen (the demo, and a counter as a clerk opens it) and
looks at ``sys.modules`` and at the window at the "window shown" milestone, then at the "sign-in
ready" one, then lets the face worker load its models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desk_app.bootstrap import Application
from tests.support.factories import PROJECT_ROOT
from tests.support.ui_helpers import PASSWORD, sign_in

NOT_BEFORE_THE_WINDOW = (
    # the face and OCR engines, the charts, HTTPS
    "onnxruntime",
    "face_recognition",
    "dlib",
    "rapidocr",
    "pyqtgraph",
    "httpx",
    # images, arrays
    "cv2",
    "numpy",
    "PIL",
    # the database: the ORM, migrations, the encrypted driver, the key store, password hashing
    "sqlalchemy",
    "alembic",
    "sqlcipher3",
    "keyring",
    "argon2",
    # reports, rosters, the chip reader's serial port
    "reportlab",
    "openpyxl",
    "serial",
    # the core's modules behind them
    "desk_app.bootstrap",
    "desk_app.persistence",
    "desk_app.services",
    "desk_app.vision",
)

SCRIPT = """
import json, logging, sys
from PySide6.QtWidgets import QApplication
from desk_app.cli import main
from ui.main_window import MainWindow

seen = {}

def sign_in_form():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    page = window.sign_in_page
    return {
        "visible": page.isVisible() and window.pages.currentWidget() is page,
        "takes_input": page.operator_id.isEnabled() and page.password.isEnabled(),
        "button": page.button.isEnabled(),
    }

class Probe(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message == "startup: window shown":
            seen["at_window"] = [m for m in MODULES if m in sys.modules]
            seen["form_at_window"] = sign_in_form()
        elif message == "startup: sign-in ready":
            seen["form_when_ready"] = sign_in_form()
        elif message.startswith("startup: face models") and "loading" not in message:
            seen["models"] = message
            seen["at_models"] = [m for m in MODULES if m in sys.modules]
            QApplication.instance().quit()

logging.getLogger("ui.app").addHandler(Probe())
try:
    main(sys.argv[1:], prog_name="desk-app")
except SystemExit:
    pass
print(json.dumps(seen))
"""


def environment(home: Path) -> dict[str, str]:
    variables = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "DESK_APP_LOG_DIR": str(home / "log"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    variables.pop("DESK_APP_CONFIG", None)
    return variables


@pytest.mark.parametrize("mode", ["demo", "counter"])
def test_the_window_is_shown_before_the_heavy_stacks_are_imported(
    tmp_path: Path, mode: str
) -> None:
    database = tmp_path / "counter.db"
    if mode == "counter":
        # A counter with operators, opened as a clerk does (no --demo): the sign-in page.
        subprocess.run(
            [sys.executable, "-m", "desk_app", "demo", "--db", str(database), "--candidates", "5"],
            capture_output=True,
            check=True,
            cwd=PROJECT_ROOT,
            env=environment(tmp_path),
            timeout=300,
        )
    arguments = [*(["--demo"] if mode == "demo" else []), "--db", str(database)]
    result = subprocess.run(
        [sys.executable, "-c", f"MODULES = {NOT_BEFORE_THE_WINDOW!r}\n{SCRIPT}", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=PROJECT_ROOT,
        env=environment(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["at_window"] == []
    # Shown and usable: the sign-in form is on the screen and takes input; its button waits
    # for the database, and is enabled once the window has its services.
    assert seen["form_at_window"] == {"visible": True, "takes_input": True, "button": False}
    assert seen["form_when_ready"] == {"visible": True, "takes_input": True, "button": True}
    # The probe can see them: the face worker, started once the window has its services,
    # imports the face stack before its models are ready, and the database worker has opened
    # the database with the ORM.
    assert seen["models"] == "startup: face models ready"
    assert {"sqlalchemy", "cv2", "desk_app.vision", "desk_app.bootstrap"} <= set(seen["at_models"])
    # But not dlib: the default engine (sface) needs none of it, and the 68-point landmarks are
    # the NumPy port's (dlib's own load held the GIL and froze this window for 0.7-1.7 s).
    assert "dlib" not in seen["at_models"]


def test_a_database_that_cannot_be_opened_ends_the_gui_with_its_coded_error(
    tmp_path: Path,
) -> None:
    """The database opens after the window is up, on a worker: its failure still reaches the
    command line (the window closes, the coded error is printed, the status is not 0)."""
    database = tmp_path / "counter.db"
    database.write_bytes(b"not a database, nor an encrypted one " * 200)
    result = subprocess.run(
        [sys.executable, "-m", "desk_app", "--db", str(database)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=PROJECT_ROOT,
        env=environment(tmp_path),
    )
    assert result.returncode == 1
    assert "[database." in result.stderr


FIRST_RUN_SCRIPT = """
import json, logging, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desk_app.cli import main
from ui.first_run import FirstRunWizard

seen = {"log": []}

def look_for_the_wizard():
    wizard = QApplication.activeModalWidget()
    if isinstance(wizard, FirstRunWizard):
        seen["wizard_over"] = type(wizard.parentWidget()).__name__
        wizard.reject()  # the clerk cancels: the counter closes
    else:
        QTimer.singleShot(50, look_for_the_wizard)

class Probe(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        seen["log"].append(message)
        if message == "startup: window shown":
            QTimer.singleShot(0, look_for_the_wizard)

logging.getLogger("ui.app").addHandler(Probe())
try:
    main(sys.argv[1:], prog_name="desk-app")
except SystemExit as exit:
    seen["status"] = exit.code
print(json.dumps(seen))
"""


def test_a_fresh_counter_shows_its_window_then_the_first_run_wizard(tmp_path: Path) -> None:
    """Nobody can sign into a fresh counter: once its database is open behind the window, the
    first-run wizard comes over it; cancelled, the counter closes (status 0) without ever
    enabling sign-in."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_RUN_SCRIPT, "--db", str(tmp_path / "fresh.db")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=PROJECT_ROOT,
        env=environment(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["wizard_over"] == "MainWindow"
    assert seen["status"] == 0
    assert seen["log"] == ["startup: window shown"]


@pytest.fixture
def waiting_window(qtbot: Any) -> Iterator[Any]:
    """The window as ``run_gui`` first shows it: the sign-in form, no services yet."""
    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    window = MainWindow(None, Preferences())
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def test_the_sign_in_form_waits_for_the_database_then_signs_in(
    qtbot: Any, waiting_window: Any, counter_app: Application
) -> None:
    from ui.app import build_counter
    from ui.preferences import Preferences

    page = waiting_window.sign_in_page
    assert not waiting_window.attached
    assert not page.button.isEnabled()
    assert not waiting_window.settings_action.isEnabled()
    # Typed ahead and Enter pressed while the database opens: kept, and nothing is sent.
    qtbot.keyClicks(page.operator_id, "clerk")
    qtbot.keyClicks(page.password, PASSWORD)
    page.password.returnPressed.emit()
    assert page.isEnabled() and waiting_window.operator is None
    assert page.operator_id.text() == "clerk"

    counter = build_counter(
        counter_app,
        Preferences(),
        camera=None,
        reader_port=None,
        faces=False,
        window=waiting_window,
    )
    try:
        assert counter.window is waiting_window and waiting_window.attached
        assert page.button.isEnabled() and page.problem.text() == ""
        assert waiting_window.settings_action.isEnabled()
        sign_in(qtbot, waiting_window, "clerk")
        assert waiting_window.operator is not None
        assert waiting_window.tabs.indexOf(waiting_window.counter) >= 0
    finally:
        waiting_window.close()
        counter.operations.shutdown()


def test_the_bundled_cjk_font_is_loaded_only_where_none_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.app

    font = tmp_path / "NotoSansCJK-Regular.ttc"
    font.write_bytes(b"")  # a stand-in: only its name is looked at
    monkeypatch.setattr(ui.app, "BUNDLED_FONTS", tmp_path)
    assert ui.app.bundled_fonts_needed(["DejaVu Sans", "Noto Sans CJK JP"]) == [font]
    assert ui.app.bundled_fonts_needed(["DejaVu Sans", "Noto Sans CJK SC"]) == []
    assert ui.app.bundled_fonts_needed(["Microsoft YaHei"]) == []


def test_the_window_shown_milestone_waits_for_the_first_paint(qtbot: Any) -> None:
    """ "window shown" is logged once the sign-in form has been painted, not when ``show()`` is
    called (the window is then on the screen and takes input)."""
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QWidget

    from ui.app import FirstPaint

    class Painted(QWidget):
        paints = 0

        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
            self.paints += 1
            super().paintEvent(event)

    widget = Painted()
    qtbot.addWidget(widget)
    paints_at_milestone: list[int] = []
    FirstPaint(widget, lambda: paints_at_milestone.append(widget.paints))
    qtbot.wait(50)  # not shown: no paint, no milestone
    assert paints_at_milestone == []
    widget.show()
    qtbot.waitUntil(lambda: paints_at_milestone != [], timeout=5000)
    qtbot.wait(50)
    widget.update()
    qtbot.wait(50)
    assert paints_at_milestone[0] >= 1 and len(paints_at_milestone) == 1
