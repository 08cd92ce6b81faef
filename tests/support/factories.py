"""Records for tests, written straight into the database (the importer has its own tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import insert, select

from desk_app.bootstrap import Application, build_application
from desk_app.config import load_settings
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Operator, Transition
from desk_app.security.operators import add_operator

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def candidate_values(registration_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "registration_id": registration_id,
        "kind": "new",
        "name": "张三",
        "sex": "2",
        "document_type": "resident_id",
        "document_number": "11010519491231002X",
        "exam_area": "0101",
        "programme_code": "080901",
        "programme_name": "计算机科学与技术",
        **fields,
    }


def add_candidate(database: Database, registration_id: str, **fields: Any) -> None:
    with database.unit_of_work() as uow:
        uow.session.add(Candidate(**candidate_values(registration_id, **fields)))
        uow.commit()


def insert_candidates(database: Database, count: int) -> list[str]:
    """``count`` pre-registered candidates R000000, R000001... in one transaction."""
    registration_ids = [f"R{index:06d}" for index in range(count)]
    with database.unit_of_work() as uow:
        uow.session.execute(insert(Candidate), [candidate_values(r) for r in registration_ids])
        uow.commit()
    return registration_ids


def make_application(url: str, **environment: str) -> Application:
    """A counter on ``url`` with settings from ``environment`` (``DESK_APP_...`` variables).

    Its administrator turned the liveness challenge off at counters unless the environment says
    otherwise: the decisions these tests make carry no challenge, and the product's default (on)
    is tested where it is the subject (tests/*/test_*liveness*). A tutoring unit's confirmations
    need it whatever this says."""
    settings = load_settings(
        config_path=None,
        environ={
            "DESK_APP_CONFIG": "",
            "DESK_APP_DB": url,
            "DESK_APP_LIVENESS_AT_COUNTERS": "false",
            **environment,
        },
    )
    return build_application(settings)


STAFF = (
    ("clerk", Role.CLERK, None),
    ("super1", Role.SUPERVISOR, None),
    ("super2", Role.SUPERVISOR, None),
    ("unitstaff", Role.TUTORING_UNIT_STAFF, "Unit A"),
    ("admin", Role.ADMINISTRATOR, None),
)


def add_staff(database: Database) -> None:
    for operator_id, role, unit in STAFF:
        add_operator(
            database,
            operator_id=operator_id,
            display_name=operator_id,
            role=role,
            password=None,  # hashing costs ~50 ms each; sign-in has its own tests
            tutoring_unit=unit,
        )


def counter_connection(path: str | Path, **options: Any) -> Any:
    """A raw DB-API connection to a counter database file, with its stored key when it is
    encrypted (the tests' stand-in for ``sqlite3.connect``)."""
    from desk_app.bootstrap import key_store_for
    from desk_app.persistence.database import (
        DatabaseFile,
        database_file_kind,
        sqlcipher_connect,
    )
    from desk_app.security.keys import DatabaseKeys

    path = Path(path)
    key = None
    if database_file_kind(path) is DatabaseFile.ENCRYPTED:
        settings = load_settings(environ={"DESK_APP_CONFIG": ""})
        key = DatabaseKeys(key_store_for(settings), path).current()
    connection = sqlcipher_connect(path, key, timeout_s=options.pop("timeout", 10.0))
    if "isolation_level" in options:
        connection.isolation_level = options.pop("isolation_level")
    else:
        connection.isolation_level = ""
    return connection


def set_password(database: Database, operator_id: str, password: str) -> None:
    """Give a test operator (made without one, to save hashing time) a real password."""
    with database.unit_of_work() as uow:
        operator = uow.session.get(Operator, operator_id)
        assert operator is not None
        operator.password_hash = PasswordHasher().hash(password)
        uow.commit()


def last_transition(database: Database, registration_id: str) -> Transition:
    """The newest transition of a candidate (the test fails on None)."""
    with database.reading() as uow:
        transition = (
            uow.session.execute(
                select(Transition)
                .join(Candidate, Candidate.id == Transition.candidate_id)
                .where(Candidate.registration_id == registration_id)
                .order_by(Transition.id.desc())
            )
            .scalars()
            .first()
        )
    assert transition is not None, registration_id
    return transition
