"""The central database's side of synchronisation: it is the authority, and checks every event.

Counters talk to the central PostgreSQL database directly; what makes it the authority is that
every rule is checked again here, in the transaction that applies the event, against the central
data: the transition must be legal from the central state, the candidate must be in the scope
the central database registered for that counter, and an issued ticket number must come from a
block the central database leased to that counter. The one thing taken from a counter is an
operator the central side has never seen (operators are created at counters): recorded as the
counter describes them, and judged by that central record from then on, so a counter cannot
promote a clerk later.

Every central write transaction starts by taking one advisory lock (``CENTRAL_WRITE_LOCK``, also
taken by the candidates' change-number trigger): writers commit one after the other, so change
numbers are handed out in commit order and no lock-order deadlock between candidate rows and the
lock is possible. Pushes are short batches, so the serialisation costs little.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    create_engine,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desk_app.domain.decisions import Actor, Case, Scope, check_decision, check_scope
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.sync_events import Attachment, EventOutcome, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.domain.workflow import Action, CandidateState, ReasonCode, Role
from desk_app.persistence.database import Database, upgrade_schema
from desk_app.persistence.models import (
    Candidate,
    CentralCounter,
    CentralEvent,
    FaceTemplate,
    Operator,
    Photo,
    Site,
    TicketBlock,
    TicketNumber,
    TicketSeries,
    Transition,
    utc_now,
)
from desk_app.security import audit

log = logging.getLogger(__name__)

CENTRAL_WRITE_LOCK = 7_212_027  # the same key as in migration 0002's trigger

# Columns a counter pulls: everything of the candidate but the central row id.
PULLED_COLUMNS = tuple(
    column.name for column in Candidate.__table__.columns if column.name not in ("id",)
)


class SyncError(DeskError):
    code = "sync.failed"


class CentralUnavailableError(SyncError):
    """The central database cannot be reached (or the connection broke): try again later."""

    code = "sync.offline"


def is_connection_error(error: BaseException) -> bool:
    """A broken or refused connection, as opposed to a refused statement."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@dataclass(frozen=True)
class CounterScope:
    """The candidates a counter serves: its exam areas, or its tutoring unit's candidates."""

    exam_areas: tuple[str, ...] = ()
    tutoring_unit: str | None = None

    def __post_init__(self) -> None:
        if bool(self.exam_areas) == bool(self.tutoring_unit):
            raise SyncError(
                "a counter serves either exam areas or one tutoring unit",
                code="sync.bad_scope",
            )

    @classmethod
    def parse(cls, exam_areas: str, tutoring_unit: str | None) -> CounterScope:
        areas = tuple(area.strip() for area in exam_areas.split(",") if area.strip())
        return cls(areas, tutoring_unit or None)

    def as_rule_scope(self) -> Scope:
        """The scope as the decision rule takes it."""
        return Scope(self.exam_areas, self.tutoring_unit)

    @property
    def areas_text(self) -> str:
        return ",".join(self.exam_areas)

    def condition(self) -> ColumnElement[bool]:
        if self.tutoring_unit:
            return Candidate.tutoring_unit == self.tutoring_unit
        if self.exam_areas:
            return Candidate.exam_area.in_(self.exam_areas)
        return false()

    def contains(self, candidate: Candidate) -> bool:
        if self.tutoring_unit:
            return candidate.tutoring_unit == self.tutoring_unit
        return candidate.exam_area in self.exam_areas


@dataclass(frozen=True)
class BlockGrant:
    series: str
    first_sequence: int
    last_sequence: int


@dataclass(frozen=True)
class EventAnswer:
    """The central answer to one event (see ``EventOutcome``)."""

    event_id: str
    outcome: EventOutcome
    reason_code: str | None = None
    message: str = ""
    central_version: dict[str, Any] | None = None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def candidate_snapshot(candidate: Candidate) -> dict[str, Any]:
    """The pulled columns of a candidate as JSON-ready values."""
    return {name: _json_value(getattr(candidate, name)) for name in PULLED_COLUMNS}


_Result = TypeVar("_Result")


