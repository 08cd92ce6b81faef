"""Operators: creating them, passwords and their rules, and signing in with argon2id.

Every sign-in attempt, successful or not, goes into the audit chain; a failed one does not say
whether the id or the password was wrong, and takes the same work either way (an unknown or
deactivated operator's password is checked against a dummy hash), so the answer's timing does
not tell who exists. Failures in a row slow the next attempt down (1 s, 2 s, 4 s, …) and lock
the operator id, and the whole counter, after ``max_failures``: 30 guesses and then the right
password no longer sign in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Operator, SignInThrottle, SyncBinding
from desk_app.persistence.repositories import OperatorRepository
from desk_app.security import audit

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked when the operator is unknown, so that case costs what a known operator costs: the
# hash of "no operator has this password: it only takes the same time", written out rather than
# computed at import (an argon2 hash costs ~0.1 s of every start, --version included). Its
# parameters must be the hasher's (tests/unit/test_sign_in_timing.py), or the unknown case would
# cost something else.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$VY2omdtOVVYRNU/4zeJk1Q"
    "$gq4az3hfNHeLzdLhtNVuEi3XYo06DWQAJPCjer5W1gI"
)

MIN_PASSWORD_LENGTH = 10
COUNTER_SUBJECT = "counter"


@dataclass(frozen=True)
class SignInPolicy:
    """``[privacy]`` max_sign_in_failures, sign_in_backoff_s and lockout_minutes."""

    max_failures: int = 5
    backoff_s: float = 1.0
    lockout: timedelta = timedelta(minutes=15)


@functools.cache
def _common_passwords() -> frozenset[str]:
    text = files("desk_app.security").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def check_password_rules(operator_id: str, password: str) -> None:
    """Refuse a password shorter than 10 characters, equal to (or made of) the operator id,
    two characters repeated, or on the list of common passwords (coded DeskError)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DeskError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
            code="operator.password_too_short",
        )
    folded = password.strip().lower()
    identity = operator_id.strip().lower()
    if identity and (folded == identity or folded.replace(identity, "") == ""):
        raise DeskError("a password must not be the operator id", code="operator.password_is_id")
    if len(set(folded)) <= 2 or folded in _common_passwords():
        raise DeskError(
            "this password is too common or too simple", code="operator.password_common"
        )


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
    if password is not None:
        check_password_rules(operator_id, password)
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


def _throttle(session: Session, subject: str) -> SignInThrottle:
    row = session.get(SignInThrottle, subject)
    if row is None:
        row = SignInThrottle(subject=subject, failures=0)
        session.add(row)
    return row


def _blocked_until(row: SignInThrottle, policy: SignInPolicy, now: datetime) -> datetime | None:
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    if row.failures and row.last_failure_at is not None:
        delay = min(policy.backoff_s * 2 ** (row.failures - 1), policy.lockout.total_seconds())
        until = row.last_failure_at + timedelta(seconds=delay)
        if until > now:
            return until
    return None


def _refusal(until: datetime, locked: bool, now: datetime) -> PermissionDeniedError:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    if locked:
        return PermissionDeniedError(
            f"too many failed sign-ins: locked for {seconds} s",
            code="permission.locked",
            seconds=seconds,
        )
    return PermissionDeniedError(
        f"wait {seconds} s before the next attempt", code="permission.sign_in_wait", seconds=seconds
    )


def _verify(operator: Operator | None, password: str) -> bool:
    """The same argon2 work whether or not the operator exists, is active or has a password."""
    usable = operator is not None and operator.active and bool(operator.password_hash)
    stored = operator.password_hash if usable and operator is not None else _DUMMY_HASH
    accepted: bool
    try:
        accepted = _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        accepted = False
    return accepted and usable


