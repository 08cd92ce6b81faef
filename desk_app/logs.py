"""The one log set-up of the counter: a rotating file in the user's log folder, for the GUI and
the command line alike, that never keeps personal data.

Where: ``DESK_APP_LOG_DIR`` when set, else platformdirs' user log folder for ``desk-app``
(``~/.local/state/desk-app/log`` on Linux, ``%LOCALAPPDATA%\\desk-app\\desk-app\\Logs`` on
Windows). The folder is 0700 and every log file 0600, like the other files of the counter that
could hold something sensitive.

No personal data: modules log codes, counts and record ids, never names, ID or phone numbers.
As a second line of defence every formatted line (tracebacks included) goes through
``redact``, which replaces anything shaped like a mainland ID number or a mobile number; names
cannot be recognised by shape, which is why the first rule is the one that matters
(``tests/integration/test_logs.py`` drives a confirmation and scans the file).
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import platform
import re
import sys
from collections import deque
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import TracebackType

import platformdirs

APP_NAME = "desk-app"
LOG_FILE_NAME = "desk-app.log"
LOG_DIR_VARIABLE = "DESK_APP_LOG_DIR"
LOG_LEVEL_VARIABLE = "DESK_APP_LOG_LEVEL"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# A mainland ID number (18 characters, the last may be X; the old 15-digit form) or a mobile
# number (11 digits from 13x to 19x), not inside a longer run of digits or letters.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")

_ROOT_HANDLER_NAME = "desk-app-file"


def redact(text: str) -> str:
    """The text with ID-number-shaped and mobile-number-shaped runs replaced."""
    return _MOBILE.sub("[phone]", _ID_NUMBER.sub("[id-number]", text))


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole line, traceback and all."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created 0600, whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        path = Path(self.baseFilename)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(descriptor)
        path.chmod(0o600)  # an older file made before this rule, or under another umask
        return super()._open()


def log_folder(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    configured = env.get(LOG_DIR_VARIABLE)
    return Path(configured) if configured else Path(platformdirs.user_log_dir(APP_NAME))


def log_file(environ: Mapping[str, str] | None = None) -> Path:
    return log_folder(environ) / LOG_FILE_NAME


def setup_logging(environ: Mapping[str, str] | None = None) -> Path | None:
    """Send the root logger's records to the rotating file; returns the file, or None when the
    folder cannot be written (a read-only home must not stop the counter: stderr keeps the
    warnings). Calling it again is harmless: one handler per file."""
    env = os.environ if environ is None else environ
    path = log_file(env)
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _ROOT_HANDLER_NAME:
            if Path(getattr(handler, "baseFilename", "")) == path:
                return path
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as error:
        print(f"desk-app: no log file ({error.strerror or error})", file=sys.stderr)
        return None
    handler.set_name(_ROOT_HANDLER_NAME)
    handler.setFormatter(RedactingFormatter(LINE_FORMAT))
    root.addHandler(handler)
    level = logging.getLevelName(env.get(LOG_LEVEL_VARIABLE, "INFO").upper())
    root.setLevel(level if isinstance(level, int) else logging.INFO)
    _keep_uncaught_exceptions()
    logging.getLogger(APP_NAME).info(
        "started: desk-app %s, Python %s, %s%s",
        _version(),
        platform.python_version(),
        platform.platform(terse=True),
        " (bundle)" if getattr(sys, "frozen", False) else "",
    )
    return path


def _version() -> str:
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def _keep_uncaught_exceptions() -> None:
    """A crash leaves its traceback in the log (redacted), not only on a terminal nobody saw."""
    previous = sys.excepthook
    if getattr(previous, "_desk_app_logs", False):
        return

    def hook(
        kind: type[BaseException], error: BaseException, traceback: TracebackType | None
    ) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger(APP_NAME).critical(
                "uncaught %s", kind.__name__, exc_info=(kind, error, traceback)
            )
        previous(kind, error, traceback)

    hook._desk_app_logs = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def recent_lines(count: int = 200, environ: Mapping[str, str] | None = None) -> list[str]:
    """The last ``count`` lines of the current log file (none when there is no file yet)."""
    path = log_file(environ)
    try:
        with path.open(encoding="utf-8", errors="replace") as stream:
            return [line.rstrip("\n") for line in deque(stream, maxlen=count)]
    except FileNotFoundError:
        return []