class CentralDatabase:
    """The central PostgreSQL database as a counter's syncer (or an administrator) sees it."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise SyncError(
                f"the central database must be PostgreSQL, not {engine.dialect.name}",
                code="sync.central_not_postgresql",
            )
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str, *, connect_timeout_s: int = 10) -> CentralDatabase:
        """An engine without a pool: a syncer connects once per cycle, and a connection broken
        by the network is never handed out again."""
        try:
            engine = create_engine(
                url, poolclass=NullPool, connect_args={"connect_timeout": connect_timeout_s}
            )
        except SQLAlchemyError as error:
            raise SyncError(f"not a database URL: {url!r}", code="sync.bad_url") from error
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise CentralUnavailableError(
                    f"central database unreachable: {getattr(error, 'orig', None) or error}"
                ) from error
            raise
        finally:
            try:
                session.close()
            except SQLAlchemyError:  # the connection is already gone: nothing to roll back
                log.debug("closing a session on a broken connection", exc_info=True)

    def _write(self, work: Callable[[Session], _Result]) -> _Result:
        """Run ``work`` in one write transaction that holds the central write lock."""
        with self._session() as session:
            session.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))
            result = work(session)
            session.commit()
            return result

    def _read(self, work: Callable[[Session], _Result]) -> _Result:
        with self._session() as session:
            return work(session)

    # --- set-up -----------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Create or upgrade the schema (the same migrations as a counter's, plus the trigger)."""
        upgrade_schema(self.engine)

    def writer_database(self) -> Database:
        """A Database whose write transactions take the central write lock first (for the
        roster importer, which owns its own transaction)."""
        engine = create_engine(self.engine.url, pool_pre_ping=True)

        def take_write_lock(connection: Any) -> None:
            connection.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))

        sqlalchemy_event.listen(engine, "begin", take_write_lock)
        return Database(engine)

    def register_counter(self, site_id: str, counter_id: str, scope: CounterScope) -> None:
        """Create (or re-scope) a counter of a site; the scope is what the central side enforces."""

        def work(session: Session) -> None:
            if session.get(Site, site_id) is None:
                session.add(Site(id=site_id))
                session.flush()
            counter = session.get(CentralCounter, counter_id)
            if counter is None:
                session.add(
                    CentralCounter(
                        id=counter_id,
                        site_id=site_id,
                        exam_areas=scope.areas_text,
                        tutoring_unit=scope.tutoring_unit,
                    )
                )
                return
            if counter.site_id != site_id:
                raise SyncError(
                    f"counter {counter_id} is registered at site {counter.site_id}",
                    code="sync.counter_other_site",
                )
            counter.exam_areas = scope.areas_text
            counter.tutoring_unit = scope.tutoring_unit

        self._write(work)

    # --- ticket blocks ----------------------------------------------------------------------

    def blocks(self, counter_id: str, series: str) -> list[BlockGrant]:
        """Every block of ``series`` ever leased to the counter (a lost answer is found here)."""

        def work(session: Session) -> list[BlockGrant]:
            rows = session.execute(
                select(TicketBlock.first_sequence, TicketBlock.last_sequence)
                .where(TicketBlock.counter_id == counter_id, TicketBlock.series == series)
                .order_by(TicketBlock.first_sequence)
            ).all()
            return [BlockGrant(series, first, last) for first, last in rows]

        return self._read(work)

    def lease_block(
        self, site_id: str, counter_id: str, series: str, size: int, max_sequence: int
    ) -> BlockGrant:
        """Lease the next free range of ``series`` to the counter, in one transaction."""

        def work(session: Session) -> BlockGrant:
            if session.get(CentralCounter, counter_id) is None:
                raise PermissionDeniedError(
                    f"counter {counter_id} is not registered", code="sync.unknown_counter"
                )
            row = session.get(TicketSeries, series, with_for_update=True)
            if row is None:
                row = TicketSeries(series=series, highest_leased=0)
                session.add(row)
            first = row.highest_leased + 1
            if first > max_sequence:
                raise SyncError(
                    f"every sequence number of series {series} has been leased",
                    code="ticket.series_exhausted",
                )
            last = min(first + size - 1, max_sequence)
            row.highest_leased = last
            session.add(
                TicketBlock(
                    series=series,
                    first_sequence=first,
                    last_sequence=last,
                    next_sequence=first,
                    site_id=site_id,
                    counter_id=counter_id,
                    granted_by="central",
                )
            )
            return BlockGrant(series, first, last)

        return self._write(work)

    # --- push -------------------------------------------------------------------------------

    def apply_events(
        self,
        counter_id: str,
        events: Sequence[TransitionEvent],
        audit_head: tuple[int, str] | None = None,
    ) -> list[EventAnswer]:
        """Apply a batch of a counter's events in order; one answer per event, same order.

        One transaction for the batch, a savepoint per event: a refused event leaves no trace
        but its answer. An event already answered (a replayed batch) gets its stored answer and
        changes nothing.
        """
        return self._write(lambda session: _apply_batch(session, counter_id, events, audit_head))

    # --- pull -------------------------------------------------------------------------------

    def count_changes(self, counter_id: str, after: int) -> int:
        def work(session: Session) -> int:
            scope = _registered_scope(session, counter_id)
            query = select(func.count()).where(Candidate.change_number > after, scope.condition())
            return int(session.execute(query).scalar_one())

        return self._read(work)

    def changes(
        self, counter_id: str, after: int, limit: int
    ) -> tuple[CounterScope, list[dict[str, Any]]]:
        """The counter's scope as registered centrally (the authority on it), and the scope's
        candidates changed after change number ``after``, oldest change first."""
        columns = [Candidate.__table__.c[name] for name in PULLED_COLUMNS]

        def work(session: Session) -> tuple[CounterScope, list[dict[str, Any]]]:
            scope = _registered_scope(session, counter_id)
            query = (
                select(*columns)
                .where(Candidate.change_number > after, scope.condition())
                .order_by(Candidate.change_number)
                .limit(limit)
            )
            return scope, [dict(row._mapping) for row in session.execute(query)]

        return self._read(work)

    def registered_photo_checksums(self, registration_ids: Sequence[str]) -> set[tuple[str, str]]:
        """(registration id, sha256) of the registered e-photos of these candidates."""

        def work(session: Session) -> set[tuple[str, str]]:
            rows = session.execute(
                select(Candidate.registration_id, Photo.sha256)
                .join(Photo, Photo.candidate_id == Candidate.id)
                .where(
                    Candidate.registration_id.in_(registration_ids),
                    Photo.purpose == "registered",
                )
            ).all()
            return {(registration_id, sha256) for registration_id, sha256 in rows}

        return self._read(work)

    def registered_photos(self, wanted: set[tuple[str, str]]) -> list[tuple[str, str, str, bytes]]:
        """(registration id, sha256, media type, bytes) of the e-photos named in ``wanted``."""
        if not wanted:
            return []

        def work(session: Session) -> list[tuple[str, str, str, bytes]]:
            rows = session.execute(
                select(Candidate.registration_id, Photo.sha256, Photo.media_type, Photo.data)
                .join(Photo, Photo.candidate_id == Candidate.id)
                .where(
                    Candidate.registration_id.in_({r for r, _ in wanted}),
                    Photo.purpose == "registered",
                )
                .order_by(Photo.id)
            ).all()
            return [
                (r, sha256, media_type, data)
                for r, sha256, media_type, data in rows
                if (r, sha256) in wanted
            ]

        return self._read(work)

    def report_pulled(self, counter_id: str, through: int) -> None:
        """Record the counter's pull cursor centrally (for an administrator's overview)."""

        def work(session: Session) -> None:
            counter = session.get(CentralCounter, counter_id)
            if counter is not None and counter.pulled_through < through:
                counter.pulled_through = through
                counter.last_seen_at = utc_now()

        with self._session() as session:  # no write lock needed: one row, no change number
            work(session)
            session.commit()


