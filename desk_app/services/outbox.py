"""The outbox: every state change of a counter bound to a central database, as an event.

The event is written by the service that makes the change, in the same transaction, so a change
can never be committed without its event (or the other way round), whatever crashes when. The
syncer (desk_app.sync) pushes events in ``sequence`` order; the central side applies each one at
most once, keyed by ``event_id``.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.sync_events import EVENT_FORMAT, Attachment, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.persistence.models import (
    AuditEntry,
    Candidate,
    FaceTemplate,
    Operator,
    OutboxEvent,
    Photo,
    Transition,
)


def record_transition(
    session: Session,
    *,
    candidate: Candidate,
    transition: Transition,
    operator: Operator,
    audit_entry: AuditEntry,
    ticket_series: str | None,
    ticket_kind: TicketStatus | None,
) -> OutboxEvent:
    """Add the event describing ``transition`` to the caller's transaction."""
    event_id = str(uuid.uuid4())
    payload: TransitionEvent = {
        "format": EVENT_FORMAT,
        "event_id": event_id,
        "kind": "transition",
        "registration_id": candidate.registration_id,
        "action": transition.action,
        "from_state": transition.from_state,
        "to_state": transition.to_state,
        "operator": {
            "id": operator.id,
            "role": operator.role,
            "display_name": operator.display_name,
            "tutoring_unit": operator.tutoring_unit,
        },
        "occurred_at": transition.occurred_at.isoformat(),
        "site_id": transition.site_id,
        "counter_id": transition.counter_id,
        "method": transition.method,
        "reason_code": transition.reason_code,
        "visit_reason": transition.visit_reason,
        "note": transition.note,
        "evidence": transition.evidence,
        "scores": transition.scores,
        "approved_by": transition.approved_by,
        "ticket_number": transition.ticket_number,
        "ticket_series": ticket_series,
        "ticket_kind": ticket_kind,
        "audit": {"sequence": audit_entry.sequence, "entry_hash": audit_entry.entry_hash},
        "attachments": _attachments(session, transition.evidence),
    }
    event = OutboxEvent(
        event_id=event_id, registration_id=candidate.registration_id, payload=dict(payload)
    )
    session.add(event)
    return event


def _attachments(session: Session, evidence: dict[str, Any]) -> list[Attachment]:
    """The live photo kept as evidence and its templates: they travel with the event, since
    the central side keeps the evidence of every decision it accepts."""
    photo_id = evidence.get("live_photo")
    if not isinstance(photo_id, int):
        return []
    photo = session.get(Photo, photo_id)
    if photo is None:
        return []
    templates = session.execute(
        select(FaceTemplate).where(FaceTemplate.photo_id == photo.id).order_by(FaceTemplate.id)
    ).scalars()
    return [
        {
            "role": "live_photo",
            "purpose": photo.purpose,
            "media_type": photo.media_type,
            "sha256": photo.sha256,
            "data": base64.b64encode(photo.data).decode("ascii"),
            "templates": [
                {
                    "engine": template.engine,
                    "model_version": template.model_version,
                    "dimensions": template.dimensions,
                    "vector": base64.b64encode(template.vector).decode("ascii"),
                }
                for template in templates
            ],
        }
    ]


def without_attachment_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its attachments reduced to what identifies them (purpose, media type,
    checksum): once the centre has accepted an event it holds the picture, and the counter's
    outbox keeps no second copy of a face (the live photo itself stays in ``photos`` until the
    retention purge)."""
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return payload
    return {
        **payload,
        "attachments": [
            {key: value for key, value in item.items() if key not in ("data", "templates")}
            for item in attachments
            if isinstance(item, dict)
        ],
    }
