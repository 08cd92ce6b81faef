"""The log file: where it is, how it is protected, and that no personal data reaches it."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from desk_app.cli import main
from desk_app.logs import LOG_DIR_VARIABLE, log_file, recent_lines, setup_logging
from desk_app.persistence.models import Candidate
from desk_app.services.demo import DEMO_PASSWORD
from tests.support.factories import make_application


@pytest.fixture(autouse=True)
def _fresh_log_handler() -> Iterator[None]:
    """Each test starts and ends without our file handler on the root logger."""
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "desk-app-file":
            root.removeHandler(handler)
            handler.close()


def run(*arguments: str, **environment: str) -> Result:
    return CliRunner(env=environment).invoke(main, list(arguments), catch_exceptions=False)


def test_log_file_is_private_and_in_the_configured_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    environ = {LOG_DIR_VARIABLE: str(folder)}
    path = setup_logging(environ)
    assert path == folder / "desk-app.log" == log_file(environ)
    logging.getLogger("desk_app.test").warning("something happened: %s", "code.x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert any("something happened: code.x" in line for line in recent_lines(10, environ))
    assert setup_logging(environ) == path  # again: still one handler, one line per record
    logging.getLogger("desk_app.test").warning("once")
    assert sum(line.endswith("once") for line in recent_lines(10, environ)) == 1


def test_numbers_shaped_like_personal_data_are_redacted_even_in_tracebacks(
    tmp_path: Path,
) -> None:
    environ = {LOG_DIR_VARIABLE: str(tmp_path)}
    path = setup_logging(environ)
    assert path is not None
    log = logging.getLogger("desk_app.test")
    log.warning("looked up %s, phone %s", "11010519491231002X", "13912345678")
    try:
        raise ValueError("bad record 110105194912310", "tel 15800001111")
    except ValueError:
        log.exception("failed")
    text = path.read_text(encoding="utf-8")
    for number in ("11010519491231002X", "13912345678", "110105194912310", "15800001111"):
        assert number not in text
    assert text.count("[id-number]") >= 2 and text.count("[phone]") >= 2
    assert "ValueError" in text  # the traceback itself is kept
    log.warning("ticket 010125000001 and registration R000123")  # not personal data: kept
    assert "010125000001" in path.read_text(encoding="utf-8")


@pytest.mark.usefixtures("liveness_off")
def test_a_demo_confirmation_leaves_no_personal_data_in_the_log(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_APP_LOG_LEVEL", "DEBUG")  # everything anyone logs
    monkeypatch.setenv("DESK_APP_DATA_DIR", str(data_dir))
    database = str(tmp_path / "demo.db")
    assert run("demo", "--db", database, "--candidates", "30").exit_code == 0
    application = make_application(f"sqlite:///{database}")
    with application.database.reading() as uow:
        candidates = list(uow.session.query(Candidate).all())
        waiting = next(c for c in candidates if c.state == "pre_registered")
        personal = {(c.name, c.document_number, c.phone) for c in candidates}
    application.close()
    password = tmp_path / "password"
    password.write_text(DEMO_PASSWORD + "\n")
    environment = {"DESK_APP_PASSWORD_FILE": str(password)}
    confirmed = run(
        "confirm",
        waiting.registration_id,
        "--operator",
        "clerk01",
        "--db",
        database,
        **environment,
    )
    assert confirmed.exit_code == 0, confirmed.output
    shown = run(
        "candidates",
        "show",
        waiting.registration_id,
        "--operator",
        "clerk01",
        "--db",
        database,
        **environment,
    )
    assert shown.exit_code == 0, shown.output
    refused = run(
        "confirm", waiting.registration_id, "--operator", "clerk01", "--db", database, **environment
    )
    assert refused.exit_code == 1  # a coded error on the way too

    text = log_file().read_text(encoding="utf-8")
    assert "started: desk-app" in text and "Running upgrade" in text  # the log was written
    hits = [value for row in personal for value in row if value and value in text]
    assert hits == []
