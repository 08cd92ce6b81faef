"""``desk-app central``, ``counter`` and ``sync`` as an administrator uses them, through the
real sync service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from desk_app.cli import main
from desk_app.sync.central import CentralDatabase
from tests.support.factories import PROJECT_ROOT, add_staff, counter_connection, make_application
from tests.support.roster_files import roster_records, write_csv
from tests.support.sync_service import RunningService
from tests.support.sync_world import PERIOD, make_counter, seed_roster

pytestmark = pytest.mark.postgres
CONFIRMED_CENTRALLY = (
    "SELECT registration_id, ticket_number FROM candidates WHERE state = 'confirmed'"
)


def run(*arguments: str) -> Result:
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def one_line_error(result: Result, code: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"[{code}]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("desk-app: ")


@pytest.mark.usefixtures("liveness_off")
def test_a_counter_is_set_up_synchronised_and_reports_its_status(
    tmp_path: Path, postgres_url: str, service: RunningService, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = roster_records(40, enrolled_share=0.3)
    roster = write_csv(tmp_path / "roster.csv", records)
    assert run("central", "init", "--url", postgres_url).exit_code == 0
    loaded = run("central", "load-roster", str(roster), "--url", postgres_url)
    assert loaded.exit_code == 0, loaded.output
    assert "40 new" in loaded.output

    database = tmp_path / "c1.db"
    app = make_application(f"sqlite:///{database}")
    add_staff(app.database)
    app.close()
    areas = sorted({r["exam_area"] for r in records})[:2]
    in_scope = [r for r in records if r["exam_area"] in areas]

    one_line_error(
        run("central", "counters", "add", "--url", postgres_url, "--site", "S1",
            "--counter", "C1"),
        "sync.bad_scope",
    )  # fmt: skip
    password_file = tmp_path / "password"
    password_file.write_text("staff-pass-2026\n")
    # The operators are made centrally with this password; the counter signs them in with the
    # hashes it pulled.
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    for operator_id, role in (("clerk", "clerk"), ("super1", "supervisor")):
        made = run(
            "central", "operators", "add", operator_id, "--name", operator_id, "--role", role,
            "--site", "S1", "--password-file", str(password_file), "--url", postgres_url,
        )  # fmt: skip
        assert made.exit_code == 0, made.output
    added = run(
        "central", "counters", "add", "--url", postgres_url, "--site", "S1", "--counter", "C1",
        "--areas", ",".join(areas),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    code = added.output.strip().splitlines()[-1]
    enrolled = run(
        "counter", "enrol", "--db", str(database), "--server", service.url,
        "--fingerprint", service.fingerprint, "--code", code,
    )  # fmt: skip
    assert enrolled.exit_code == 0, enrolled.output
    first = run("sync", "--once", "--db", str(database))
    assert first.exit_code == 0, first.output
    assert f"pulled {len(in_scope)}" in first.output
    assert "leased 1 ticket block" in first.output

    listed = run("candidates", "list", "--db", str(database), "--json", "--limit", "1000")
    local = [json.loads(line) for line in listed.output.splitlines()]
    assert sorted(c["registration_id"] for c in local) == sorted(
        r["registration_id"] for r in in_scope
    )
    # An enrolled counter confirms only with the face evidence (the counter screen gives it):
    # the command line refers, and a supervisor approves.
    one_line_error(
        run("confirm", local[0]["registration_id"], "--operator", "clerk", "--db", str(database)),
        "evidence.no_live_photo",
    )
    confirmed = []
    for candidate in local[:3]:
        registration_id = candidate["registration_id"]
        referred = run("refer", registration_id, "--operator", "clerk", "--reason", "other",
                       "--db", str(database))  # fmt: skip
        assert referred.exit_code == 0, referred.output
        approved = run("approve", registration_id, "--operator", "super1", "--db", str(database))
        assert approved.exit_code == 0, approved.output
        confirmed.append((registration_id, approved.output.strip()))

    second = run("sync", "--once", "--db", str(database))
    assert second.exit_code == 0, second.output
    assert "pushed 6 (6 accepted, 0 rejected" in second.output
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        central = dict(connection.execute(text(CONFIRMED_CENTRALLY)).all())
    engine.dispose()
    assert central == dict(confirmed)

    status = run("counter", "status", "--db", str(database))
    assert status.exit_code == 0, status.output
    assert "online" in status.output and "pending 0, parked 0, conflicts 0" in status.output

    # The sync service goes away: one clear line, exit status 1, and the status says so.
    with counter_connection(database) as connection:
        connection.execute("UPDATE sync_binding SET server_url = 'https://127.0.0.1:1'")
    one_line_error(run("sync", "--once", "--attempts", "1", "--db", str(database)), "sync.offline")
    status = run("counter", "status", "--db", str(database))
    assert "offline" in status.output and "last error" in status.output


def test_sync_on_a_standalone_counter_says_how_to_bind_it(tmp_path: Path) -> None:
    database = tmp_path / "alone.db"
    one_line_error(run("sync", "--once", "--db", str(database)), "sync.not_bound")
    one_line_error(run("counter", "status", "--db", str(database)), "sync.not_bound")


def test_central_init_refuses_sqlite(tmp_path: Path) -> None:
    one_line_error(
        run("central", "init", "--url", f"sqlite:///{tmp_path / 'x.db'}"),
        "sync.central_not_postgresql",
    )


def test_conflicts_are_listed_with_both_versions_and_settled_by_a_supervisor(
    tmp_path: Path, central: CentralDatabase, service: RunningService
) -> None:
    seed_roster(central, 3, areas=("A",))
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",))
    first.sync()
    second.sync()
    winner = first.decide("confirm", "R000000").ticket_number
    loser = second.decide("confirm", "R000000").ticket_number
    first.sync()
    second.sync()
    database = str(tmp_path / "C2.db")

    listed = run("counter", "conflicts", "--db", database)
    assert listed.exit_code == 0, listed.output
    (line,) = listed.output.strip().splitlines()
    assert "R000000" in line and "sync.conflict" in line
    assert f"local confirm -> confirmed ({loser})" in line
    assert f"central confirmed ({winner})" in line
    conflict_id = line.split()[0].lstrip("#")
    one_line_error(
        run("counter", "settle", conflict_id, "--operator", "clerk", "--db", database),
        "permission.role",
    )
    settled = run("counter", "settle", conflict_id, "--operator", "super1", "--db", database)
    assert settled.exit_code == 0, settled.output
    assert run("counter", "conflicts", "--db", database).output == ""
    assert "conflicts 0" in run("counter", "status", "--db", database).output
    for counter in (first, second):
        counter.close()


def test_the_background_syncer_reports_each_cycle_and_stops_cleanly_on_sigterm(
    tmp_path: Path, central: CentralDatabase, service: RunningService
) -> None:
    seed_roster(central, 3, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    counter.close()
    environment = {**os.environ, "DESK_APP_DB": str(tmp_path / "C1.db"),
                   "DESK_APP_TICKETS_PERIOD": PERIOD}  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-m", "desk_app", "sync", "--interval", "0.1"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # blocks until the first cycle is done
    assert "pulled 3" in first and "leased 1 ticket block" in first
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 0
