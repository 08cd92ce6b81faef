"""Shared fixtures: databases (SQLite files and a real PostgreSQL), the shared data folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desk_app.bootstrap import Application
from desk_app.sync.central import CentralDatabase
from desk_app.sync.service import ensure_service_key
from tests.support.factories import PROJECT_ROOT, add_candidate, add_staff, make_application
from tests.support.sync_service import RunningService, running_service
from tests.support.sync_world import open_central

PG_URL_VARIABLE = "DESK_APP_TEST_PG_URL"

# Tests never judge wall-clock time: no per-example deadline, which a busy machine would trip.
hypothesis_settings.register_profile("desk", deadline=None)
hypothesis_settings.load_profile("desk")


@pytest.fixture(autouse=True)
def _private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep a developer's own settings and databases out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("DESK_APP_LOG_DIR", str(home / "log"))
    for variable in ("DESK_APP_CONFIG", "DESK_APP_DB", "DESK_APP_KEY_FILE"):
        monkeypatch.delenv(variable, raising=False)
    # Database keys go to 0600 files in the temporary config folder, never a developer's
    # keystore (CI has none either); tests of the keystore path pass an in-memory backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared, read-only image folder (``DESK_APP_DATA_DIR``, default ``../shared/data``)."""
    folder = Path(os.environ.get("DESK_APP_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data"))
    if not (folder / "faces").is_dir():
        pytest.skip(f"shared data folder not found at {folder} (set DESK_APP_DATA_DIR)")
    return folder


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'counter.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    server = os.environ.get(PG_URL_VARIABLE)
    if not server:
        pytest.skip(f"no PostgreSQL server: set {PG_URL_VARIABLE} (.ci/run starts one)")
    name = f"desk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def liveness_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run at a counter whose administrator turned the liveness challenge off: a
    confirmation from the command line carries no challenge (tests/integration/test_cli.py
    shows the default refusing it)."""
    monkeypatch.setenv("DESK_APP_LIVENESS_AT_COUNTERS", "false")


@pytest.fixture
def service_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sync service's state folder (its keys), shared by ``central`` and ``service``."""
    return tmp_path_factory.mktemp("service")


@pytest.fixture
def central(postgres_url: str, service_state: Path) -> Iterator[CentralDatabase]:
    """A central database (migrated) on a fresh PostgreSQL database, holding the service's
    media key as an administrator's commands would."""
    central = open_central(postgres_url, media_key=ensure_service_key(service_state / "media.key"))
    yield central
    central.close()


@pytest.fixture
def service(
    central: CentralDatabase, postgres_url: str, service_state: Path
) -> Iterator[RunningService]:
    """The central sync service (real HTTPS, in a thread) over the ``central`` database."""
    with running_service(postgres_url, service_state) as running:
        yield running


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on a SQLite file and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def application(database_url: str) -> Iterator[Application]:
    """A counter (site S1, counter C1) with a clerk, two supervisors and unit staff."""
    app = make_application(
        database_url, DESK_APP_TICKETS_BLOCK_SIZE="3", DESK_APP_TICKETS_PERIOD="271"
    )
    add_staff(app.database)
    yield app
    app.close()


@pytest.fixture
def app_with_roster(application: Application) -> Application:
    """The counter above with ten pre-registered candidates R0..R9 in exam area 0101."""
    for index in range(10):
        add_candidate(application.database, f"R{index}")
    return application


@pytest.fixture(scope="session")
def sface_engine() -> Any:
    """The default face engine, loaded once for the whole run."""
    from desk_app.vision.engines import load_engine

    return load_engine("sface")
