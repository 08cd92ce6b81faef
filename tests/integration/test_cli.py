"""The command line as a script or a person uses it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from desk_app.cli import main
from tests.support.factories import (
    PROJECT_ROOT,
    add_candidate,
    add_staff,
    counter_connection,
    make_application,
    set_password,
)

PASSWORD = "staff-pass-2026"


def run(*arguments: str, password_file: Path | None = None) -> Result:
    environment = {"DESK_APP_PASSWORD_FILE": str(password_file)} if password_file else {}
    return CliRunner(env=environment).invoke(main, list(arguments), catch_exceptions=False)


@pytest.fixture
def counter_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A counter database whose staff sign in with PASSWORD, read from the file the
    environment names (as a script would)."""
    path = tmp_path / "counter.db"
    app = make_application(f"sqlite:///{path}")
    add_staff(app.database)
    for operator_id in ("clerk", "super1"):
        set_password(app.database, operator_id, PASSWORD)
    add_candidate(app.database, "R1")
    add_candidate(app.database, "R2", name='=HYPERLINK("http://x")')
    app.close()
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    return str(path)


def test_every_command_has_help() -> None:
    def walk(command: click.Command, path: list[str]) -> None:
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        if isinstance(command, click.Group):
            for name, child in command.commands.items():
                walk(child, [*path, name])

    walk(main, [])


def test_id_check_valid_and_invalid() -> None:
    valid = run("id", "check", "11010519491231002X")
    assert valid.exit_code == 0
    assert "1949-12-31" in valid.output
    legacy = run("id", "check", "110105491231002")
    assert legacy.exit_code == 0 and "11010519491231002X" in legacy.output
    invalid = run("id", "check", "110105194912310021")
    assert invalid.exit_code == 1
    assert "document.check_character" in invalid.stderr
    assert len(invalid.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("liveness_off")
def test_confirm_prints_the_ticket_and_refuses_a_second_time(counter_db: str) -> None:
    first = run("confirm", "R1", "--operator", "clerk", "--db", counter_db)
    assert first.exit_code == 0, first.output
    ticket = first.stdout.strip()
    assert len(ticket) == 12 and ticket.isdigit()
    second = run("--db", counter_db, "confirm", "R1", "--operator", "clerk")
    assert second.exit_code == 1
    assert second.stderr.strip() == (
        "desk-app: cannot confirm a record that is confirmed [state.illegal_transition]"
    )
    listed = run("candidates", "list", "--state", "confirmed", "--db", counter_db)
    assert "R1" in listed.output and ticket in listed.output
    assert "11010519491231002X" not in listed.output  # masked
    assert "110***********002X" in listed.output


def test_a_confirmation_from_the_command_line_needs_the_liveness_check(counter_db: str) -> None:
    """The product's default: a command line cannot run the challenge, so it cannot confirm;
    it can still refer."""
    refused = run("confirm", "R1", "--operator", "clerk", "--db", counter_db)
    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith("[evidence.no_liveness]")
    assert run("refer", "R1", "--operator", "clerk", "--reason", "other", "--db", counter_db)
    listed = run("candidates", "list", "--state", "referred", "--db", counter_db)
    assert "R1" in listed.output


def test_refer_approve_revoke_from_the_command_line(counter_db: str) -> None:
    assert (
        run(
            "refer", "R1", "--operator", "clerk", "--reason", "face_score_low", "--db", counter_db
        ).stdout.strip()
        == "referred"
    )
    ticket = run("approve", "R1", "--operator", "super1", "--db", counter_db).stdout.strip()
    assert ticket.isdigit()
    revoked = run(
        "revoke", "R1", "--operator", "super1", "--reason", "impersonation", "--db", counter_db
    )
    assert revoked.stdout.strip() == "revoked"
    shown = run("candidates", "show", "R1", "--operator", "super1", "--db", counter_db)
    assert "approve referred -> confirmed" in shown.output and f"ticket {ticket}" in shown.output


@pytest.mark.usefixtures("liveness_off")
def test_decisions_and_views_from_the_command_line_sign_in_first(
    counter_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(wrong))
    # No wait between attempts here (tests/integration/test_sign_in.py has the backoff).
    monkeypatch.setenv("DESK_APP_PRIVACY_SIGN_IN_BACKOFF_S", "0")
    for command in (["confirm", "R1"], ["candidates", "show", "R1"]):
        refused = run(*command, "--operator", "clerk", "--db", counter_db)
        assert refused.exit_code == 1
        assert refused.stderr.strip() == (
            "desk-app: wrong operator id or password [permission.sign_in]"
        )
    # Without a file the password is asked (never taken from argv).
    monkeypatch.delenv("DESK_APP_PASSWORD_FILE")
    asked = CliRunner().invoke(
        main, ["confirm", "R1", "--operator", "clerk", "--db", counter_db], input=PASSWORD + "\n"
    )
    assert asked.exit_code == 0, asked.output
    assert PASSWORD not in asked.output
    listed = run("candidates", "list", "--state", "confirmed", "--db", counter_db)
    assert "R1" in listed.output


@pytest.mark.usefixtures("liveness_off")
def test_export_neutralises_formula_cells(counter_db: str, tmp_path: Path) -> None:
    run("confirm", "R1", "--operator", "clerk", "--db", counter_db)
    run("confirm", "R2", "--operator", "clerk", "--db", counter_db)
    out = tmp_path / "confirmed.csv"
    result = run(
        "export", "confirmed", "--since", "2000-01-01", "--out", str(out), "--db", counter_db
    )
    assert result.exit_code == 0 and "wrote 2 confirmations" in result.output
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["registration_id"] for row in rows] == ["R1", "R2"]
    assert rows[1]["name"].startswith("'=")
    future = run(
        "export", "confirmed", "--since", "2999-01-01", "--out", str(out), "--db", counter_db
    )
    assert "wrote 0 confirmations" in future.output


