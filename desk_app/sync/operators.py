"""Operators are central: created, deactivated and given new passwords only on the central side,
pulled by their site's counters with their argon2id hashes so sign-in works offline.

A counter cannot create an operator the central side would accept: an event naming an operator
the central side does not know, or knows with another role or unit, is refused by the judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, NotFoundError
from desk_app.domain.workflow import Role
from desk_app.persistence.models import Operator
from desk_app.security import audit
from desk_app.security.operators import hash_new_password
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import PULLED_OPERATOR_COLUMNS


@dataclass(frozen=True)
class CentralOperator:
    operator_id: str
    display_name: str
    role: Role
    tutoring_unit: str | None
    site_id: str | None
    active: bool


class CentralOperators:
    """The central register of operators, on the central database."""

    def __init__(self, central: CentralDatabase) -> None:
        self._central = central

    def add(
        self,
        *,
        site_id: str | None,
        operator_id: str,
        display_name: str,
        role: Role,
        password: str,
        tutoring_unit: str | None = None,
        by: str = "central-admin",
    ) -> None:
        operator_id = operator_id.strip()
        if not operator_id:
            raise DeskError("an operator needs an id", code="operator.id_empty")
        if role is Role.TUTORING_UNIT_STAFF and not tutoring_unit:
            raise DeskError(
                "tutoring-unit staff must be bound to a tutoring unit",
                code="operator.unit_required",
            )
        password_hash = hash_new_password(password, operator_id)

        def work(session: Session) -> None:
            if session.get(Operator, operator_id) is not None:
                raise DeskError(f"operator {operator_id!r} already exists", code="operator.exists")
            session.add(
                Operator(
                    id=operator_id,
                    display_name=display_name or operator_id,
                    role=role.value,
                    tutoring_unit=tutoring_unit if role is Role.TUTORING_UNIT_STAFF else None,
                    password_hash=password_hash,
                    site_id=site_id,
                )
            )
            audit.append(
                session,
                actor=by,
                action="operator.add",
                subject=operator_id,
                details={"role": role.value, "tutoring_unit": tutoring_unit, "site": site_id},
            )

        self._central.write(work)

    def deactivate(self, operator_id: str, *, by: str = "central-admin") -> None:
        def work(session: Session) -> None:
            self._operator(session, operator_id).active = False
            audit.append(session, actor=by, action="operator.deactivate", subject=operator_id)

        self._central.write(work)

    def reset_password(self, operator_id: str, password: str, *, by: str = "central-admin") -> None:
        password_hash = hash_new_password(password, operator_id)

        def work(session: Session) -> None:
            self._operator(session, operator_id).password_hash = password_hash
            audit.append(session, actor=by, action="operator.reset_password", subject=operator_id)

        self._central.write(work)

    def listed(self) -> list[CentralOperator]:
        def work(session: Session) -> list[CentralOperator]:
            rows = session.execute(select(Operator).order_by(Operator.id)).scalars()
            return [
                CentralOperator(
                    row.id,
                    row.display_name,
                    Role(row.role),
                    row.tutoring_unit,
                    row.site_id,
                    row.active,
                )
                for row in rows
            ]

        return self._central.read(work)

    def for_site(self, site_id: str) -> list[dict[str, Any]]:
        """What a counter of the site pulls: every operator of the site and of no site in
        particular (the authority's own staff), active or not (a deactivated operator must stop
        signing in at the counters too)."""

        def work(session: Session) -> list[dict[str, Any]]:
            rows = session.execute(
                select(*(getattr(Operator, name) for name in PULLED_OPERATOR_COLUMNS))
                .where(or_(Operator.site_id == site_id, Operator.site_id.is_(None)))
                .order_by(Operator.id)
            ).all()
            return [dict(zip(PULLED_OPERATOR_COLUMNS, row, strict=True)) for row in rows]

        return self._central.read(work)

    @staticmethod
    def _operator(session: Session, operator_id: str) -> Operator:
        operator = session.get(Operator, operator_id)
        if operator is None:
            raise NotFoundError(f"no operator {operator_id}", code="operator.not_found")
        return operator
