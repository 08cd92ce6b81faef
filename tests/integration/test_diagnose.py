"""``desk-app diagnose``: the support zip has what support needs and none of the secrets."""

from __future__ import annotations

import json
import logging
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk_app.cli import main
from desk_app.cli.diagnose import public_settings, without_password
from desk_app.config import load_settings
from tests.support.factories import make_application


def test_support_zip_holds_versions_checks_and_log_but_no_secrets(tmp_path: Path) -> None:
    database = tmp_path / "counter.db"
    key_file = tmp_path / "db.key"
    # An encrypted counter database whose key is kept in a file.
    make_application(f"sqlite:///{database}", DESK_APP_KEY_FILE=str(key_file)).close()
    key = key_file.read_bytes().strip()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[privacy]\nkey_file = "{key_file}"\n[database]\nbusy_timeout_ms = 5000\n',
        encoding="utf-8",
    )
    logging.getLogger("desk_app.test").warning("a line support should see")
    out = tmp_path / "support.zip"
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(config),
            "--db",
            str(database),
            "diagnose",
            "--out",
            str(out),
            "--camera",
            "generated",
            "--reader",
            str(tmp_path / "no-such-port"),
            "--no-models",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        report = json.loads(archive.read("report.json"))
        log = archive.read("log.txt").decode("utf-8")
        everything = b"".join(archive.read(name) for name in archive.namelist())
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["camera"]["ok"] and "640x480" in checks["camera"]["detail"]
    assert not checks["card reader"]["ok"]
    assert "reader.unreachable" in checks["card reader"]["detail"]
    # The key file in the settings points at a secret: its value is hidden.
    assert report["settings"]["privacy"]["key_file"] == "(hidden)"
    assert str(key_file).encode() not in everything
    assert key and key not in everything
    assert checks["database"]["ok"], checks["database"]
    assert report["settings"]["database"]["busy_timeout_ms"] == 5000
    assert report["versions"]["desk-app"] and report["versions"]["bundle"] == "no"
    assert "started: desk-app" in log
    assert "2 of 3 checks passed" in result.output


def test_a_database_that_does_not_open_is_a_failed_check_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    out = tmp_path / "support.zip"
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(broken),
            "diagnose",
            "--out",
            str(out),
            "--camera",
            "generated",
            "--no-models",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        report = json.loads(archive.read("report.json"))
    database = next(check for check in report["checks"] if check["name"] == "database")
    assert not database["ok"] and database["detail"]
    assert "FAIL database" in result.output


def test_passwords_in_database_urls_are_hidden() -> None:
    url = "postgresql+psycopg://desk:s3cret-pw@db.example.cn:5432/counter"
    settings = load_settings(environ={"DESK_APP_CONFIG": "", "DESK_APP_DB": url})
    shown = json.dumps(public_settings(settings))
    assert "s3cret-pw" not in shown
    assert "desk:***@db.example.cn" in shown
    assert without_password("sqlite+pysqlcipher://:passphrase@/tmp/x.db").count("passphrase") == 0


def test_the_face_models_check_loads_the_converted_landmarks_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The face worker needs the engine and the converted 68-point model: the support report's
    check loads both, so a counter set up without `make setup` shows why its faces fail."""
    from desk_app.cli.diagnose import check_face_engine, run_check
    from desk_app.vision import quality

    assert run_check("face models", check_face_engine("sface")).ok
    monkeypatch.setattr(quality, "CONVERTED_FILE", tmp_path / "never-converted.npz")
    missing = run_check("face models", check_face_engine("sface"))
    assert not missing.ok
    assert "[landmarks.missing]" in missing.detail
    assert "desk-app faces convert-landmarks" in missing.detail
