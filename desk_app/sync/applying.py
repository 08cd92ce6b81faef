"""Applying a batch of a counter's events to the central database, in the transaction the
store opens (``CentralDatabase.apply_events``): read everything the batch touches, have it
judged (``sync.judge``), write what the accepted events changed, answer each event.

Applied at most once: an event already answered gets its stored answer and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import logging
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, false, insert, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.sync_events import EventOutcome, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.domain.workflow import Action
from desk_app.persistence.models import (
    BlocklistEntry,
    Candidate,
    CentralCounter,
    CentralEvent,
    FaceTemplate,
    Operator,
    Photo,
    TicketBlock,
    TicketNumber,
    Transition,
    utc_now,
)
from desk_app.persistence.sealing import blocked_vector, photo_label, sealed, template_label
from desk_app.security import audit
from desk_app.services.blocklist import normalised_number
from desk_app.sync.confirmed_faces import CONFIRMED_FACES, ConfirmedFaces
from desk_app.sync.judge import Batch, face_limits, judge, liveness_overrider, logged_payload
from desk_app.sync.protocol import (
    PULLED_COLUMNS,
    AuditHeldError,
    CounterScope,
    EventAnswer,
    json_value,
)

log = logging.getLogger(__name__)


def is_connection_error(error: BaseException) -> bool:
    """A broken or refused connection, as opposed to a refused statement."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def describe_failure(error: BaseException) -> str:
    """What a log may say of an unexpected failure: its kind, where it was raised and, for a
    database error, the SQLSTATE; never its text, which can echo the statement's values
    (candidates' names, numbers)."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None)
    text = type(original or error).__name__ + (f" (SQLSTATE {state})" if state else "")
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        text += f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}"
    return text


def registered_scope(session: Session, counter_id: str) -> CounterScope:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
    return CounterScope.parse(counter.exam_areas, counter.tutoring_unit)


def scope_condition(scope: CounterScope) -> ColumnElement[bool]:
    if scope.tutoring_unit:
        return Candidate.tutoring_unit == scope.tutoring_unit
    if scope.exam_areas:
        return Candidate.exam_area.in_(scope.exam_areas)
    return false()


# --- applying events ------------------------------------------------------------------------
#
# A batch is judged in memory after one locking read of everything it touches (its candidates
# FOR UPDATE, their operators, the counter's blocks, the ticket numbers it names), then written
# with one statement per table. Judging event by event against the state as earlier events of
# the batch left it gives the same answers as applying them one at a time. Should a write still
# fail (a constraint the judgement missed, a value too long for a column), the batch is undone
# and applied again one event per savepoint, so that the one bad event is answered "error" and
# the others go through.


_CANDIDATES = Candidate.__table__
_STATE_COLUMNS = ("state", "state_changed_at", "version", "ticket_number")


def apply_batch(
    session: Session,
    counter_id: str,
    events: Sequence[TransitionEvent],
) -> list[EventAnswer]:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
    hold_if_flagged(counter)
    scope = CounterScope.parse(counter.exam_areas, counter.tutoring_unit)
    event_ids = [str(event.get("event_id", "")) for event in events]
    stored = {
        row.event_id: row
        for row in session.execute(
            select(CentralEvent).where(CentralEvent.event_id.in_(event_ids))
        ).scalars()
    }
    fresh: dict[str, TransitionEvent] = {}
    for event_id, event in zip(event_ids, events, strict=True):
        if event_id not in stored and event_id not in fresh:
            fresh[event_id] = event
    answers: dict[str, EventAnswer] = {}
    if fresh:
        try:
            with session.begin_nested():
                answers.update(_apply_together(session, counter, scope, list(fresh.values())))
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise
            log.warning("batch of %s failed as a whole; one event at a time", counter_id)
            answers.update(_apply_one_by_one(session, counter, scope, list(fresh.values())))
    if stored:
        # The stored answer, with the candidate as it is now: the counter takes this version
        # once the event is settled, and an older one could undo a later change.
        versions = _snapshots(session, {row.registration_id for row in stored.values()})
        for event_id, row in stored.items():
            answers[event_id] = EventAnswer(
                event_id,
                EventOutcome(row.outcome),
                row.reason_code,
                row.message,
                versions.get(row.registration_id),
            )
    counter.last_seen_at = utc_now()
    return [answers[event_id] for event_id in event_ids]


def _apply_one_by_one(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> dict[str, EventAnswer]:
    answers: dict[str, EventAnswer] = {}
    failed: set[str] = set()
    for event in events:
        event_id = str(event.get("event_id", ""))
        registration_id = str(event.get("registration_id", ""))
        if registration_id in failed:
            answers[event_id] = EventAnswer(event_id, EventOutcome.DEFERRED, "sync.deferred")
            continue
        try:
            with session.begin_nested():
                answers.update(_apply_together(session, counter, scope, [event]))
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise
            log.warning("event %s could not be applied: %s", event_id, describe_failure(error))
            detail = str(getattr(error, "orig", None) or error)[:500]
            answers[event_id] = EventAnswer(
                event_id, EventOutcome.ERROR, "sync.apply_failed", detail
            )
            failed.add(registration_id)
    return answers


def _apply_together(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> dict[str, EventAnswer]:
    batch = _read_batch(session, counter, scope, events)
    verdicts: dict[str, tuple[EventOutcome, str | None, str]] = {}  # (outcome, code, message)
    failed: set[str] = set()
    for event in events:
        event_id = str(event.get("event_id", ""))
        registration_id = str(event.get("registration_id", ""))
        if registration_id in failed:
            verdicts[event_id] = (EventOutcome.DEFERRED, "sync.deferred", "")
            continue
        try:
            judge(batch, event)
        except DeskError as refusal:
            verdicts[event_id] = (EventOutcome.REJECTED, refusal.code, refusal.message)
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # a malformed event
            verdicts[event_id] = (EventOutcome.ERROR, "sync.malformed_event", repr(error)[:500])
            failed.add(registration_id)
        else:
            verdicts[event_id] = (EventOutcome.ACCEPTED, None, "")
    _write_batch(session, batch)
    versions = _snapshots(session, {str(e.get("registration_id", "")) for e in events})
    answers: dict[str, EventAnswer] = {}
    log_rows: list[dict[str, Any]] = []
    for event in events:
        event_id = str(event.get("event_id", ""))
        outcome, code, message = verdicts[event_id]
        version = versions.get(str(event.get("registration_id", "")))
        answers[event_id] = EventAnswer(event_id, outcome, code, message, version)
        if outcome.final:
            log_rows.append(
                {
                    "event_id": event_id,
                    "counter_id": counter.id,
                    "counter_sequence": int(event.get("sequence", 0)),
                    "registration_id": str(event.get("registration_id", ""))[:40],
                    "payload": logged_payload(event),
                    "outcome": outcome,
                    "reason_code": code,
                    "message": message,
                    "central_version": version or {},
                    "received_at": utc_now(),
                }
            )
    if log_rows:
        session.execute(insert(CentralEvent), log_rows)
    return answers


def _read_batch(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> Batch:
    registration_ids = {str(e.get("registration_id", "")) for e in events}
    candidates = {
        row["registration_id"]: dict(row)
        for row in session.execute(
            select(_CANDIDATES)
            .where(_CANDIDATES.c.registration_id.in_(registration_ids))
            .order_by(_CANDIDATES.c.id)  # one lock order for every transaction
            .with_for_update()
        ).mappings()
    }
    operator_ids = {
        str(e["operator"].get("id", "")) for e in events if isinstance(e.get("operator"), dict)
    } | {overrider for e in events if (overrider := liveness_overrider(e)) is not None}
    operators = {
        operator_id: (role, active, unit)
        for operator_id, role, active, unit in session.execute(
            select(Operator.id, Operator.role, Operator.active, Operator.tutoring_unit).where(
                Operator.id.in_(operator_ids)
            )
        ).all()
    }
    blocks = [
        (block_id, series, first, last)
        for block_id, series, first, last in session.execute(
            select(
                TicketBlock.id,
                TicketBlock.series,
                TicketBlock.first_sequence,
                TicketBlock.last_sequence,
            ).where(TicketBlock.counter_id == counter.id)
        ).all()
    ]
    named = {str(e.get("ticket_number")) for e in events if e.get("ticket_number")}
    named |= {str(c["ticket_number"]) for c in candidates.values() if c["ticket_number"]}
    numbers = {
        number: (candidate_id, status)
        for number, candidate_id, status in session.execute(
            select(TicketNumber.number, TicketNumber.candidate_id, TicketNumber.status).where(
                TicketNumber.number.in_(named)
            )
        ).all()
    }
    referrers: dict[int, str] = {}
    approved = [
        candidates[r]["id"]
        for e in events
        if e.get("action") == Action.APPROVE.value and (r := e.get("registration_id")) in candidates
    ]
    if approved:
        for candidate_id, operator_id in session.execute(
            select(Transition.candidate_id, Transition.operator_id)
            .where(Transition.candidate_id.in_(approved), Transition.action == "refer")
            .order_by(Transition.id)
        ).all():
            referrers[candidate_id] = operator_id
    batch = Batch(counter.id, scope, candidates, operators, blocks, numbers, referrers)
    confirming = [e for e in events if e.get("action") == Action.CONFIRM.value]
    _read_blocklist(session, batch, confirming=bool(confirming))
    _read_same_faces(session, batch, confirming)
    return batch


def _read_same_faces(session: Session, batch: Batch, confirming: list[TransitionEvent]) -> None:
    """For each confirmation, another confirmed candidate with its live face, if any (a
    malformed attachment is left to the judge, which refuses it)."""
    faces: ConfirmedFaces | None = session.info.get(CONFIRMED_FACES)
    if faces is None or not confirming:
        return
    faces.catch_up(session)
    limits = face_limits()
    for event in confirming:
        candidate = batch.candidates.get(str(event.get("registration_id", "")))
        if candidate is None:
            continue
        for attachment in event.get("attachments") or []:
            if not isinstance(attachment, dict) or attachment.get("purpose") != "live":
                continue
            for template in attachment.get("templates") or []:
                try:
                    engine, model_version = str(template["engine"]), str(template["model_version"])
                    vector = base64.b64decode(template["vector"], validate=True)
                except (KeyError, TypeError, ValueError, binascii.Error):
                    continue
                limit = limits.get(engine)
                if limit is None:
                    continue
                found = faces.same_face(
                    session, candidate["id"], engine, model_version, vector, limit.same_person
                )
                if found is not None:
                    batch.same_faces[str(event.get("event_id"))] = found


def _read_blocklist(session: Session, batch: Batch, *, confirming: bool) -> None:
    if not confirming:
        return
    in_force = (BlocklistEntry.removed_at.is_(None),)
    wanted = {normalised_number(str(c["document_number"])) for c in batch.candidates.values()}
    batch.blocked_numbers = {
        str(number): uid
        for uid, number in session.execute(
            select(BlocklistEntry.uid, BlocklistEntry.document_number).where(
                BlocklistEntry.kind == "id_number",
                BlocklistEntry.document_number.in_(wanted),
                *in_force,
            )
        ).all()
    }
    for entry in session.execute(
        select(BlocklistEntry).where(BlocklistEntry.kind == "face", *in_force)
    ).scalars():
        vector = blocked_vector(session, entry)
        if vector is not None:
            batch.blocked_faces.append(
                (entry.uid, entry.engine or "", entry.model_version or "", vector)
            )


def _write_batch(session: Session, batch: Batch) -> None:
    """One statement per table for everything the accepted events of the batch changed."""
    if batch.changed:
        rows = [batch.candidates[r] for r in sorted(batch.changed)]
        session.execute(
            update(Candidate),
            [{"id": row["id"], **{name: row[name] for name in _STATE_COLUMNS}} for row in rows],
        )
    if batch.new_numbers:
        session.execute(insert(TicketNumber), batch.new_numbers)
    if batch.retired_numbers:
        session.execute(
            update(TicketNumber)
            .where(TicketNumber.number.in_(batch.retired_numbers))
            .values(status=TicketStatus.RETIRED, retired_at=utc_now())
        )
    if batch.photos:
        # One statement for the photos, their ids back in the same order, one for templates.
        photo_ids = (
            session.execute(
                insert(Photo).returning(Photo.id, sort_by_parameter_order=True),
                [
                    {**photo, "data": sealed(session, photo["data"], photo_label(photo["sha256"]))}
                    for _, _, photo, _ in batch.photos
                ],
            )
            .scalars()
            .all()
        )
        template_rows = []
        for (transition_index, candidate_id, _, templates), photo_id in zip(
            batch.photos, photo_ids, strict=True
        ):
            template_rows += [
                {
                    **row,
                    "vector": sealed(
                        session, row["vector"], template_label(row["engine"], row["model_version"])
                    ),
                    "photo_id": photo_id,
                    "candidate_id": candidate_id,
                }
                for row in templates
            ]
            evidence = batch.transitions[transition_index]["evidence"]
            evidence["counter_live_photo"] = evidence.get("live_photo")
            evidence["live_photo"] = photo_id
        if template_rows:
            session.execute(insert(FaceTemplate), template_rows)
    if batch.transitions:
        session.execute(insert(Transition), batch.transitions)
    audit.append_many(session, batch.audit_entries)


def _snapshots(session: Session, registration_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The candidates as they are now, as JSON-ready values (change numbers included)."""
    columns = [_CANDIDATES.c[name] for name in PULLED_COLUMNS]
    rows = session.execute(
        select(*columns).where(_CANDIDATES.c.registration_id.in_(registration_ids))
    ).mappings()
    return {
        row["registration_id"]: {name: json_value(row[name]) for name in PULLED_COLUMNS}
        for row in rows
    }


def hold_if_flagged(counter: CentralCounter) -> None:
    """A counter whose audit history was found rewritten is held until an administrator clears
    it (``sync.counter_audit``): none of its events is applied meanwhile."""
    if counter.audit_problem:
        raise AuditHeldError(
            f"counter {counter.id} is held: {counter.audit_problem}; an administrator must look "
            "and clear it"
        )
