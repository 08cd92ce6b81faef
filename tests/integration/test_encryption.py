"""The counter database at rest: SQLCipher files, their keys, ``db encrypt`` and ``db rekey``."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from desk_app.bootstrap import key_store_for
from desk_app.cli import main
from desk_app.config import default_key_folder, load_settings
from desk_app.domain.errors import DeskError
from desk_app.persistence.database import DatabaseFile, DatabaseKeyError, database_file_kind
from desk_app.persistence.models import Candidate
from desk_app.security.keys import DatabaseKeys, FolderKeyStore, key_store, new_key
from desk_app.services.encryption import encrypt_database, open_database, rekey_database
from tests.support.factories import PROJECT_ROOT, add_candidate, insert_candidates, make_application

PLAIN = {"DESK_APP_PRIVACY_ENCRYPT_DATABASE": "false"}


def _settings() -> Any:
    return load_settings(environ={"DESK_APP_CONFIG": ""})


def _count(url: str) -> int:
    database = open_database(url, key_store_for(_settings()), upgrade=False)
    try:
        with database.reading() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(Candidate)) or 0)
    finally:
        database.close()


def _plain_database(path: Path, candidates: int) -> str:
    url = f"sqlite:///{path}"
    application = make_application(url, **PLAIN)
    insert_candidates(application.database, candidates)
    add_candidate(application.database, "RSECRET", name="隐私测试", phone="13912345678")
    application.close()
    assert database_file_kind(path) is DatabaseFile.PLAIN
    return url


def test_a_new_counter_database_is_encrypted_private_and_keyed_from_a_private_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "counter.db"
    application = make_application(f"sqlite:///{path}")
    add_candidate(application.database, "R1", name="隐私测试", phone="13912345678")
    application.close()

    assert database_file_kind(path) is DatabaseFile.ENCRYPTED
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("counter"))
    assert "隐私测试".encode() not in raw and b"13912345678" not in raw
    assert b"SQLite format 3" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No keystore on this machine (as on CI): the key is a 0600 file in the config folder.
    key_files = list(default_key_folder().glob("*.key"))
    assert len(key_files) == 1
    assert stat.S_IMODE(key_files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(default_key_folder().stat().st_mode) == 0o700
    assert str(path) not in key_files[0].name  # the file name does not reveal the database


def test_a_wrong_key_is_a_coded_error_and_leaves_the_file_alone(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "counter.db"
    make_application(f"sqlite:///{path}").close()
    before = path.read_bytes()
    DatabaseKeys(key_store_for(_settings()), path).save_current(new_key())

    with pytest.raises(DatabaseKeyError) as caught:
        make_application(f"sqlite:///{path}")
    assert caught.value.code == "database.key_wrong"
    assert path.read_bytes() == before
    captured = capfd.readouterr()
    assert "hmac" not in captured.err.lower() and "hmac" not in captured.out.lower()


def test_a_missing_key_never_becomes_a_new_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "counter.db"
    application = make_application(f"sqlite:///{path}")
    add_candidate(application.database, "R1")
    application.close()
    before = path.read_bytes()
    for key_file in default_key_folder().glob("*.key"):
        key_file.unlink()

    result = CliRunner().invoke(main, ["candidates", "list", "--db", str(path)])
    assert result.exit_code == 1
    assert "database.key_missing" in result.output
    assert path.read_bytes() == before


def test_the_key_file_setting_holds_the_key(tmp_path: Path) -> None:
    key_file = tmp_path / "secret" / "counter.key"
    path = tmp_path / "counter.db"
    make_application(f"sqlite:///{path}", DESK_APP_KEY_FILE=str(key_file)).close()
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list(default_key_folder().glob("*.key"))
    make_application(f"sqlite:///{path}", DESK_APP_KEY_FILE=str(key_file)).close()
    with pytest.raises(DatabaseKeyError):
        _count(f"sqlite:///{path}")  # the default place holds no key for it


class MemoryKeyring:
    """An OS keystore stand-in (keyring's backend interface)."""

    priority = 1

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.secrets.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.secrets[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        self.secrets.pop((service, name), None)


def test_keys_live_in_the_os_keystore_where_one_exists(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    folder = tmp_path / "keys"
    store = key_store(key_file="", use_keystore=True, key_folder=folder, backend=keyring)
    url = f"sqlite:///{tmp_path / 'counter.db'}"
    open_database(url, store).close()
    assert len(keyring.secrets) == 1 and not folder.exists()
    open_database(url, store, upgrade=False).close()  # opens again with the stored key
    with pytest.raises(DatabaseKeyError):
        open_database(url, FolderKeyStore(folder), upgrade=False)


def test_without_a_keystore_the_key_file_is_used_automatically() -> None:
    from desk_app.security.keys import usable_keyring

    # conftest selects keyring's failing backend, which is all a headless CI machine has.
    assert usable_keyring() is None
    assert isinstance(key_store_for(_settings()), FolderKeyStore)


def test_db_encrypt_then_rekey_keep_every_row(tmp_path: Path) -> None:
    path = tmp_path / "counter.db"
    url = _plain_database(path, 50)
    runner = CliRunner()

    result = runner.invoke(main, ["db", "encrypt", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert database_file_kind(path) is DatabaseFile.ENCRYPTED
    assert "隐私测试".encode() not in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _count(url) == 51
    keys = DatabaseKeys(key_store_for(_settings()), path)
    first = keys.current()
    assert keys.pending() is None
    assert key_store_for(_settings()).load(str(path)) == first

    again = runner.invoke(main, ["db", "encrypt", "--db", str(path)])
    assert again.exit_code == 1 and "database.encrypted" in again.output

    result = runner.invoke(main, ["db", "rekey", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert keys.current() != first and keys.pending() is None
    assert first is not None and first.hex() not in result.output
    assert _count(url) == 51
    status = runner.invoke(main, ["db", "status", "--db", str(path)])
    assert "file: encrypted" in status.output


def test_rekey_of_a_plain_database_is_refused(tmp_path: Path) -> None:
    url = _plain_database(tmp_path / "counter.db", 1)
    with pytest.raises(DeskError) as caught:
        rekey_database(url, key_store_for(_settings()))
    assert caught.value.code == "database.not_encrypted"


_CHILD = """
import os, sys
from desk_app.bootstrap import key_store_for
from desk_app.config import load_settings
from desk_app.services.encryption import encrypt_database, rekey_database

url, action, stop_at = sys.argv[1:4]

def step(name):
    if name == stop_at:
        os._exit(9)  # as abrupt as a kill: no clean-up, no flush

run = encrypt_database if action == "encrypt" else rekey_database
run(url, key_store_for(load_settings(environ={"DESK_APP_CONFIG": ""})), step=step)
"""

STEPS = ("key_stored", "exported", "verified", "swapped", "done")


@pytest.mark.slow
@pytest.mark.parametrize("action", ["encrypt", "rekey"])
def test_a_process_killed_at_any_step_loses_nothing(tmp_path: Path, action: str) -> None:
    path = tmp_path / "counter.db"
    url = _plain_database(path, 300)
    if action == "rekey":
        encrypt_database(url, key_store_for(_settings()))
    for stop_at in STEPS:
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, url, action, stop_at],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert child.returncode == 9, child.stderr
        assert _count(url) == 301, stop_at  # opens with whichever key fits, promoting it
        if action == "encrypt" and database_file_kind(path) is DatabaseFile.ENCRYPTED:
            path.unlink()  # start the next round from a plain file again
            url = _plain_database(path, 300)
    # After all that, the operation still completes and the database is encrypted.
    encrypt_or_rekey = (
        encrypt_database if database_file_kind(path) is DatabaseFile.PLAIN else rekey_database
    )
    encrypt_or_rekey(url, key_store_for(_settings()))
    assert database_file_kind(path) is DatabaseFile.ENCRYPTED
    assert _count(url) == 301


@pytest.mark.slow
def test_db_encrypt_killed_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "counter.db"
    url = _plain_database(path, 20_000)
    chance = random.Random(12)
    environment = {**os.environ, "DESK_APP_DB": str(path)}
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-m", "desk_app", "db", "encrypt"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            child.wait(timeout=chance.uniform(0.2, 3.0))
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert _count(url) == 20_001
        if database_file_kind(path) is DatabaseFile.ENCRYPTED:
            # Start over from a plain file so that every round kills a real conversion.
            path.unlink()
            url = _plain_database(path, 20_000)