def _registered_scope(session: Session, counter_id: str) -> CounterScope:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
    return CounterScope.parse(counter.exam_areas, counter.tutoring_unit)


# --- applying events ------------------------------------------------------------------------
#
# A batch is judged in memory after one locking read of everything it touches (its candidates
# FOR UPDATE, their operators, the counter's blocks, the ticket numbers it names), then written
# with one statement per table. Judging event by event against the state as earlier events of
# the batch left it gives the same answers as applying them one at a time. Should a write still
# fail (a constraint the judgement missed, a value too long for a column), the batch is undone
# and applied again one event per savepoint, so that the one bad event is answered "error" and
# the others go through.


class RefusedEventError(SyncError):
    """An event the central rules refuse (its ``code`` says which rule)."""

    code = "sync.refused"


_CANDIDATES = Candidate.__table__
_STATE_COLUMNS = ("state", "state_changed_at", "version", "ticket_number")


@dataclass
class _Batch:
    """What a batch reads once, and what its accepted events will write."""

    counter: CentralCounter
    scope: CounterScope
    candidates: dict[str, dict[str, Any]]  # registration id -> row, as accepted events leave it
    operators: dict[str, tuple[str, bool, str | None]]  # id -> (role, active, tutoring unit)
    blocks: list[tuple[int, str, int, int]]  # id, series, first, last
    numbers: dict[str, tuple[int, str]]  # ticket number -> (candidate id, status)
    referrers: dict[int, str]  # candidate id -> operator of its latest referral
    new_operators: list[dict[str, Any]] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    new_numbers: list[dict[str, Any]] = field(default_factory=list)
    retired_numbers: list[str] = field(default_factory=list)
    audit_entries: list[audit.PendingEntry] = field(default_factory=list)
    # (index in transitions, candidate id, photo row, template rows) of accepted events
    photos: list[tuple[int, int, dict[str, Any], list[dict[str, Any]]]] = field(
        default_factory=list
    )