def sign_in(
    database: Database,
    operator_id: str,
    password: str,
    *,
    policy: SignInPolicy | None = None,
    now: datetime | None = None,
) -> Operator:
    """The operator when the password is right; otherwise PermissionDeniedError:
    ``permission.sign_in`` (wrong id or password), ``permission.sign_in_wait`` (too soon after
    a failure) or ``permission.locked`` (too many failures), the last two with ``seconds``."""
    policy = policy or SignInPolicy()
    now = now or datetime.now(UTC)
    operator_id = operator_id[:40]
    with database.unit_of_work() as uow:
        session = uow.session
        rows = [_throttle(session, f"operator:{operator_id}"), _throttle(session, COUNTER_SUBJECT)]
        blocked = [(until, row) for row in rows if (until := _blocked_until(row, policy, now))]
        if blocked:
            until, row = max(blocked, key=lambda pair: pair[0])
            locked = row.locked_until is not None and row.locked_until > now
            audit.append(
                session,
                actor=operator_id,
                action="operator.sign_in_refused",
                subject=operator_id,
                details={"locked": locked, "by": row.subject.split(":", 1)[0]},
            )
            uow.commit()
            raise _refusal(until, locked, now)
        operator = OperatorRepository(session).get(operator_id)
        accepted = _verify(operator, password)
        if accepted and operator is not None:
            if _hasher.check_needs_rehash(operator.password_hash or ""):
                operator.password_hash = _hasher.hash(password)
            for row in rows:
                row.failures, row.last_failure_at, row.locked_until = 0, None, None
        else:
            for row in rows:
                row.failures += 1
                row.last_failure_at = now
                if row.failures >= policy.max_failures:
                    row.locked_until = now + policy.lockout
        audit.append(
            session,
            actor=operator_id,
            action="operator.sign_in" if accepted else "operator.sign_in_failed",
            subject=operator_id,
            details={} if accepted else {"failures": rows[0].failures},
        )
        uow.commit()
        now_locked = [row for row in rows if row.locked_until is not None]
    if not accepted or operator is None:
        if now_locked:
            raise _refusal(max(r.locked_until for r in now_locked if r.locked_until), True, now)
        raise PermissionDeniedError("wrong operator id or password", code="permission.sign_in")
    return operator


def change_password(
    database: Database,
    operator_id: str,
    old_password: str,
    new_password: str,
    *,
    policy: SignInPolicy | None = None,
) -> None:
    """The operator's own change: the old password is checked like a sign-in (and counts as a
    failure when wrong)."""
    sign_in(database, operator_id, old_password, policy=policy)
    check_password_rules(operator_id, new_password)
    if new_password == old_password:
        raise DeskError("the new password is the old one", code="operator.password_unchanged")
    _store_password(database, operator_id, new_password, actor=operator_id)


def reset_password(database: Database, actor: str, operator_id: str, new_password: str) -> None:
    """An administrator sets another operator's password (the caller checks the role)."""
    check_password_rules(operator_id, new_password)
    _store_password(database, operator_id, new_password, actor=actor)


def _store_password(database: Database, operator_id: str, password: str, *, actor: str) -> None:
    refuse_at_an_enrolled_counter(database)
    with database.unit_of_work() as uow:
        operator = OperatorRepository(uow.session).get(operator_id)
        if operator is None:
            raise DeskError(f"no operator {operator_id!r}", code="operator.unknown")
        operator.password_hash = _hasher.hash(password)
        audit.append(uow.session, actor=actor, action="operator.password_set", subject=operator_id)
        uow.commit()


def set_active(database: Database, actor: str, operator_id: str, active: bool) -> None:
    """Deactivate (or reactivate) an operator; a deactivated one cannot sign in."""
    if actor == operator_id and not active:
        raise DeskError("an operator cannot deactivate themselves", code="operator.self")
    refuse_at_an_enrolled_counter(database)
    with database.unit_of_work() as uow:
        operator = OperatorRepository(uow.session).get(operator_id)
        if operator is None:
            raise DeskError(f"no operator {operator_id!r}", code="operator.unknown")
        operator.active = active
        audit.append(
            uow.session,
            actor=actor,
            action="operator.activated" if active else "operator.deactivated",
            subject=operator_id,
        )
        uow.commit()


def unlock(database: Database, actor: str, subject: str) -> None:
    """End a lockout: ``subject`` is an operator id, or ``counter`` for the whole counter."""
    key = subject if subject == COUNTER_SUBJECT else f"operator:{subject}"
    with database.unit_of_work() as uow:
        row = uow.session.get(SignInThrottle, key)
        if row is not None:
            row.failures, row.last_failure_at, row.locked_until = 0, None, None
        audit.append(uow.session, actor=actor, action="operator.unlocked", subject=subject)
        uow.commit()


def hash_new_password(password: str, operator_id: str) -> str:
    """The argon2id hash of a new password that meets the password rules."""
    check_password_rules(operator_id, password)
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
