"""Who looked at whose personal data: searches and views audited, unmasking only for entitled
roles, with a written reason, and audited (who, when, why)."""

from __future__ import annotations

from typing import Any

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.masking import mask_query
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Operator
from desk_app.security import audit

# Full ID and phone numbers: supervisors (who review referred cases) and administrators.
UNMASK_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
EXPORT_UNMASK_ROLES = frozenset({Role.ADMINISTRATOR})


def record_access(
    database: Database, actor: str, action: str, subject: str, **details: Any
) -> None:
    """One audit entry for a search (``candidate.search``) or a view (``candidate.view``)."""
    with database.unit_of_work() as uow:
        audit.append(uow.session, actor=actor, action=action, subject=subject, details=details)
        uow.commit()


def record_search(database: Database, actor: str, text: str, results: int) -> None:
    """A search, kept with its text masked (a searched ID number is personal data too)."""
    record_access(database, actor, "candidate.search", mask_query(text)[:100], results=results)


def authorise_unmask(
    database: Database,
    operator_id: str,
    *,
    subject: str,
    reason: str,
    what: str = "candidate",
    roles: frozenset[Role] = UNMASK_ROLES,
) -> None:
    """Allow one unmasking by ``operator_id`` (an active operator of an entitled role, with a
    reason), recorded in the audit chain; PermissionDeniedError or DeskError otherwise."""
    if not reason.strip():
        raise DeskError("say why the full numbers are needed", code="access.reason_required")
    with database.unit_of_work() as uow:
        operator = uow.session.get(Operator, operator_id)
        allowed = operator is not None and operator.active and Role(operator.role) in roles
        audit.append(
            uow.session,
            actor=operator_id,
            action="personal_data.unmask" if allowed else "personal_data.unmask_refused",
            subject=subject[:100],
            details={"what": what, "reason": reason.strip()[:500]},
        )
        uow.commit()
    if not allowed:
        raise PermissionDeniedError(
            "this operator may not see full ID and phone numbers", code="permission.role"
        )