def _apply_batch(
    session: Session,
    counter_id: str,
    events: Sequence[TransitionEvent],
    audit_head: tuple[int, str] | None,
) -> list[EventAnswer]:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
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
    _check_audit_head(counter, audit_head)
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
            log.warning("event %s could not be applied", event_id, exc_info=True)
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
            _judge(batch, event)
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
                    "payload": _logged_payload(event),
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
) -> _Batch:
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
    }
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
    return _Batch(counter, scope, candidates, operators, blocks, numbers, referrers)


def _judge(batch: _Batch, event: TransitionEvent) -> None:
    """Check one event against the state the batch has reached; record its effects if legal.

    Raises a DeskError naming the rule it breaks (nothing of the event is recorded then).
    """
    if event["kind"] != "transition":
        raise RefusedEventError(f"unknown event kind {event['kind']!r}", code="sync.unknown_event")
    counter = batch.counter
    if event["counter_id"] != counter.id:
        raise RefusedEventError(
            f"an event of counter {event['counter_id']} pushed by {counter.id}",
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
    role, active, unit = (
        known
        if known is not None
        else (Role(claimed["role"]).value, True, claimed.get("tutoring_unit"))
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
    ticket, new_number, retired = _ticket_effect(batch, candidate, action, event)
    photos = [_attachment_rows(candidate["id"], item) for item in event.get("attachments", [])]
    occurred_at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
    site_id, method = str(event["site_id"]), str(event["method"])

    # Every check passed: record the effects.
    if known is None:
        batch.operators[operator_id] = (role, True, unit)
        batch.new_operators.append(
            {
                "id": operator_id,
                "display_name": claimed.get("display_name") or operator_id,
                "role": role,
                "tutoring_unit": unit,
                "password_hash": None,
                "active": True,
                "created_at": utc_now(),
            }
        )
    if new_number is not None:
        batch.new_numbers.append(new_number)
        batch.numbers[new_number["number"]] = (candidate["id"], new_number["status"])
    if retired is not None:
        batch.retired_numbers.append(retired)
        batch.numbers[retired] = (candidate["id"], TicketStatus.RETIRED)
    if action is Action.REFER:
        batch.referrers[candidate["id"]] = operator_id
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
            "counter_id": counter.id,
            "method": method,
            "reason_code": reason.value if reason else None,
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
                "counter": counter.id,
                "event_id": event["event_id"],
                "counter_audit": event.get("audit", {}),
            },
        )
    )


