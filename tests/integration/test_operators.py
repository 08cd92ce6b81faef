"""Operators and sign-in: argon2id hashes, every attempt audited, no hint which part was wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import AuditEntry, Operator
from desk_app.security import audit
from desk_app.security.operators import add_operator, sign_in


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = Database.open(f"sqlite:///{tmp_path / 'c.db'}")
    add_operator(
        database,
        operator_id="clerk01",
        display_name="李娜",
        role=Role.CLERK,
        password="s3cret-pass",
    )
    return database


def test_sign_in_with_the_right_password(database: Database) -> None:
    operator = sign_in(database, "clerk01", "s3cret-pass")
    assert operator.role == Role.CLERK
    with database.reading() as uow:
        stored = uow.session.get(Operator, "clerk01")
        assert stored is not None and stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2id$")
        assert "s3cret-pass" not in stored.password_hash


@pytest.mark.parametrize(("operator_id", "password"), [("clerk01", "wrong"), ("nobody", "x")])
def test_failed_sign_in_is_refused_and_audited(
    database: Database, operator_id: str, password: str
) -> None:
    with pytest.raises(PermissionDeniedError) as raised:
        sign_in(database, operator_id, password)
    assert raised.value.message == "wrong operator id or password"
    with database.reading() as uow:
        actions = uow.session.execute(select(AuditEntry.action)).scalars().all()
        assert actions[-1] == "operator.sign_in_failed"
        assert audit.verify(uow.session).intact


def test_inactive_operators_cannot_sign_in(database: Database) -> None:
    with database.unit_of_work() as uow:
        operator = uow.session.get(Operator, "clerk01")
        assert operator is not None
        operator.active = False
        uow.commit()
    with pytest.raises(PermissionDeniedError):
        sign_in(database, "clerk01", "s3cret-pass")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"operator_id": "clerk01"}, "operator.exists"),
        ({"operator_id": " "}, "operator.id_empty"),
        ({"password": "short"}, "operator.password_too_short"),
        ({"role": Role.TUTORING_UNIT_STAFF}, "operator.unit_required"),
    ],
)
def test_bad_operators_are_refused(
    database: Database, changes: dict[str, object], code: str
) -> None:
    arguments: dict[str, object] = {
        "operator_id": "new01",
        "display_name": "新人",
        "role": Role.CLERK,
        "password": "long-enough",
        **changes,
    }
    with pytest.raises(DeskError) as raised:
        add_operator(database, **arguments)
    assert raised.value.code == code