def test_audit_verify_exit_status(counter_db: str) -> None:
    run("confirm", "R1", "--operator", "clerk", "--db", counter_db)
    intact = run("audit", "verify", "--db", counter_db)
    assert intact.exit_code == 0 and "intact" in intact.output
    connection = counter_connection(counter_db)
    connection.execute("UPDATE audit_entries SET actor = 'mallory' WHERE sequence = 2")
    connection.commit()
    connection.close()
    broken = run("audit", "verify", "--db", counter_db)
    assert broken.exit_code == 1
    assert "entry 2" in broken.stderr


def test_bad_input_gives_one_line_and_no_traceback(tmp_path: Path, counter_db: str) -> None:
    cases = [
        ("import", "roster", str(tmp_path / "missing.csv"), "--db", counter_db),
        ("confirm", "NOPE", "--operator", "clerk", "--db", counter_db),
        ("confirm", "R1", "--operator", "ghost", "--db", counter_db),
        ("candidates", "list", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"),
        ("candidates", "list", "--config", str(tmp_path / "absent.toml")),
    ]
    for arguments in cases:
        result = run(*arguments)
        assert result.exit_code == 1, (arguments, result.output)
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, (arguments, result.stderr)
        assert result.stderr.startswith("desk-app: ")


def test_demo_database(tmp_path: Path, data_dir: Path) -> None:
    demo = str(tmp_path / "demo.db")
    result = run("demo", "--db", demo, "--candidates", "60")
    assert result.exit_code == 0, result.output
    assert "60 candidates" in result.output
    assert "e-photos" in result.output and " 0 e-photos" not in result.output
    again = run("demo", "--db", demo)
    assert again.exit_code == 1  # never mixed into a database that has data
    assert run("audit", "verify", "--db", demo).exit_code == 0


def test_python_dash_m_and_the_console_script(tmp_path: Path) -> None:
    for command in (
        [sys.executable, "-m", "desk_app", "id", "check", "11010519491231002X"],
        [str(Path(sys.executable).with_name("desk-app")), "id", "check", "11010519491231002X"],
    ):
        completed = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        assert completed.returncode == 0, completed.stderr
        assert "1949-12-31" in completed.stdout
