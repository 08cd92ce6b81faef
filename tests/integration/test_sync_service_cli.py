"""``desk-app central serve``, ``central counters …`` and ``counter enrol`` as an administrator
and a counter's installer use them: the service is a real process, the counter a real database."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from desk_app.cli import main
from desk_app.sync.tls import CERTIFICATE_FILE
from tests.support.factories import PROJECT_ROOT, add_staff, make_application
from tests.support.sync_service import free_port, wait_for_health
from tests.support.sync_world import PERIOD, open_central, seed_roster

pytestmark = pytest.mark.postgres


def run(*arguments: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(arguments), catch_exceptions=False)


def test_the_service_is_served_enrolled_with_and_synchronised_through(
    tmp_path: Path, postgres_url: str
) -> None:
    central = open_central(postgres_url)
    seed_roster(central, 6)
    central.close()
    added = run(
        "central", "counters", "add", "--site", "S1", "--counter", "C1", "--areas", "A",
        "--url", postgres_url,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    code = added.output.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-9]{5}(-[A-Z2-9]{5}){3}", code)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "desk_app", "central", "serve", "--url", postgres_url,
         "--listen", f"127.0.0.1:{port}", "--state-dir", str(tmp_path / "state"),
         "--workers", "2"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        first = server.stdout.readline() if server.stdout else ""
        match = re.search(r"fingerprint: ([0-9A-F:]{95})", first)
        assert match, first
        fingerprint = match.group(1)
        pem = (tmp_path / "state" / CERTIFICATE_FILE).read_text()
        wait_for_health(f"https://127.0.0.1:{port}", pem)

        database = tmp_path / "c1.db"
        app = make_application(f"sqlite:///{database}", DESK_APP_TICKETS_PERIOD=PERIOD)
        add_staff(app.database)
        app.close()
        environment = {"DESK_APP_TICKETS_PERIOD": PERIOD, "DESK_APP_ENROLMENT_CODE": code}
        enrolled = run(
            "counter", "enrol", "--db", str(database), "--server", f"https://127.0.0.1:{port}",
            "--fingerprint", fingerprint, env=environment,
        )  # fmt: skip
        assert enrolled.exit_code == 0, enrolled.output
        assert "counter C1 at site S1 enrolled" in enrolled.output
        synced = run("sync", "--once", "--db", str(database), env=environment)
        assert synced.exit_code == 0, synced.output
        assert "pulled 2" in synced.output  # R000000 and R000003 are in area A
        status = run("counter", "status", "--db", str(database), env=environment)
        assert f"https://127.0.0.1:{port}" in status.output and "online" in status.output
        # The code was used: a second enrolment with it is refused in words.
        again = run(
            "counter", "enrol", "--db", str(tmp_path / "other.db"), "--server",
            f"https://127.0.0.1:{port}", "--fingerprint", fingerprint, env=environment,
        )  # fmt: skip
        assert again.exit_code == 1 and "[enrol.refused]" in again.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output


def test_a_password_in_the_database_url_is_refused_before_anything_runs(
    postgres_url: str,
) -> None:
    with_password = postgres_url.replace("postgres@", "postgres:s3cret@", 1)
    for command in (
        ["central", "serve"],
        ["central", "init"],
        ["central", "counters", "list"],
    ):
        result = run(*command, "--url", with_password)
        assert result.exit_code == 2, result.output
        assert "no password in the URL" in result.output
        assert "s3cret" not in result.output


def test_counters_are_listed_rescoped_and_revoked_centrally(postgres_url: str) -> None:
    open_central(postgres_url).close()
    run("central", "counters", "add", "--site", "S1", "--counter", "C1", "--areas", "A",
        "--url", postgres_url)  # fmt: skip
    listed = run("central", "counters", "list", "--url", postgres_url)
    assert "S1/C1  A  waiting for enrolment" in listed.output
    rescoped = run(
        "central", "counters", "set-scope", "C1", "--areas", "A,B", "--url", postgres_url
    )
    assert rescoped.exit_code == 0, rescoped.output
    revoked = run("central", "counters", "revoke", "C1", "--url", postgres_url)
    assert revoked.exit_code == 0, revoked.output
    listed = run("central", "counters", "list", "--url", postgres_url)
    assert "S1/C1  A,B  revoked" in listed.output