def _ticket_effect(
    batch: _Batch, candidate: dict[str, Any], action: Action, event: TransitionEvent
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
            else _number_row(number, candidate["id"], None, TicketStatus.KEPT)
        )
        return number, row, None
    block_id = _leased_block(batch, str(event.get("ticket_series") or ""), number)
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
    return number, _number_row(number, candidate["id"], block_id, TicketStatus.ISSUED), None


def _attachment_rows(
    candidate_id: int, item: Attachment
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The photo and template rows of an attachment, refused if it is not what it claims."""
    data = base64.b64decode(item["data"], validate=True)
    if hashlib.sha256(data).hexdigest() != item["sha256"]:
        raise RefusedEventError(
            "an attached photo does not match its checksum", code="sync.bad_attachment"
        )
    if item["purpose"] not in ("live", "card_portrait"):
        raise RefusedEventError(
            f"an attached photo of purpose {item['purpose']!r}", code="sync.bad_attachment"
        )
    photo = {
        "candidate_id": candidate_id,
        "purpose": item["purpose"],
        "media_type": str(item["media_type"]),
        "sha256": item["sha256"],
        "data": data,
        "created_at": utc_now(),
    }
    templates = []
    for template in item.get("templates", []):
        vector = base64.b64decode(template["vector"], validate=True)
        dimensions = int(template["dimensions"])
        if len(vector) != 4 * dimensions:
            raise RefusedEventError(
                "an attached template does not have its dimensions", code="sync.bad_attachment"
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


def _logged_payload(event: TransitionEvent) -> dict[str, Any]:
    """The event as the log keeps it: attachments by checksum (their bytes are in photos)."""
    if not isinstance(event.get("attachments"), list) or not event["attachments"]:
        return dict(event)
    return {
        **event,
        "attachments": [
            {key: value for key, value in item.items() if key not in ("data", "templates")}
            for item in event["attachments"]
            if isinstance(item, dict)
        ],
    }


def _number_row(
    number: str, candidate_id: int, block_id: int | None, status: str
) -> dict[str, Any]:
    return {
        "number": number,
        "candidate_id": candidate_id,
        "block_id": block_id,
        "status": status,
        "issued_at": utc_now(),
        "retired_at": None,
    }


def _leased_block(batch: _Batch, series: str, number: str) -> int:
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
        f"ticket number {number} is not from a block leased to counter {batch.counter.id}",
        code="ticket.not_leased",
    )


def _write_batch(session: Session, batch: _Batch) -> None:
    """One statement per table for everything the accepted events of the batch changed."""
    if batch.new_operators:
        session.execute(insert(Operator), batch.new_operators)
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
    for transition_index, candidate_id, photo, templates in batch.photos:
        photo_id = session.execute(insert(Photo).returning(Photo.id), photo).scalar_one()
        if templates:
            session.execute(
                insert(FaceTemplate),
                [{**row, "photo_id": photo_id, "candidate_id": candidate_id} for row in templates],
            )
        evidence = batch.transitions[transition_index]["evidence"]
        evidence["counter_live_photo"] = evidence.get("live_photo")
        evidence["live_photo"] = photo_id
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
        row["registration_id"]: {name: _json_value(row[name]) for name in PULLED_COLUMNS}
        for row in rows
    }


def _check_audit_head(counter: CentralCounter, audit_head: tuple[int, str] | None) -> None:
    """Record the counter's audit head; a head that went back, or whose hash changed at the
    same length, means the counter's chain was rebuilt: flagged centrally, never cleared here."""
    problems: list[str] = []
    if audit_head is not None:
        sequence, entry_hash = audit_head
        if sequence < counter.audit_sequence:
            problems.append(
                f"audit head went back from {counter.audit_sequence} to {sequence}: "
                "the counter's chain was rebuilt"
            )
        elif sequence == counter.audit_sequence and entry_hash != counter.audit_hash:
            problems.append(f"audit entry {sequence} changed its hash: the chain was rebuilt")
        else:
            counter.audit_sequence, counter.audit_hash = sequence, entry_hash
    if problems and not counter.audit_problem:
        counter.audit_problem = "; ".join(problems)[:2000]
        log.warning("counter %s: %s", counter.id, counter.audit_problem)
