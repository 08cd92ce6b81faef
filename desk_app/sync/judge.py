"""The central side's judgement of a counter's events: pure functions over what a batch read.

A batch is judged in memory after one locking read of everything it touches (its candidates,
their operators, the counter's blocks, the ticket numbers it names: ``Batch``). Each event is
checked against the state the earlier events of the batch left, with the one decision rule of
``domain.decisions`` and the central side's own records, never the counter's word; an accepted
event records its effects in the batch, which the store then writes. Nothing here touches the
database, so every rule can be tested without one.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np

from desk_app.config import Settings
from desk_app.domain.decisions import (
    FACES_COMPARED_KEY,
    Actor,
    Case,
    RecordedEvidence,
    check_decision,
    check_recorded_evidence,
    check_scope,
    face_result_from_record,
)
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import PermissionDeniedError
from desk_app.domain.image_limits import image_size
from desk_app.domain.liveness import LivenessEvidence, check_liveness
from desk_app.domain.sync_events import Attachment, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.domain.visits import VisitReason, check_visit_evidence
from desk_app.domain.workflow import Action, CandidateState, Method, ReasonCode, Role
from desk_app.persistence.models import utc_now
from desk_app.security import audit
from desk_app.services.blocklist import nearest_blocked_face, normalised_number
from desk_app.services.outbox import without_attachment_data
from desk_app.sync.confirmed_faces import SameFace
from desk_app.sync.protocol import CounterScope, RefusedEventError
from desk_app.vision.engines import ENGINES

MAX_ATTACHMENTS = 4
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024  # a live JPEG is tens of KB
MAX_ATTACHMENT_PIXELS = 4096 * 4096  # a webcam frame is at most a few megapixels
_MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class Batch:
    """What a batch reads once, and what its accepted events will write."""

    counter_id: str
    scope: CounterScope
    candidates: dict[str, dict[str, Any]]  # registration id -> row, as accepted events leave it
    operators: dict[str, tuple[str, bool, str | None]]  # id -> (role, active, tutoring unit)
    blocks: list[tuple[int, str, int, int]]  # id, series, first, last
    numbers: dict[str, tuple[int, str]]  # ticket number -> (candidate id, status)
    referrers: dict[int, str]  # candidate id -> operator of its latest referral
    changed: set[str] = field(default_factory=set)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    new_numbers: list[dict[str, Any]] = field(default_factory=list)
    retired_numbers: list[str] = field(default_factory=list)
    audit_entries: list[audit.PendingEntry] = field(default_factory=list)
    # (index in transitions, candidate id, photo row, template rows) of accepted events
    photos: list[tuple[int, int, dict[str, Any], list[dict[str, Any]]]] = field(
        default_factory=list
    )
    # The central blocklist: ID numbers (normalised, of the batch's candidates) -> entry uid,
    # and (uid, engine, model version, plain vector) of the blocked faces (read when the batch
    # confirms anyone).
    blocked_numbers: dict[str, str] = field(default_factory=dict)
    blocked_faces: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    # event id -> another confirmed candidate with the confirmation's live face (read with the
    # batch: ``sync.confirmed_faces``).
    same_faces: dict[str, SameFace] = field(default_factory=dict)
    # (registration id, engine, model version, plain vector) of the live templates of the
    # confirmations this batch has accepted so far: the central index holds only what was
    # stored before the batch.
    confirmed_faces: list[tuple[str, str, str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class FaceLimit:
    """How the central side compares a live template with a blocked face of one engine."""

    metric: str
    same_person: float


@cache
def face_limits() -> dict[str, FaceLimit]:
    """Per engine: a face within the engine's shipped live-e-photo pass limit is the same
    person (the limit of a counter's own duplicate and blocklist checks)."""
    settings = Settings()
    return {
        name: FaceLimit(engine.metric, settings.thresholds_for(name).live_ephoto.passing)
        for name, engine in ENGINES.items()
    }


def check_not_blocked(batch: Batch, case: Case, templates: list[dict[str, Any]]) -> None:
    """A confirmation of a number or a face on the central blocklist is refused: the counter
    that made it (whose copy of the list was late, or ignored) must refer the case."""
    if normalised_number(case.document_number) in batch.blocked_numbers:
        raise RefusedEventError(
            f"{case.registration_id}: the ID number is on the blocklist; refer the case",
            code="blocklist.hit",
        )
    if _same_person(templates, batch.blocked_faces) is not None:
        raise RefusedEventError(
            f"{case.registration_id}: the live face is on the blocklist; refer the case",
            code="blocklist.hit",
        )


def check_not_confirmed_in_batch(batch: Batch, case: Case, templates: list[dict[str, Any]]) -> None:
    """A confirmation whose live face this batch has already confirmed for another candidate is
    refused: one stand-in sitting for two candidates, pushed together."""
    others = [face for face in batch.confirmed_faces if face[0] != case.registration_id]
    hit = _same_person(templates, others)
    if hit is not None:
        registration_id, distance = hit
        raise RefusedEventError(
            f"{case.registration_id}: the live face is that of {registration_id}, confirmed in "
            f"the same batch (distance {distance:.3f}); refer the case",
            code="face.same_as_confirmed",
        )


def _same_person(
    templates: list[dict[str, Any]], faces: list[tuple[str, str, str, bytes]]
) -> tuple[str, float] | None:
    """The (key, distance) of a face of ``faces`` (key, engine, model version, plain vector)
    that is the same person as one of the live ``templates``, by its engine's limit."""
    for template in templates:
        limit = face_limits().get(template["engine"])
        vector = template["vector"]
        same_kind = [
            (key, face)
            for key, engine, model_version, face in faces
            if (engine, model_version) == (template["engine"], template["model_version"])
            and len(face) == len(vector)
        ]
        if limit is None or not same_kind:
            continue
        live = np.frombuffer(vector, dtype="<f4")
        hit = nearest_blocked_face(same_kind, live, limit.metric, limit.same_person)
        if hit is not None:
            return hit
    return None


def liveness_overrider(event: Any) -> str | None:
    """The supervisor an event says accepted a failed liveness challenge, if any (the batch reads
    their role centrally)."""
    evidence = event.get("evidence") if isinstance(event, dict) else None
    record = LivenessEvidence.from_record(
        evidence.get("liveness") if isinstance(evidence, dict) else None
    )
    return record.overridden_by if record is not None else None


def _overrider_role(batch: Batch, event: TransitionEvent) -> Role | None:
    overrider = liveness_overrider(event)
    known = batch.operators.get(overrider) if overrider is not None else None
    if known is None:
        return None
    role, active, _unit = known
    return Role(role) if active else None


def judge(batch: Batch, event: TransitionEvent) -> None:
    """Check one event against the state the batch has reached; record its effects if legal.

    Raises a DeskError naming the rule it breaks (nothing of the event is recorded then).
    """
    if event["kind"] != "transition":
        raise RefusedEventError(f"unknown event kind {event['kind']!r}", code="sync.unknown_event")
    counter_id = batch.counter_id
    if event["counter_id"] != counter_id:
        raise RefusedEventError(
            f"an event of counter {event['counter_id']} pushed by {counter_id}",
            code="sync.wrong_counter",
        )
    registration_id = str(event["registration_id"])
    candidate = batch.candidates.get(registration_id)
    if candidate is None:
        raise RefusedEventError(
            f"no pre-registration {registration_id!r} centrally", code="candidate.not_found"
        )
    claimed = event["operator"]
    operator_id = str(claimed["id"])
    known = batch.operators.get(operator_id)
    if known is None:
        # Operators are created centrally; a counter cannot bring one of its own.
        raise PermissionDeniedError(
            f"operator {operator_id} is not known centrally", code="permission.unknown_operator"
        )
    role, active, unit = known
    if claimed.get("role") != role or (claimed.get("tutoring_unit") or None) != unit:
        raise PermissionDeniedError(
            f"operator {operator_id} is {role} centrally, not what the counter claims",
            code="permission.operator_mismatch",
        )
    actor = Actor(operator_id, Role(role), unit, active)
    action = Action(event["action"])
    case = Case(
        registration_id=registration_id,
        state=CandidateState(candidate["state"]),
        document_type=DocumentType(candidate["document_type"]),
        exam_area=candidate["exam_area"],
        tutoring_unit=candidate["tutoring_unit"],
        document_number=candidate["document_number"],
        referred_by=batch.referrers.get(candidate["id"]) if action is Action.APPROVE else None,
    )
    scope = batch.scope.as_rule_scope()
    # Scope first: a record outside it says nothing of its central state (check_decision
    # repeats the check, a few comparisons).
    check_scope(case, actor, scope)
    if case.state.value != event["from_state"]:
        raise RefusedEventError(
            f"{registration_id} is {case.state.value} centrally, not {event['from_state']}: "
            "decided elsewhere first",
            code="sync.conflict",
        )
    reason_code = event.get("reason_code")
    reason = ReasonCode(reason_code) if reason_code else None
    target = check_decision(action, case, actor, scope, reason=reason)
    if target.value != event["to_state"]:
        raise RefusedEventError(
            f"{action.value} leads to {target.value}, not {event['to_state']}",
            code="sync.bad_event",
        )
    visit_reason = visit_reason_of(event)
    check_visit_evidence(action.value, event.get("evidence") or {})
    attachments = event.get("attachments", [])
    if not isinstance(attachments, list) or len(attachments) > MAX_ATTACHMENTS:
        raise RefusedEventError("an event carries too many attachments", code="sync.bad_attachment")
    photos = [attachment_rows(candidate["id"], item) for item in attachments]
    evidence = event.get("evidence") or {}
    live = [photo for photo, _ in photos if photo["purpose"] == "live"]
    check_recorded_evidence(
        action,
        RecordedEvidence(
            live_photo_sha256=live[0]["sha256"] if live and evidence.get("live_photo") else None,
            face=face_result_from_record(event.get("scores") or {}),
            card_photo_checked_by_eye=bool(evidence.get("card_photo_checked_by_eye")),
            faces_compared=evidence.get(FACES_COMPARED_KEY) is True,
        ),
    )
    check_liveness(
        action,
        LivenessEvidence.from_record(evidence.get("liveness")),
        # The counter's word on its method only ever makes the rule stricter: a tutoring unit's
        # station is known by its enrolled scope, its staff by their role here.
        method=(
            Method.TUTORING_UNIT
            if scope.tutoring_unit or event["method"] == Method.TUTORING_UNIT
            else Method.COUNTER
        ),
        role=actor.role,
        # Whether a counter's administrator turned the check off is the counter's setting;
        # centrally it is required where it always is: for tutoring units.
        at_counters=False,
        overrider_role=_overrider_role(batch, event),
    )
    live_templates = [t for photo, ts in photos if photo["purpose"] == "live" for t in ts]
    if action is Action.CONFIRM:
        check_not_blocked(batch, case, live_templates)
        same = batch.same_faces.get(str(event["event_id"]))
        if same is not None:
            raise RefusedEventError(
                f"{registration_id}: the live face is that of {same.registration_id}, already "
                f"confirmed (distance {same.distance:.3f}); refer the case",
                code="face.same_as_confirmed",
            )
        check_not_confirmed_in_batch(batch, case, live_templates)
    ticket, new_number, retired = ticket_effect(batch, candidate, action, event)
    occurred_at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
    site_id, method = str(event["site_id"]), str(event["method"])

    # Every check passed: record the effects.
    if new_number is not None:
        batch.new_numbers.append(new_number)
        batch.numbers[new_number["number"]] = (candidate["id"], new_number["status"])
    if retired is not None:
        batch.retired_numbers.append(retired)
        batch.numbers[retired] = (candidate["id"], TicketStatus.RETIRED)
    if action is Action.REFER:
        batch.referrers[candidate["id"]] = operator_id
    if action is Action.CONFIRM:
        batch.confirmed_faces.extend(
            (registration_id, t["engine"], t["model_version"], t["vector"]) for t in live_templates
        )
    elif target is not CandidateState.CONFIRMED:  # revoked within the batch: no longer a hit
        batch.confirmed_faces = [f for f in batch.confirmed_faces if f[0] != registration_id]
    for photo, templates in photos:
        batch.photos.append((len(batch.transitions), candidate["id"], photo, templates))
    batch.transitions.append(
        {
            "candidate_id": candidate["id"],
            "action": action.value,
            "from_state": case.state.value,
            "to_state": target.value,
            "operator_id": operator_id,
            "operator_role": role,
            "occurred_at": occurred_at,
            "site_id": site_id,
            "counter_id": counter_id,
            "method": method,
            "reason_code": reason.value if reason else None,
            "visit_reason": visit_reason.value if visit_reason else None,
            "note": str(event.get("note", "")),
            "evidence": {**event.get("evidence", {}), "event_id": event["event_id"]},
            "scores": event.get("scores", {}),
            "approved_by": operator_id if action is Action.APPROVE else None,
            "ticket_number": ticket,
        }
    )
    candidate["state"] = target.value
    candidate["state_changed_at"] = occurred_at
    candidate["version"] += 1
    if ticket is not None:
        candidate["ticket_number"] = ticket
    batch.changed.add(registration_id)
    batch.audit_entries.append(
        audit.PendingEntry(
            actor=operator_id,
            action=f"candidate.{action.value}",
            subject=registration_id,
            details={
                "from": case.state.value,
                "to": target.value,
                "ticket_number": ticket,
                "site": site_id,
                "counter": counter_id,
                "event_id": event["event_id"],
                "counter_audit": event.get("audit", {}),
            },
        )
    )


def visit_reason_of(event: TransitionEvent) -> VisitReason | None:
    """The event's reason of visit, refused (``visit.unknown_reason``) unless it is one the
    product knows; absent (older counters) is accepted."""
    value = event.get("visit_reason")
    if value is None:
        return None
    if not isinstance(value, str) or value not in {member.value for member in VisitReason}:
        raise RefusedEventError(f"unknown reason of visit {value!r}", code="visit.unknown_reason")
    return VisitReason(value)


def ticket_effect(
    batch: Batch, candidate: dict[str, Any], action: Action, event: TransitionEvent
) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """(ticket number of the transition, ticket_numbers row to add, number to retire)."""
    if action is Action.REVOKE:
        own = candidate["ticket_number"]
        issued = own is not None and batch.numbers.get(own, (0, ""))[1] == TicketStatus.ISSUED
        return None, None, own if issued else None
    if action not in (Action.CONFIRM, Action.APPROVE):
        return None, None, None
    number = event.get("ticket_number")
    kind = event.get("ticket_kind")
    if not number or kind not in (TicketStatus.ISSUED, TicketStatus.KEPT):
        raise RefusedEventError("a confirmation without a ticket number", code="sync.bad_event")
    number = str(number)
    holder = batch.numbers.get(number)
    if kind == TicketStatus.KEPT:
        if number != candidate["ticket_number"]:
            raise RefusedEventError(
                f"kept ticket number {number} is not the candidate's {candidate['ticket_number']}",
                code="ticket.mismatch",
            )
        if holder is not None and holder[0] != candidate["id"]:
            raise RefusedEventError(
                f"ticket number {number} already belongs to another candidate",
                code="ticket.number_taken",
            )
        row = (
            None
            if holder is not None
            else number_row(number, candidate["id"], None, TicketStatus.KEPT)
        )
        return number, row, None
    block_id = leased_block(batch, str(event.get("ticket_series") or ""), number)
    if holder is not None:
        raise RefusedEventError(
            f"ticket number {number} is already taken", code="ticket.number_taken"
        )
    if candidate["ticket_number"]:
        raise RefusedEventError(
            f"{candidate['registration_id']} already holds ticket number "
            f"{candidate['ticket_number']}",
            code="ticket.mismatch",
        )
    return number, number_row(number, candidate["id"], block_id, TicketStatus.ISSUED), None


def attachment_rows(
    candidate_id: int, item: Attachment
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The photo and template rows of an attachment, refused if it is not what it claims.

    Nothing is decoded: the size is capped, the type is read from the magic bytes (never from
    the counter's word) and the pixel dimensions from the header, so no attached picture can
    cost the service more than its bytes. Only the counter's own live capture or card portrait
    may be attached: a registered e-photo comes from the central roster alone.
    """
    encoded = str(item["data"])
    if len(encoded) > 4 * MAX_ATTACHMENT_BYTES // 3 + 4:
        raise RefusedEventError("an attached photo is too large", code="sync.bad_attachment")
    data = base64.b64decode(encoded, validate=True)
    if hashlib.sha256(data).hexdigest() != item["sha256"]:
        raise RefusedEventError(
            "an attached photo does not match its checksum", code="sync.bad_attachment"
        )
    if item["purpose"] not in ("live", "card_portrait"):
        raise RefusedEventError(
            f"an attached photo of purpose {item['purpose']!r}", code="sync.bad_attachment"
        )
    header = image_size(data)  # type and size from the header, whatever the counter states
    if header is None or header[0] not in _MEDIA_TYPES:
        raise RefusedEventError(
            "an attachment is neither a JPEG nor a PNG picture", code="sync.bad_attachment"
        )
    picture_format, width, height = header
    if not 0 < width * height <= MAX_ATTACHMENT_PIXELS:
        raise RefusedEventError(
            f"an attached picture of {width}x{height} pixels is too large",
            code="sync.bad_attachment",
        )
    media_type = _MEDIA_TYPES[picture_format]
    photo = {
        "candidate_id": candidate_id,
        "purpose": item["purpose"],
        "media_type": media_type,
        "sha256": item["sha256"],
        "data": data,
        "created_at": utc_now(),
    }
    templates = []
    for template in item.get("templates", []):
        vector = base64.b64decode(template["vector"], validate=True)
        dimensions = int(template["dimensions"])
        if not 0 < dimensions <= 4096 or len(vector) != 4 * dimensions:
            raise RefusedEventError(
                "an attached template does not have its dimensions", code="sync.bad_attachment"
            )
        # Of an engine the service knows, at that engine's size: a template of another size
        # would be stored, yet no face check could compare it (the blocklist's, the same-face
        # one), so a counter could slip a stand-in past both.
        engine = ENGINES.get(str(template["engine"]))
        if engine is None or dimensions != engine.dimensions:
            raise RefusedEventError(
                f"an attached template of {dimensions} values is not one of a face engine the "
                "service knows",
                code="sync.bad_attachment",
            )
        templates.append(
            {
                "engine": str(template["engine"]),
                "model_version": str(template["model_version"]),
                "dimensions": dimensions,
                "vector": vector,
                "created_at": utc_now(),
            }
        )
    return photo, templates


def logged_payload(event: TransitionEvent) -> dict[str, Any]:
    """The event as the log keeps it: attachments by checksum (their bytes are in photos)."""
    return without_attachment_data(dict(event))


def number_row(number: str, candidate_id: int, block_id: int | None, status: str) -> dict[str, Any]:
    return {
        "number": number,
        "candidate_id": candidate_id,
        "block_id": block_id,
        "status": status,
        "issued_at": utc_now(),
        "retired_at": None,
    }


def leased_block(batch: Batch, series: str, number: str) -> int:
    """The id of the block leased to this counter that ``number`` was issued from."""
    prefix, _, suffix = series.partition("#")
    middle = number[len(prefix) : len(number) - len(suffix)]
    if not (number.startswith(prefix) and number.endswith(suffix) and middle.isdigit()):
        raise RefusedEventError(
            f"ticket number {number} is not of series {series}", code="ticket.not_leased"
        )
    sequence = int(middle)
    for block_id, block_series, first, last in batch.blocks:
        if block_series == series and first <= sequence <= last:
            return block_id
    raise RefusedEventError(
        f"ticket number {number} is not from a block leased to counter {batch.counter_id}",
        code="ticket.not_leased",
    )
