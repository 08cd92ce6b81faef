"""Sign-in hardening: backoff, lockout per operator and per counter, the same work for unknown
operators, password rules, password change and deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import AuditEntry
from desk_app.security import operators
from desk_app.security.operators import (
    SignInPolicy,
    add_operator,
    change_password,
    check_password_rules,
    sign_in,
)
from desk_app.services.counter import SignedIn, reset_password_as, set_active_as, unlock_as

PASSWORD = "s3cret-pass-2026"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
POLICY = SignInPolicy(max_failures=5, backoff_s=1.0, lockout=timedelta(minutes=15))


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = Database.open(f"sqlite:///{tmp_path / 'c.db'}")
    for operator_id, role in (("clerk01", Role.CLERK), ("admin", Role.ADMINISTRATOR)):
        add_operator(
            database, operator_id=operator_id, display_name=operator_id, role=role,
            password=PASSWORD,
        )  # fmt: skip
    return database


def _attempt(database: Database, operator_id: str, password: str, at: datetime) -> str:
    try:
        sign_in(database, operator_id, password, policy=POLICY, now=at)
    except PermissionDeniedError as error:
        return error.code
    return "ok"


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(database: Database) -> None:
    at = T0
    codes = []
    for attempt in range(30):
        codes.append(_attempt(database, "clerk01", f"guess-{attempt}", at))
        at += timedelta(seconds=20)  # longer than any backoff before the lockout
    assert codes[:4] == ["permission.sign_in"] * 4
    assert codes[4] == "permission.locked" and set(codes[5:]) == {"permission.locked"}
    assert _attempt(database, "clerk01", PASSWORD, at) == "permission.locked"
    # The lockout ends by itself ...
    assert _attempt(database, "clerk01", PASSWORD, T0 + timedelta(hours=2)) == "ok"


def test_each_failure_doubles_the_wait_and_success_resets_it(database: Database) -> None:
    assert _attempt(database, "clerk01", "wrong-1", T0) == "permission.sign_in"
    # Even the right password is refused within the wait, without being checked.
    assert _attempt(database, "clerk01", PASSWORD, T0 + timedelta(seconds=0.5)) == (
        "permission.sign_in_wait"
    )
    assert _attempt(database, "clerk01", "wrong-2", T0 + timedelta(seconds=1.5)) == (
        "permission.sign_in"
    )
    after_two = T0 + timedelta(seconds=1.5)
    assert _attempt(database, "clerk01", PASSWORD, after_two + timedelta(seconds=1.5)) == (
        "permission.sign_in_wait"
    )  # 2 s now
    assert _attempt(database, "clerk01", PASSWORD, after_two + timedelta(seconds=2.5)) == "ok"
    assert _attempt(database, "clerk01", "wrong-3", after_two + timedelta(seconds=3)) == (
        "permission.sign_in"
    )  # counted from zero again: no lockout after "three" failures


def test_failures_under_many_ids_lock_the_whole_counter(database: Database) -> None:
    at = T0
    for index in range(5):
        _attempt(database, f"nobody{index}", "whatever-pass", at)
        at += timedelta(seconds=30)
    assert _attempt(database, "admin", PASSWORD, at) == "permission.locked"
    with database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("operator.sign_in_failed") == 5
    assert actions[-1] == "operator.sign_in_refused"


def test_an_administrator_ends_a_lockout(database: Database) -> None:
    at = T0
    for attempt in range(5):
        _attempt(database, "clerk01", f"guess-{attempt}", at)
        at += timedelta(seconds=20)
    clerk = SignedIn("clerk01", "c", Role.ADMINISTRATOR)  # a forged role is read again
    with pytest.raises(PermissionDeniedError):
        unlock_as(database, clerk, "clerk01")
    admin = SignedIn("admin", "a", Role.ADMINISTRATOR)
    unlock_as(database, admin, "clerk01")
    unlock_as(database, admin, "counter")
    assert _attempt(database, "clerk01", PASSWORD, at) == "ok"


def test_unknown_and_inactive_operators_cost_the_same_hashing(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = operators._hasher

    class Counting:
        def verify(self, stored: Any, password: Any) -> Any:
            calls.append(stored)
            return real.verify(stored, password)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(operators, "_hasher", Counting())
    set_active_as(database, SignedIn("admin", "a", Role.ADMINISTRATOR), "clerk01", active=False)
    at = T0
    for operator_id in ("admin", "nobody", "clerk01"):
        _attempt(database, operator_id, "not-the-password", at)
        at += timedelta(hours=1)
    assert len(calls) == 3  # one argon2 verification each, known or not
    assert calls[1].startswith("$argon2id$") and calls[2] == calls[1]  # the dummy hash
    assert _attempt(database, "clerk01", PASSWORD, at + timedelta(hours=1)) == (
        "permission.sign_in"
    )  # deactivated


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pw", "operator.password_too_short"),
        ("clerk01clerk01", "operator.password_is_id"),
        ("CLERK01CLERK01", "operator.password_is_id"),
        ("qwertyuiop", "operator.password_common"),
        ("Password123", "operator.password_common"),
        ("aaaaaaaaaaaa", "operator.password_common"),
        ("ababababab", "operator.password_common"),
    ],
)
def test_password_rules(password: str, code: str) -> None:
    with pytest.raises(DeskError) as caught:
        check_password_rules("clerk01", password)
    assert caught.value.code == code


def test_good_passwords_pass_the_rules() -> None:
    for password in ("demo-pass-2026", "correct horse battery", "库房-钥匙-2026"):
        check_password_rules("clerk01", password)


def test_an_operator_changes_their_password(database: Database) -> None:
    with pytest.raises(PermissionDeniedError):
        change_password(database, "clerk01", "not-the-old-one", "brand-new-pass-1", policy=POLICY)
    with pytest.raises(DeskError) as caught:
        sign_in(database, "clerk01", PASSWORD)  # within the backoff of that failure
    assert caught.value.code == "permission.sign_in_wait"
    unlock_as(database, SignedIn("admin", "a", Role.ADMINISTRATOR), "clerk01")
    unlock_as(database, SignedIn("admin", "a", Role.ADMINISTRATOR), "counter")
    with pytest.raises(DeskError) as caught:
        change_password(database, "clerk01", PASSWORD, "qwertyuiop")
    assert caught.value.code == "operator.password_common"
    change_password(database, "clerk01", PASSWORD, "brand-new-pass-1")
    assert sign_in(database, "clerk01", "brand-new-pass-1").id == "clerk01"
    with database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert "operator.password_set" in actions


def test_only_administrators_reset_passwords_and_deactivate(database: Database) -> None:
    clerk = SignedIn("clerk01", "c", Role.CLERK)
    with pytest.raises(PermissionDeniedError):
        reset_password_as(database, clerk, "admin", "taken-over-pass-1")
    with pytest.raises(PermissionDeniedError):
        set_active_as(database, clerk, "admin", active=False)
    admin = SignedIn("admin", "a", Role.ADMINISTRATOR)
    with pytest.raises(DeskError) as caught:
        set_active_as(database, admin, "admin", active=False)
    assert caught.value.code == "operator.self"
    reset_password_as(database, admin, "clerk01", "reset-by-admin-1")
    assert sign_in(database, "clerk01", "reset-by-admin-1").id == "clerk01"
    with database.reading() as uow:
        details = uow.session.scalars(select(AuditEntry.action)).all()
    assert "operator.password_set" in details


def test_the_command_line_asks_for_passwords_and_never_takes_them_as_arguments(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from desk_app.cli import main

    db = str(tmp_path / "counter.db")
    runner = CliRunner()
    on_argv = runner.invoke(
        main, ["operators", "add", "c2", "--name", "n", "--role", "clerk", "--password", "x"]
    )
    assert on_argv.exit_code == 2  # no such option
    weak = runner.invoke(
        main,
        ["operators", "add", "c2", "--name", "n", "--role", "clerk", "--db", db],
        input="qwertyuiop\nqwertyuiop\n",
    )
    assert weak.exit_code == 1 and "operator.password_common" in weak.output
    added = runner.invoke(
        main,
        ["operators", "add", "c2", "--name", "n", "--role", "clerk", "--db", db],
        input="long-enough-pass\nlong-enough-pass\n",
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["operators", "deactivate", "c2", "--db", db]).exit_code == 0
    listed = runner.invoke(main, ["operators", "list", "--db", db])
    assert "[inactive]" in listed.output
    assert runner.invoke(main, ["operators", "unlock", "counter", "--db", db]).exit_code == 0
