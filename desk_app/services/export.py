"""Exporting confirmations for upload to the candidate platform."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from desk_app.domain.masking import mask_document_number, mask_name
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Action, CandidateState
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Transition
from desk_app.roster import write_table
from desk_app.security import audit
from desk_app.services.access import EXPORT_UNMASK_ROLES, authorise_unmask

EXPORT_HEADER = (
    "registration_id",
    "name",
    "document_type",
    "document_number",
    "exam_area",
    "programme_code",
    "programme_name",
    "tutoring_unit",
    "kind",
    "ticket_number",
    "confirmed_at",
    "site_id",
    "counter_id",
    "method",
    "operator_id",
)


def export_confirmed(
    database: Database,
    since: date,
    out: Path,
    *,
    operator_id: str = "system",
    full: bool = False,
    reason: str = "",
) -> int:
    """Write every record confirmed on or after ``since`` (China time) and still confirmed.

    Names and ID numbers are masked unless ``full``, which only an administrator may ask for, with a
    reason (audited). The file is readable by its owner only."""
    if full:
        authorise_unmask(
            database,
            operator_id,
            subject=out.name,
            reason=reason,
            what="export",
            roles=EXPORT_UNMASK_ROLES,
        )

    def shown(value: str, mask: Callable[[str], str]) -> str:
        return value if full else mask(value)

    start = datetime.combine(since, time.min, tzinfo=CHINA_TIME)
    confirming = (Action.CONFIRM.value, Action.APPROVE.value)
    with database.unit_of_work() as uow:
        query = (
            select(Candidate, Transition)
            .join(Transition, Transition.candidate_id == Candidate.id)
            .where(
                Candidate.state == CandidateState.CONFIRMED.value,
                Transition.action.in_(confirming),
                Transition.to_state == CandidateState.CONFIRMED.value,
                Transition.occurred_at >= start,
            )
            .order_by(Transition.occurred_at, Transition.id)
        )
        rows = [
            (
                candidate.registration_id,
                shown(candidate.name, mask_name),
                candidate.document_type,
                shown(candidate.document_number, mask_document_number),
                candidate.exam_area,
                candidate.programme_code,
                candidate.programme_name,
                candidate.tutoring_unit or "",
                candidate.kind,
                candidate.ticket_number or "",
                transition.occurred_at.astimezone(CHINA_TIME).isoformat(timespec="seconds"),
                transition.site_id,
                transition.counter_id,
                transition.method,
                transition.operator_id,
            )
            for candidate, transition in uow.session.execute(query)
        ]
        count = write_table(out, EXPORT_HEADER, rows)
        audit.append(
            uow.session,
            actor=operator_id,
            action="export.confirmed",
            subject=out.name,
            details={"since": since.isoformat(), "rows": count, "full": full},
        )
        uow.commit()
    return count
