"""The events a counter sends the central side, and the central side's answers: one definition
for both ends of the sync.

An event is JSON at rest (the counter's outbox, the central event log) and on the wire, so its
types are ``TypedDict``s: they type the plain dictionaries both ends already hold, with no
conversion step and no dependency. They describe what an honest counter writes; they prove
nothing about what arrives. The central side treats every event as untrusted and judges it
field by field (a malformed one is answered ``error`` with ``sync.malformed_event``).
"""

from __future__ import annotations

import enum
from typing import Literal, NotRequired, TypedDict

EVENT_FORMAT = 1


class EventOutcome(enum.StrEnum):
    """The central answer to one event.

    ``accepted`` and ``rejected`` are final (stored, and given again for a replay); ``error`` means
    the event could not be applied for an unexpected reason and may be retried; ``deferred`` means
    an earlier event of the same candidate in the batch failed, so this one was not tried.
    """

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ERROR = "error"
    DEFERRED = "deferred"

    @property
    def final(self) -> bool:
        return self in (EventOutcome.ACCEPTED, EventOutcome.REJECTED)


class OutboxStatus(enum.StrEnum):
    """Where an event stands in the counter's outbox."""

    PENDING = "pending"  # not answered yet, or answered with a retryable error
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # the central side refused it: a conflict for the supervisor
    PARKED = "parked"  # failed too often for no rule's reason: kept aside for a person


UNACCEPTED = (OutboxStatus.PENDING, OutboxStatus.PARKED)


class OperatorClaim(TypedDict):
    """The operator as the counter knows them (the central side checks it against its own)."""

    id: str
    role: str
    display_name: str
    tutoring_unit: str | None


class AuditReference(TypedDict):
    sequence: int
    entry_hash: str


class TemplatePayload(TypedDict):
    engine: str
    model_version: str
    dimensions: int
    vector: str  # base64 of the float32 vector


class Attachment(TypedDict):
    """A picture kept as evidence of a decision (today the live photo) with its templates."""

    role: Literal["live_photo"]
    purpose: str
    media_type: str
    sha256: str
    data: str  # base64
    templates: list[TemplatePayload]


class TransitionEvent(TypedDict):
    """One decision made at a counter: a state change of one candidate's record."""

    format: int
    event_id: str
    kind: Literal["transition"]
    registration_id: str
    action: str  # an Action value
    from_state: str  # CandidateState values
    to_state: str
    operator: OperatorClaim
    occurred_at: str  # ISO 8601 with offset
    site_id: str
    counter_id: str
    method: str  # a Method value
    reason_code: str | None
    note: str
    evidence: dict[str, object]
    scores: dict[str, object]
    approved_by: str | None
    ticket_number: str | None
    ticket_series: str | None
    ticket_kind: str | None  # a TicketStatus value: issued (from a leased block) or kept
    audit: AuditReference
    attachments: list[Attachment]
    sequence: NotRequired[int]  # the outbox position, added when the event is pushed
    # Why the candidate came (a VisitReason value); absent from older counters' events.
    visit_reason: NotRequired[str | None]
