"""Operators: creating them, and signing in with an argon2id password hash.

Every sign-in attempt, successful or not, goes into the audit chain; a failed one does not say
whether the id or the password was wrong.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Operator, SyncBinding
from desk_app.persistence.repositories import OperatorRepository
from desk_app.security import audit

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_PASSWORD_LENGTH = 8


def add_operator(
    database: Database,
    *,
    operator_id: str,
    display_name: str,
    role: Role,
    password: str | None,
    tutoring_unit: str | None = None,
    created_by: str = "system",
) -> Operator:
    operator_id = operator_id.strip()
    if not operator_id:
        raise DeskError("an operator needs an id", code="operator.id_empty")
    refuse_at_an_enrolled_counter(database)
    if role is Role.TUTORING_UNIT_STAFF and not tutoring_unit:
        raise DeskError(
            "tutoring-unit staff must be bound to a tutoring unit", code="operator.unit_required"
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise DeskError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
            code="operator.password_too_short",
        )
    with database.unit_of_work() as uow:
        if OperatorRepository(uow.session).get(operator_id) is not None:
            raise DeskError(f"operator {operator_id!r} already exists", code="operator.exists")
        operator = Operator(
            id=operator_id,
            display_name=display_name,
            role=role.value,
            tutoring_unit=tutoring_unit if role is Role.TUTORING_UNIT_STAFF else None,
            password_hash=_hasher.hash(password) if password is not None else None,
        )
        uow.session.add(operator)
        audit.append(
            uow.session,
            actor=created_by,
            action="operator.add",
            subject=operator_id,
            details={"role": role.value, "tutoring_unit": operator.tutoring_unit},
        )
        uow.commit()
        return operator


def sign_in(database: Database, operator_id: str, password: str) -> Operator:
    """The operator when the password is right; otherwise PermissionDeniedError."""
    with database.unit_of_work() as uow:
        operator = OperatorRepository(uow.session).get(operator_id)
        accepted = False
        if operator is not None and operator.active and operator.password_hash:
            try:
                accepted = _hasher.verify(operator.password_hash, password)
            except (VerificationError, InvalidHashError):
                accepted = False
            if accepted and _hasher.check_needs_rehash(operator.password_hash):
                operator.password_hash = _hasher.hash(password)
        audit.append(
            uow.session,
            actor=operator_id,
            action="operator.sign_in" if accepted else "operator.sign_in_failed",
            subject=operator_id,
        )
        uow.commit()
    if not accepted or operator is None:
        raise PermissionDeniedError("wrong operator id or password", code="permission.sign_in")
    return operator


def hash_new_password(password: str, operator_id: str) -> str:
    """The argon2id hash of a new password that meets the password rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DeskError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
            code="operator.password_too_short",
        )
    if password.strip().lower() == operator_id.strip().lower():
        raise DeskError("the password cannot be the operator id", code="operator.password_is_id")
    return _hasher.hash(password)


def refuse_at_an_enrolled_counter(database: Database) -> None:
    """Operators of an enrolled counter come from the central side, never from the counter."""
    with database.reading() as uow:
        binding = uow.session.get(SyncBinding, 1)
    if binding is not None and binding.server_url:
        raise PermissionDeniedError(
            "this counter is enrolled with the central service: operators are added there "
            "('desk-app central operators add') and arrive with the next sync",
            code="operator.central",
        )
